"""Registry cases for the PyTorch functions added with ``ember.ops.numeric``,
``special_functions`` and ``arrange``, and for the aliases: each differentiable one is
gradchecked and compared with PyTorch here (non-differentiable ones: tests/test_more_ops.py).
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import (
    away_from_zero,
    binary,
    case,
    distinct,
    normal,
    positive,
    rand_dim,
    rand_shape,
    unary,
)


def uniform(low, high):
    return lambda rng, shape: rng.uniform(low, high, shape)


def _nonzero(rng, shape):
    return away_from_zero(rng, shape, 0.5)


# aliases
case("absolute_negative", lambda T, a, b: T.absolute(a) * T.negative(b) + a.absolute(),
     binary(away_from_zero))
case("multiply_subtract", lambda T, a, b: (T.multiply(a, b), T.subtract(a, b, alpha=2),
                                                a.multiply(b), a.subtract(b)), binary())
case("divide_true_divide", lambda T, a, b: (T.divide(a, b), T.true_divide(a, b),
     a.divide(b, rounding_mode="floor"), T.divide(a, b, rounding_mode="trunc")),
     binary(uniform(0.2, 0.8), _nonzero))
case("swapdims_moveaxis", lambda T, a: T.swapdims(a, 0, -1) + T.moveaxis(a, 1, 0).moveaxis(0, 1)
     .swapdims(0, -1), unary(min_dims=2, max_dims=2))
case("ravel", lambda T, a: T.ravel(a) * a.ravel(), unary())
case("fliplr_flipud", lambda T, a: T.fliplr(a) + a.flipud() * 2.0, unary(min_dims=2))

# numeric
case("sgn", lambda T, a: T.sgn(a) * a + a.sgn(), unary(away_from_zero))
case("copysign", lambda T, a, b: T.copysign(a, b) + a.copysign(2.0), binary(away_from_zero))
case("frac", lambda T, a: T.frac(a * 3.0) + a.frac(),
     unary(lambda r, s: r.integers(-3, 4, s) + r.uniform(0.1, 0.9, s)))
case("logit", lambda T, a: T.logit(a) + a.logit(), unary(uniform(0.05, 0.95)))
case("logit_eps", lambda T, a: T.logit(a, eps=0.2) + T.logit(a, 0.1),
     unary(lambda r, s: np.where(r.random(s) < 0.5, r.uniform(0.25, 0.75, s),
                                 r.uniform(0.02, 0.08, s))))
case("deg2rad_rad2deg", lambda T, a: T.deg2rad(a) + a.rad2deg(), unary())
case("fmax_fmin", lambda T, a, b: T.fmax(a, b) + a.fmin(b) * 2.0, binary(distinct, normal))
case("fmax_nan", lambda T, a, b: T.fmax(a, b * np.nan) + T.fmin(a * np.nan, b), binary(),
     gradcheck=False)
case("float_power", lambda T, a, b: (T.float_power(a, b), a.float_power(2),
                                          T.float_power(a, 0.5)), binary(positive))
case("ldexp", lambda T, a, b: T.ldexp(a, b), binary(normal, uniform(-2.0, 2.0)))
case("logaddexp2", lambda T, a, b: T.logaddexp2(a * 30.0, b) + a.logaddexp2(b), binary())

# special functions
case("lgamma", lambda T, a: T.lgamma(a) + T.special.gammaln(a), unary(uniform(0.1, 6.0)),
     rtol=1e-4)
case("special_gammainc",  # no gradient w.r.t. the shape parameter: it is a constant here
     lambda T, x: T.special.gammainc(T.full_like(x, 0.5) + T.arange(4, dtype=x.dtype), x),
     lambda rng: [rng.uniform(0.05, 9.0, (3, 4))], rtol=1e-4)
case("lgamma_negative", lambda T, a: a.lgamma(), unary(uniform(-3.9, -3.1)), rtol=1e-4)
case("digamma", lambda T, a: T.digamma(a) + T.special.psi(a) + a.digamma(),
     unary(uniform(0.2, 12.0)), rtol=1e-4, atol=1e-5)
case("digamma_negative", lambda T, a: T.digamma(a), unary(uniform(-2.8, -2.2)), rtol=1e-4)
case("polygamma", lambda T, a: T.polygamma(1, a) + a.polygamma(2) + T.special.polygamma(3, a),
     unary(uniform(0.5, 6.0)), rtol=1e-4, atol=1e-4)
case("mvlgamma", lambda T, a: (T.mvlgamma(a, p=3), T.special.multigammaln(a, 1)),
     unary(uniform(1.2, 5.0)), rtol=1e-4)
case("erfinv", lambda T, a: T.erfinv(a) + a.erfinv() + T.special.erfinv(a),
     unary(uniform(-0.95, 0.95)), rtol=1e-4, atol=1e-5)
case("i0", lambda T, a: T.i0(a * 3.0) + a.i0() + T.special.i0(a), unary(), rtol=1e-4)
case("i0e_i1_i1e", lambda T, a: T.special.i0e(a * 4.0) + T.special.i1(a)
     + T.special.i1e(a * 3.0), unary(), rtol=1e-4, atol=1e-5)
case("sinc", lambda T, a: T.sinc(a * 2.0) + a.sinc() + T.special.sinc(a), unary(), atol=1e-5)
case("ndtr_ndtri", lambda T, a, p: T.special.ndtr(a) + T.special.ndtri(p)
     + T.special.log_ndtr(a), lambda rng: [normal(rng, (5,)), rng.uniform(0.05, 0.95, (5,))],
     rtol=1e-4, atol=1e-5)
case("entr_xlog1py", lambda T, a, b: (T.special.entr(a), T.special.xlog1py(a, b)),
     binary(positive))
case("special_aliases", lambda T, a: T.special.expit(a) + T.special.logit(a.sigmoid())
     + T.special.erf(a) + T.special.erfc(a) + T.special.log1p(a.abs())
     + T.special.expm1(a) + T.special.exp2(a) + T.special.xlogy(a, 2.0)
     + T.special.logsumexp(a, -1, keepdim=True) + T.special.softmax(a, -1)
     + T.special.log_softmax(a, dim=-1) + T.special.round(a), unary(min_dims=1))


# arranging
def _several(min_dims=0, max_dims=3):
    return lambda rng: [normal(rng, rand_shape(rng, min_dims, max_dims)) for _ in range(3)]


case("atleast", lambda T, a, b, c: (T.atleast_1d(a), T.atleast_2d(b), T.atleast_3d(c))
     + T.atleast_3d(a, b) + T.atleast_2d([a, c]), _several())
case("broadcast_tensors", lambda T, a, b: T.broadcast_tensors(a, b), binary())
case("column_stack", lambda T, a, b, c: T.column_stack([a, b, c]),
     lambda rng: [normal(rng, (3,)), normal(rng, (3, 2)), normal(rng, ())[None].repeat(3)])
case("dstack", lambda T, a, b: T.dstack([a, b]) + T.dstack((b, a)),
     lambda rng: [normal(rng, s) for s in [(rand_shape(rng, 1, 1)[0],)] * 2]
     if rng.random() < 0.5 else [normal(rng, (2, 3, 2)), normal(rng, (2, 3, 2))])
case("tensor_split", lambda T, a: T.tensor_split(a, 3) + a.tensor_split([1, 3], dim=-1)
     + T.tensor_split(a, (0, 9), dim=0), unary(min_dims=1, max_dims=3, values=normal))
case("hsplit_vsplit_dsplit", lambda T, a: T.hsplit(a, 2) + a.vsplit([1]) + T.dsplit(a, [1, 2])
     + T.hsplit(a, [1]), lambda rng: [normal(rng, (3, 4, int(rng.integers(1, 4))))])
case("rot90", lambda T, a: (T.rot90(a), a.rot90(2, [1, 0]), T.rot90(a, -1, (0, -1)),
                            T.rot90(a, 4)), unary(min_dims=2, max_dims=4))
case("tile", lambda T, a: (T.tile(a, (2,)), a.tile((2, 1, 3))), unary())
case("unflatten", lambda T, a: T.unflatten(a, 1, (2, -1))
     + a.unflatten(-1, (3, 2)).flatten(-2).unflatten(1, (2, 3)),
     lambda rng: [normal(rng, (2, 6))])


def _select(rng):
    x = normal(rng, rand_shape(rng, 1, 4))
    d = rand_dim(rng, x.ndim)
    return [x, np.array(d), np.array(int(rng.integers(-x.shape[d], x.shape[d])))]


case("select", lambda T, a, d, i: T.select(a, int(d), int(i)) + a.select(int(d), int(i)),
     _select)
case("diagflat", lambda T, a: (T.diagflat(a), a.diagflat(1), T.diagflat(a, -2)),
     unary(max_dims=2))
# torch 2.13 cannot differentiate vander (an in-place cumprod): values only here, the
# gradient is checked in tests/test_more_ops.py
case("vander", lambda T, a: (T.vander(a), T.vander(a, N=3, increasing=True)),
     unary(min_dims=1, max_dims=1), grad=False)
case("combinations", lambda T, a: (T.combinations(a), T.combinations(a, 3),
                                   T.combinations(a, r=2, with_replacement=True)),
     lambda rng: [normal(rng, (int(rng.integers(1, 5)),))])
