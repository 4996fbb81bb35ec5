"""Binning and counting: ``searchsorted``, ``bucketize``, ``histc``, ``bincount``.

Their results are positions and counts: no gradients, as in PyTorch.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error

__all__ = ["searchsorted", "bucketize", "histc", "bincount"]


class SearchSorted(Function):
    """For each value, the index where it would be inserted into the sorted last dimension
    of ``sorted_sequence`` (the rows pair up with the values' leading dimensions)."""

    differentiable = False

    def forward(self, sorted_sequence, values, right=False, out_int32=False):
        side = "right" if right else "left"
        dtype = xp.int32 if out_int32 else xp.int64
        seq, values = sorted_sequence, xp.asarray(values)
        if seq.ndim == 0:
            raise shape_error("searchsorted", "sorted_sequence must have at least 1 dimension",
                              seq.shape, values.shape)
        if seq.ndim == 1:
            return xp.searchsorted(seq, values, side=side).astype(dtype)
        if values.shape[:-1] != seq.shape[:-1]:
            raise shape_error("searchsorted", "sorted_sequence and values must have the same "
                              "leading dimensions (all but the last)", seq.shape,
                              values.shape)
        rows = seq.reshape(-1, seq.shape[-1])
        vals = values.reshape(rows.shape[0], -1)
        out = xp.stack([xp.searchsorted(r, v, side=side) for r, v in zip(rows, vals)])
        return out.reshape(values.shape).astype(dtype)


class Histogram(Function):
    """``bins`` equal-width bins over [min, max] (the data's range when both are 0);
    values outside are ignored, values equal to ``max`` fall in the last bin."""

    differentiable = False

    def forward(self, x, bins=100, min=0.0, max=0.0):  # noqa: A002
        if x.dtype.kind != "f":
            raise TypeError(f"histc: expected a floating point input, got {x.dtype}")
        if bins <= 0:
            raise ValueError(f"histc: bins must be positive, got {bins}")
        lo, hi = x.dtype.type(min), x.dtype.type(max)
        if lo == hi and x.size:
            lo, hi = x.min(), x.max()
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        if lo > hi:
            raise ValueError(f"histc: max ({max}) must be larger than min ({min})")
        v = x.reshape(-1)
        v = v[(v >= lo) & (v <= hi)]
        idx = ((v - lo) * x.dtype.type(bins) / (hi - lo)).astype(xp.int64)
        idx = xp.minimum(idx, bins - 1)
        return xp.bincount(idx, minlength=bins).astype(x.dtype)


class BinCount(Function):
    differentiable = False

    def forward(self, x, weights=None, minlength=0):
        if x.ndim != 1 or x.dtype.kind not in "iu":
            raise TypeError(f"bincount: input must be a 1-D integer tensor (got shape "
                            f"{x.shape}, dtype {x.dtype})")
        if x.size and x.min() < 0:
            raise ValueError(f"bincount: input must be non-negative (got {x.min()})")
        if weights is None:
            return xp.bincount(x, minlength=minlength).astype(xp.int64)
        if weights.shape != x.shape:
            raise shape_error("bincount", "weights must have the shape of input", x.shape,
                              weights.shape)
        dtype = weights.dtype if weights.dtype.kind == "f" else xp.float64
        return xp.bincount(x, weights, minlength=minlength).astype(dtype)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False,  # noqa: A002
                 side=None, sorter=None):
    """Insertion points of ``input`` into ``sorted_sequence`` (sorted along its last
    dimension) that keep it sorted; ``right`` (or ``side="right"``) places equal values
    after their match."""
    if side is not None:
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        right = side == "right"
    if sorter is not None:
        from ember.ops.index import gather

        sorted_sequence = gather(sorted_sequence, -1, sorter)
    return SearchSorted.apply(sorted_sequence, input, right=right, out_int32=out_int32)


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """The bucket index of each element: ``i`` with boundaries[i-1] < x <= boundaries[i]
    (``right=True``: boundaries[i-1] <= x < boundaries[i])."""
    if boundaries.ndim != 1:
        raise shape_error("bucketize", "boundaries must be a 1-D tensor", boundaries.shape)
    return SearchSorted.apply(boundaries, input, right=right, out_int32=out_int32)


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """A histogram of ``input`` with ``bins`` equal-width bins between ``min`` and ``max``."""
    return Histogram.apply(input, bins=int(bins), min=float(min), max=float(max))


def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each non-negative integer occurs in the 1-D ``input`` (the sum of its
    ``weights`` if given); at least ``minlength`` bins."""
    if weights is None:
        return BinCount.apply(input, minlength=minlength)
    return BinCount.apply(input, weights, minlength=minlength)
