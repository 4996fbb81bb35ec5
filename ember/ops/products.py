"""Products built on matmul and outer (their gradients come from there): inner, vdot, mv,
addr, addbmm, chain_matmul, and the distance ``dist``.
"""
from __future__ import annotations

import functools

from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import linalg as L
from ember.ops import reduce as R
from ember.ops import shape as S

__all__ = ["inner", "vdot", "mv", "addr", "addbmm", "chain_matmul", "dist"]


def _scaled(x, factor):
    return x if factor == 1 else E.mul(x, factor)


def inner(input, other):  # noqa: A002
    """The sum over the last dimension of ``input[..., k] * other[..., k]``: the result has
    shape ``input.shape[:-1] + other.shape[:-1]`` (a product by a 0-d tensor scales)."""
    if input.ndim == 0 or other.ndim == 0:
        return E.mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise shape_error("inner", "the last dimensions must match", input.shape, other.shape)
    k = input.shape[-1]
    out = L.matmul(S.reshape(input, -1, k), S.transpose(S.reshape(other, -1, k), 0, 1))
    return S.reshape(out, tuple(input.shape[:-1]) + tuple(other.shape[:-1]))


def vdot(input, other):  # noqa: A002
    """The dot product of two 1-D tensors (real: no conjugation to do)."""
    if input.ndim != 1 or other.ndim != 1 or input.shape != other.shape:
        raise shape_error("vdot", "expected two 1-D tensors of the same size", input.shape,
                          other.shape)
    return L.dot(input, other)


def mv(input, vec):  # noqa: A002
    """Matrix (n, m) times vector (m,)."""
    if input.ndim != 2 or vec.ndim != 1 or input.shape[1] != vec.shape[0]:
        raise shape_error("mv", "expected a matrix (n, m) and a vector (m,)", input.shape,
                          vec.shape)
    return L.matmul(input, vec)


def addr(input, vec1, vec2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * outer(vec1, vec2)``."""
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise shape_error("addr", "vec1 and vec2 must be 1-D", vec1.shape, vec2.shape)
    prod = _scaled(L.outer(vec1, vec2), alpha)
    return prod if beta == 0 else E.add(_scaled(input, beta), prod)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]``."""
    if batch1.ndim != 3 or batch2.ndim != 3 or batch1.shape[0] != batch2.shape[0] or (
            batch1.shape[2] != batch2.shape[1]):
        raise shape_error("addbmm", "expected batches (b, n, m) and (b, m, p)", batch1.shape,
                          batch2.shape)
    prod = _scaled(R.sum(L.bmm(batch1, batch2), 0), alpha)
    return prod if beta == 0 else E.add(_scaled(input, beta), prod)


def chain_matmul(*matrices):
    """The product of 2-D matrices, left to right."""
    if not matrices:
        raise ValueError("chain_matmul: expected at least one matrix")
    for m in matrices:
        if m.ndim != 2:
            raise shape_error("chain_matmul", "every operand must be 2-D", m.shape)
    if len(matrices) == 1:
        return S.clone(matrices[0])
    return functools.reduce(L.matmul, matrices)


def dist(input, other, p=2):  # noqa: A002
    """The ``p``-norm of ``input - other`` (broadcast); p = 0 counts the nonzero entries."""
    d = E.sub(input, other)
    if p == 0:
        return R.sum(E.Cast.apply(E.ne(d, 0), dtype=d.dtype))
    return L.norm(d, p)
