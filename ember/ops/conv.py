"""Convolution primitives: ``Conv`` (1-D and 2-D) and ``ConvTranspose``, by im2col + GEMM.

Layout: inside a convolution, activations are channel-major, (C, N, H, W), so that each
convolution is ONE large GEMM on contiguous float32 data:

* im2col copies a zero-padded channel-major input into a preallocated column buffer,
  ``cols[c, i, j, n, ho, wo] = xpad[c, n, i*dh + ho*sh, j*dw + wo*sw]``, with ``kh*kw``
  plain slice copies (never a Python loop over pixels or samples).
* ``out (O, N*Ho*Wo) = W (O, C*kh*kw) @ cols (C*kh*kw, N*Ho*Wo)``, batched over groups.
  The bias rides in the same GEMM: ``cols`` gets a row of ones and ``W`` the bias as an
  extra column, so there is no separate pass over the output to add it, and in the
  backward the gradient of that column is the bias gradient.
* The result is returned as an (N, O, Ho, Wo) *view* of the channel-major memory;
  elementwise ops and pooling keep that layout, so the next convolution reads it back
  without a transposing copy.
* Backward: ``dW = dY @ cols^T`` and ``dcols = W^T @ dY`` (single GEMMs; the transposes
  are BLAS flags, not copies), then col2im: ``kh*kw`` strided slice-adds into a
  preallocated zero-padded buffer.

With stride 1 and an output as wide as the input (``padding='same'``, 3x3 with padding 1,
...), im2col and col2im need no padded copy: each (channel, sample, i, j) is ONE shifted
run over the flattened H*W plane, with the few columns that wrap around zeroed, instead of
Ho runs of Wo floats (``_flat_shifts``).

1-D convolutions are 2-D convolutions with a height of 1; unbatched inputs get a batch of 1.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.backend_parallel import parallel_chunks


# ----------------------------------------------------------------------------- geometry
def conv_output_size(size: int, kernel: int, stride: int, pad_total: int, dilation: int) -> int:
    """Output length of a convolution along one dimension (may be < 1 for bad arguments)."""
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def _as_4d(x, w):
    """View ``x`` as (N, C, H, W) and ``w`` as (O, Cg, kh, kw); 1-D gets a height of 1."""
    if w.ndim == 3:
        w = w[:, :, None, :]
        x = x[..., None, :]
    if x.ndim == 3:
        x = x[None]
    return x, w


def _restore(a, shape, w_ndim):
    """Undo ``_as_4d`` on a (N, C, H, W) result by indexing (a view, never a copy)."""
    if w_ndim == 3:
        a = a[:, :, 0]
    if len(shape) == w_ndim - 1:
        a = a[0]
    return a


def _grad_4d(g, x_shape, w_ndim):
    """The output gradient as (N, O, Ho, Wo), the inverse of ``_restore``."""
    if len(x_shape) == w_ndim - 1:
        g = g[None]
    if w_ndim == 3:
        g = g[:, :, None, :]
    return g


class _Geometry:
    """Sizes of one 2-D convolution, computed once per forward."""

    __slots__ = ("n", "c", "h", "w", "kh", "kw", "sh", "sw", "dh", "dw", "pt", "pl",
                 "hp", "wp", "ho", "wo")

    def __init__(self, x_shape, kh, kw, stride, padding, dilation, out_hw=None):
        self.n, self.c, self.h, self.w = x_shape
        self.kh, self.kw = kh, kw
        self.sh, self.sw = stride
        self.dh, self.dw = dilation
        pt, pb, pl, pr = padding
        self.pt, self.pl = pt, pl
        self.hp, self.wp = self.h + pt + pb, self.w + pl + pr
        if out_hw is None:
            out_hw = ((self.hp - self.dh * (kh - 1) - 1) // self.sh + 1,
                      (self.wp - self.dw * (kw - 1) - 1) // self.sw + 1)
        self.ho, self.wo = out_hw

    def windows(self, img):
        """Yield ``(i, j, view)``: ``view[..., ho, wo] = img[..., ho*sh + i*dh, wo*sw + j*dw]``."""
        hspan, wspan = self.sh * (self.ho - 1) + 1, self.sw * (self.wo - 1) + 1
        for i in range(self.kh):
            for j in range(self.kw):
                r, s = i * self.dh, j * self.dw
                yield i, j, img[..., r:r + hspan:self.sh, s:s + wspan:self.sw]

    @property
    def strided(self) -> bool:
        return self.sh > 1 or self.sw > 1

    def phases(self):
        """The stride phases ``(a, b)`` that some window reads: ``(i*dh % sh, j*dw % sw)``."""
        return sorted({(i * self.dh % self.sh, j * self.dw % self.sw)
                       for i in range(self.kh) for j in range(self.kw)})

    def phase_windows(self, phases):
        """Windows as stride-1 views of the stride phases ``phases[a, b] = img[..., a::sh,
        b::sw]``: row ``ho*sh + r`` of the image is row ``ho + r // sh`` of phase ``r % sh``."""
        for i in range(self.kh):
            for j in range(self.kw):
                r, s = i * self.dh, j * self.dw
                ph = phases[r % self.sh, s % self.sw]
                yield i, j, ph[..., r // self.sh:r // self.sh + self.ho,
                               s // self.sw:s // self.sw + self.wo]


def _pad_input(x, geo):
    """(N, C, H, W) ``x`` zero-padded into a channel-major (C, N, Hp, Wp) buffer."""
    img = xp.zeros((geo.c, geo.n, geo.hp, geo.wp), x.dtype)
    img[:, :, geo.pt:geo.pt + geo.h, geo.pl:geo.pl + geo.w] = x.transpose(1, 0, 2, 3)
    return img


def im2col(img, geo, groups=1, ones=False):
    """Columns (G, Cg*kh*kw [+ 1], N*Ho*Wo) of a channel-major padded image (C, N, Hp, Wp).

    ``ones`` appends a row of ones per group (the bias's row in the GEMM).
    """
    cg = geo.c // groups
    k = cg * geo.kh * geo.kw
    cols = xp.empty((groups, k + ones, geo.n * geo.ho * geo.wo), img.dtype)
    if ones:
        cols[:, k] = 1
    view = cols[:, :k].reshape(groups, cg, geo.kh, geo.kw, geo.n, geo.ho, geo.wo)
    src = img.reshape(groups, cg, geo.n, geo.hp, geo.wp)
    if geo.strided:
        # copy each stride phase once, contiguous: the window copies then read plain rows
        # instead of every sh-th row and sw-th element (3-5x faster for stride 2)
        phases = {(a, b): xp.ascontiguousarray(src[..., a::geo.sh, b::geo.sw])
                  for a, b in geo.phases()}
        windows = geo.phase_windows(phases)
    else:
        windows = geo.windows(src)
    for i, j, window in windows:
        view[:, :, i, j] = window
    return cols


def col2im(cols, geo, piece=None, dtype=None):
    """Sum columns (C*kh*kw, N*Ho*Wo) back into a zero-padded channel-major image.

    ``piece(i, j)``, if given, returns the (C, N*Ho*Wo) columns of offset (i, j) instead
    (computed on the fly, so that they never exist all at once; give ``dtype`` then).
    """
    img = xp.zeros((geo.c, geo.n, geo.hp, geo.wp), dtype or cols.dtype)
    shape = (geo.c, geo.n, geo.ho, geo.wo)
    if piece is None:
        cols6 = cols.reshape(geo.c, geo.kh, geo.kw, geo.n, geo.ho, geo.wo)

        def piece(i, j):
            return cols6[:, i, j]
    if not geo.strided:
        for i, j, window in geo.windows(img):
            window += piece(i, j).reshape(shape)
        return img
    # accumulate into contiguous stride phases, then put each phase in place once
    phases = {(a, b): xp.zeros(img[..., a::geo.sh, b::geo.sw].shape, img.dtype)
              for a, b in geo.phases()}
    for i, j, window in geo.phase_windows(phases):
        window += piece(i, j).reshape(shape)
    for (a, b), ph in phases.items():
        img[..., a::geo.sh, b::geo.sw] = ph
    return img


def _crop(img, geo):
    """The unpadded (N, C, H, W) view of a channel-major padded image."""
    return img[:, :, geo.pt:geo.pt + geo.h, geo.pl:geo.pl + geo.w].transpose(1, 0, 2, 3)


def _channel_major(g):
    """(N, C, H, W) as a contiguous (C, N*H*W) matrix (free if already channel-major)."""
    gc = xp.ascontiguousarray(g.transpose(1, 0, 2, 3))
    return gc.reshape(gc.shape[0], -1)


def _flat_shifts(geo):
    """Whether im2col/col2im can shift whole flattened planes (stride 1, Wo == W), and how.

    Then output position ``q = ho*W + wo`` reads input position ``q + delta`` with
    ``delta = (i*dh - pt)*W + (j*dw - pl)``: one long run per (channel, sample, i, j)
    instead of ``Ho`` runs of ``Wo`` floats. The ``|j*dw - pl|`` columns that wrap
    around into the neighbouring row are the ones that read padding: they are zeroed.
    Yields ``(i, j, q_lo, q_hi, delta, col_shift)`` with ``[q_lo, q_hi)`` the outputs
    whose input is inside the image.
    """
    h, w, ho = geo.h, geo.w, geo.ho
    for i in range(geo.kh):
        a = i * geo.dh - geo.pt
        h0, h1 = max(0, -a), min(ho, h - a)
        for j in range(geo.kw):
            b = j * geo.dw - geo.pl
            delta = a * w + b
            q_lo, q_hi = max(h0 * w, -delta), min(h1 * w, h * w - delta)
            yield i, j, q_lo, max(q_lo, q_hi), delta, b


def _flat_ok(geo) -> bool:
    return geo.sh == 1 and geo.sw == 1 and geo.wo == geo.w


def _zero_wrapped(plane, geo, b):
    """Zero the output columns whose input column ``wo + b`` lies in the padding."""
    rows = plane.reshape(plane.shape[:-1] + (geo.ho, geo.w))
    if b < 0:
        rows[..., :-b] = 0
    elif b > 0:
        rows[..., geo.w - b:] = 0


def _im2col_flat(x, geo, groups, ones):
    """``im2col`` for stride 1 and Wo == W, from the unpadded channel-major input."""
    cg = geo.c // groups
    k = cg * geo.kh * geo.kw
    cols = xp.empty((groups, k + ones, geo.n * geo.ho * geo.wo), x.dtype)
    if ones:
        cols[:, k] = 1
    view = cols[:, :k].reshape(groups, cg, geo.kh, geo.kw, geo.n, geo.ho * geo.wo)
    src = x.reshape(groups, cg, geo.n, geo.h * geo.w)
    shifts = list(_flat_shifts(geo))

    def fill(src, view):
        for i, j, q_lo, q_hi, delta, b in shifts:
            plane = view[:, :, i, j]
            plane[..., :q_lo] = 0
            plane[..., q_hi:] = 0
            plane[..., q_lo:q_hi] = src[..., q_lo + delta:q_hi + delta]
            _zero_wrapped(plane, geo, b)

    # halves of the channels (or of the batch, for one input channel) on two threads:
    # conv2's im2col of cnn_mnist (128, 32, 14, 14) from 2.5 to 1.3 ms
    parallel_chunks(fill, src, view, axis=(1, 1) if cg > 1 else (2, 4))
    return cols


def _col2im_flat(cols, geo, piece=None, dtype=None):
    """``col2im`` for stride 1 and Wo == W: the unpadded channel-major gradient (C, N, H, W).

    ``piece`` as in ``col2im``; its arrays are scribbled on (wrapped columns zeroed).
    """
    dx = xp.zeros((geo.c, geo.n, geo.h * geo.w), dtype or cols.dtype)
    shifts = list(_flat_shifts(geo))
    if piece is None:
        cols5 = cols.reshape(geo.c, geo.kh, geo.kw, geo.n, geo.ho * geo.wo)

        def add(cols5, dx):
            for i, j, q_lo, q_hi, delta, b in shifts:
                plane = cols5[:, i, j]
                _zero_wrapped(plane, geo, b)
                dx[..., q_lo + delta:q_hi + delta] += plane[..., q_lo:q_hi]

        # halves of the channels on two threads: conv2's col2im of cnn_mnist from 4.1 to
        # 2.0 ms
        parallel_chunks(add, cols5, dx, axis=0)
        return dx.reshape(geo.c, geo.n, geo.h, geo.w)
    for i, j, q_lo, q_hi, delta, b in shifts:
        plane = piece(i, j).reshape(geo.c, geo.n, geo.ho * geo.wo)
        _zero_wrapped(plane, geo, b)
        dx[..., q_lo + delta:q_hi + delta] += plane[..., q_lo:q_hi]
    return dx.reshape(geo.c, geo.n, geo.h, geo.w)


# ----------------------------------------------------------------------------- Conv
class Conv(Function):
    """``out = conv(x, w) + b`` for 1-D (N, C, L) and 2-D (N, C, H, W) inputs.

    Attrs: ``stride`` (sh, sw), ``padding`` (top, bottom, left, right), ``dilation``
    (dh, dw), ``groups``; 1-D convolutions pass a height of 1 (stride (1, s), ...).
    Unbatched inputs (one dimension fewer) are accepted. Shapes are checked by
    ``ember.nn.functional.conv``. The output is an NCHW view of channel-major memory.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1):
        self.x_shape, self.w_shape = x.shape, w.shape
        x4, w4 = _as_4d(x, w)
        o, cg, kh, kw = w4.shape
        geo = _Geometry(x4.shape, kh, kw, stride, padding, dilation)
        w3 = w4.reshape(groups, o // groups, cg * kh * kw)
        has_bias = b is not None
        if _flat_ok(geo):
            xc = xp.ascontiguousarray(x4.transpose(1, 0, 2, 3))
            cols = _im2col_flat(xc, geo, groups, has_bias)
        else:
            cols = im2col(_pad_input(x4, geo), geo, groups, ones=has_bias)
        # [W | b] @ [cols; 1]: one GEMM per group gives W @ cols + b
        wb = xp.concatenate([w3, b.reshape(groups, -1, 1)], axis=2) if has_bias else w3
        y = xp.matmul(wb, cols).reshape(o, geo.n, geo.ho, geo.wo)
        self.geo, self.cols, self.w3, self.has_bias = geo, cols, w3, has_bias
        return _restore(y.transpose(1, 0, 2, 3), self.x_shape, len(self.w_shape))

    def backward(self, g):
        geo, w3, cols = self.geo, self.w3, self.cols
        groups, og, k = w3.shape
        rows = _channel_major(_grad_4d(g, self.x_shape, len(self.w_shape)))
        rows = rows.reshape(groups, og, -1)
        gw = gb = gx = None
        if self.needs_input_grad(1) or (self.has_bias and self.needs_input_grad(2)):
            # [dW | db] = dY @ [cols; 1]^T, computed as ([cols; 1] @ dY^T)^T: OpenBLAS is
            # faster with the long N*Ho*Wo reduction on this side (conv2 of cnn_mnist,
            # (64, 25088) x (25088, 289): 6.3 ms instead of 8.1 ms)
            gwb = xp.matmul(cols, rows.swapaxes(-1, -2)).swapaxes(-1, -2)
            gw = gwb[..., :k].reshape(self.w_shape)
            if self.has_bias:
                gb = gwb[..., k].reshape(-1)
        if self.needs_input_grad(0):
            gcols, piece = None, None
            if og == 1 and k == geo.kh * geo.kw:
                # depthwise: dcols[c, ij] = w[c, ij] * dY[c] is an outer product; form it
                # one offset at a time inside col2im instead of as a K=1 GEMM
                wk, g2 = w3[:, 0], rows.reshape(geo.c, -1)

                def piece(i, j):
                    return wk[:, i * geo.kw + j, None] * g2
            else:
                # dcols = W^T @ dY, then col2im
                gcols = xp.matmul(w3.swapaxes(-1, -2), rows)
            if _flat_ok(geo):
                gx = _col2im_flat(gcols, geo, piece, rows.dtype).transpose(1, 0, 2, 3)
            else:
                gx = _crop(col2im(gcols, geo, piece, rows.dtype), geo)
            gx = _restore(gx, self.x_shape, len(self.w_shape))
        return gx, gw, gb


# ----------------------------------------------------------------------------- transposed
class ConvTranspose(Function):
    """The transposed convolution (the input gradient of ``Conv``), 1-D or 2-D.

    ``w`` has shape (C_in, C_out/G, kh, kw). Attrs as ``Conv`` plus ``out_hw``, the output
    size (after padding is cropped and output_padding added), computed by the caller.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1, out_hw=(1, 1)):
        self.x_shape, self.w_shape = x.shape, w.shape
        x4, w4 = _as_4d(x, w)
        cin, og, kh, kw = w4.shape
        n, _, h, wi = x4.shape
        # the geometry of the conv whose input is this output and whose output is x
        pt, _, pl, _ = padding
        hp = max((h - 1) * stride[0] + dilation[0] * (kh - 1) + 1, pt + out_hw[0])
        wp = max((wi - 1) * stride[1] + dilation[1] * (kw - 1) + 1, pl + out_hw[1])
        geo = _Geometry((n, og * groups) + tuple(out_hw), kh, kw, stride,
                        (pt, hp - pt - out_hw[0], pl, wp - pl - out_hw[1]), dilation,
                        out_hw=(h, wi))
        w3 = w4.reshape(groups, cin // groups, og * kh * kw)
        xc = _channel_major(x4).reshape(groups, cin // groups, -1)
        # cols = W^T @ x, then col2im scatters them onto the (padded) output
        y = _crop(col2im(xp.matmul(w3.swapaxes(-1, -2), xc), geo), geo)
        if b is not None:
            y += b[:, None, None]
        self.geo, self.w3, self.xc, self.has_bias = geo, w3, xc, b is not None
        return _restore(y, self.x_shape, len(self.w_shape))

    def backward(self, g):
        geo, w3 = self.geo, self.w3
        g4 = _grad_4d(g, self.x_shape, len(self.w_shape))
        gb = g4.sum(axis=(0, 2, 3)) if self.has_bias and self.needs_input_grad(2) else None
        cols = im2col(_pad_input(g4, geo), geo, w3.shape[0])
        gx = gw = None
        if self.needs_input_grad(0):
            gx = xp.matmul(w3, cols).reshape(-1, geo.n, geo.ho, geo.wo).transpose(1, 0, 2, 3)
            gx = _restore(gx, self.x_shape, len(self.w_shape))
        if self.needs_input_grad(1):
            gw = xp.matmul(self.xc, cols.swapaxes(-1, -2)).reshape(self.w_shape)
        return gx, gw, gb
