"""Registry cases for the shape, index, diagonal, product and binning ops added to the
core (``repeat_interleave``, ``meshgrid``, ``index_add``, ``diagonal``, ``tensordot``,
``bucketize``, ...). Integer outputs (indices, counts) are compared as values.
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import _with_dim, case, normal, rand_dim, rand_shape, unary

# repeating and gridding
case("repeat_interleave", lambda T, a, d: T.repeat_interleave(a, 2, dim=int(d)),
     _with_dim(max_dims=3))
case("repeat_interleave_flat", lambda T, a: a.repeat_interleave(3), unary(max_dims=3))


def _repeats(rng):
    x = normal(rng, rand_shape(rng, 1, 3))
    dim = rand_dim(rng, x.ndim)
    return [x, rng.integers(0, 4, x.shape[dim]), np.array(dim)]


case("repeat_interleave_tensor", lambda T, a, r, d: T.repeat_interleave(a, r, dim=int(d)),
     _repeats)
case("repeat_interleave_counts", lambda T, r: T.repeat_interleave(r),
     lambda rng: [rng.integers(0, 4, int(rng.integers(1, 5)))], grad=False)


def _vectors(n):
    return lambda rng: [normal(rng, (int(rng.integers(1, 5)),)) for _ in range(n)]


case("meshgrid_ij", lambda T, a, b, c: T.meshgrid(a, b, c, indexing="ij"), _vectors(3))
case("meshgrid_xy", lambda T, a, b: tuple(T.meshgrid([a, b], indexing="xy")), _vectors(2))
case("cartesian_prod", lambda T, a, b: T.cartesian_prod(a, b), _vectors(2))
case("block_diag", lambda T, a, b, c: T.block_diag(a, b, c),
     lambda rng: [normal(rng, (2, 3)), normal(rng, (int(rng.integers(1, 4)),)),
                  normal(rng, (1, 2))])
case("kron", lambda T, a, b: T.kron(a, b),
     lambda rng: [normal(rng, rand_shape(rng, 1, 3, 3)), normal(rng, rand_shape(rng, 1, 3, 3))])

# placing and taking by index


def _index_add_sample(rng):
    x = normal(rng, rand_shape(rng, 1, 3))
    dim = rand_dim(rng, x.ndim)
    index = rng.integers(0, x.shape[dim], int(rng.integers(1, 5)))
    shape = list(x.shape)
    shape[dim] = index.size
    return [x, normal(rng, tuple(shape)), index, np.array(dim)]


def _index_copy_sample(rng):
    x, src, index, dim = _index_add_sample(rng)
    n = x.shape[int(dim)]
    index = rng.permutation(n)[:int(rng.integers(1, n + 1))]  # no repeats: copy is exact
    shape = list(x.shape)
    shape[int(dim)] = index.size
    return [x, normal(rng, tuple(shape)), index, dim]


case("index_add", lambda T, a, s, i, d: T.index_add(a, int(d), i, s), _index_add_sample)
case("index_add_alpha", lambda T, a, s, i, d: a.index_add(int(d), i, s, alpha=-0.5),
     _index_add_sample)
case("index_copy", lambda T, a, s, i, d: T.index_copy(a, int(d), i, s), _index_copy_sample)
case("index_fill", lambda T, a, s, i, d: a.index_fill(int(d), i, -2.0) * s.sum(),
     _index_copy_sample)
case("take", lambda T, a, i: T.take(a, i), lambda rng: [
    normal(rng, (3, 4)), rng.integers(-12, 12, rand_shape(rng, 0, 2))])
case("narrow", lambda T, a: T.narrow(a, -1, 1, 2) + a.narrow(0, 0, 1).sum(),
     lambda rng: [normal(rng, rand_shape(rng, 0, 2) + (4,))])

# diagonals
case("diagonal", lambda T, a: T.diagonal(a), unary(min_dims=2, max_dims=4))
case("diagonal_offset", lambda T, a: a.diagonal(1, -1, 0) + T.diagonal(a, -1, 0, -1).sum(),
     unary(min_dims=2, max_dims=3))
case("diag_embed", lambda T, a: (T.diag_embed(a), a.diag_embed(0, 0, -1) * 2.0),
     unary(min_dims=1, max_dims=3))
case("diag_embed_offset", lambda T, a: T.diag_embed(a, 2, 1, 0), unary(min_dims=1, max_dims=3))
case("trace", lambda T, a: T.trace(a) * a.trace(), unary(min_dims=2, max_dims=2))
case("triu_tril_indices", lambda T, a: a[tuple(T.triu_indices(3, 4, 1))]
     + a[tuple(T.tril_indices(3, 4, -1))].sum(), lambda rng: [normal(rng, (3, 4))])

# products
case("tensordot", lambda T, a, b: T.tensordot(a, b, 2),
     lambda rng: [normal(rng, (2, 3, 4)), normal(rng, (3, 4, 2))])
case("tensordot_pairs", lambda T, a, b: T.tensordot(a, b, dims=([0, 2], [2, 1])),
     lambda rng: [normal(rng, (2, 3, 4)), normal(rng, (5, 4, 2))])
case("baddbmm", lambda T, c, a, b: T.baddbmm(c, a, b, beta=0.5, alpha=2.0),
     lambda rng: [normal(rng, (3, 1)), normal(rng, (2, 3, 4)), normal(rng, (2, 4, 3))])
case("baddbmm_method", lambda T, c, a, b: c.baddbmm(a, b),
     lambda rng: [normal(rng, (2, 3, 3)), normal(rng, (2, 3, 4)), normal(rng, (2, 4, 3))])
case("addmv", lambda T, c, a, b: T.addmv(c, a, b, beta=-1.0, alpha=0.5) + c.addmv(a, b),
     lambda rng: [normal(rng, (3,)), normal(rng, (3, 4)), normal(rng, (4,))])
case("cross", lambda T, a, b: T.cross(a, b, dim=-1) + a.cross(b, dim=-1),
     lambda rng: [normal(rng, (int(rng.integers(1, 4)), 3)), normal(rng, (1, 3))])
case("cross_dim0", lambda T, a, b: T.cross(a, b, dim=0),
     lambda rng: [normal(rng, (3, 2)), normal(rng, (3, 2))])

# binning (no gradients)


def _sorted_and_values(rng):
    boundaries = np.sort(normal(rng, (int(rng.integers(1, 6)),)))
    values = np.concatenate([normal(rng, rand_shape(rng, 1, 1)).reshape(-1), boundaries[:1]])
    return [values, boundaries]


case("bucketize", lambda T, v, b: (T.bucketize(v, b), T.bucketize(v, b, right=True)),
     _sorted_and_values, grad=False)
case("searchsorted", lambda T, v, b: (T.searchsorted(b, v), T.searchsorted(b, v, side="right")),
     _sorted_and_values, grad=False)
case("searchsorted_rows", lambda T, s, v: T.searchsorted(s, v),
     lambda rng: [np.sort(normal(rng, (3, 5)), axis=-1), normal(rng, (3, 4))], grad=False)
case("histc", lambda T, a: (T.histc(a, bins=5, min=-1, max=1), a.histc(4)),
     unary(min_dims=1), grad=False)
case("bincount", lambda T, i, w: (T.bincount(i), i.bincount(w, minlength=7)),
     lambda rng: [rng.integers(0, 5, 6), normal(rng, (6,))], grad=False)
