"""Reductions over dimensions: sum, mean, prod, var/std, max/min, logsumexp, cumsum, ...

``dim`` is an int or a tuple (all dimensions when None) and ``keepdim`` keeps reduced
dimensions with size 1, as in PyTorch. ``max(dim)``/``min(dim)`` return ``(values,
indices)`` pairs: the indices come from a non-differentiable ``ArgExtreme`` and the values
are a ``gather`` of them, so the gradient goes to the selected entry, while ``amax`` and
the full ``max()`` split it evenly among ties (PyTorch's rules).
"""
from __future__ import annotations

import builtins
from collections import namedtuple

from ember.autograd import Function
from ember.backend import xp
from ember.ops.dims import normalize_dim


def normalize_dims(op, dim, ndim):
    """``dim`` (None, int or tuple, negatives allowed) as a sorted tuple of axes, or None."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = []
    for d in dims:
        out.append(normalize_dim(op, d, builtins.max(ndim, 1)))
    return tuple(sorted(set(out))) if ndim else None  # a 0-d input: "all" dimensions


def one_axis(op, dim, ndim):
    """A single ``dim`` as a non-negative axis (None for a 0-d input)."""
    axes = normalize_dims(op, dim, ndim)
    return None if axes is None else axes[0]


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


def _reduced_count(shape, axes):
    n = 1
    for a in range(len(shape)) if axes is None else axes:
        n *= shape[a]
    return n


class Prod(Function):
    def forward(self, x, dim=None):
        self.x, self.axis = x, dim
        if x.dtype.kind in "bi":
            x = x.astype(xp.int64)
        return x.prod() if dim is None else x.prod(axis=dim)

    def backward(self, g):
        # d prod / d x_i = product of the others: exclusive cumulative products from the
        # left and from the right (correct with zeros, unlike prod / x_i)
        x, axis = self.x, self.axis
        if x.ndim == 0:
            return (g * xp.ones_like(x),)
        flat = x.reshape(-1) if axis is None else xp.moveaxis(x, axis, -1)
        ones = xp.ones(flat.shape[:-1] + (1,), x.dtype)
        left = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = xp.cumprod(xp.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        others = left * right
        if axis is None:
            return (g * others.reshape(x.shape),)
        return (xp.moveaxis(others * xp.expand_dims(g, -1), -1, axis),)


class Var(Function):
    """Variance with ``correction`` (1: unbiased); ``root=True`` gives the std."""

    def forward(self, x, dim=None, correction=1, keepdim=False, root=False):
        if x.dtype.kind not in "fc":
            raise TypeError(f"var: input dtype should be floating point, got {x.dtype}")
        self.shape, self.keepdim, self.root = x.shape, keepdim, root
        self.axes = axes = normalize_dims("var", dim, x.ndim)
        self.diff = d = x - x.mean(axis=axes, keepdims=True)
        self.denom = builtins.max(_reduced_count(x.shape, axes) - correction, 0)
        with xp.errstate(divide="ignore", invalid="ignore"):
            v = (d * d).sum(axis=axes, keepdims=keepdim) / x.dtype.type(self.denom)
        self.y = y = xp.sqrt(v) if root else v
        return y

    def backward(self, g):
        if self.root:
            # d std = d var / (2 std); 0 where std == 0, as in PyTorch
            y = self.y
            g = xp.where(y > 0, g / xp.where(y > 0, 2 * y, 1), 0).astype(g.dtype)
        g = expand_reduced(g, self.shape, self.axes, self.keepdim)
        # d var / dx_i = 2 (x_i - mean) / (N - correction)
        with xp.errstate(divide="ignore", invalid="ignore"):
            return (g * self.diff * self.diff.dtype.type(2 / self.denom if self.denom else
                                                           float("nan")),)


class Extreme(Function):
    """``amax``/``amin``: ties share the gradient evenly."""

    def forward(self, x, dim=None, keepdim=False, largest=True):
        name = "amax" if largest else "amin"
        if x.size == 0:
            raise RuntimeError(f"{name}: expected a non-empty input (got shape {x.shape})")
        self.shape, self.keepdim = x.shape, keepdim
        self.axes = axes = normalize_dims(name, dim, x.ndim)
        y = x.max(axis=axes, keepdims=True) if largest else x.min(axis=axes, keepdims=True)
        self.x, self.ykeep = x, y
        return y if keepdim or x.ndim == 0 else y.reshape(
            tuple(n for i, n in enumerate(x.shape) if axes is not None and i not in axes))

    def backward(self, g):
        mask = self.x == self.ykeep
        count = mask.sum(axis=self.axes, keepdims=True)
        g = expand_reduced(g, self.shape, self.axes, self.keepdim)
        return (g * mask / count.astype(g.dtype),)


class ArgExtreme(Function):
    """Index of the first maximum (or minimum) along ``dim``; no gradient."""

    differentiable = False

    def forward(self, x, dim=None, keepdim=False, largest=True):
        name = "argmax" if largest else "argmin"
        if x.size == 0:
            raise RuntimeError(f"{name}: expected a non-empty input (got shape {x.shape})")
        find = xp.argmax if largest else xp.argmin
        if dim is None:
            i = find(x)
            return xp.asarray(i, xp.int64).reshape((1,) * x.ndim if keepdim else ())
        axis = one_axis(name, dim, x.ndim)
        if x.ndim == 0:
            return xp.zeros((), xp.int64)
        return find(x, axis=axis, keepdims=keepdim).astype(xp.int64, copy=False)


class LogSumExp(Function):
    def forward(self, x, dim=None, keepdim=False):
        if x.dtype.kind not in "fc":
            x = x.astype(xp.float32)
        self.shape, self.keepdim = x.shape, keepdim
        self.axes = axes = normalize_dims("logsumexp", dim, x.ndim)
        # subtract the max so exp never overflows; an infinite max is replaced by 0
        m = x.max(axis=axes, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype)
        with xp.errstate(divide="ignore"):
            out = xp.log(xp.exp(x - m).sum(axis=axes, keepdims=True)) + m
        self.x, self.out = x, out
        if keepdim or x.ndim == 0:
            return out.reshape(out.shape if x.ndim else ())
        return out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in (
            axes if axes is not None else range(x.ndim))))

    def backward(self, g):
        # d logsumexp = softmax(x)
        g = expand_reduced(g, self.shape, self.axes, self.keepdim)
        return (g * xp.exp(self.x - self.out),)


class CumSum(Function):
    def forward(self, x, dim):
        self.axis = one_axis("cumsum", dim, x.ndim)
        if x.ndim == 0:
            return x.copy()
        if x.dtype.kind in "bi":
            x = x.astype(xp.int64)
        return xp.cumsum(x, axis=self.axis)

    def backward(self, g):
        # each input feeds every later output: reversed cumulative sum
        if g.ndim == 0:
            return (g,)
        a = self.axis
        return (xp.flip(xp.cumsum(xp.flip(g, a), axis=a), a),)


class Truth(Function):
    """``all``/``any``/``count_nonzero``: no gradient."""

    differentiable = False

    def forward(self, x, dim=None, keepdim=False, op="all"):
        axes = normalize_dims(op, dim, x.ndim)
        if op == "count_nonzero":
            return xp.asarray((x != 0).sum(axis=axes), xp.int64)
        return (xp.all if op == "all" else xp.any)(x, axis=axes, keepdims=keepdim)


# ----------------------------------------------------------------------------- functions
max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])


def prod(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """Product of the elements (over ``dim`` if given); zeros get exact gradients."""
    if dim is None:
        out = Prod.apply(input)
        return out if dtype is None else out.to(dtype)
    from ember.ops.shape import unsqueeze

    axis = one_axis("prod", dim, input.ndim)
    out = Prod.apply(input, dim=axis) if input.ndim else Prod.apply(input)
    if keepdim and input.ndim:
        out = unsqueeze(out, axis)
    return out if dtype is None else out.to(dtype)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """Variance over ``dim``; divides by ``N - correction`` (``unbiased=True``: N - 1)."""
    if isinstance(unbiased, bool) or unbiased is None:
        corr = _correction(unbiased, correction)
    else:  # var(x, dim, keepdim) written positionally
        corr, keepdim = _correction(None, correction), bool(unbiased)
    return Var.apply(input, dim=dim, correction=corr, keepdim=keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """Standard deviation over ``dim`` (see ``var``); its gradient is 0 where std is 0."""
    corr = _correction(unbiased if isinstance(unbiased, bool) else None, correction)
    return Var.apply(input, dim=dim, correction=corr, keepdim=keepdim, root=True)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def amax(input, dim=(), keepdim=False):  # noqa: A002
    """Maximum over ``dim`` (all dims when empty); ties share the gradient evenly."""
    return Extreme.apply(input, dim=dim if dim != () else None, keepdim=keepdim, largest=True)


def amin(input, dim=(), keepdim=False):  # noqa: A002
    """Minimum over ``dim`` (all dims when empty); ties share the gradient evenly."""
    return Extreme.apply(input, dim=dim if dim != () else None, keepdim=keepdim, largest=False)


def argmax(input, dim=None, keepdim=False):  # noqa: A002
    """Index of the first maximum (of the flattened input when ``dim`` is None)."""
    return ArgExtreme.apply(input, dim=dim, keepdim=keepdim, largest=True)


def argmin(input, dim=None, keepdim=False):  # noqa: A002
    return ArgExtreme.apply(input, dim=dim, keepdim=keepdim, largest=False)


def _extreme(input, dim, keepdim, largest, result):  # noqa: A002
    from ember.ops.elementwise import maximum, minimum
    from ember.ops.index import gather
    from ember.ops.shape import squeeze

    if dim is None:
        return Extreme.apply(input, largest=largest)
    if not isinstance(dim, int):  # max(input, other): the elementwise maximum
        return (maximum if largest else minimum)(input, dim)
    idx = ArgExtreme.apply(input, dim=dim, keepdim=True, largest=largest)
    values = gather(input, dim, idx)
    if not keepdim and input.ndim:
        values, idx = squeeze(values, dim), squeeze(idx, dim)
    return result(values, idx)


def max(input, dim=None, keepdim=False):  # noqa: A001, A002
    """``max(x)``: the largest element; ``max(x, dim)``: ``(values, indices)``;
    ``max(x, other)``: the elementwise maximum."""
    return _extreme(input, dim, keepdim, True, max_result)


def min(input, dim=None, keepdim=False):  # noqa: A001, A002
    """``min(x)``, ``min(x, dim) -> (values, indices)`` or ``min(x, other)``."""
    return _extreme(input, dim, keepdim, False, min_result)


def logsumexp(input, dim, keepdim=False):  # noqa: A002
    """``log(sum(exp(x)))`` over ``dim``, computed without overflow."""
    return LogSumExp.apply(input, dim=dim, keepdim=keepdim)


def cumsum(input, dim, *, dtype=None):  # noqa: A002
    out = CumSum.apply(input, dim=dim)
    return out if dtype is None else out.to(dtype)


def all(input, dim=None, keepdim=False):  # noqa: A001, A002
    return Truth.apply(input, dim=dim, keepdim=keepdim, op="all")


def any(input, dim=None, keepdim=False):  # noqa: A001, A002
    return Truth.apply(input, dim=dim, keepdim=keepdim, op="any")


def count_nonzero(input, dim=None):  # noqa: A002
    return Truth.apply(input, dim=dim, op="count_nonzero")


aminmax_result = namedtuple("aminmax", ["min", "max"])


def nansum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``sum`` that treats NaN as 0 (NaN entries get no gradient)."""
    from ember.ops.elementwise import isnan, where

    return sum(where(isnan(input), 0.0, input), dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """``mean`` over the entries that are not NaN."""
    from ember.ops.elementwise import div, isnan, logical_not

    count = sum(logical_not(isnan(input)), dim, keepdim).to(input.dtype)
    out = div(nansum(input, dim, keepdim), count)
    return out if dtype is None else out.to(dtype)


def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """``(min, max)`` over ``dim`` (all elements when None)."""
    d = () if dim is None else dim
    return aminmax_result(amin(input, d, keepdim), amax(input, d, keepdim))
