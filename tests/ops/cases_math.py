"""Registry cases for the transcendental and pointwise functions, the scans and the
order statistics (``ember.ops.transcendental``, ``pointwise``, ``scan``, ``ordering``).
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import (
    _with_dim,
    away_from_zero,
    binary,
    broadcast_shapes,
    case,
    distinct,
    normal,
    positive,
    rand_shape,
    unary,
)


def uniform(low, high):
    return lambda rng, shape: rng.uniform(low, high, shape)


def ternary(values=normal):
    def sample(rng):
        return [values(rng, s) for s in broadcast_shapes(rng, 3)]

    return sample


# transcendental
case("erf", lambda T, a: T.erf(a * 2.0), unary())
case("erf_tails", lambda T, a: a.erf() * a, unary(uniform(-5.0, 5.0)))
case("erfc", lambda T, a: T.erfc(a * 2.0), unary(), rtol=2e-5)
case("log2", lambda T, a: T.log2(a), unary(positive))
case("log10", lambda T, a: a.log10(), unary(positive))
case("exp2", lambda T, a: T.exp2(a) + a.exp2(), unary())
case("tan", lambda T, a: T.tan(a), unary(uniform(-1.2, 1.2)))
case("asin", lambda T, a: T.asin(a), unary(uniform(-0.9, 0.9)))
case("acos", lambda T, a: a.acos(), unary(uniform(-0.9, 0.9)))
case("atan", lambda T, a: T.atan(a) + T.arctan(a), unary())
case("sinh_cosh", lambda T, a: T.sinh(a) * a.cosh(), unary())
case("asinh_atanh", lambda T, a: T.asinh(a) + T.atanh(a), unary(uniform(-0.9, 0.9)))
case("acosh", lambda T, a: T.acosh(a), unary(uniform(1.2, 3.0)))
case("atan2", lambda T, a, b: T.atan2(a, b) + a.arctan2(b * 2.0), binary(away_from_zero))
case("hypot", lambda T, a, b: T.hypot(a, b), binary(away_from_zero))
case("logaddexp", lambda T, a, b: T.logaddexp(a * 30.0, b), binary())
case("xlogy", lambda T, a, b: T.xlogy(a, b) + T.xlogy(a * (a > 0.3), b), binary(normal, positive))
case("xlogy_int", lambda T, a: T.xlogy(T.tensor([0, 2, 3]), a) + T.xlogy(a, 2.0),
     lambda rng: [positive(rng, (3,))])
case("log2_int", lambda T, a: T.log2(T.tensor([1, 2, 8])) * a + T.erf(T.tensor([0, 1])).sum(),
     lambda rng: [normal(rng, (3,))])

# pointwise combinations
case("reciprocal", lambda T, a: T.reciprocal(a) + a.reciprocal(),
     unary(lambda r, s: away_from_zero(r, s, 0.5)))
case("lerp", lambda T, a, b, w: T.lerp(a, b, w), ternary())
case("lerp_scalar", lambda T, a, b: a.lerp(b, 0.3), binary())
case("addcmul", lambda T, a, b, c: T.addcmul(a, b, c, value=0.5) + a.addcmul(b * 2.0, c),
     ternary())
case("addcdiv", lambda T, a, b, c: T.addcdiv(a, b, c, value=-2.0) + a.addcdiv(b, c),
     ternary(lambda r, s: away_from_zero(r, s, 0.5)))


def _clamp_bounds(rng):
    a, b = broadcast_shapes(rng, 2)
    x, lo = distinct(rng, a), normal(rng, b)  # ties have probability 0
    hi = lo + rng.uniform(0.5, 2.0, lo.shape)
    return [x, lo, hi]


case("clamp_tensor", lambda T, a, lo, hi: T.clamp(a, lo, hi), _clamp_bounds)
case("clamp_tensor_min", lambda T, a, lo, hi: a.clamp(min=lo) + T.clamp(a, max=hi) * 2.0,
     _clamp_bounds)
case("clamp_tensor_0d", lambda T, a, lo, hi: a.clamp(min=lo.mean()) * hi.sum(), _clamp_bounds)


def _with_non_finite(rng):
    x = normal(rng, rand_shape(rng, 1, 3))
    flat = x.reshape(-1)
    for v in (np.nan, np.inf, -np.inf):
        flat[int(rng.integers(0, flat.size))] = v
    return [x]


case("nan_to_num", lambda T, a: T.nan_to_num(a, nan=0.5, posinf=3.0, neginf=-4.0),
     _with_non_finite)
case("nan_to_num_default", lambda T, a: a.nan_to_num() * 0.5,
     lambda rng: [np.where(normal(rng, (3, 4)) > 1.0, np.nan, normal(rng, (3, 4)))])

# scans
case("cumprod", lambda T, a, d: T.cumprod(a, int(d)), _with_dim(max_dims=3))
case("cumprod_zeros", lambda T, a, d: (a * (a.abs() > 0.5)).cumprod(int(d)),
     _with_dim(lambda r, s: away_from_zero(r, s, 0.2), max_dims=3))
case("cummax", lambda T, a, d: tuple(T.cummax(a, int(d))), _with_dim(distinct, min_dims=0))
case("cummin", lambda T, a: tuple(a.cummin(-1)), unary(distinct, min_dims=1))
case("cummax_ties", lambda T, a: tuple(T.cummax(a, 0)),
     unary(lambda r, s: r.integers(-2, 3, s).astype(float), min_dims=1), gradcheck=False)
case("logcumsumexp", lambda T, a, d: T.logcumsumexp(a * 10.0, int(d)), _with_dim())

# order statistics and NaN-aware reductions
case("median", lambda T, a: T.median(a), unary(distinct))
case("median_dim", lambda T, a, d: tuple(T.median(a, int(d))), _with_dim(distinct))
case("median_keepdim", lambda T, a: tuple(a.median(dim=0, keepdim=True)),
     unary(distinct, min_dims=1))
case("mode", lambda T, a: tuple(T.mode(a, -1)),
     unary(lambda r, s: r.integers(-2, 3, s).astype(float), min_dims=1), gradcheck=False)


def _with_nans(rng):
    """NaN entries, but none in the first slice along dim 0 (no all-NaN mean)."""
    x = normal(rng, rand_shape(rng, 1, 3))
    nan = rng.random(x.shape) < 0.3
    nan[0] = False
    return [np.where(nan, np.nan, x)]


case("nansum", lambda T, a: T.nansum(a) + a.nansum(dim=-1).sum(), _with_nans)
case("nanmean", lambda T, a: T.nanmean(a, dim=0) * a.nanmean(), _with_nans)
case("aminmax", lambda T, a: tuple(T.aminmax(a)) + tuple(a.aminmax(dim=-1, keepdim=True)),
     unary(distinct, min_dims=1))
