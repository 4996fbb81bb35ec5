"""Ordering: ``sort``, ``argsort``, ``topk``, ``msort`` and ``unique``.

The indices come from a non-differentiable ``ArgSort``; the values are a ``gather`` of the
input at those indices, so their gradient goes back to the entries that were picked.
"""
from __future__ import annotations

from collections import namedtuple

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error

sort_result = namedtuple("sort", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])


class ArgSort(Function):
    """Indices that sort ``x`` along ``dim`` (the first ``k`` of them if ``k`` is given)."""

    differentiable = False

    def forward(self, x, dim=-1, descending=False, k=None):
        if x.ndim == 0:
            return xp.zeros((), xp.int64)
        axis = dim % x.ndim
        if k is not None and not 0 <= k <= x.shape[axis]:
            raise shape_error("topk", f"k ({k}) is out of range for dimension {dim}", x.shape)
        keys = x.astype(xp.int8) if x.dtype == xp.bool_ else x
        # a stable sort of -x keeps ties in index order when descending, as PyTorch does
        idx = xp.argsort(-keys if descending else keys, axis=axis, kind="stable")
        if k is not None:
            idx = xp.take(idx, xp.arange(k), axis=axis)
        return idx.astype(xp.int64, copy=False)


class Unique(Function):
    """The sorted distinct values of ``x`` (rows or slices along ``dim`` when given), the
    index of each element's value among them, and how often each value occurs."""

    differentiable = False
    n_out = 3

    def forward(self, x, dim=None):
        if dim is not None and x.ndim:
            dim %= x.ndim
        values, inverse, counts = xp.unique(x, return_inverse=True, return_counts=True,
                                            axis=dim)
        shape = x.shape if dim is None else (x.shape[dim],)
        return values, inverse.reshape(shape).astype(xp.int64), counts.astype(xp.int64)


def unique(input, sorted=True, return_inverse=False, return_counts=False,  # noqa: A002
           dim=None):
    """The distinct values of ``input`` in ascending order (flattened unless ``dim``);
    with ``return_inverse``/``return_counts``, a tuple that adds each element's index into
    them and their counts."""
    values, inverse, counts = Unique.apply(input, dim=dim)
    extra = ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return (values,) + extra if extra else values


def _values(input, idx, dim):  # noqa: A002
    from ember.ops.index import gather

    if input.ndim == 0:
        return input
    return gather(input, dim, idx)


def argsort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """Indices that sort ``input`` along ``dim``."""
    return ArgSort.apply(input, dim=dim, descending=descending)


def sort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """``(values, indices)`` sorted along ``dim``; values carry gradients."""
    idx = ArgSort.apply(input, dim=dim, descending=descending)
    return sort_result(_values(input, idx, dim), idx)


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) entries along ``dim`` and their indices."""
    idx = ArgSort.apply(input, dim=dim, descending=largest, k=int(k))
    return topk_result(_values(input, idx, dim), idx)


def msort(input):  # noqa: A002
    return sort(input, 0).values
