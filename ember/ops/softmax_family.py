"""The softmax family: ``softmax`` and ``log_softmax``, one primitive each.

Each is one primitive instead of a chain of exp/sum/div: fewer passes over the data and
fewer stored arrays, on the hot path of every classifier and of attention.

Along the last dimension (attention scores, logits), the rows are processed in blocks on
two threads (``parallel_blocks``). softmax needs no shift at all while ``exp`` cannot
overflow (``exp(x) / sum(exp(x))``, with x exact). Otherwise the shift is the max of a
group of rows (``_GROUP`` elements): NumPy reduces short rows slowly (the max of each
row of 64 costs as much as an ``exp`` of it), a group in one fast reduction. Rows whose
own max lies far below their shift are redone with their own max. On (32, 12, 64, 64)
float32, timed in one process with the previous version and PyTorch (2 threads): softmax
forward 6.1x -> 1.7x PyTorch's time, forward + backward 5.5x -> 1.7x; log_softmax 6.8x ->
2.1x and 5.7x -> 2.1x (``benchmarks/layers.py``).
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.backend_parallel import parallel_blocks
from ember.ops.dims import normalize_dim

# Elements per block of rows (long NumPy calls: see ember.ops.normalization._BLOCK).
_BLOCK = 1 << 18
# Elements per group of rows sharing one shift: long enough that the max reduction runs
# at full speed (one row of 64 is 15 times slower per element).
_GROUP = 512
# A row whose sum of exp(x - shift) is below exp(-_FAR) has its max more than _FAR (less
# the log of its length) below the shift: x - shift then loses bits, and the row is
# redone with its own max.
_FAR = 4.0
# softmax needs no shift at all while exp cannot overflow (the block's max below
# _UNSHIFTED less the log of the row length) and each row's sum stays a normal float
# (its max above -_UNSHIFTED): exp(x) / sum(exp(x)), exact x, one pass less.
_UNSHIFTED = 60.0


def _finite_max(x, axis):
    """The max along ``axis`` (kept), 0 where it is -inf or NaN (a +inf max stays: the
    slice's softmax is then NaN throughout, as in PyTorch)."""
    m = x.max(axis=axis, keepdims=True)
    if not xp.isfinite(m).all():
        m = xp.where(xp.isfinite(m) | (m > 0), m, 0).astype(x.dtype)
    return m


def _shifted(x, axis):
    """``x - max(x)`` along ``axis``: exp never overflows (a max of -inf gives 0)."""
    with xp.errstate(invalid="ignore"):  # inf - inf where the max is +inf: NaN, on purpose
        return x - _finite_max(x, axis)


def _exp_rows(xb, t, e, unshifted=False):
    """Write ``e = exp(xb - shift)`` for a per-row shift, and ``t = xb - shift`` unless ``t``
    is None (all (rows, D); ``e`` may be ``t``); return the row sums of ``e``, and ``t``
    or ``xb`` when no shift was needed: ``log_softmax = t - log(sums)``. ``unshifted``
    allows the shift 0 (softmax)."""
    rows, d = xb.shape
    g = max(1, _GROUP // max(d, 1))  # rows per group
    q = rows - rows % g
    far_sum = math.exp(-_FAR)
    with xp.errstate(invalid="ignore"):  # inf - inf where a group has an infinite max
        if unshifted and xb.max() <= _UNSHIFTED - math.log(d):  # (False for NaN)
            base, far_sum = xb, math.exp(-_UNSHIFTED)
            xp.exp(xb, out=e)
        else:
            base = t if t is not None else e
            if q:
                grouped = xb[:q].reshape(q // g, g * d)
                top = xp.maximum.reduce(grouped, axis=1)
                xp.subtract(grouped, top[:, None], out=base[:q].reshape(q // g, g * d))
            if q < rows:
                top = xp.maximum.reduce(xb[q:], axis=1)
                xp.subtract(xb[q:], top[:, None], out=base[q:])
            xp.exp(base, out=e)
    sums = xp.vecdot(e, xp.ones(d, e.dtype))
    far = ~(sums >= far_sum)  # also NaN (an infinite max) and 0 (a row of -inf)
    if far.any():  # redone with their own max
        with xp.errstate(invalid="ignore", over="ignore"):  # rows of -inf, or with NaN
            own = _shifted(xb[far], 1)
            e[far] = xp.exp(own)
        sums[far] = e[far].sum(axis=1)
        if t is not None:
            if base is xb:
                xp.copyto(t, xb)
                base = t
            t[far] = own
    return base, sums


def _last_axis(x, axis):
    """Whether softmax over ``axis`` of ``x`` takes the row-block path (float32 and float64:
    ``_UNSHIFTED`` assumes their range)."""
    return (axis is not None and axis == x.ndim - 1 and x.size > 0
            and x.dtype in (xp.float32, xp.float64))


class Softmax(Function):
    def forward(self, x, dim):
        self.axis, self.rows = dim, _last_axis(x, dim)
        if not self.rows:
            e = xp.exp(_shifted(x, dim))
            e /= e.sum(axis=dim, keepdims=True)
            self.y = e
            return e
        x2 = xp.ascontiguousarray(x).reshape(-1, x.shape[-1])
        y = xp.empty_like(x2)

        def kernel(lo, hi, k):
            yb = y[lo:hi]
            _, sums = _exp_rows(x2[lo:hi], None, yb, unshifted=True)
            with xp.errstate(divide="ignore", invalid="ignore"):  # a row of -inf: NaN
                xp.reciprocal(sums, out=sums)
                yb *= sums[:, None]

        parallel_blocks(kernel, x2.shape[0], _rows_per_block(x2))
        self.y = y = y.reshape(x.shape)
        return y

    def backward(self, g):
        # dx = y * (g - sum(g * y))
        y = self.y
        if not self.rows:
            gy = g * y
            return (gy - y * gy.sum(axis=self.axis, keepdims=True),)
        y2 = y.reshape(-1, y.shape[-1])
        g2 = xp.ascontiguousarray(g).reshape(y2.shape)
        gx = xp.empty_like(y2)

        def kernel(lo, hi, k):
            yb, gb = y2[lo:hi], g2[lo:hi]
            xp.subtract(gb, xp.vecdot(gb, yb)[:, None], out=gx[lo:hi])
            gx[lo:hi] *= yb

        parallel_blocks(kernel, y2.shape[0], _rows_per_block(y2))
        return (gx.reshape(g.shape),)


class LogSoftmax(Function):
    def forward(self, x, dim):
        self.axis, self.rows = dim, _last_axis(x, dim)
        if not self.rows:
            s = _shifted(x, dim)
            self.y = y = s - xp.log(xp.exp(s).sum(axis=dim, keepdims=True))
            return y
        x2 = xp.ascontiguousarray(x).reshape(-1, x.shape[-1])
        y = xp.empty_like(x2)

        def kernel(lo, hi, k):
            yb = y[lo:hi]
            # exp(x - shift) in a block-sized scratch array: only its row sums are kept
            base, sums = _exp_rows(x2[lo:hi], yb, xp.empty_like(yb), unshifted=True)
            # y = base - log(sums), the log split into a float32 head and tail (two
            # roundings of y instead of one of a log that may be as large as the inputs)
            with xp.errstate(divide="ignore", invalid="ignore"):  # a row of -inf: NaN
                log_sums = xp.log(sums.astype(xp.float64))
                head = log_sums.astype(yb.dtype)
                xp.subtract(base, head[:, None], out=yb)
                yb -= (log_sums - head).astype(yb.dtype)[:, None]

        parallel_blocks(kernel, x2.shape[0], _rows_per_block(x2))
        self.y = y = y.reshape(x.shape)
        return y

    def backward(self, g):
        # dx = g - softmax * sum(g), softmax = exp(y)
        y = self.y
        if not self.rows:
            return (g - xp.exp(y) * g.sum(axis=self.axis, keepdims=True),)
        y2 = y.reshape(-1, y.shape[-1])
        g2 = xp.ascontiguousarray(g).reshape(y2.shape)
        gx = xp.empty_like(y2)
        ones = xp.ones(y2.shape[1], y2.dtype)

        def kernel(lo, hi, k):
            p = xp.exp(y2[lo:hi])
            p *= xp.vecdot(g2[lo:hi], ones)[:, None]
            xp.subtract(g2[lo:hi], p, out=gx[lo:hi])

        parallel_blocks(kernel, y2.shape[0], _rows_per_block(y2))
        return (gx.reshape(g.shape),)


def _rows_per_block(x2):
    rows, d = x2.shape
    return max(1, _BLOCK // max(d, 1)) if rows * d > _BLOCK else max(rows, 1)


def _dim(op, input, dim):  # noqa: A002
    nd = input.ndim
    if dim is None:  # PyTorch's legacy implicit choice
        dim = 0 if nd in (0, 1, 3) else 1
    axis = normalize_dim(op, dim, max(nd, 1))
    return axis if nd else None


def _float(input, dtype):  # noqa: A002
    if dtype is not None:
        return input.to(dtype)
    if input.dtype.kind not in "fc":
        raise TypeError(f"softmax: expected a floating point input, got {input.dtype}")
    return input


def softmax(input, dim=None, dtype=None):  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim``."""
    input = _float(input, dtype)
    return Softmax.apply(input, dim=_dim("softmax", input, dim))


def log_softmax(input, dim=None, dtype=None):  # noqa: A002
    """``x - logsumexp(x)`` along ``dim``, accurate where softmax underflows."""
    input = _float(input, dtype)
    return LogSoftmax.apply(input, dim=_dim("log_softmax", input, dim))
