"""Registry cases for the statistics, finite differences/integrals and products added
with ``ember.ops.statistics``, ``calculus`` and ``products`` (see cases_more_math.py for
the element-wise ones).
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import binary, case, distinct, normal, positive, rand_dim, rand_shape, unary


def _distinct_dim(min_dims=1, max_dims=3):
    def sample(rng):
        x = distinct(rng, rand_shape(rng, min_dims, max_dims))
        return [x, np.array(rand_dim(rng, x.ndim))]

    return sample


# order statistics
case("kthvalue", lambda T, a, d: tuple(T.kthvalue(a, 1, int(d)))
     + tuple(a.kthvalue(a.shape[int(d)], dim=int(d), keepdim=True)), _distinct_dim())
for mode in ("linear", "lower", "higher", "midpoint", "nearest"):
    case(f"quantile_{mode}", lambda T, a, d, m=mode: (
        T.quantile(a, 0.3, int(d), interpolation=m),
        a.quantile(T.tensor([0.0, 0.25, 0.5, 1.0], dtype=a.dtype), dim=int(d), keepdim=True,
                   interpolation=m)), _distinct_dim(), gradcheck=mode != "nearest")
case("quantile_all", lambda T, a: (T.quantile(a, 0.7), T.quantile(a, T.tensor(
    [0.1, 0.9], dtype=a.dtype), keepdim=True)), unary(distinct))
case("quantile_nan", lambda T, a: T.quantile(a, 0.5, dim=-1),
     lambda rng: [np.where(np.arange(12).reshape(3, 4) == 5, np.nan, distinct(rng, (3, 4)))],
     gradcheck=False)

# finite differences and integrals
case("diff", lambda T, a, d: (T.diff(a, dim=int(d)), a.diff(n=2, dim=int(d))),
     _distinct_dim(max_dims=3))
case("diff_prepend_append", lambda T, a, b, c: T.diff(a, 1, 0, prepend=b, append=c),
     lambda rng: [normal(rng, (3, 2)), normal(rng, (1, 2)), normal(rng, (2, 2))])
def _grid(rng):
    return [normal(rng, tuple(int(rng.integers(2, 5)) for _ in range(rng.integers(1, 4))))]


# (one call per case: graph mode merges repeated slices, which reorders float32 sums)
case("gradient", lambda T, a: T.gradient(a), _grid)
case("gradient_spacing", lambda T, a: T.gradient(a, spacing=2.0, dim=-1), _grid)
case("gradient_dims", lambda T, a: T.gradient(a, spacing=[0.5], dim=[0]), _grid)
case("gradient_coordinates", lambda T, a: T.gradient(
    a, spacing=(T.tensor([0.0, 0.5, 1.5, 3.0], dtype=a.dtype),), dim=1),
     lambda rng: [normal(rng, (2, 4))])
case("trapezoid", lambda T, a, x: (T.trapezoid(a), T.trapezoid(a, x, dim=0), T.trapz(a, dx=0.5),
                                   T.cumulative_trapezoid(a, x, dim=0),
                                   T.cumulative_trapezoid(a, dim=1)),
     lambda rng: [normal(rng, (4, 3)), np.sort(normal(rng, (4,)))])
case("trapezoid_nd_x", lambda T, a, x: (T.trapezoid(a, x), T.cumulative_trapezoid(a, x, dim=-1)),
     lambda rng: [normal(rng, (2, 5)), np.cumsum(positive(rng, (2, 5)), 1)])

# covariance
case("cov", lambda T, a: (T.cov(a), a.cov(correction=0), T.cov(a[0])),
     lambda rng: [normal(rng, (int(rng.integers(1, 4)), int(rng.integers(3, 6))))])
case("cov_weights", lambda T, a, f, w: (T.cov(a, fweights=f, aweights=w),
                                        T.cov(a, aweights=w, correction=2), T.cov(a, fweights=f)),
     lambda rng: [normal(rng, (3, 5)), rng.integers(1, 4, 5), positive(rng, (5,))])
case("corrcoef", lambda T, a: a.corrcoef(),
     lambda rng: [normal(rng, (int(rng.integers(2, 4)), 6))], atol=1e-5)

# products
case("inner", lambda T, a, b: T.inner(a, b) + 0 * a.inner(b),
     lambda rng: [normal(rng, rand_shape(rng, 1, 3) + (3,)), normal(rng, rand_shape(rng, 0, 2)
                                                                    + (3,))])
case("inner_scalar", lambda T, a, b: T.inner(a.sum(), b), binary())
case("vdot_mv", lambda T, a, b, m: (T.vdot(a, b), T.mv(m, a), m.mv(b)),
     lambda rng: [normal(rng, (3,)), normal(rng, (3,)), normal(rng, (2, 3))])
case("addr", lambda T, c, a, b: (T.addr(c, a, b), c.addr(a, b, beta=0.5, alpha=2.0)),
     lambda rng: [normal(rng, (3, 2)), normal(rng, (3,)), normal(rng, (2,))])
case("addbmm", lambda T, c, a, b: (T.addbmm(c, a, b), c.addbmm(a, b, beta=0.5, alpha=-2.0)),
     lambda rng: [normal(rng, (2, 4)), normal(rng, (3, 2, 5)), normal(rng, (3, 5, 4))])
case("chain_matmul", lambda T, a, b, c: T.chain_matmul(a, b, c),
     lambda rng: [normal(rng, (2, 3)), normal(rng, (3, 4)), normal(rng, (4, 2))])
case("dist", lambda T, a, b: (T.dist(a, b), a.dist(b, 1), T.dist(a, b, 3.0)),
     binary(distinct, lambda r, s: distinct(r, s) + 0.13))


def _nan_rows(rng):
    """Distinct values with NaN at random places (one row all NaN but one entry)."""
    x = distinct(rng, (3, 5))
    nan = rng.random(x.shape) < 0.3
    nan[0, 1:], nan[0, 0] = True, False
    return [np.where(nan, np.nan, x)]


case("nanquantile", lambda T, a: (T.nanquantile(a, 0.4, dim=1),
                                  a.nanquantile(T.tensor([0.2, 0.5], dtype=a.dtype), dim=1,
                                                keepdim=True, interpolation="midpoint")),
     _nan_rows)
case("nanmedian", lambda T, a: (T.nanmedian(a),) + tuple(a.nanmedian(1))
     + tuple(T.nanmedian(a, 0, keepdim=True)), _nan_rows)
