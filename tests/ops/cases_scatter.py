"""Registry cases for the scatter family added with ``ember.ops.scatter`` and for
``index_put``'s ``accumulate`` (values and gradients against PyTorch)."""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

from tests.ops.cases import case, distinct, normal


def _scatter_inputs(rng):
    x = distinct(rng, (3, 4))
    src = distinct(rng, (4, 4)) + 0.05
    index = rng.integers(0, 3, (4, 4))
    return [x, index, src]


for reduce in ("sum", "prod", "mean", "amax", "amin"):
    for include_self in (True, False):
        case(f"scatter_reduce_{reduce}_{include_self}",
             lambda T, x, i, s, r=reduce, inc=include_self: T.scatter_reduce(
                 x, 0, i, s, r, include_self=inc) + x.scatter_reduce(1, i[:3, :2] % 4, s[:3, :2], r,
                                                                      include_self=inc),
             _scatter_inputs, rtol=1e-4, atol=1e-5)


def _index_reduce_inputs(rng):
    x = distinct(rng, (4, 3))
    source = distinct(rng, (5, 3)) + 0.05
    return [x, rng.integers(0, 4, 5), source]


for reduce in ("prod", "mean", "amax", "amin"):
    case(f"index_reduce_{reduce}", lambda T, x, i, s, r=reduce: (
        T.index_reduce(x, 0, i, s, r), x.index_reduce(0, i, s, r, include_self=False)),
        _index_reduce_inputs, rtol=1e-4, atol=1e-5)

case("select_scatter", lambda T, x, s: (T.select_scatter(x, s, 1, -1),
                                        x.select_scatter(s, 1, 0)),
     lambda rng: [normal(rng, (2, 3)), normal(rng, (2,))])
case("slice_scatter", lambda T, x, s: (T.slice_scatter(x, s, 1, 0, 4, 2),
                                       x.slice_scatter(s, dim=1, start=1, step=2)),
     lambda rng: [normal(rng, (2, 4)), normal(rng, (2, 2))])
case("masked_scatter", lambda T, x, m, s: (T.masked_scatter(x, m, s), x.masked_scatter(m[0], s)),
     lambda rng: [normal(rng, (3, 4)), rng.random((3, 4)) < 0.5, normal(rng, (4, 4))])
case("index_put_accumulate", lambda T, x, i, p, v: (
    T.index_put(x, (i,), v, accumulate=True), x.index_put((p,), v[:4]),
    T.index_put(x, (i, i % 2), v[:, 0], accumulate=True)),
     lambda rng: [normal(rng, (4, 2)), rng.integers(0, 4, 5), rng.permutation(4),
                  normal(rng, (5, 2))])
