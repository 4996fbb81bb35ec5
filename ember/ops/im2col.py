"""The geometry of N-d sliding windows, and im2col / col2im on channel-major images.

One implementation for 1-D, 2-D and 3-D convolutions (and the window loops of pooling):
``Geometry`` holds the sizes, ``windows`` yields one strided view per kernel offset.

Layout: inside a convolution, activations are channel-major, (C, N, *spatial), so that
each convolution is ONE large GEMM on contiguous float32 data:

* im2col copies a zero-padded channel-major input into a preallocated column buffer,
  ``cols[c, k0, k1, .., n, o0, o1, ..] = xpad[c, n, o0*s0 + k0*d0, o1*s1 + k1*d1, ..]``, with
  ``prod(kernel)`` plain slice copies (never a Python loop over pixels or samples).
* col2im is the adjoint: ``prod(kernel)`` slice-adds into a zero-padded buffer.
* Strided windows are read from (or summed into) contiguous copies of the stride phases
  ``xpad[..., a0::s0, a1::s1, ..]``: each window is then a stride-1 view of one phase.

With stride 1 and an output as large as the input in every spatial dimension but the
first (``padding='same'``, 3x3 with padding 1, ...), im2col and col2im need no padded
copy: each (channel, sample, offset) is ONE shifted run over the flattened image, with the
few positions that wrap around into a neighbouring row zeroed (``flat_shifts``).

A geometry can also describe a slab of the output: rows ``row0 .. row0 + out[0]`` of its
first spatial dimension (``Geometry.part``), so that a large convolution's columns can be
built and used a cache-sized piece at a time.
"""
from __future__ import annotations

import itertools
import math

from ember.backend import xp
from ember.backend_parallel import parallel_chunks


def conv_output_size(size: int, kernel: int, stride: int, pad_total: int, dilation: int) -> int:
    """Output length of a convolution along one dimension (may be < 1 for bad arguments)."""
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def windows(img, kernel, stride, dilation, out):
    """Yield ``(offset, view)`` per kernel offset (a tuple, row-major order), with
    ``view[..., o0, o1, ..] = img[..., o0*s0 + k0*d0, o1*s1 + k1*d1, ..]`` over the last
    ``len(kernel)`` axes of ``img``."""
    spans = [s * (o - 1) + 1 for s, o in zip(stride, out)]
    for offset in itertools.product(*(range(k) for k in kernel)):
        index = tuple(slice(k * d, k * d + span, s)
                      for k, d, span, s in zip(offset, dilation, spans, stride))
        yield offset, img[(Ellipsis,) + index]


class Geometry:
    """Sizes of one N-d convolution of an (N, C, *size) input, computed once per forward.

    ``padding`` is ``(before_0, after_0, before_1, after_1, ..)``; ``out`` defaults to the
    convolution's output size (the transposed convolution passes its input's size).
    """

    __slots__ = ("n", "c", "nd", "size", "kernel", "stride", "dilation", "before", "padded",
                 "out", "row0")

    def __init__(self, x_shape, kernel, stride, padding, dilation, out=None):
        self.n, self.c = x_shape[:2]
        self.size, self.kernel = tuple(x_shape[2:]), tuple(kernel)
        self.nd = len(self.size)
        self.stride, self.dilation = tuple(stride), tuple(dilation)
        self.before = tuple(padding[0::2])
        self.padded = tuple(n + b + a for n, b, a in zip(self.size, padding[0::2],
                                                         padding[1::2]))
        if out is None:
            out = tuple((p - d * (k - 1) - 1) // s + 1 for p, k, s, d in
                        zip(self.padded, self.kernel, self.stride, self.dilation))
        self.out = tuple(out)
        self.row0 = 0  # the first output row (first spatial dimension) described

    def part(self, n: int, row0: int, rows: int) -> Geometry:
        """The same convolution for ``n`` samples and output rows ``row0 .. row0 + rows``."""
        geo = Geometry.__new__(Geometry)
        for name in self.__slots__:
            setattr(geo, name, getattr(self, name))
        geo.n, geo.row0, geo.out = n, row0, (rows,) + self.out[1:]
        return geo

    def rows_read(self):
        """The padded input rows (first spatial dimension) that the output rows read."""
        lo = self.row0 * self.stride[0]
        return slice(lo, lo + (self.out[0] - 1) * self.stride[0]
                     + (self.kernel[0] - 1) * self.dilation[0] + 1)

    @property
    def n_out(self) -> int:
        """Output positions per (channel, sample)."""
        return math.prod(self.out)

    @property
    def strided(self) -> bool:
        return any(s > 1 for s in self.stride)

    def interior(self):
        """The index of the unpadded input inside a padded (C, N, *padded) buffer."""
        return (slice(None), slice(None)) + tuple(
            slice(b, b + n) for b, n in zip(self.before, self.size))

    def windows(self, img):
        return windows(img, self.kernel, self.stride, self.dilation, self.out)

    def phase_keys(self):
        """The stride phases ``(k0*d0 % s0, ..)`` that some window reads."""
        return sorted(set(itertools.product(*(
            {k * d % s for k in range(kk)}
            for kk, d, s in zip(self.kernel, self.dilation, self.stride)))))

    def phase_view(self, img, key):
        """``img[..., a0::s0, a1::s1, ..]`` for the phase ``key``."""
        return img[(Ellipsis,) + tuple(slice(a, None, s) for a, s in zip(key, self.stride))]

    def phase_windows(self, phases):
        """Windows as stride-1 views of the stride phases ``phases[key]``: index
        ``o*s + r`` of the image is index ``o + r // s`` of phase ``r % s``."""
        for offset in itertools.product(*(range(k) for k in self.kernel)):
            r = [k * d for k, d in zip(offset, self.dilation)]
            ph = phases[tuple(ri % s for ri, s in zip(r, self.stride))]
            index = tuple(slice(ri // s, ri // s + o) for ri, s, o in zip(r, self.stride,
                                                                         self.out))
            yield offset, ph[(Ellipsis,) + index]


def pad_input(x, geo):
    """(N, C, *size) ``x`` zero-padded into a channel-major (C, N, *padded) buffer."""
    img = xp.zeros((geo.c, geo.n) + geo.padded, x.dtype)
    img[geo.interior()] = x.swapaxes(0, 1)
    return img


def crop(img, geo):
    """The unpadded (N, C, *size) view of a channel-major padded image."""
    return img[geo.interior()].swapaxes(0, 1)


def channel_major(g):
    """(N, C, *spatial) as a contiguous (C, N * prod(spatial)) matrix (free if already
    channel-major)."""
    gc = xp.ascontiguousarray(g.swapaxes(0, 1))
    return gc.reshape(gc.shape[0], -1)


def _column_buffer(geo, groups, ones, dtype):
    """``cols`` (G, Cg*K [+ 1], N*n_out) with the row of ones set, and its (G, Cg, *kernel,
    N, *out) view without it."""
    cg = geo.c // groups
    k = cg * math.prod(geo.kernel)
    cols = xp.empty((groups, k + ones, geo.n * geo.n_out), dtype)
    if ones:
        cols[:, k] = 1
    return cols, cols[:, :k].reshape((groups, cg) + geo.kernel + (geo.n,) + geo.out)


def im2col(img, geo, groups=1, ones=False):
    """Columns (G, Cg*K [+ 1], N*n_out) of a channel-major padded image (C, N, *padded).

    ``ones`` appends a row of ones per group (the bias's row in the GEMM).
    """
    cols, view = _column_buffer(geo, groups, ones, img.dtype)
    img = img[:, :, geo.rows_read()]
    src = img.reshape((groups, geo.c // groups, geo.n) + img.shape[2:])
    if geo.strided:
        # copy each stride phase once, contiguous: the window copies then read plain rows
        # instead of every s-th row and element (3-5x faster for stride 2)
        phases = {key: xp.ascontiguousarray(geo.phase_view(src, key))
                  for key in geo.phase_keys()}
        views = geo.phase_windows(phases)
    else:
        views = geo.windows(src)
    for offset, window in views:
        view[(slice(None), slice(None)) + offset] = window
    return cols


def col2im(cols, geo, out=None):
    """Sum columns (C*K, N*n_out) back into a channel-major padded image (C, N, *padded):
    ``out`` if given (added to), else a new zero one."""
    if out is None:
        out = xp.zeros((geo.c, geo.n) + geo.padded, cols.dtype)
    img = out[:, :, geo.rows_read()]
    shape = (geo.c, geo.n) + geo.out
    colsk = cols.reshape((geo.c,) + geo.kernel + (geo.n,) + geo.out)
    if not geo.strided:
        for offset, window in geo.windows(img):
            window += colsk[(slice(None),) + offset].reshape(shape)
        return out
    # accumulate into contiguous stride phases, then add each phase in place once
    phases = {key: xp.zeros(geo.phase_view(img, key).shape, img.dtype)
              for key in geo.phase_keys()}
    for offset, window in geo.phase_windows(phases):
        window += colsk[(slice(None),) + offset].reshape(shape)
    for key, ph in phases.items():
        geo.phase_view(img, key)[...] += ph
    return out


# ----------------------------------------------------------------------------- flat shifts
def flat_ok(geo) -> bool:
    """Whether im2col/col2im can shift whole flattened images: stride 1 and the output as
    large as the input in every spatial dimension but the first."""
    return (not geo.strided) and geo.out[1:] == geo.size[1:]


def flat_shifts(geo):
    """Per kernel offset, how output position ``q`` of a flattened image reads input
    position ``q + delta``.

    With ``a_i = k_i*d_i - before_i`` the offset's shift along dimension i, ``delta =
    sum_i a_i * inner_i`` (``inner_i`` the input's stride along i, in elements). The
    positions whose index along an inner dimension i >= 1 wraps (``o_i + a_i`` outside
    the input) are the ones that read padding: they are zeroed (``zero_wrapped``). Yields
    ``(offset, q_lo, q_hi, delta, inner_shifts)`` with ``[q_lo, q_hi)`` the outputs whose
    input is inside the flattened image.
    """
    inner = [math.prod(geo.size[i + 1:]) for i in range(geo.nd)]
    total, plane = math.prod(geo.size), inner[0]
    r0 = geo.row0  # a slab's positions are counted from its first row
    for offset in itertools.product(*(range(k) for k in geo.kernel)):
        a = [k * d - b for k, d, b in zip(offset, geo.dilation, geo.before)]
        h0, h1 = max(r0, -a[0]), min(r0 + geo.out[0], geo.size[0] - a[0])
        delta = sum(ai * st for ai, st in zip(a, inner))
        q_lo, q_hi = max(h0 * plane, -delta), min(h1 * plane, total - delta)
        yield (offset, q_lo - r0 * plane, max(q_lo, q_hi) - r0 * plane, delta + r0 * plane,
               tuple(a[1:]))


def zero_wrapped(plane, geo, inner_shifts):
    """Zero the outputs of ``plane`` (..., n_out) whose input lies in the padding of an
    inner dimension (shift ``b`` along a dimension of size n: the first ``-b`` or the last
    ``b`` indices)."""
    if not any(inner_shifts):
        return
    grid = plane.reshape(plane.shape[:-1] + geo.out)
    nd = geo.nd
    for i, b in enumerate(inner_shifts, start=1):
        index = [slice(None)] * nd
        if b < 0:
            index[i] = slice(0, -b)
        elif b > 0:
            index[i] = slice(max(0, geo.size[i] - b), None)
        else:
            continue
        grid[(Ellipsis,) + tuple(index)] = 0


def im2col_flat(x, geo, groups, ones, split=True):
    """``im2col`` for ``flat_ok`` geometries, from the unpadded channel-major input
    (C, N, *size). ``split=False`` keeps the copies on the calling thread (for a small piece
    of a large convolution, cutting it in 8 would cost more in calls than it saves)."""
    cols, view = _column_buffer(geo, groups, ones, x.dtype)
    cg = geo.c // groups
    view = view.reshape((groups, cg) + geo.kernel + (geo.n, geo.n_out))
    src = x.reshape(groups, cg, geo.n, -1)  # a view when x's images are contiguous
    shifts = list(flat_shifts(geo))

    def fill(src, view):
        for offset, q_lo, q_hi, delta, inner in shifts:
            plane = view[(slice(None), slice(None)) + offset]
            plane[..., :q_lo] = 0
            plane[..., q_hi:] = 0
            plane[..., q_lo:q_hi] = src[..., q_lo + delta:q_hi + delta]
            zero_wrapped(plane, geo, inner)

    # halves of the channels (or of the batch, for one input channel) on two threads:
    # conv2's im2col of cnn_mnist (128, 32, 14, 14) from 2.5 to 1.3 ms
    if split:
        parallel_chunks(fill, src, view, axis=(1, 1) if cg > 1 else (2, 2 + geo.nd))
    else:
        fill(src, view)
    return cols


def col2im_flat(cols, geo, out=None, split=True):
    """``col2im`` for ``flat_ok`` geometries: the unpadded channel-major gradient (C, N,
    *size), added to ``out`` if given. Scribbles on ``cols`` (wrapped positions zeroed).
    ``split`` as for ``im2col_flat``."""
    if out is None:
        out = xp.zeros((geo.c, geo.n) + geo.size, cols.dtype)
    dx = out.reshape(geo.c, geo.n, -1)
    shifts = list(flat_shifts(geo))
    colsk = cols.reshape((geo.c,) + geo.kernel + (geo.n, geo.n_out))

    def add(colsk, dx):
        for offset, q_lo, q_hi, delta, inner in shifts:
            plane = colsk[(slice(None),) + offset]
            zero_wrapped(plane, geo, inner)
            dx[..., q_lo + delta:q_hi + delta] += plane[..., q_lo:q_hi]

    # halves of the channels on two threads: conv2's col2im of cnn_mnist from 4.1 to 2.0 ms
    if split:
        parallel_chunks(add, colsk, dx, axis=0)
    else:
        add(colsk, dx)
    return out
