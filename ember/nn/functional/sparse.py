"""Lookups: ``embedding`` (rows of a weight matrix by index) and ``one_hot``.

The embedding's backward adds the output gradient into the rows that were read; repeated
indices accumulate (sorted once, then summed run by run: ``ember.ops.index.scatter_rows``).
"""
from __future__ import annotations

from ember.autograd import Function, Symbolic, no_grad
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.index import one_hot, scatter_rows
from ember.tensor import Tensor

__all__ = ["embedding", "one_hot"]


class Embedding(Function):
    """``weight[indices]`` for integer ``indices`` of any shape; ``weight`` (num, dim)."""

    def forward(self, indices, weight, padding_idx=None, scale_grad_by_freq=False):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"embedding: indices must be an integer (int64) tensor, got "
                            f"{indices.dtype}")
        if weight.ndim != 2:
            raise shape_error("embedding", "weight must be 2-D (num_embeddings, "
                              "embedding_dim)", weight.shape)
        n = weight.shape[0]
        if indices.size and (indices.min() < 0 or indices.max() >= n):
            raise IndexError(
                f"embedding: index out of range: indices go from {indices.min()} to "
                f"{indices.max()}, but num_embeddings is {n} (valid: 0 to {n - 1})")
        self.indices, self.rows = indices, n
        self.padding_idx, self.scale = padding_idx, scale_grad_by_freq
        return xp.take(weight, indices, axis=0)

    def backward(self, g):
        idx = self.indices
        if self.scale:  # divide each row's gradient by how often its index occurs
            counts = xp.bincount(idx.reshape(-1), minlength=self.rows)
            g = g / counts[idx][..., None].astype(g.dtype)
        gw = scatter_rows(idx, g, self.rows)
        if self.padding_idx is not None:
            gw[self.padding_idx] = 0
        return None, gw


def _renorm_(weight, indices, max_norm, norm_type):
    """Rescale, in place, the looked-up rows whose ``norm_type``-norm exceeds ``max_norm``."""
    w = weight.array
    rows = xp.unique(indices)
    norms = xp.linalg.norm(w[rows].astype(xp.float64), ord=norm_type, axis=1)
    big = norms > max_norm
    scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
    w[rows[big]] *= scale[:, None]


def embedding(input, weight, padding_idx: int | None = None,  # noqa: A002
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False):
    """Rows of ``weight`` at the integer ``input`` indices.

    Args:
        input: integer indices, any shape (*).
        weight: (num_embeddings, embedding_dim).
        padding_idx: that row receives no gradient.
        max_norm: rows read are first rescaled in place to norm at most ``max_norm``.
        scale_grad_by_freq: scale gradients by the inverse frequency of each index in the
            batch.

    Shape: output (*, embedding_dim).
    """
    idx = input.array if isinstance(input, Tensor) else (
        input if isinstance(input, Symbolic) else xp.asarray(input))  # graph mode records it
    n = weight.shape[0]
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within "
                             f"num_embeddings ({n})")
        padding_idx %= n
    if max_norm is not None and idx.size:
        with no_grad():
            _renorm_(weight, idx.reshape(-1), max_norm, norm_type)
    return Embedding.apply(idx, weight, padding_idx=padding_idx,
                           scale_grad_by_freq=bool(scale_grad_by_freq))
