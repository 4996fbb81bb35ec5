"""Softmax-family activations: ``softmax`` and ``log_softmax``, fused primitives that are

Each is one primitive instead of a chain of exp/sum/div: one pass less over the data and
one stored array, on the hot path of every classifier and of attention.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp


def _shifted(x, axis):
    """``x - max(x)`` along ``axis``: exp never overflows (infinite maxima give 0)."""
    m = x.max(axis=axis, keepdims=True)
    if not xp.isfinite(m).all():
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype)
    return x - m


class Softmax(Function):
    def forward(self, x, dim):
        self.axis = dim
        e = xp.exp(_shifted(x, dim))
        e /= e.sum(axis=dim, keepdims=True)
        self.y = e
        return e

    def backward(self, g):
        # dx = y * (g - sum(g * y))
        y = self.y
        gy = g * y
        return (gy - y * gy.sum(axis=self.axis, keepdims=True),)


class LogSoftmax(Function):
    def forward(self, x, dim):
        self.axis = dim
        s = _shifted(x, dim)
        self.y = y = s - xp.log(xp.exp(s).sum(axis=dim, keepdims=True))
        return y

    def backward(self, g):
        # dx = g - softmax * sum(g)
        return (g - xp.exp(self.y) * g.sum(axis=self.axis, keepdims=True),)


def _dim(op, input, dim):  # noqa: A002
    nd = input.ndim
    if dim is None:  # PyTorch's legacy implicit choice
        dim = 0 if nd in (0, 1, 3) else 1
    if not -max(nd, 1) <= dim < max(nd, 1):
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-max(nd, 1)}, {max(nd, 1) - 1}], but got {dim})")
    return dim % nd if nd else None


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
