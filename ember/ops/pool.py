"""Pooling and resampling primitives: ``MaxPool``, ``AvgPool``, ``AdaptiveMaxPool``, ``Resample``.

Pooling works on the last two dimensions of the input, whatever its leading ones (a 1-D
signal gets a height of 1), and keeps the input's memory layout: after a convolution the
activations are channel-major (see ``ember.ops.conv``), and padded copies and gradients
here are allocated in that same order, so that nothing is transposed on the way.

General windows are ``kh*kw`` strided views of a padded copy,
``view_ij[..., ho, wo] = xpad[..., ho*sh + i*dh, wo*sw + j*dw]``: the forward is a running
max (or sum) over them, the backward ``kh*kw`` strided slice-adds. Max pooling keeps, per
output, which window offset won (the first one on ties, as PyTorch).

The common 2x2, stride 2 max pooling has a fast path: three ``maximum`` calls over the four
phases ``x[..., 0::2, 0::2]``, ... into one output buffer, a one-byte code per output of
which phase won (computed only when gradients are recorded), and a backward that writes
each phase of the gradient straight into place with ``multiply``.

``Resample`` computes ``A_h @ x @ A_w^T`` with constant matrices: nearest and
(bi)linear interpolation and adaptive average pooling are all separable linear maps.
"""
from __future__ import annotations

from ember import autograd
from ember.autograd import Function
from ember.backend import xp
from ember.backend_parallel import parallel_chunks


def _as_hw(x, nd):
    """``x`` with the pooled dimensions last two (a 1-D signal gets a height of 1)."""
    return x[..., None, :] if nd == 1 else x


def _layout(x):
    """``x``'s leading (non-spatial) axes, outermost in memory first."""
    return sorted(range(x.ndim - 2), key=lambda a: -x.strides[a])


def _full(shape, fill, dtype, layout):
    """An array of ``shape`` filled with ``fill`` (None: uninitialised), leading axes in
    memory order ``layout``.

    Gradients and padded copies then share their input's layout (channel-major after a
    convolution), so the ops around them never copy between layouts.
    """
    perm = list(layout) + [len(layout), len(layout) + 1]
    shape = tuple(shape[a] for a in perm)
    buf = xp.empty(shape, dtype) if fill is None else xp.full(shape, fill, dtype)
    return buf.transpose(xp.argsort(perm))


def _windows(img, kernel, stride, dilation, out_hw):
    """Yield ``(i*kw + j, view)`` per window offset: ``view[..., ho, wo] = img[...,
    ho*sh + i*dh, wo*sw + j*dw]``."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    hspan, wspan = sh * (ho - 1) + 1, sw * (wo - 1) + 1
    for i in range(kh):
        for j in range(kw):
            r, s = i * dh, j * dw
            yield i * kw + j, img[..., r:r + hspan:sh, s:s + wspan:sw]


def _padded_shape(shape, padding, kernel, stride, dilation, out_hw):
    """Shape of a padded copy large enough for every window (ceil_mode's included)."""
    h, w = shape[-2:]
    hp = max(h + 2 * padding[0], (out_hw[0] - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1)
    wp = max(w + 2 * padding[1], (out_hw[1] - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1)
    return tuple(shape[:-2]) + (hp, wp)


def _padded(x, padding, kernel, stride, dilation, out_hw, fill):
    """``x`` (..., H, W) in a buffer padded with ``fill`` (``x`` itself if none is needed)."""
    shape = _padded_shape(x.shape, padding, kernel, stride, dilation, out_hw)
    if shape == x.shape:
        return x
    img = _full(shape, fill, x.dtype, _layout(x))
    h, w = x.shape[-2:]
    img[..., padding[0]:padding[0] + h, padding[1]:padding[1] + w] = x
    return img


def _unpad(dimg, padding, hw):
    """The gradient of ``_padded``: the input region of ``dimg``."""
    pt, pl = padding
    return dimg[..., pt:pt + hw[0], pl:pl + hw[1]]


class MaxPool(Function):
    """Max over sliding windows. Attrs: ``nd`` (1 or 2), ``kernel``, ``stride``, ``padding``
    (per side, symmetric), ``dilation`` (pairs; height entries are 1 for 1-D) and
    ``out_hw``, the output size that the caller computed (ceil_mode lives there)."""

    def forward(self, x, nd=2, kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1),
                out_hw=(1, 1)):
        self.shape, self.nd = x.shape, nd
        x = _as_hw(x, nd)
        h, w = x.shape[-2:]
        ho, wo = out_hw
        self.args = kernel, stride, padding, dilation, out_hw
        self.hw, self.layout = (h, w), _layout(x)
        self.fast = (kernel == stride == (2, 2) and padding == (0, 0) and dilation == (1, 1)
                     and 2 * ho <= h and 2 * wo <= w)
        if self.fast:
            out = self._phases_forward(x, ho, wo)
        else:
            out = self._windows_forward(x, kernel, stride, padding, dilation, out_hw)
        return out[..., 0, :] if nd == 1 else out

    def _phases_forward(self, x, ho, wo):
        """2x2 max as the max of the four phases of ``x`` (any layout, odd sizes too), written
        into one output buffer in ``x``'s layout: 3.3 ms for conv1's (128, 32, 28, 28)
        channel-major output with the winner code, against 4.7 ms for pairwise maxima of
        contiguous memory with boolean masks; 1.8 ms with halves of the outermost leading
        axis on two threads (backward: 3.0 -> 1.4 ms)."""
        out = _full(x.shape[:-2] + (ho, wo), None, x.dtype, self.layout)
        if autograd.is_grad_enabled():
            self.code = _full(out.shape, None, xp.uint8, self.layout)
            self._split(_max4_and_code, x, out, self.code)
            self.x = self.out = None
        else:
            self._split(_max4, x, out)
            self.code, self.x, self.out = None, x, out
        return out

    def _split(self, fn, *arrays):
        """``fn(*arrays)``, on chunks of the outermost leading axis (never a pooled one)."""
        if self.layout:
            parallel_chunks(fn, *arrays, axis=self.layout[0])
        else:
            fn(*arrays)

    def _windows_forward(self, x, kernel, stride, padding, dilation, out_hw):
        """Running max over the window offsets, remembering the first winner."""
        img = _padded(x, padding, kernel, stride, dilation, out_hw, -xp.inf)
        out = idx = None
        for k, view in _windows(img, kernel, stride, dilation, out_hw):
            if out is None:
                out = view.copy()
                idx = xp.zeros(out.shape, xp.int16)
                continue
            better = view > out
            xp.maximum(out, view, out=out)
            xp.copyto(idx, k, where=better)
        self.idx, self.img_shape = idx, img.shape
        return out

    def _code(self):
        """The fast path's winner code, computed now if forward ran without grad mode."""
        if self.code is None:
            self.code = _full(self.out.shape, None, xp.uint8, self.layout)
            _winner_code(*_phases(self.x)[:3], self.out, self.code)
        return self.code

    def winner(self):
        """Per output, the winning window offset ``(i, j)`` as two integer arrays."""
        kw = self.args[0][1]
        if self.fast:
            code = self._code().astype(xp.int64)
            return code >> 1, code & 1
        return self.idx // kw, self.idx % kw

    def indices(self):
        """PyTorch's ``return_indices``: flat positions ``row * W + col`` in the input."""
        kernel, stride, padding, dilation, (ho, wo) = self.args
        i, j = self.winner()
        rows = xp.arange(ho)[:, None] * stride[0] - padding[0] + i * dilation[0]
        cols = xp.arange(wo)[None, :] * stride[1] - padding[1] + j * dilation[1]
        ind = (rows * self.hw[1] + cols).astype(xp.int64)
        return ind[..., 0, :] if self.nd == 1 else ind

    def backward(self, g):
        kernel, stride, padding, dilation, (ho, wo) = self.args
        g = _as_hw(g, self.nd)
        if self.fast:
            dx = self._phases_backward(g, ho, wo)
        else:
            dimg = _full(self.img_shape, 0, g.dtype, self.layout)
            for k, view in _windows(dimg, kernel, stride, dilation, (ho, wo)):
                view += xp.where(self.idx == k, g, 0)
            dx = _unpad(dimg, padding, self.hw)
        return (dx[..., 0, :] if self.nd == 1 else dx,)

    def _phases_backward(self, g, ho, wo):
        h, w = self.hw
        dx = _full(g.shape[:-2] + self.hw, None, g.dtype, self.layout)
        if 2 * ho < h or 2 * wo < w:  # floor mode dropped a last row or column
            dx[..., 2 * ho:, :] = 0
            dx[..., :, 2 * wo:] = 0
        if _layout(g) != self.layout:
            # one reordering copy (after Flatten, g is NCHW while x was channel-major):
            # 1.9 ms instead of 5.6 ms for four passes reading g across the layout
            gl = _full(g.shape, None, g.dtype, self.layout)
            self._split(xp.copyto, gl, g)
            g = gl
        # the gradient goes to the winner of each window, written phase by phase
        self._split(_route, g, self._code(), dx)
        return dx


def _phases(x):
    """The four 2x2 window offsets of ``x`` as strided views, in scan order (a last odd row
    or column is left out)."""
    h2, w2 = x.shape[-2] // 2 * 2, x.shape[-1] // 2 * 2
    return (x[..., 0:h2:2, 0:w2:2], x[..., 0:h2:2, 1:w2:2],
            x[..., 1:h2:2, 0:w2:2], x[..., 1:h2:2, 1:w2:2])


def _max4(x, out):
    a, b, c, d = _phases(x)
    xp.maximum(a, b, out=out)
    xp.maximum(out, c, out=out)
    xp.maximum(out, d, out=out)


def _max4_and_code(x, out, code):
    _max4(x, out)
    _winner_code(*_phases(x)[:3], out, code)


def _winner_code(a, b, c, out, code):
    """Per 2x2 window, the first offset (0..3 in scan order) equal to its max, as uint8
    (one byte per output instead of three boolean masks). Ties go to the first maximum, as
    PyTorch's; a NaN window has no equal offset and routes its gradient to offset 3."""
    ea, eb, ec = a == out, b == out, c == out
    # 3 - ec, then 1 where b won, then 0 where a won: bool/uint8 passes over the output
    xp.subtract(3, ec, out=code, dtype=xp.uint8)
    xp.multiply(code, ~eb, out=code)
    code += eb
    xp.multiply(code, ~ea, out=code)


def _route(g, code, dx):
    """``dx``'s four phases: ``g`` where the phase won its window, 0 elsewhere."""
    for k, phase in enumerate(_phases(dx)):
        xp.multiply(g, code == k, out=phase)


class MaxPoolWithIndices(MaxPool):
    """``MaxPool`` that also returns the flat input position of every maximum (int64)."""

    n_out = 2

    def forward(self, x, **attrs):
        out = super().forward(x, **attrs)
        return out, self.indices()

    def backward(self, g, g_indices=None):
        return super().backward(g)


class AvgPool(Function):
    """Mean over sliding windows, with PyTorch's divisors.

    Attrs as ``MaxPool`` (no dilation) plus ``count_include_pad`` and ``divisor_override``.
    The divisor of a window is its size clipped to the zero-padded input (windows that
    ceil_mode lets run past it are shorter), or only its real-input part when
    ``count_include_pad`` is False.
    """

    def forward(self, x, nd=2, kernel=(2, 2), stride=(2, 2), padding=(0, 0), out_hw=(1, 1),
                count_include_pad=True, divisor_override=None):
        self.shape, self.nd = x.shape, nd
        x = _as_hw(x, nd)
        h, w = x.shape[-2:]
        one = (1, 1)
        img = _padded(x, padding, kernel, stride, one, out_hw, 0)
        out = None
        for _, view in _windows(img, kernel, stride, one, out_hw):
            out = view.copy() if out is None else xp.add(out, view, out=out)
        if divisor_override:
            scale = xp.asarray(1.0 / divisor_override, x.dtype)
        else:
            # the divisor is separable: rows(ho) * cols(wo)
            rows = _window_counts(h, kernel[0], stride[0], padding[0], out_hw[0],
                                  count_include_pad)
            cols = _window_counts(w, kernel[1], stride[1], padding[1], out_hw[1],
                                  count_include_pad)
            scale = (1.0 / (rows[:, None] * cols[None, :])).astype(x.dtype)
        out *= scale
        self.scale, self.img_shape, self.hw, self.layout = scale, img.shape, (h, w), _layout(x)
        self.args = kernel, stride, padding, out_hw
        return out[..., 0, :] if nd == 1 else out

    def backward(self, g):
        kernel, stride, padding, out_hw = self.args
        gs = _as_hw(g, self.nd) * self.scale
        dimg = _full(self.img_shape, 0, g.dtype, self.layout)
        for _, view in _windows(dimg, kernel, stride, (1, 1), out_hw):
            view += gs
        dx = _unpad(dimg, padding, self.hw)
        return (dx[..., 0, :] if self.nd == 1 else dx,)


def _window_counts(size, k, s, p, n_out, count_include_pad):
    """Per output position along one dimension, the number of elements its divisor counts."""
    start = xp.arange(n_out) * s - p
    end = xp.minimum(start + k, size + p)
    if count_include_pad:
        return (end - start).astype(xp.float64)
    return (xp.minimum(end, size) - xp.maximum(start, 0)).astype(xp.float64)


def adaptive_bins(size: int, n_out: int):
    """PyTorch's adaptive pooling bins: [floor(i*size/n), ceil((i+1)*size/n)) for each i."""
    starts = [(i * size) // n_out for i in range(n_out)]
    ends = [-((-(i + 1) * size) // n_out) for i in range(n_out)]
    return starts, ends


class AdaptiveMaxPool(Function):
    """Max over PyTorch's adaptive bins of (..., H, W); ``out_hw`` given.

    Bins can differ in size, so this loops over the output grid (out_h * out_w small
    reductions, each vectorised over batch and channels). Returns the flat input indices
    as a second output.
    """

    n_out = 2

    def forward(self, x, out_hw=(1, 1)):
        self.shape = x.shape
        x3 = x.reshape(-1, x.shape[-2], x.shape[-1])
        m, h, w = x3.shape
        ho, wo = out_hw
        rs, re = adaptive_bins(h, ho)
        cs, ce = adaptive_bins(w, wo)
        out = xp.empty((m, ho, wo), x.dtype)
        idx = xp.empty((m, ho, wo), xp.int64)
        for i in range(ho):
            for j in range(wo):
                block = x3[:, rs[i]:re[i], cs[j]:ce[j]].reshape(m, -1)
                k = block.argmax(axis=1)
                out[:, i, j] = block[xp.arange(m), k]
                bw = ce[j] - cs[j]
                idx[:, i, j] = (rs[i] + k // bw) * w + cs[j] + k % bw
        self.idx = idx
        lead = x.shape[:-2]
        return out.reshape(lead + (ho, wo)), idx.reshape(lead + (ho, wo))

    def backward(self, g, g_indices=None):
        m = self.idx.shape[0]
        h, w = self.shape[-2:]
        dx = xp.zeros((m, h * w), g.dtype)
        # bins may overlap, so several outputs can pick one input: accumulate per output
        flat_idx = self.idx.reshape(m, -1)
        gf = g.reshape(m, -1)
        rows = xp.arange(m)[:, None]
        for k in range(flat_idx.shape[1]):
            dx[rows[:, 0], flat_idx[:, k]] += gf[:, k]
        return (dx.reshape(self.shape),)


class Resample(Function):
    """``out = A_h @ x @ A_w^T`` on the last two dimensions (``A_h`` None: last one only).

    Nearest and (bi)linear interpolation and adaptive average pooling are such separable
    linear maps; the caller builds the (out, in) matrices in the input's dtype.
    Backward: ``dx = A_h^T @ g @ A_w``. Each side is ONE GEMM over all leading dimensions
    folded together (not one small GEMM per image and channel).
    """

    def forward(self, x, ah, aw):
        self.ah, self.aw, self.shape = ah, aw, x.shape
        return _separable(x, ah, aw)

    def backward(self, g):
        ah_t = None if self.ah is None else self.ah.T
        return _separable(g, ah_t, self.aw.T).reshape(self.shape), None, None


# Below this many entries, kron(A_h, A_w) is applied as one GEMM over flattened planes
# (global and small adaptive pooling: a single matrix-vector product over the batch).
_KRON_MAX = 1 << 16


def _separable(x, ah, aw):
    """``ah @ x @ aw^T`` over the last two axes of ``x`` as one or two folded GEMMs."""
    if ah is not None and ah.size * aw.size <= _KRON_MAX:
        h, w = x.shape[-2:]
        # out[.., i, j] = sum_pq ah[i, p] aw[j, q] x[.., p, q]
        k, flat = xp.kron(ah, aw), x.reshape(-1, h * w)
        # a 1x1 input (global pooling's backward) is an outer product: a broadcast beats GEMM
        y = flat * k[:, 0] if h * w == 1 else flat @ k.T
        return y.reshape(x.shape[:-2] + (ah.shape[0], aw.shape[0]))
    lead, w = x.shape[:-1], x.shape[-1]
    y = (x.reshape(-1, w) @ aw.T).reshape(lead + (aw.shape[0],))
    if ah is None:
        return y
    h, wo = y.shape[-2:]
    # contract the height: bring it last, fold everything else, one GEMM
    yt = xp.swapaxes(y, -1, -2).reshape(-1, h) @ ah.T
    return xp.swapaxes(yt.reshape(lead[:-1] + (wo, ah.shape[0])), -1, -2)
