"""The op registry: one entry per op, used by every op-level test.

Each ``OpCase`` names the op, a function ``fn(lib, *tensors)`` written once against the
PyTorch API (``lib`` is ``ember`` or ``torch``: the same code runs in both), and a sampler
``sample(rng) -> list[np.ndarray]`` that draws valid inputs of random shapes (including
broadcasting, size-1 and 0-d cases). Float inputs are differentiated; integer and boolean
inputs are passed as constants. Tests iterate over ``CASES``:
``tests/ops/test_gradcheck.py`` (float64 finite differences),
``tests/ops/test_torch_parity.py`` (values and gradients against PyTorch, float32) and, in
graph mode, graph-vs-eager agreement. A new op is covered by adding one entry here.
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class OpCase:
    name: str
    fn: Callable
    sample: Callable
    grad: bool = True  # whether the op has gradients to check
    rtol: float = 1e-5
    atol: float = 1e-6
    gradcheck: bool = True  # some ops (sort ties, max ties) are checked against torch only
    tags: tuple = field(default_factory=tuple)


# ------------------------------------------------------------------------ shape samplers
def rand_shape(rng, min_dims=0, max_dims=4, max_size=5):
    nd = int(rng.integers(min_dims, max_dims + 1))
    return tuple(int(rng.integers(1, max_size + 1)) for _ in range(nd))


def broadcast_shapes(rng, n=2, min_dims=0, max_dims=4):
    """``n`` shapes that broadcast together: some dims dropped or set to 1 per operand."""
    full = rand_shape(rng, min_dims, max_dims)
    shapes = []
    for _ in range(n):
        s = list(full[int(rng.integers(0, len(full) + 1)):]) if rng.random() < 0.5 else list(full)
        s = [1 if rng.random() < 0.25 else d for d in s]
        shapes.append(tuple(s))
    return shapes


def normal(rng, shape):
    return rng.standard_normal(shape)


def positive(rng, shape, low=0.2, high=2.0):
    return rng.uniform(low, high, shape)


def away_from_zero(rng, shape, gap=0.1):
    """Values with |x| >= gap, so kinks (relu, abs) are not probed by finite differences."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < gap, np.sign(x + 1e-12) * gap + x, x)


def distinct(rng, shape):
    """A random permutation of well-separated values (no ties for max, sort)."""
    n = int(np.prod(shape, dtype=int))
    return (rng.permutation(n).astype(np.float64) * 0.37 - n * 0.15).reshape(shape)


def unary(values=normal, min_dims=0, max_dims=4):
    return lambda rng: [values(rng, rand_shape(rng, min_dims, max_dims))]


def binary(values=normal, values_b=None):
    def sample(rng):
        a, b = broadcast_shapes(rng, 2)
        return [values(rng, a), (values_b or values)(rng, b)]

    return sample


def rand_dim(rng, ndim):
    return int(rng.integers(-ndim, ndim)) if ndim else 0


# ------------------------------------------------------------------------ the registry
CASES: list[OpCase] = []


def case(name, fn, sample, **kw):
    CASES.append(OpCase(name, fn, sample, **kw))


# elementwise arithmetic
case("add", lambda T, a, b: a + b, binary())
case("add_alpha", lambda T, a, b: T.add(a, b, alpha=0.5), binary())
case("sub", lambda T, a, b: a - b, binary())
case("mul", lambda T, a, b: a * b, binary())
case("div", lambda T, a, b: a / b, binary(normal, lambda r, s: away_from_zero(r, s, 0.5)))
case("pow", lambda T, a, b: a ** b, binary(positive))


def _quotients(rng):
    """``x = y * (k + u)`` with u in [0.2, 0.8]: x / y is never near an integer, where
    remainder jumps and floor division steps."""
    a, b = broadcast_shapes(rng, 2)
    y = away_from_zero(rng, b, 0.5)
    shape = np.broadcast_shapes(a, b)
    return [y * (rng.integers(-3, 4, shape) + rng.uniform(0.2, 0.8, shape)), y]


# torch has no derivative for ``//`` (Ember's is zero, as for div's rounding modes)
case("floor_divide", lambda T, a, b: T.div(a, b, rounding_mode="floor") * a
     + T.div(a, b, rounding_mode="trunc") + a.detach() // b.detach(), _quotients)
case("remainder", lambda T, a, b: a % b + T.remainder(a, b * 3.0), _quotients)
case("fmod", lambda T, a, b: T.fmod(a, b) * a, _quotients)
case("floor_divide_int", lambda T, a: a * (T.tensor([7, -8, 9]) // T.tensor([3, 3, -4]))
     + (T.tensor([7, -8, 9]) % -4) * T.div(T.tensor([7, -8, 9]), 2, rounding_mode="trunc")
     - 5 % T.tensor([3, -4, 2]) - 7 // T.tensor([2, -2, 3]),
     lambda rng: [normal(rng, (2, 3))])
case("pow_scalar", lambda T, a: a ** 3, unary())
case("rpow_scalar", lambda T, a: 2.0 ** a, unary())
case("scalar_ops", lambda T, a: (2.0 - a) * 3.0 / (a * a + 1.0) + 1.0 / (1.5 + a * a), unary())
case("neg", lambda T, a: -a, unary())
case("abs", lambda T, a: T.abs(a), unary(away_from_zero))
case("exp", lambda T, a: T.exp(a), unary())
case("log", lambda T, a: T.log(a), unary(positive))
case("log1p", lambda T, a: T.log1p(a), unary(positive))
case("expm1", lambda T, a: T.expm1(a), unary())
case("sqrt", lambda T, a: T.sqrt(a), unary(positive))
case("rsqrt", lambda T, a: T.rsqrt(a), unary(positive))
case("sin", lambda T, a: T.sin(a), unary())
case("cos", lambda T, a: T.cos(a), unary())
case("tanh", lambda T, a: T.tanh(a), unary())
case("sigmoid", lambda T, a: T.sigmoid(a), unary())
case("relu", lambda T, a: T.relu(a), unary(away_from_zero))
case("sign", lambda T, a: T.sign(a) * a, unary(away_from_zero))
case("floor_round_trunc", lambda T, a: T.floor(a) + T.round(a) * a + T.trunc(a) + a.ceil(),
     unary(lambda r, s: r.integers(-3, 3, s) + r.uniform(0.1, 0.4, s)))
case("clamp", lambda T, a: T.clamp(a, -0.5, 0.7), unary(distinct))
case("clamp_min", lambda T, a: a.clamp(min=0.1), unary(distinct))
case("maximum", lambda T, a, b: T.maximum(a, b), binary(distinct))
case("minimum", lambda T, a, b: T.minimum(a, b), binary(distinct))
case("where", lambda T, a, b: T.where(a > 0, a, b), binary(away_from_zero))

# reductions
case("sum", lambda T, a: a.sum(), unary())
case("sum_dim", lambda T, a: a.sum(dim=-1, keepdim=True), unary(min_dims=1))
case("sum_dims", lambda T, a: T.sum(a, dim=(0, -1)), unary(min_dims=2))
case("mean", lambda T, a: a.mean(), unary())
case("mean_dim", lambda T, a: a.mean(0), unary(min_dims=1))
case("mean_keepdim", lambda T, a: a.mean(dim=(-1, -2), keepdim=True), unary(min_dims=2))

# matrix products
def _matmul_sample(rng):
    m, k, n = (int(rng.integers(1, 5)) for _ in range(3))
    batch = rand_shape(rng, 0, 2, 3)
    kind = int(rng.integers(0, 5))
    if kind == 0:
        return [normal(rng, (k,)), normal(rng, (k,))]
    if kind == 1:
        return [normal(rng, (k,)), normal(rng, batch + (k, n))]
    if kind == 2:
        return [normal(rng, batch + (m, k)), normal(rng, (k,))]
    if kind == 3:
        return [normal(rng, batch + (m, k)), normal(rng, (k, n))]
    return [normal(rng, (m, k)), normal(rng, batch + (k, n))]


case("matmul", lambda T, a, b: a @ b, _matmul_sample)

# shape ops
case("reshape", lambda T, a: a.reshape(-1), unary())
case("view", lambda T, a: a.view(a.shape[0], -1), unary(min_dims=2))
case("transpose", lambda T, a: a.transpose(0, -1), unary(min_dims=1))
case("permute", lambda T, a: a.permute(2, 0, 1), unary(min_dims=3, max_dims=3))
case("t", lambda T, a: a.t() * T.t(a).sum(), unary(min_dims=0, max_dims=2))
case("T", lambda T, a: a.T, unary(min_dims=2, max_dims=2))
case("index_int_slice", lambda T, a: a[0, 1:], unary(min_dims=2))
case("index_none_ellipsis", lambda T, a: a[None, ..., ::2], unary(min_dims=1))
case("index_repeated", lambda T, a: a[T.tensor([0, 0, 1, 0])],
     lambda rng: [normal(rng, (2,) + rand_shape(rng, 0, 2))])


# softmax family (stable for large inputs: see tests/ops/test_numerics.py)
def _with_dim(values=normal, min_dims=1, max_dims=4):
    """An input and a random valid ``dim`` (passed as an int array, so both libs see it)."""
    def sample(rng):
        x = values(rng, rand_shape(rng, min_dims, max_dims))
        return [x, np.array(rand_dim(rng, x.ndim))]

    return sample


case("softmax", lambda T, a, d: T.softmax(a, int(d)), _with_dim(min_dims=0))
case("log_softmax", lambda T, a, d: T.log_softmax(a, dim=int(d)), _with_dim(min_dims=0))
case("softmax_method", lambda T, a: a.softmax(-1) * a, unary(min_dims=1))
case("logsumexp", lambda T, a, d: T.logsumexp(a, int(d)), _with_dim(min_dims=0))
case("logsumexp_dims", lambda T, a: a.logsumexp((0, -1), keepdim=True), unary(min_dims=2))

# more reductions
case("prod", lambda T, a: a.prod(), unary(max_dims=3))
case("prod_dim", lambda T, a, d: T.prod(a, int(d), keepdim=True), _with_dim(max_dims=3))
case("prod_zeros", lambda T, a: (a * (a > 0.3)).prod(-1),
     unary(away_from_zero, min_dims=1, max_dims=3))
def _two_or_more(rng):
    """An input with at least 2 elements in every reduction below (N - 1 > 0)."""
    return [normal(rng, rand_shape(rng, 0, 2) + (int(rng.integers(2, 5)),) * 2)]


case("var", lambda T, a: a.var(), _two_or_more)
case("var_dim", lambda T, a, d: T.var(a, int(d), keepdim=True),
     lambda rng: [normal(rng, (2,) + rand_shape(rng, 0, 3)), np.array(0)])
case("var_biased", lambda T, a: a.var(dim=(0, -1), unbiased=False), unary(min_dims=2))
case("var_unbiased_dims", lambda T, a: a.var(dim=(-2, -1)), _two_or_more)
case("var_correction", lambda T, a: T.var(a, -1, correction=0), unary(min_dims=1))
case("std", lambda T, a: a.std(), _two_or_more)
case("std_dim", lambda T, a: T.std(a, dim=-1, keepdim=True),
     lambda rng: [normal(rng, rand_shape(rng, 0, 3) + (3,))])
case("amax", lambda T, a: a.amax(dim=(0, -1)), unary(distinct, min_dims=2))
case("amin", lambda T, a, d: T.amin(a, int(d), keepdim=True), _with_dim(distinct))
case("amax_ties", lambda T, a: T.amax(a, dim=-1),
     unary(lambda r, s: r.integers(-2, 3, s).astype(float), min_dims=1), gradcheck=False)
case("max_all", lambda T, a: a.max(), unary(distinct))
case("max_all_ties", lambda T, a: a.max(),
     unary(lambda r, s: r.integers(-1, 2, s).astype(float)), gradcheck=False)
case("min_all", lambda T, a: T.min(a), unary(distinct))
case("max_dim", lambda T, a, d: tuple(T.max(a, int(d))), _with_dim(distinct))
case("max_dim_ties", lambda T, a: T.max(a * 0 + 1, -1, keepdim=True)[0] * a,
     unary(min_dims=1), gradcheck=False)
case("min_dim", lambda T, a: tuple(a.min(dim=0, keepdim=True)), unary(distinct, min_dims=1))
case("max_binary", lambda T, a, b: T.max(a, b), binary(distinct))
case("argmax", lambda T, a, d: T.argmax(a, int(d)), _with_dim(distinct), grad=False)
case("argmax_all", lambda T, a: a.argmax(), unary(distinct), grad=False)
case("argmin", lambda T, a: a.argmin(dim=-1, keepdim=True), unary(distinct, min_dims=1),
     grad=False)
case("cumsum", lambda T, a, d: T.cumsum(a, int(d)), _with_dim())
case("all_any", lambda T, a: (T.all(a > 0, dim=-1), (a > 0).any(), T.count_nonzero(a > 0)),
     unary(min_dims=1), grad=False)

# shape ops
case("flatten", lambda T, a: a.flatten(), unary())
case("flatten_range", lambda T, a: T.flatten(a, 1, -2), unary(min_dims=3))
case("squeeze", lambda T, a: a.squeeze(), lambda rng: [normal(rng, (1, 3, 1, 2))])
case("squeeze_dim", lambda T, a: a.squeeze(0).squeeze(-1),
     lambda rng: [normal(rng, (1,) + rand_shape(rng, 0, 2) + (1,))])
case("unsqueeze", lambda T, a: a.unsqueeze(-1).unsqueeze(0), unary())
case("expand", lambda T, a: a.expand(2, 3, -1),
     lambda rng: [normal(rng, [(3, 1), (1, 4), (1, 3, 2), (4,)][int(rng.integers(0, 4))])])
case("expand_as", lambda T, a, b: a.expand_as(b), lambda rng: [normal(rng, (1, 3)),
                                                                 normal(rng, (2, 4, 3))])
case("repeat", lambda T, a: a.repeat(2, 1, 3), unary(max_dims=3))
case("flip", lambda T, a: a.flip(0, -1), unary(min_dims=2))
case("flip_1d", lambda T, a: T.flip(a, [0]), unary(min_dims=1, max_dims=1))
case("roll", lambda T, a: T.roll(a, 2, 0), unary(min_dims=1))
case("roll_flat", lambda T, a: a.roll((1, -2), (0, -1)), unary(min_dims=2))
case("clone", lambda T, a: a.clone() * a, unary())

# join and split
case("cat", lambda T, a, b: T.cat([a, b, a], dim=-1),
     lambda rng: [normal(rng, (2, 3)), normal(rng, (2, int(rng.integers(1, 4))))])
case("cat_dim0", lambda T, a, b: T.cat((a, b)),
     lambda rng: [normal(rng, (int(rng.integers(1, 4)), 2)), normal(rng, (1, 2))])
case("stack", lambda T, a, b: T.stack([a, b], dim=-1),
     lambda rng: [normal(rng, s) for s in [rand_shape(rng, 0, 3)] * 2])
case("split", lambda T, a: a.split(2), lambda rng: [normal(rng, (5, 2))])
case("split_sizes", lambda T, a: T.split(a, [1, 3], dim=-1), lambda rng: [normal(rng, (2, 4))])
case("split_partial", lambda T, a: a.split(2, 1)[1] * 2,
     lambda rng: [normal(rng, (2, int(rng.integers(3, 6))))])
case("chunk", lambda T, a: a.chunk(3, -1), lambda rng: [normal(rng, (2, int(rng.integers(1, 8))))])
case("unbind", lambda T, a: a.unbind(1), unary(min_dims=2))
case("unbind_partial", lambda T, a: T.unbind(a)[0] * 3, unary(min_dims=1))

# selection
def _gather_sample(rng):
    shape = rand_shape(rng, 1, 3)
    dim = rand_dim(rng, len(shape))
    ishape = tuple(int(rng.integers(1, n + 1)) for n in shape)
    ishape = ishape[:dim % len(shape)] + (int(rng.integers(1, 5)),) + ishape[dim % len(shape) + 1:]
    return [normal(rng, shape), rng.integers(0, shape[dim], ishape), np.array(dim)]


case("gather", lambda T, a, i, d: T.gather(a, int(d), i), _gather_sample)
case("scatter_add", lambda T, a, i, d: a.scatter_add(int(d), i, a.gather(int(d), i) * 2.0),
     _gather_sample)


def _scatter_sample(rng):
    """``x``, ``src`` and an index without repeats along ``dim`` (scatter is then exact)."""
    shape = rand_shape(rng, 1, 3)
    dim = rand_dim(rng, len(shape))
    axis = dim % len(shape)
    index = np.argsort(rng.random(shape), axis=axis)
    index = np.take(index, np.arange(int(rng.integers(1, shape[axis] + 1))), axis=axis)
    return [normal(rng, shape), normal(rng, index.shape), index, np.array(dim)]


case("scatter", lambda T, a, s, i, d: a.scatter(int(d), i, s), _scatter_sample)
case("scatter_value", lambda T, a, s, i, d: T.scatter(a * s.sum(), int(d), i, 1.5),
     _scatter_sample)
case("masked_fill", lambda T, a, b: a.masked_fill(b > 0, -1.5), binary())
case("masked_fill_tensor", lambda T, a, b: T.masked_fill(a, a > 0, b.sum()), binary())

def _F(T, name):
    """``T.nn.functional.<name>``, falling back to Ember's top-level function."""
    return getattr(T.nn.functional, name, None) or getattr(T, name)


case("index_select", lambda T, a, i: T.index_select(a, -1, i),
     lambda rng: [normal(rng, (2, 3)), rng.integers(0, 3, int(rng.integers(1, 6)))])
case("index_bool_mask", lambda T, a: a[a > 0.2], unary(min_dims=1))
case("index_bool_rows", lambda T, a, m: a[m], lambda rng: [normal(rng, (4, 3)),
                                                         rng.random(4) < 0.5])
case("index_int_array", lambda T, a, i: a[i], lambda rng: [
    normal(rng, (5,) + rand_shape(rng, 0, 2)), rng.integers(-5, 5, rand_shape(rng, 0, 2))])
case("index_arrays_2d", lambda T, a, i, j: a[i, j] + a[:, j].sum(), lambda rng: [
    normal(rng, (3, 4)), rng.integers(0, 3, 6), rng.integers(0, 4, 6)])
case("index_rows_slices", lambda T, a, i: a[i, 1:] * a[i, :, ::2].sum(), lambda rng: [
    normal(rng, (4, 3, 2)), rng.integers(-4, 4, rand_shape(rng, 1, 2))])
case("index_array_dim1", lambda T, a, i: a[..., i], lambda rng: [
    normal(rng, (2, 4)), rng.integers(0, 4, 7)])
case("masked_select", lambda T, a, b: T.masked_select(a, b > 0), binary())
case("nonzero", lambda T, a: (T.nonzero(a > 0), (a > 0).nonzero(as_tuple=True)),
     unary(min_dims=1), grad=False)
case("where_indices", lambda T, a: T.where(a > 0), unary(min_dims=1), grad=False)
case("unique", lambda T, a: T.unique((a * 2).round(), return_inverse=True, return_counts=True),
     unary(), grad=False)
case("unique_dim", lambda T, a: (a > 0).long().unique(dim=0, return_inverse=True),
     unary(min_dims=1), grad=False)
case("tril", lambda T, a: T.tril(a), unary(min_dims=2))
case("triu_diag", lambda T, a: a.triu(1) + T.triu(a, diagonal=-1), unary(min_dims=2))
case("one_hot", lambda T, i: _F(T, "one_hot")(i, 5),
     lambda rng: [rng.integers(0, 5, rand_shape(rng, 0, 3))], grad=False)
case("one_hot_inferred", lambda T, i: _F(T, "one_hot")(i),
     lambda rng: [rng.integers(0, 4, rand_shape(rng, 1, 2))], grad=False)

# ordering
case("sort", lambda T, a: tuple(T.sort(a)), unary(distinct, min_dims=1))
case("sort_desc", lambda T, a, d: tuple(a.sort(int(d), descending=True)), _with_dim(distinct))
case("argsort", lambda T, a: a.argsort(dim=0, descending=True), unary(distinct, min_dims=1),
     grad=False)
case("topk", lambda T, a: tuple(T.topk(a, 2)),
     lambda rng: [distinct(rng, rand_shape(rng, 0, 2) + (int(rng.integers(2, 6)),))])
case("topk_smallest", lambda T, a: tuple(a.topk(1, dim=0, largest=False)),
     unary(distinct, min_dims=1))

# padding (PyTorch order: last dimension first)
case("pad_constant", lambda T, a: _F(T, "pad")(a, (1, 2, 0, 1), value=0.5),
     unary(min_dims=2, max_dims=4))
case("pad_crop", lambda T, a: _F(T, "pad")(a, (-1, 2)),
     lambda rng: [normal(rng, rand_shape(rng, 0, 2) + (3,))])
case("pad_reflect", lambda T, a: _F(T, "pad")(a, (2, 1), mode="reflect"),
     lambda rng: [normal(rng, rand_shape(rng, 1, 2, 3) + (int(rng.integers(3, 6)),))])
case("pad_reflect_2d", lambda T, a: _F(T, "pad")(a, (1, 1, 2, 0), mode="reflect"),
     lambda rng: [normal(rng, (1, 2, 3, 4))])
case("pad_replicate", lambda T, a: _F(T, "pad")(a, (2, 3, 1, 1), mode="replicate"),
     lambda rng: [normal(rng, (2, 1) + rand_shape(rng, 2, 2, 3))])
case("pad_circular", lambda T, a: _F(T, "pad")(a, (1, 2), mode="circular"),
     lambda rng: [normal(rng, (1, 2, int(rng.integers(2, 5))))])

# linear algebra
case("norm", lambda T, a: a.norm(), unary())
case("norm_dim", lambda T, a: T.norm(a, dim=-1, keepdim=True), unary(min_dims=1))
case("norm_p1", lambda T, a: a.norm(p=1, dim=0), unary(away_from_zero, min_dims=1))
case("norm_inf", lambda T, a: a.norm(float("inf"), dim=(0, -1)), unary(distinct, min_dims=2))
case("norm_p3", lambda T, a: a.norm(3), unary(away_from_zero))
case("norm_fro", lambda T, a: T.norm(a, "fro"), unary(min_dims=2, max_dims=2))
case("norm_at_zero", lambda T, a: (a * 0).norm() + (a * 0).norm(dim=-1).sum(), unary(min_dims=1),
     gradcheck=False)
case("einsum_matmul", lambda T, a, b: T.einsum("bij,bjk->bik", a, b),
     lambda rng: [normal(rng, (2, 3, 4)), normal(rng, (2, 4, 2))])
case("einsum_sum_out", lambda T, a, b: T.einsum("ij,j->", a, b),
     lambda rng: [normal(rng, (3, 4)), normal(rng, (4,))])
case("einsum_transpose", lambda T, a: T.einsum("ijk->kji", a), unary(min_dims=3, max_dims=3))
case("einsum_three", lambda T, a, b, c: T.einsum("ij,jk,kl->il", a, b, c),
     lambda rng: [normal(rng, (2, 3)), normal(rng, (3, 4)), normal(rng, (4, 2))])
case("einsum_reduce", lambda T, a: T.einsum("ij->j", a), unary(min_dims=2, max_dims=2))
case("outer", lambda T, a, b: T.outer(a, b), lambda rng: [normal(rng, (3,)), normal(rng, (4,))])
case("dot", lambda T, a, b: a.dot(b), lambda rng: [normal(rng, (3,)), normal(rng, (3,))])
case("addmm", lambda T, c, a, b: T.addmm(c, a, b, beta=0.5, alpha=2.0),
     lambda rng: [normal(rng, (4,)), normal(rng, (2, 3)), normal(rng, (3, 4))])
case("diag_vector", lambda T, a: T.diag(a, 1), unary(min_dims=1, max_dims=1))
case("diag_matrix", lambda T, a: a.diag(-1), unary(min_dims=2, max_dims=2))

# small conveniences
case("square", lambda T, a: a.square() + T.square(a), unary())
case("view_reshape_as", lambda T, a, b: a.view_as(b) + a.reshape_as(b) * 2,
     lambda rng: [normal(rng, (2, 6)), normal(rng, (3, 4))])
case("type_as", lambda T, a, i: a.type_as(i) + i, lambda rng: [
    normal(rng, (3,)) * 3, rng.integers(0, 3, (3,))])
case("isclose", lambda T, a, b: (T.isclose(a, b), a.isclose(a + 1e-9)), binary(), grad=False)


# ------------------------------------------------------------------------ other registries
def _import_case_files():
    """Import every ``tests/ops/cases_*.py`` so that its ``case(...)`` calls land in CASES."""
    import importlib
    import pkgutil

    import tests.ops as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cases_"):
            importlib.import_module(f"tests.ops.{info.name}")


_import_case_files()  # keep last: those files import names defined above
