"""Pooling and resampling primitives: ``MaxPool``, ``AvgPool``, ``AdaptiveMaxPool``, ``Resample``.

Pooling works on (M, H, W) views of the input (all leading dimensions folded into M; a
1-D pooling has H = 1), with the window offsets as ``kh*kw`` strided views of a padded
copy: ``view_ij[m, ho, wo] = xpad[m, ho*sh + i*dh, wo*sw + j*dw]``. The forward is a
running max (or sum) over those views, the backward ``kh*kw`` strided slice-adds. Max
pooling keeps, per output, which window offset won (the first one on ties, as PyTorch).

The common 2x2, stride 2 max pooling has its own path on the four phases of the input
(``x[:, 0::2, 0::2]``, ...): three comparisons forward, three boolean masks kept for the
backward.

``Resample`` computes ``A_h @ x @ A_w^T`` with constant matrices: nearest and
(bi)linear interpolation and adaptive average pooling are all separable linear maps.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp


def _as_3d(x, nd):
    """``x`` (..., H, W) or (..., L) as (M, H, W) (a 1-D signal gets H = 1)."""
    if nd == 1:
        return x.reshape(-1, 1, x.shape[-1])
    return x.reshape(-1, x.shape[-2], x.shape[-1])


def _windows(img, kernel, stride, dilation, out_hw):
    """Yield ``(i*kw + j, view)`` per window offset: ``view[m, ho, wo] = img[m, ho*sh + i*dh,
    wo*sw + j*dw]``."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    hspan, wspan = sh * (ho - 1) + 1, sw * (wo - 1) + 1
    for i in range(kh):
        for j in range(kw):
            r, s = i * dh, j * dw
            yield i * kw + j, img[:, r:r + hspan:sh, s:s + wspan:sw]


def _padded(x3, padding, kernel, stride, dilation, out_hw, fill):
    """``x3`` (M, H, W) in a buffer padded with ``fill``, large enough for every window."""
    m, h, w = x3.shape
    pt, pl = padding
    hp = max(h + 2 * pt, (out_hw[0] - 1) * stride[0] + dilation[0] * (kernel[0] - 1) + 1)
    wp = max(w + 2 * pl, (out_hw[1] - 1) * stride[1] + dilation[1] * (kernel[1] - 1) + 1)
    if (hp, wp) == (h, w):
        return x3
    img = xp.full((m, hp, wp), fill, x3.dtype)
    img[:, pt:pt + h, pl:pl + w] = x3
    return img


class MaxPool(Function):
    """Max over sliding windows. Attrs: ``nd`` (1 or 2), ``kernel``, ``stride``, ``padding``
    (per side, symmetric), ``dilation`` (pairs; height entries are 1 for 1-D) and
    ``out_hw``, the output size that the caller computed (ceil_mode lives there)."""

    def forward(self, x, nd=2, kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1),
                out_hw=(1, 1)):
        self.shape = x.shape
        x3 = _as_3d(x, nd)
        m, h, w = x3.shape
        ho, wo = out_hw
        self.fast = (kernel == stride == (2, 2) and padding == (0, 0) and dilation == (1, 1)
                     and 2 * ho <= h and 2 * wo <= w)
        self.args = kernel, stride, padding, dilation, out_hw
        self.hw = (h, w)
        self.out_shape = out_shape = x.shape[:-nd] + ((wo,) if nd == 1 else (ho, wo))
        if self.fast:
            x3 = x3[:, :2 * ho, :2 * wo]
            a, b = x3[:, 0::2, 0::2], x3[:, 0::2, 1::2]
            c, d = x3[:, 1::2, 0::2], x3[:, 1::2, 1::2]
            top, bottom = xp.maximum(a, b), xp.maximum(c, d)
            out = xp.maximum(top, bottom)
            # which offset won, first one on ties: right over left, bottom over top
            self.right_top, self.right_bottom, self.lower = b > a, d > c, bottom > top
            return out.reshape(out_shape)
        img = _padded(x3, padding, kernel, stride, dilation, out_hw, -xp.inf)
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
        return out.reshape(out_shape)

    def winner(self):
        """Per output, the winning window offset ``(i, j)`` as two integer arrays."""
        kw = self.args[0][1]
        if self.fast:
            lower = self.lower.astype(xp.int64)
            right = xp.where(self.lower, self.right_bottom, self.right_top).astype(xp.int64)
            return lower, right
        return self.idx // kw, self.idx % kw

    def indices(self):
        """PyTorch's ``return_indices``: flat positions ``row * W + col`` in the input."""
        kernel, stride, padding, dilation, (ho, wo) = self.args
        i, j = self.winner()
        rows = xp.arange(ho)[:, None] * stride[0] - padding[0] + i * dilation[0]
        cols = xp.arange(wo)[None, :] * stride[1] - padding[1] + j * dilation[1]
        return (rows * self.hw[1] + cols).astype(xp.int64).reshape(self.out_shape)

    def backward(self, g):
        kernel, stride, padding, dilation, (ho, wo) = self.args
        (h, w), m = self.hw, g.size // (ho * wo)
        g = g.reshape(m, ho, wo)
        if self.fast:
            dx = xp.zeros((m, h, w), g.dtype)
            gt = xp.where(self.lower, 0, g)
            gb = g - gt
            dx[:, 0:2 * ho:2, 0:2 * wo:2] = xp.where(self.right_top, 0, gt)
            dx[:, 0:2 * ho:2, 1:2 * wo:2] = xp.where(self.right_top, gt, 0)
            dx[:, 1:2 * ho:2, 0:2 * wo:2] = xp.where(self.right_bottom, 0, gb)
            dx[:, 1:2 * ho:2, 1:2 * wo:2] = xp.where(self.right_bottom, gb, 0)
            return (dx.reshape(self.shape),)
        dimg = xp.zeros((m,) + tuple(self.img_shape[1:]), g.dtype)
        for k, view in _windows(dimg, kernel, stride, dilation, (ho, wo)):
            view += xp.where(self.idx == k, g, 0)
        pt, pl = padding
        dx = dimg[:, pt:pt + h, pl:pl + w]
        return (xp.ascontiguousarray(dx).reshape(self.shape),)


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
        self.shape = x.shape
        x3 = _as_3d(x, nd)
        _, h, w = x3.shape
        one = (1, 1)
        img = _padded(x3, padding, kernel, stride, one, out_hw, 0)
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
        self.scale, self.img_shape, self.hw = scale, img.shape, (h, w)
        self.args = kernel, stride, padding, out_hw
        return out.reshape(x.shape[:-nd] + ((out_hw[1],) if nd == 1 else out_hw))

    def backward(self, g):
        kernel, stride, padding, out_hw = self.args
        (h, w), m = self.hw, g.size // (out_hw[0] * out_hw[1])
        gs = g.reshape(m, *out_hw) * self.scale
        dimg = xp.zeros((m,) + tuple(self.img_shape[1:]), g.dtype)
        for _, view in _windows(dimg, kernel, stride, (1, 1), out_hw):
            view += gs
        pt, pl = padding
        dx = dimg[:, pt:pt + h, pl:pl + w]
        return (xp.ascontiguousarray(dx).reshape(self.shape),)


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
    Backward: ``dx = A_h^T @ g @ A_w``.
    """

    def forward(self, x, ah, aw):
        self.ah, self.aw = ah, aw
        out = x @ aw.T
        if ah is not None:
            out = ah @ out
        return out

    def backward(self, g):
        if self.ah is not None:
            g = self.ah.T @ g
        return g @ self.aw, None, None
