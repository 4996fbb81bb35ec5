"""``ctc_loss``: Connectionist Temporal Classification (Graves et al., 2006).

The forward recursion runs in log space over the extended label sequence
``blank, l1, blank, l2, ..., blank`` (length ``2S + 1``), one step per time frame, as a
composition of primitives (gather, logsumexp, where), so autograd gives the gradient: the
backward recursion of the paper is exactly the reverse pass of this graph. Impossible
alignments carry a large negative number instead of ``-inf`` (which would make the
logsumexp gradient NaN) and are turned into ``inf`` (or 0 with ``zero_infinity``) at the end.
"""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.nn.functional.loss import _reduction
from ember.ops import elementwise as E
from ember.ops import reduce as R
from ember.ops.join import cat, stack
from ember.tensor import Tensor

__all__ = ["ctc_loss"]

_NEG = -1e30  # "log 0" that keeps logsumexp's gradient finite


def _ints(name, value):
    a = xp.asarray(value.array if isinstance(value, Tensor) else value)
    if a.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: {name} must hold integers, got {a.dtype}")
    return a.astype(xp.int64).reshape(-1)


def _targets(targets, target_lengths, n, blank, c):
    """The (N, S_max) padded labels, checked."""
    t = xp.asarray(targets.array if isinstance(targets, Tensor) else targets)
    if t.dtype.kind not in "iu":
        raise TypeError(f"ctc_loss: targets must hold integer labels, got {t.dtype}")
    if t.ndim == 2 and t.shape[0] == n:
        labels = [t[i, :target_lengths[i]] for i in range(n)]
        if (target_lengths > t.shape[1]).any():
            raise shape_error("ctc_loss", f"target_lengths {target_lengths.tolist()} exceed "
                              f"the padded targets' length {t.shape[1]}", t.shape)
    elif t.ndim <= 1:
        t = t.reshape(-1)
        if target_lengths.sum() != t.size:
            raise shape_error("ctc_loss", f"concatenated targets must have sum(target_lengths)"
                              f" = {int(target_lengths.sum())} labels", t.shape)
        ends = xp.cumsum(target_lengths)
        labels = [t[e - k:e] for e, k in zip(ends, target_lengths)]
    else:
        raise shape_error("ctc_loss", f"targets must be (N, S) with N = {n}, or 1-D "
                          "concatenated labels", t.shape)
    s = int(target_lengths.max()) if n else 0
    padded = xp.full((n, s), blank, xp.int64)
    for i, lab in enumerate(labels):
        if lab.size and ((lab < 0).any() or (lab >= c).any() or (lab == blank).any()):
            raise ValueError(f"ctc_loss: target labels must be in [0, {c}) and differ from "
                             f"blank ({blank}), got {lab.tolist()} for sample {i}")
        padded[i, :lab.size] = lab
    return padded


def ctc_loss(log_probs: Tensor, targets, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """The CTC negative log-likelihood of each target sequence given per-frame class
    log-probabilities (summed over every alignment).

    Args:
        log_probs: (T, N, C) or unbatched (T, C), log-softmax outputs.
        targets: (N, S) padded labels, or 1-D concatenated labels (``sum(target_lengths)``).
        input_lengths, target_lengths: (N,) frames and labels used per sample.
        blank: the blank class.
        reduction: 'mean' divides each loss by its target length, then averages; 'sum';
            'none' gives (N,).
        zero_infinity: impossible alignments give loss 0 (and gradient 0) instead of inf.
    """
    reduction = _reduction("ctc_loss", reduction)
    batched = log_probs.ndim == 3
    if log_probs.ndim not in (2, 3):
        raise shape_error("ctc_loss", "log_probs must be (T, N, C) or (T, C)", log_probs.shape)
    lp = log_probs if batched else log_probs.unsqueeze(1)
    steps, n, c = lp.shape
    if not 0 <= blank < c:
        raise ValueError(f"ctc_loss: blank ({blank}) must be in [0, {c})")
    in_len, tgt_len = _ints("input_lengths", input_lengths), _ints("target_lengths",
                                                                    target_lengths)
    if in_len.size != n or tgt_len.size != n:
        raise shape_error("ctc_loss", f"input_lengths and target_lengths need one entry per "
                          f"sample ({n})", in_len.shape, tgt_len.shape)
    if (in_len > steps).any() or (in_len < 0).any() or (tgt_len < 0).any():
        raise ValueError(f"ctc_loss: input_lengths must be in [0, {steps}] and target_lengths "
                         f"non-negative, got {in_len.tolist()} and {tgt_len.tolist()}")
    labels = _targets(targets, tgt_len, n, blank, c)
    width = 2 * labels.shape[1] + 1
    ext = xp.full((n, width), blank, xp.int64)
    ext[:, 1::2] = labels
    # a skip from s - 2 to s is allowed onto a label that differs from the one before
    skip = xp.zeros((n, width), bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    emit = lp[:, xp.arange(n)[:, None], ext]  # (T, N, width): log p of each extended label
    neg = Tensor._wrap(xp.full((n, 1), _NEG, lp.dtype))
    start = xp.full((n, width), _NEG, lp.dtype)
    start[:, 0] = 0.0
    start[:, 1] = xp.where(tgt_len > 0, 0.0, _NEG)
    alpha = E.add(emit[0], Tensor._wrap(start))
    alpha = E.where(Tensor._wrap((in_len > 0)[:, None]), alpha, Tensor._wrap(start))
    skip_t = Tensor._wrap(skip)
    for t in range(1, steps):
        one = _shift(alpha, neg, 1)
        two = E.where(skip_t, _shift(alpha, neg, 2), _NEG)
        new = E.add(R.logsumexp(stack([alpha, one, two], -1), -1), emit[t])
        alpha = E.where(Tensor._wrap((t < in_len)[:, None]), new, alpha)
    rows = xp.arange(n)
    last = Tensor._wrap(xp.full((n, 1), _NEG, lp.dtype))
    end = alpha[rows, 2 * tgt_len].unsqueeze(1)
    before = E.where(Tensor._wrap((tgt_len > 0)[:, None]),
                     alpha[rows, xp.maximum(2 * tgt_len - 1, 0)].unsqueeze(1), last)
    loss = E.neg(R.logsumexp(cat([end, before], 1), 1))
    # no alignment fits: the loss is ~1e30, meaning inf
    loss = E.where(E.gt(loss, -_NEG / 2), 0.0 if zero_infinity else float("inf"), loss)
    if reduction == "mean":
        loss = R.mean(E.div(loss, Tensor._wrap(xp.maximum(tgt_len, 1).astype(lp.dtype))))
    elif reduction == "sum":
        loss = R.sum(loss)
    elif not batched:
        loss = loss.squeeze(0)
    return loss


def _shift(alpha, neg, k):
    """``alpha`` moved ``k`` positions right along the labels, ``log 0`` entering."""
    return cat([neg] * k + [alpha], 1)[:, :alpha.shape[1]]
