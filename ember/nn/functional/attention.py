"""Attention: ``scaled_dot_product_attention`` (softmax(Q K^T * scale + mask) V), composed
from primitives, so it needs no backward of its own.
"""
from __future__ import annotations

from ember.backend import xp
from ember.nn.functional.dropout import dropout
from ember.ops.activation import softmax
from ember.ops.elementwise import logical_not
from ember.ops.index import masked_fill
from ember.ops.linalg import matmul
from ember.ops.shape import transpose

__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """``softmax(query @ key^T * scale + mask) @ value``, composed from primitives.

    Args:
        query: (*, L, E); key: (*, S, E); value: (*, S, Ev).
        attn_mask: a bool mask (True = may attend) or a float mask added to the scores,
            broadcast to (*, L, S).
        dropout_p: dropout on the attention weights (always applied when > 0, as in PyTorch).
        is_causal: position i attends to positions <= i only (no ``attn_mask`` then).
        scale: defaults to 1 / sqrt(E).

    Shape: output (*, L, Ev).
    """
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal, not both")
    n_q, n_k, dim = query.shape[-2], key.shape[-2], query.shape[-1]
    scores = matmul(query, transpose(key, -2, -1)) * (dim ** -0.5 if scale is None else scale)
    if is_causal:
        attn_mask = xp.tril(xp.ones((n_q, n_k), dtype=bool))
    if attn_mask is not None:
        if attn_mask.dtype == xp.bool_:
            scores = masked_fill(scores, logical_not(attn_mask), float("-inf"))
        else:
            scores = scores + attn_mask
    weights = softmax(scores, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return matmul(weights, value)
