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
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

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
case("T", lambda T, a: a.T, unary(max_dims=2))
case("index_int_slice", lambda T, a: a[0, 1:], unary(min_dims=2))
case("index_none_ellipsis", lambda T, a: a[None, ..., ::2], unary(min_dims=1))
case("index_repeated", lambda T, a: a[T.tensor([0, 0, 1, 0])],
     lambda rng: [normal(rng, (2,) + rand_shape(rng, 0, 2))])


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
