"""Statistics composed from sort, gather and arithmetic (their gradients come from there):
kthvalue, quantile, nanquantile, nanmedian, cov and corrcoef; histogram (no gradient).

Order statistics sort along the reduced dimension and gather the picked entries, so the
gradient goes to the elements that were picked (weighted by the interpolation).
"""
from __future__ import annotations

from collections import namedtuple

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import index as X
from ember.ops import linalg as L
from ember.ops import ordering as O
from ember.ops import reduce as R
from ember.ops import shape as S
from ember.tensor import Tensor

__all__ = ["kthvalue", "quantile", "nanquantile", "nanmedian", "histogram", "cov", "corrcoef"]

kthvalue_result = namedtuple("kthvalue", ["values", "indices"])
nanmedian_result = namedtuple("nanmedian", ["values", "indices"])
histogram_result = namedtuple("histogram", ["hist", "bin_edges"])
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _check_dim(op, input, dim):  # noqa: A002
    nd = max(input.ndim, 1)
    if not -nd <= dim < nd:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor of {input.ndim} "
                         "dimensions")
    return dim % nd


def kthvalue(input, k, dim=-1, keepdim=False):  # noqa: A002
    """``(values, indices)`` of the ``k``-th smallest element (1-based) along ``dim``."""
    axis = _check_dim("kthvalue", input, dim)
    size = input.shape[axis] if input.ndim else 1
    if not 1 <= k <= size:
        raise shape_error("kthvalue", f"k ({k}) is out of range for dimension {dim} of size "
                          f"{size}", input.shape)
    if input.ndim == 0:
        return kthvalue_result(E.mul(input, 1), Tensor(xp.zeros((), xp.int64)))
    values, indices = O.sort(input, axis)
    values, indices = X.narrow(values, axis, k - 1, 1), X.narrow(indices, axis, k - 1, 1)
    if not keepdim:
        values, indices = S.squeeze(values, axis), S.squeeze(indices, axis)
    return kthvalue_result(values, indices)


class _Positions(Function):
    """The lower and upper sorted positions and the weight of the upper one for quantile
    ``q`` of each slice (the last axis of ``x``, NaN sorted last); ``skip_nan`` counts only
    the numbers of each slice."""

    differentiable = False
    n_out = 3

    def forward(self, x, q, interpolation, skip_nan):
        n = x.shape[-1]
        count = (~xp.isnan(x)).sum(-1, keepdims=True)
        # a slice with NaN picks its last (NaN) entry unless NaN is skipped, as PyTorch does
        pos = q.astype(xp.float64) * xp.maximum(count - 1, 0) if skip_nan else xp.where(
            count < n, n - 1.0, q.astype(xp.float64) * (n - 1))  # (..., m)
        lo, hi = xp.floor(pos), xp.ceil(pos)
        weight = {"linear": pos - lo, "lower": 0 * pos, "higher": (hi > lo) * 1.0,
                  "midpoint": (hi > lo) * 0.5, "nearest": (xp.round(pos) > lo) * 1.0,
                  }[interpolation]
        return (lo.astype(xp.int64), hi.astype(xp.int64), weight.astype(x.dtype))


def _quantile(op, input, q, dim, keepdim, interpolation, skip_nan):  # noqa: A002
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{op}: interpolation must be one of {_INTERPOLATIONS}, got "
                         f"{interpolation!r}")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: input must be a float tensor, got {input.dtype}")
    q_array = xp.asarray(q.array if isinstance(q, Tensor) else q, dtype=input.dtype)
    if q_array.ndim > 1:
        raise shape_error(op, "q must be a scalar or a 1-D tensor", q_array.shape)
    if q_array.size and not ((q_array >= 0) & (q_array <= 1)).all():
        raise ValueError(f"{op}: q values must be in the range [0, 1], got {q_array.tolist()}")
    if input.numel() == 0:
        raise shape_error(op, "input must not be empty", input.shape)
    scalar_q = q_array.ndim == 0
    x = S.reshape(input, -1) if dim is None else input
    axis = -1 if dim is None else _check_dim(op, input, dim)
    if x.ndim == 0:
        x = S.reshape(x, 1)
    x = S.movedim(x, axis, -1)
    values = O.sort(x, -1).values
    lo, hi, weight = _Positions.apply(values, q_array.reshape(-1), interpolation=interpolation,
                                      skip_nan=skip_nan)
    low, high = X.gather(values, -1, lo), X.gather(values, -1, hi)
    out = E.add(low, E.mul(E.sub(high, low), weight))  # (..., m)
    if keepdim:
        kept = [1] * input.ndim if dim is None else list(input.shape)
        if dim is not None:
            kept[axis] = 1
        out = S.reshape(S.movedim(out, -1, 0), [out.shape[-1]] + kept)
    else:
        out = S.movedim(out, -1, 0)
    return S.squeeze(out, 0) if scalar_q else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """The ``q``-th quantiles (``q`` a number or 1-D tensor in [0, 1]) over ``dim`` (all
    elements when None). A 1-D ``q`` adds a leading dimension. ``interpolation`` is
    'linear', 'lower', 'higher', 'midpoint' or 'nearest'. NaN in a slice gives NaN."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """``quantile`` that ignores NaN (a slice of only NaN gives NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


class _NanMedianIndex(Function):
    """Position of the lower median among the numbers of each sorted slice (last axis)."""

    differentiable = False

    def forward(self, x):
        count = (~xp.isnan(x)).sum(-1, keepdims=True)
        return xp.maximum((count - 1) // 2, 0).astype(xp.int64)


def nanmedian(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median ignoring NaN; with ``dim``, ``(values, indices)`` along it."""
    if dim is None:
        flat = S.reshape(input, -1)
        values, _ = O.sort(flat, 0)
        return S.reshape(X.gather(values, 0, _NanMedianIndex.apply(values)), ())
    axis = _check_dim("nanmedian", input, dim)
    if input.ndim == 0:
        return nanmedian_result(E.mul(input, 1), Tensor(xp.zeros((), xp.int64)))
    values, indices = O.sort(input, axis)
    values, indices = S.movedim(values, axis, -1), S.movedim(indices, axis, -1)
    pick = _NanMedianIndex.apply(values)
    values, indices = X.gather(values, -1, pick), X.gather(indices, -1, pick)
    values, indices = S.movedim(values, -1, axis), S.movedim(indices, -1, axis)
    if not keepdim:
        values, indices = S.squeeze(values, axis), S.squeeze(indices, axis)
    return nanmedian_result(values, indices)


class _Histogram(Function):
    differentiable = False
    n_out = 2

    def forward(self, x, bins, range, weight, density):  # noqa: A002
        if x.dtype.kind != "f":
            raise TypeError(f"histogram: input must be a float tensor, got {x.dtype}")
        if weight is not None and weight.shape != x.shape:
            raise shape_error("histogram", "weight must have the shape of input", x.shape,
                              weight.shape)
        lo, hi = range if range is not None else (
            (float(x.min()), float(x.max())) if x.size else (0.0, 0.0))
        if isinstance(bins, int) and lo == hi:
            lo, hi = lo - 0.5, hi + 0.5  # NumPy's and PyTorch's widening of an empty range
        hist, edges = xp.histogram(x, bins=bins, range=None if not isinstance(bins, int) else (
            lo, hi), weights=weight, density=density)
        return hist.astype(x.dtype), edges.astype(x.dtype)


def histogram(input, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
    """``(hist, bin_edges)``: counts (or weights, or a density) of ``input`` in ``bins``
    equal bins over ``range`` (min to max by default), or in the bins of the edges given
    as a 1-D tensor."""
    bins = bins.array if isinstance(bins, Tensor) else bins
    weight = weight.array if isinstance(weight, Tensor) else weight
    out = _Histogram.apply(input, bins=bins, range=range, weight=weight, density=density)
    return histogram_result(*out)


def cov(input, *, correction=1, fweights=None, aweights=None):  # noqa: A002
    """The covariance matrix of the variables in the rows of ``input`` (observations in
    columns; a 1-D input is one variable, giving a 0-d result), with optional integer
    frequency weights and float observation weights (NumPy's formula)."""
    if input.ndim > 2:
        raise shape_error("cov", "input must have at most 2 dimensions", input.shape)
    x = S.reshape(input, 1, -1) if input.ndim < 2 else input
    if x.dtype.kind != "f":
        x = E.Cast.apply(x, dtype=xp.float32)
    n = x.shape[1]
    w = None
    for name, wt in (("fweights", fweights), ("aweights", aweights)):
        if wt is None:
            continue
        if wt.ndim > 1 or (wt.ndim == 1 and wt.shape[0] != n):
            raise shape_error("cov", f"{name} must be 0-D or 1-D with one weight per "
                              f"observation ({n})", tuple(wt.shape))
        if name == "fweights" and wt.dtype.kind not in "iu":
            raise TypeError(f"cov: fweights must be integers, got {wt.dtype}")
        w = wt if w is None else E.mul(w, wt)
    if w is None:
        mean = R.mean(x, 1, keepdim=True)
        fact = n - correction
    else:
        w_sum = R.sum(w)
        mean = E.div(R.sum(E.mul(x, w), 1, keepdim=True), w_sum)
        fact = E.sub(w_sum, correction if aweights is None else E.div(
            E.mul(correction, R.sum(E.mul(w, aweights))), w_sum))
    centered = E.sub(x, mean)
    weighted = centered if w is None else E.mul(centered, w)
    c = E.div(L.matmul(weighted, S.transpose(centered, 0, 1)), fact if not isinstance(
        fact, (int, float)) or fact > 0 else 0.0)
    return S.reshape(c, ()) if x.shape[0] == 1 else c  # one variable: a 0-d result


def corrcoef(input):  # noqa: A002
    """Pearson correlation coefficients of the variables in the rows of ``input``,
    clipped to [-1, 1]."""
    c = cov(input)
    if c.ndim == 0:
        return E.div(c, c)
    from ember.ops.diagonal import diagonal

    std = E.sqrt(diagonal(c))
    c = E.div(E.div(c, S.reshape(std, -1, 1)), S.reshape(std, 1, -1))
    return E.clamp(c, -1, 1)
