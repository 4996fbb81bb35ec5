"""``embedding_bag`` (sums, means or maxima of bags of embeddings) and ``gumbel_softmax``.

``embedding_bag`` is composed: the rows are looked up with ``embedding`` (whose backward
scatters into the weight), then summed or averaged per bag by one matrix product with a
constant (bags x lookups) matrix, or reduced by a masked maximum.
"""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.nn.functional.sparse import embedding
from ember.ops import elementwise as E
from ember.ops import reduce as R
from ember.ops.activation import softmax
from ember.ops.linalg import matmul
from ember.random import rng_of
from ember.tensor import Tensor

__all__ = ["embedding_bag", "gumbel_softmax"]

_MODES = ("sum", "mean", "max")


def _bags(input, offsets, include_last_offset):  # noqa: A002
    """Flat indices and the (start, end) of every bag, checked."""
    idx = xp.asarray(input.array if isinstance(input, Tensor) else input)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding_bag: input must hold integer indices, got {idx.dtype}")
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: offsets must be None for a 2-D input (each row "
                             f"is a bag), got input of shape {tuple(idx.shape)}")
        b, length = idx.shape
        starts = xp.arange(b) * length
        return idx.reshape(-1), starts, starts + length
    if idx.ndim != 1:
        raise shape_error("embedding_bag", "input must be 1-D (with offsets) or 2-D (B, L)",
                          idx.shape)
    if offsets is None:
        raise ValueError("embedding_bag: offsets must be given for a 1-D input")
    off = xp.asarray(offsets.array if isinstance(offsets, Tensor) else offsets).reshape(-1)
    if off.dtype.kind not in "iu":
        raise TypeError(f"embedding_bag: offsets must hold integers, got {off.dtype}")
    if off.size and (off[0] != 0 or xp.any(xp.diff(off) < 0) or off[-1] > idx.size):
        raise ValueError(f"embedding_bag: offsets must start at 0 and increase up to the "
                         f"input's length ({idx.size}), got {off.tolist()}")
    ends = xp.append(off[1:], idx.size)
    if include_last_offset:
        off, ends = off[:-1], off[1:]
    return idx, off, ends


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type: float = 2,  # noqa: A002
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights=None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Reduce bags of embeddings without materialising each bag separately.

    Args:
        input: (B, L) indices (each row a bag) or (M,) indices cut into bags by ``offsets``.
        offsets: (B,) start of each bag in a 1-D input (or B + 1 entries with
            ``include_last_offset``, the last being the end).
        mode: 'sum', 'mean' or 'max' over each bag (an empty bag gives zeros).
        per_sample_weights: (M,) or (B, L) weights of each lookup ('sum' mode only).
        padding_idx: lookups of that row are left out of their bag (and of its count).

    Shape: output (B, embedding_dim).
    """
    if mode not in _MODES:
        raise ValueError(f"embedding_bag: mode must be one of {_MODES}, got {mode!r}")
    if weight.ndim != 2:
        raise shape_error("embedding_bag", "weight must be 2-D (num_embeddings, "
                          "embedding_dim)", weight.shape)
    idx, starts, ends = _bags(input, offsets, include_last_offset)
    n, m = weight.shape[0], idx.size
    if m and (idx.min() < -n or idx.max() >= n):
        raise ValueError(f"embedding_bag: indices must be in [0, {n}), got values in "
                         f"[{idx.min()}, {idx.max()}]")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding_bag: padding_idx {padding_idx} must be within "
                             f"num_embeddings ({n})")
        padding_idx %= n
    rows = embedding(idx, weight, padding_idx, max_norm, norm_type,
                     scale_grad_by_freq)  # (M, D)
    keep = idx != padding_idx if padding_idx is not None else xp.ones(m, bool)
    if per_sample_weights is not None:
        if mode != "sum":
            raise ValueError(f"embedding_bag: per_sample_weights are only supported with "
                             f"mode='sum', got mode={mode!r}")
        if per_sample_weights.numel() != m:
            raise shape_error("embedding_bag", "per_sample_weights must have one weight per "
                              "index", per_sample_weights.shape, input.shape)
        rows = E.mul(rows, per_sample_weights.reshape(m, 1))
    lens = ends - starts
    lookups = (xp.arange(int(lens.sum())) - xp.repeat(xp.cumsum(lens) - lens, lens)
               + xp.repeat(starts, lens))  # the lookups of every bag, bag after bag
    if mode == "max":
        return _bag_max(rows, starts, ends, keep, weight)
    bag_of = xp.repeat(xp.arange(starts.size), lens)  # the bag of each of those lookups
    counts = xp.zeros(starts.size)
    xp.add.at(counts, bag_of, keep[lookups])
    bag = xp.zeros((starts.size, m), dtype=weight.dtype)
    scale = 1.0 / xp.maximum(counts, 1.0) if mode == "mean" else xp.ones(starts.size)
    bag[bag_of, lookups] = (keep[lookups] * scale[bag_of]).astype(weight.dtype)
    return matmul(Tensor._wrap(bag), rows)


def _bag_max(rows, starts, ends, keep, weight):
    """The elementwise maximum over each bag's lookups (zeros for an empty bag)."""
    b, d = starts.size, weight.shape[1]
    width = int((ends - starts).max()) if b else 0
    if width == 0:
        return E.mul(Tensor._wrap(xp.zeros((b, d), weight.dtype)), 1.0)
    pos = starts[:, None] + xp.arange(width)[None, :]  # (B, width) positions
    valid = pos < ends[:, None]
    pos = xp.where(valid, pos, 0)
    valid &= keep[pos]
    picked = rows[pos]  # (B, width, D)
    mask = Tensor._wrap(xp.broadcast_to(valid[:, :, None], (b, width, d)).copy())
    best = R.amax(E.where(mask, picked, float("-inf")), dim=1)
    return E.where(Tensor._wrap(valid.any(axis=1)[:, None].repeat(d, 1)), best, 0.0)


def gumbel_softmax(logits: Tensor, tau: float = 1.0, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1, *, generator=None) -> Tensor:
    """A differentiable sample from the categorical distribution ``softmax(logits)``
    (Jang et al., 2016): ``softmax((logits + g) / tau)`` with Gumbel noise ``g`` drawn from
    Ember's generator. With ``hard``, the one-hot of the sample's argmax, whose gradient is
    the soft sample's (straight-through)."""
    if tau <= 0:
        raise ValueError(f"gumbel_softmax: tau must be positive, got {tau}")
    g = -xp.log(rng_of(generator).exponential(1.0, logits.shape))
    y = softmax(E.div(E.add(logits, Tensor._wrap(g.astype(logits.dtype))), float(tau)), dim)
    if not hard:
        return y
    axis = dim % logits.ndim
    onehot = xp.zeros(logits.shape, logits.dtype)
    xp.put_along_axis(onehot, xp.expand_dims(y.array.argmax(axis), axis), 1.0, axis)
    return E.add(E.sub(y, y.detach()), Tensor._wrap(onehot))  # value: one-hot; gradient: y's
