"""Ordering: ``sort``, ``argsort``, ``topk``, ``msort``, ``unique``, ``median`` and ``mode``.

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
median_result = namedtuple("median", ["values", "indices"])
mode_result = namedtuple("mode", ["values", "indices"])


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


class OrderStatistic(Function):
    """The index of the lower median (``op="median"``) or of the most frequent value
    (``op="mode"``: the smallest on ties, its last occurrence) along ``dim``, kept as a
    dimension of size 1; with ``dim=None`` the flat index of the median. No gradient."""

    differentiable = False

    def forward(self, x, dim=None, op="median"):
        if x.size == 0:
            raise RuntimeError(f"{op}: expected a non-empty input (got shape {x.shape})")
        if dim is None or x.ndim == 0:
            order = xp.argsort(x.reshape(-1), kind="stable")
            return xp.asarray(order[(x.size - 1) // 2], xp.int64)
        axis = dim % x.ndim
        order = xp.argsort(x, axis=axis, kind="stable")
        if op == "median":
            return xp.take(order, [(x.shape[axis] - 1) // 2], axis=axis).astype(xp.int64)
        return xp.moveaxis(_mode_index(xp.moveaxis(x, axis, -1), xp.moveaxis(order, axis, -1)),
                           -1, axis)


def _mode_index(x, order):
    """For each row of ``x`` (last axis), the last position of its most frequent value."""
    n = x.shape[-1]
    ordered = xp.take_along_axis(x, order, axis=-1)
    new_run = xp.concatenate([xp.ones(x.shape[:-1] + (1,), bool),
                              ordered[..., 1:] != ordered[..., :-1]], axis=-1)
    run = xp.cumsum(new_run, axis=-1) - 1  # the run (distinct value) of each sorted entry
    counts = xp.zeros(x.shape[:-1] + (n,), xp.int64)
    rows = xp.indices(run.shape)[:-1]
    xp.add.at(counts, (*rows, run), 1)
    best = xp.argmax(counts, axis=-1)[..., None]  # the first (smallest) most frequent run
    # stable order: the last sorted entry of the run is the value's last occurrence
    last = xp.max(xp.where(run == best, xp.arange(n), -1), axis=-1, keepdims=True)
    return xp.take_along_axis(order, last, axis=-1).astype(xp.int64)


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


def _order_statistic(input, dim, keepdim, op, result):  # noqa: A002
    from ember.ops.index import gather
    from ember.ops.shape import reshape, squeeze

    if dim is None:
        flat = reshape(OrderStatistic.apply(input, op=op), 1)
        return reshape(gather(reshape(input, -1), 0, flat), ())
    idx = OrderStatistic.apply(input, dim=dim, op=op)
    if input.ndim == 0:
        return result(input * 1, idx)
    values = gather(input, dim, idx)
    if not keepdim:
        values, idx = squeeze(values, dim), squeeze(idx, dim)
    return result(values, idx)


def median(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median of all elements; with ``dim``, ``(values, indices)`` along it."""
    return _order_statistic(input, dim, keepdim, "median", median_result)


def mode(input, dim=-1, keepdim=False):  # noqa: A002
    """``(values, indices)``: the most frequent value along ``dim`` (the smallest on ties)
    and its last position."""
    return _order_statistic(input, dim, keepdim, "mode", mode_result)
