"""Fused normalisation primitives: batch, layer and group norm, with analytic backward.

Each normalises ``x`` over some axes to ``xhat = (x - mean) / sqrt(var + eps)`` (biased
variance) and applies a per-feature affine map ``y = xhat * w + b``. Written from
primitives, a norm layer records about ten ops and keeps as many temporaries; fused, it
makes two passes forward and two backward.

The gradient through the normalisation, with ``gh = dL/dxhat`` and means over the M
normalised elements:

    dx = invstd * (gh - mean(gh) - xhat * mean(gh * xhat))
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.backend_parallel import parallel_blocks
from ember.errors import shape_error

# Elements per block of rows in LayerNorm. Two Python threads pay for each hand-over of the
# GIL (about 8 us between NumPy calls on this machine), so calls must be long; blocks of
# 2**15 elements (L2-resident) ran slower on two threads than on one.
_BLOCK = 1 << 18
# Below this many elements LayerNorm runs on one thread: on (32, 64, 384) two threads were
# no faster (0.84 vs 0.74 ms forward), on (128, 64, 256) they were (2.3 vs 3.4 ms).
_PARALLEL_MIN = 1 << 20


def _affine(xhat, w, b):
    """``xhat * w + b`` (either may be None) in a new array: ``xhat`` is kept for backward,
    so the caller's output must not share it."""
    if w is not None:
        out = xhat * w
        if b is not None:
            out += b
        return out
    return xhat.copy() if b is None else xhat + b


def _normalized_grad(gh, xhat, invstd, axes):
    """dL/dx from dL/dxhat (``gh``) when mean and variance were taken over ``axes``."""
    mean_g = gh.mean(axis=axes, keepdims=True)
    mean_gx = (gh * xhat).mean(axis=axes, keepdims=True)
    gx = gh - mean_g  # in place from here: one temporary instead of four
    gx -= xhat * mean_gx
    gx *= invstd
    return gx


class BatchNorm(Function):
    """Normalise ``x`` (N, C, *) per channel over N and the spatial dims.

    In training (``training=True``) the batch's statistics are used and, when running
    buffers are given, updated in place: ``r = (1 - momentum) r + momentum s`` with the
    unbiased variance, as PyTorch. Otherwise the running statistics normalise.
    """

    def forward(self, x, weight, bias, running_mean, running_var, training=True,
                momentum=0.1, eps=1e-5):
        if x.ndim < 2:
            raise shape_error("batch_norm", "input must be (N, C, *)", x.shape)
        c = x.shape[1]
        for name, a in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                        ("running_var", running_var)):
            if a is not None and a.shape != (c,):
                raise shape_error("batch_norm", f"{name} must have one entry per channel "
                                  f"({c} channels in the input)", x.shape, a.shape)
        axes = (0,) + tuple(range(2, x.ndim))
        bshape = (1, c) + (1,) * (x.ndim - 2)  # a per-channel vector, broadcastable to x
        self.axes, self.training = axes, training
        self.w = None if weight is None else weight.reshape(bshape)
        if training:
            count = x.size // c
            if count <= 1:
                raise ValueError("batch_norm: Expected more than 1 value per channel when "
                                 f"training, got input size {tuple(x.shape)}")
            mean = x.mean(axis=axes, keepdims=True)
            xc = x - mean
            var = (xc * xc).mean(axis=axes, keepdims=True)
            invstd = 1.0 / xp.sqrt(var + eps)
            xc *= invstd
            self.xhat = xhat = xc
            if running_mean is not None:
                running_mean *= 1.0 - momentum
                running_mean += momentum * mean.reshape(c)
            if running_var is not None:
                running_var *= 1.0 - momentum
                running_var += (momentum * count / (count - 1)) * var.reshape(c)
            out = _affine(xhat, self.w, None if bias is None else bias.reshape(bshape))
        else:
            if running_mean is None or running_var is None:
                raise ValueError("batch_norm: running_mean and running_var are needed when "
                                 "training=False")
            invstd = (1.0 / xp.sqrt(running_var + eps)).astype(x.dtype).reshape(bshape)
            self.x, self.mean = x, running_mean.reshape(bshape)
            scale = invstd if weight is None else invstd * self.w
            out = x * scale
            if bias is None:
                out -= self.mean * scale
            else:
                out += bias.reshape(bshape) - self.mean * scale
            self.scale = scale
            self.invstd = invstd
            return out
        self.invstd = invstd
        return out

    def backward(self, g):
        axes, w = self.axes, self.w
        gw = gb = None
        if self.training:
            xhat = self.xhat
            sum_g = g.sum(axis=axes, keepdims=True)
            sum_gx = (g * xhat).sum(axis=axes, keepdims=True)
            gx = None
            if self.needs_input_grad(0):
                count = g.size // g.shape[1]
                # dx = invstd * w / M * (M g - sum(g) - xhat * sum(g xhat))
                k = self.invstd / count if w is None else self.invstd * w / count
                gx = count * g
                gx -= sum_g
                gx -= xhat * sum_gx
                gx *= k
        else:
            gx = g * self.scale if self.needs_input_grad(0) else None
            sum_g = g.sum(axis=axes, keepdims=True) if self.needs_input_grad(2) else None
            sum_gx = None
            if self.needs_input_grad(1):
                sum_gx = (g * ((self.x - self.mean) * self.invstd)).sum(axis=axes,
                                                                        keepdims=True)
        if w is not None and self.needs_input_grad(1):
            gw = sum_gx.reshape(-1)
        if self.needs_input_grad(2):
            gb = sum_g.reshape(-1)
        return gx, gw, gb, None, None


class LayerNorm(Function):
    """Normalise over the last ``ndim`` dimensions, with an elementwise affine map.

    Rows are (R, D) after a reshape, processed in blocks of rows on two threads
    (``parallel_blocks``); ``xhat`` is formed in the output block, the one full-size
    array written, and the passes after the first read it from the cache.
    Forward keeps the per-row ``mean`` and ``rstd = 1 / sqrt(var + eps)``; backward
    recomputes ``x - mean`` block by block and applies one formula,

        dx = rstd * (h - mean(h) - xhat * mean(h * xhat)),  h = g * w,

    the weight gradient summed per block by BLAS (``rstd @ (g (x - mean))``), the bias
    gradient in one BLAS column sum.

    Still 3 to 5 times PyTorch's time (forward 7.4x -> 2.9x on (128, 64, 256) float32,
    8.1x -> 4.8x on (32, 64, 384)): NumPy makes six passes over the rows (mean, centring,
    variance, scaling, weight, bias), half of them with a per-row operand, which NumPy
    loops over row by row, where PyTorch's fused kernel reads x once and writes y once.
    """

    def forward(self, x, weight, bias, ndim=1, eps=1e-5):
        d = _prod(x.shape[x.ndim - ndim:])
        self.x = x2 = xp.ascontiguousarray(x).reshape(-1, d)
        rows = x2.shape[0]
        self.block = rb = _rows_per_block(rows, d)
        self.mean = means = xp.empty(rows, x.dtype)
        self.rstd = rstd = xp.empty(rows, x.dtype)
        self.w = None if weight is None else weight.reshape(d)
        w_rows = None if weight is None else _tile(self.w, rb)
        b_rows = None if bias is None else _tile(bias.reshape(d), rb)
        out = xp.empty_like(x2)
        inv_d = 1.0 / max(d, 1)
        mean_of = xp.full(d, inv_d, x.dtype)  # vecdot with it: row means (einsum holds the GIL)

        def kernel(lo, hi, k):
            xb, r, m, n = x2[lo:hi], rstd[lo:hi], means[lo:hi], hi - lo
            xp.vecdot(xb, mean_of, out=m)
            ob = xp.subtract(xb, m[:, None], out=out[lo:hi])  # xhat in the output block
            xp.vecdot(ob, ob, out=r)  # the biased variance, times d
            r *= inv_d
            r += eps
            xp.sqrt(r, out=r)
            xp.reciprocal(r, out=r)
            ob *= r[:, None]
            if w_rows is not None:
                ob *= w_rows[:n]
            if b_rows is not None:
                ob += b_rows[:n]

        parallel_blocks(kernel, rows, rb, _min_blocks(x2))
        return out.reshape(x.shape)

    def backward(self, g):
        x2, means, rstd, w, rb = self.x, self.mean, self.rstd, self.w, self.block
        rows, d = x2.shape
        g2 = xp.ascontiguousarray(g).reshape(rows, d)
        want_x = self.needs_input_grad(0)
        want_w = w is not None and self.needs_input_grad(1)
        gx = xp.empty_like(g2) if want_x else None
        count = -(-rows // max(rb, 1))
        gw_parts = xp.empty((count, d), g.dtype) if want_w else None
        w_rows = None if w is None else _tile(w, rb)
        mean_of = xp.full(d, 1.0 / max(d, 1), g.dtype)

        def kernel(lo, hi, k):
            gb, r = g2[lo:hi], rstd[lo:hi]
            xc = xp.subtract(x2[lo:hi], means[lo:hi, None])  # x - mean: xhat / rstd
            if want_w:  # sum_i g xhat = rstd @ (g xc): BLAS does the weighted column sum
                xp.matmul(r, xp.multiply(gb, xc), out=gw_parts[k])
            if not want_x:
                return
            # h = g w; dx = rstd (h - mean(h) - xhat mean(h xhat))
            #             = rstd (h - mean(h)) - xc rstd^3 mean(h xc)
            h = gx[lo:hi]
            if w_rows is None:
                xp.copyto(h, gb)
            else:
                xp.multiply(gb, w_rows[:hi - lo], out=h)
            mean_h = xp.vecdot(h, mean_of)
            k = xp.vecdot(h, xc, out=xp.empty_like(mean_h))
            k *= mean_of[0]
            k *= r * r * r
            h -= mean_h[:, None]
            h *= r[:, None]
            xc *= k[:, None]
            h -= xc

        if rows and (want_x or want_w):
            parallel_blocks(kernel, rows, rb, _min_blocks(x2))
        gw = gb = None
        if want_w:
            gw = gw_parts.sum(axis=0).reshape(self.parents[1].shape)
        if self.needs_input_grad(2):
            gb = (xp.ones(rows, g.dtype) @ g2).reshape(self.parents[2].shape)
        return None if gx is None else gx.reshape(g.shape), gw, gb


class GroupNorm(Function):
    """Normalise ``x`` (N, C, *) over each group of C / G channels and the spatial dims,
    then apply a per-channel affine map.

    With one group per channel this is instance normalisation, whose running statistics
    (per group, shape (G,)) are updated in place when given: the mean over the batch of
    the groups' means and unbiased variances, weighted by ``momentum``, as PyTorch's
    ``instance_norm`` does.
    """

    def forward(self, x, weight, bias, running_mean=None, running_var=None, num_groups=1,
                momentum=0.1, eps=1e-5):
        n, c = x.shape[0], x.shape[1]
        self.shape = x.shape
        xg = x.reshape(n, num_groups, -1)
        mean = xg.mean(axis=2, keepdims=True)
        xc = xg - mean
        var = (xc * xc).mean(axis=2, keepdims=True)
        self.invstd = 1.0 / xp.sqrt(var + eps)
        xc *= self.invstd
        self.xhat = xhat = xc.reshape(x.shape)
        if running_mean is not None:
            running_mean *= 1.0 - momentum
            running_mean += momentum * mean.reshape(n, num_groups).mean(axis=0)
        if running_var is not None:
            count = xg.shape[2]
            running_var *= 1.0 - momentum
            running_var += (momentum * count / max(count - 1, 1)) * var.reshape(
                n, num_groups).mean(axis=0)
        bshape = (1, c) + (1,) * (x.ndim - 2)
        self.w = None if weight is None else weight.reshape(bshape)
        self.axes = (0,) + tuple(range(2, x.ndim))
        return _affine(xhat, self.w, None if bias is None else bias.reshape(bshape))

    def backward(self, g):
        xhat, w = self.xhat, self.w
        gx = gw = gb = None
        if self.needs_input_grad(0):
            gh = g if w is None else g * w
            grouped = self.invstd.shape[:2] + (-1,)
            gx = _normalized_grad(gh.reshape(grouped), xhat.reshape(grouped), self.invstd,
                                  2).reshape(self.shape)
        if w is not None and self.needs_input_grad(1):
            gw = (g * xhat).sum(axis=self.axes)
        if self.needs_input_grad(2):
            gb = g.sum(axis=self.axes)
        return gx, gw, gb, None, None


def _rows_per_block(rows, d):
    """All the rows up to ``_BLOCK`` elements; above, an even number of blocks (equal shares
    for the two threads) of at most ``_BLOCK`` elements."""
    if rows * d <= _BLOCK:
        return max(rows, 1)
    blocks = 2 * -(-rows * d // (2 * _BLOCK))
    return -(-rows // blocks)


def _min_blocks(x2):
    """``parallel_blocks``'s threshold: threads from ``_PARALLEL_MIN`` elements on."""
    return 2 if x2.size >= _PARALLEL_MIN else math.inf


def _tile(v, rows):
    """``v`` (D,) repeated as ``rows`` rows: a same-shape multiply or add runs as one flat
    loop, about 1.5 times faster than broadcasting ``v`` along the rows."""
    return xp.broadcast_to(v, (rows, v.shape[0])).copy()


def _prod(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n
