"""Scans (cumulative ops along one dimension): cumprod, cummax/cummin, logcumsumexp.

``cumsum`` lives with the reductions. ``cummax``/``cummin`` find their indices with a
non-differentiable primitive and take the values with ``gather``, whose backward sends
each output's gradient to the element it came from.
"""
from __future__ import annotations

from collections import namedtuple

from ember.autograd import Function
from ember.backend import xp
from ember.ops.reduce import one_axis

__all__ = ["cumprod", "cummax", "cummin", "logcumsumexp"]

cummax_result = namedtuple("cummax", ["values", "indices"])
cummin_result = namedtuple("cummin", ["values", "indices"])


def _reverse_cumsum(a, axis):
    return xp.flip(xp.cumsum(xp.flip(a, axis), axis=axis), axis)


class CumProd(Function):
    def forward(self, x, dim):
        self.axis = one_axis("cumprod", dim, x.ndim)
        if x.ndim == 0:
            self.x = x
            return x.copy()
        if x.dtype.kind in "bi":
            x = x.astype(xp.int64)
        self.x = x
        self.y = y = xp.cumprod(x, axis=self.axis)
        return y

    def backward(self, g):
        if g.ndim == 0:
            return (g,)
        x, y, a = self.x, self.y, self.axis
        # d y_j / d x_k = y_j / x_k for j >= k: grad_k = sum_{j >= k} g_j y_j / x_k
        zero = x == 0
        if not zero.any():
            return (_reverse_cumsum(g * y, a) / x,)
        # with zeros: before a slice's first zero the formula above holds (y_j = 0 after
        # it); at the first zero z, grad_z = sum_{j >= z} g_j prod_{i <= j, i != z} x_i,
        # the cumulative product of x with x_z set to 1; after it everything is 0.
        seen = xp.cumsum(zero, axis=a)
        first = zero & (seen == 1)
        before = seen == 0
        with xp.errstate(divide="ignore", invalid="ignore"):
            out = xp.where(before, _reverse_cumsum(g * y, a) / xp.where(before, x, 1), 0)
        at_first = _reverse_cumsum(g * xp.cumprod(xp.where(first, 1, x), axis=a), a)
        return (xp.where(first, at_first, out).astype(g.dtype, copy=False),)


class CumExtremeIndex(Function):
    """The index of the running maximum (minimum) along ``dim``: the latest one on ties,
    as in PyTorch. No gradient (the values are a ``gather`` of these indices)."""

    differentiable = False

    def forward(self, x, dim, largest=True):
        axis = one_axis("cummax" if largest else "cummin", dim, x.ndim)
        if x.ndim == 0:
            return xp.zeros((), xp.int64)
        running = (xp.maximum if largest else xp.minimum).accumulate(x, axis=axis)
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        positions = xp.arange(x.shape[axis]).reshape(shape)
        # a position holds a new record when it equals the running extreme (or is NaN)
        record = (x == running) | (x != x)
        return xp.maximum.accumulate(xp.where(record, positions, 0), axis=axis)


class LogCumSumExp(Function):
    def forward(self, x, dim):
        self.axis = one_axis("logcumsumexp", dim, x.ndim)
        self.x = x = x if x.dtype.kind == "f" else x.astype(xp.float32)
        if x.ndim == 0:
            self.y = x
            return x.copy()
        self.y = y = xp.logaddexp.accumulate(x, axis=self.axis)
        return y

    def backward(self, g):
        x, y, a = self.x, self.y, self.axis
        if g.ndim == 0:
            return (g,)
        # grad_k = sum_{j >= k} g_j exp(x_k - y_j): summed in log space, positive and
        # negative parts of g apart, so exp never overflows
        with xp.errstate(divide="ignore"):
            def part(gp):
                s = xp.flip(xp.logaddexp.accumulate(xp.flip(xp.log(gp) - y, a), axis=a), a)
                return xp.exp(s + x)

            return (part(xp.maximum(g, 0)) - part(xp.maximum(-g, 0)),)


def cumprod(input, dim, *, dtype=None):  # noqa: A002
    """Cumulative product along ``dim``; gradients are exact with zeros too."""
    out = CumProd.apply(input, dim=dim)
    return out if dtype is None else out.to(dtype)


def _cum_extreme(input, dim, largest, result):  # noqa: A002
    from ember.ops.index import gather

    idx = CumExtremeIndex.apply(input, dim=dim, largest=largest)
    if input.ndim == 0:
        return result(input * 1, idx)
    return result(gather(input, dim, idx), idx)


def cummax(input, dim):  # noqa: A002
    """``(values, indices)``: the running maximum along ``dim`` and where it was found."""
    return _cum_extreme(input, dim, True, cummax_result)


def cummin(input, dim):  # noqa: A002
    """``(values, indices)``: the running minimum along ``dim`` and where it was found."""
    return _cum_extreme(input, dim, False, cummin_result)


def logcumsumexp(input, dim):  # noqa: A002
    """``log(cumsum(exp(x)))`` along ``dim``, without overflow."""
    return LogCumSumExp.apply(input, dim=dim)
