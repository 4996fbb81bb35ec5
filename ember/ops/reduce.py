"""Reductions over dimensions: sum, mean, ... (``dim`` an int or a tuple, ``keepdim``)."""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp


def normalize_dims(op, dim, ndim):
    """``dim`` (None, int or tuple, negatives allowed) as a sorted tuple of axes, or None."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"{op}: Dimension out of range (expected to be in range of "
                f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})"
            )
        out.append(d % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def expand_reduced(g, shape, axes, keepdim):
    """Broadcast the gradient of a reduction back to the input's ``shape``."""
    if axes is not None and not keepdim and len(shape):
        g = xp.expand_dims(g, axes)
    return xp.broadcast_to(g, shape)


class Sum(Function):
    def forward(self, x, dim=None, keepdim=False):
        self.shape = x.shape
        self.axes = axes = normalize_dims("sum", dim, x.ndim)
        self.keepdim = keepdim
        if x.ndim == 0:
            return x.copy()
        if x.dtype.kind in "bi":
            x = x.astype(xp.int64)
        return x.sum(axis=axes, keepdims=keepdim)

    def backward(self, g):
        return (expand_reduced(g, self.shape, self.axes, self.keepdim),)


class Mean(Function):
    def forward(self, x, dim=None, keepdim=False):
        if x.dtype.kind not in "fc":
            raise TypeError(f"mean: input dtype should be floating point, got {x.dtype}")
        self.shape = x.shape
        self.axes = axes = normalize_dims("mean", dim, x.ndim)
        self.keepdim = keepdim
        self.count = x.size if axes is None else int(xp.prod([x.shape[a] for a in axes]))
        if x.ndim == 0:
            return x.copy()
        return x.mean(axis=axes, keepdims=keepdim)

    def backward(self, g):
        return (expand_reduced(g / self.count, self.shape, self.axes, self.keepdim),)


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001, A002
    """Sum over ``dim`` (all dimensions when None)."""
    out = Sum.apply(input, dim=dim, keepdim=keepdim)
    return out if dtype is None else out.to(dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Mean over ``dim`` (all dimensions when None)."""
    return Mean.apply(input, dim=dim, keepdim=keepdim)


