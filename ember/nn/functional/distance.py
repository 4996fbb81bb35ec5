"""Distances and similarities between vectors: ``normalize``, ``cosine_similarity``,
``pairwise_distance`` and ``cdist`` (every row of one set against every row of another).

All are compositions of core ops (``norm``, ``matmul``, ``where``), so their gradients
come from those primitives; the embedding losses of ``loss.py`` call them.
"""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import linalg as L
from ember.ops import reduce as R
from ember.ops import shape as S
from ember.ops.join import cat
from ember.ops.padding import pad
from ember.tensor import Tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance", "cdist"]


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,  # noqa: A002
              out=None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``: unit vectors (zero stays zero).

    Example: ``F.normalize(x, dim=-1)`` makes each row of ``x`` unit length.
    """
    denom = E.clamp(L.norm(input, p, dim, keepdim=True), min=eps)
    return E.div(input, denom)


def _broadcast(op, x1, x2):
    if tuple(x1.shape) == tuple(x2.shape):
        return x1, x2
    try:
        shape = xp.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    except ValueError:
        raise shape_error(op, "x1 and x2 cannot be broadcast together", x1.shape,
                          x2.shape) from None
    return S.broadcast_to(x1, shape), S.broadcast_to(x2, shape)


def _clamped_norm(x, dim, eps):
    """``max(||x||, eps)`` in value, ``||x||`` for the gradient: PyTorch clamps the norm
    under ``no_grad``, so the clamp does not cut the gradient of tiny vectors."""
    n = L.norm(x, 2, dim, keepdim=True)
    return E.add(n, E.sub(E.clamp(n, min=eps), n).detach())


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``<x1, x2> / (max(||x1||, eps) max(||x2||, eps))`` along ``dim``, broadcasting.

    Each input is divided by its norm before the dot product, so the result stays in
    [-1, 1] for large vectors. Shape: (N, D) and (N, D) -> (N,) with ``dim=1``.
    """
    x1, x2 = _broadcast("cosine_similarity", x1, x2)
    u1 = E.div(x1, _clamped_norm(x1, dim, eps))
    u2 = E.div(x2, _clamped_norm(x2, dim, eps))
    return R.sum(E.mul(u1, u2), dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dimension, broadcasting.

    Shape: (N, D) and (N, D) -> (N,).
    """
    nd = max(x1.ndim, x2.ndim)
    if nd == 0:
        raise shape_error("pairwise_distance", "inputs need at least 1 dimension", x1.shape,
                          x2.shape)
    return L.norm(E.add(E.sub(x1, x2), eps), float(p), nd - 1, keepdim)


_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
          "donot_use_mm_for_euclid_dist")


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between every row of ``x1`` and every row of ``x2``.

    For ``p=2`` with more than 25 rows on a side (PyTorch's rule, or always with
    ``compute_mode="use_mm_for_euclid_dist"``) the squared distances come from one matrix
    product, ``|a|^2 + |b|^2 - 2 a.b``, clamped at 0; otherwise from the differences.
    The gradient is 0 where a distance is 0.

    Shape: (B, P, M) and (B, R, M) -> (B, P, R); batch dimensions broadcast, or none.
    """
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise shape_error("cdist", "x1 and x2 must be (..., P, M) and (..., R, M) with the "
                          "same number of columns M", x1.shape, x2.shape)
    if p < 0:
        raise ValueError(f"cdist: p must be non-negative, got {p}")
    if compute_mode not in _MODES:
        raise ValueError(f"cdist: compute_mode must be one of {_MODES}, got {compute_mode!r}")
    use_mm = p == 2 and (compute_mode == _MODES[1] or compute_mode == _MODES[0] and (
        x1.shape[-2] > 25 or x2.shape[-2] > 25))
    if use_mm:
        return _euclidean_by_matmul(x1, x2)
    diff = E.sub(S.unsqueeze(x1, -2), S.unsqueeze(x2, -3))
    if p == 0:  # the number of differing coordinates (sign is a step: zero gradient)
        return R.sum(E.sign(E.abs(diff)), -1)
    return L.norm(diff, float(p), -1)


def _euclidean_by_matmul(x1, x2):
    # [-2 a, |a|^2, 1] . [b, 1, |b|^2] = |a|^2 + |b|^2 - 2 a.b in one product, as PyTorch
    n1 = R.sum(E.mul(x1, x1), -1, keepdim=True)
    n2 = R.sum(E.mul(x2, x2), -1, keepdim=True)
    a = cat([E.mul(x1, -2.0), pad(n1, (0, 1), value=1.0)], dim=-1)
    b = cat([x2, pad(n2, (1, 0), value=1.0)], dim=-1)
    sq = L.matmul(a, S.transpose(b, -1, -2))
    # sqrt only where positive (a where on both sides keeps the gradient finite at 0)
    positive = E.gt(sq, 0)
    return E.where(positive, E.sqrt(E.where(positive, sq, 1.0)), 0.0)
