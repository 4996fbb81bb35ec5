"""Conversions between probabilities and logits, shared by the discrete distributions."""
from __future__ import annotations

import ember
from ember.backend import xp


def clamp_probs(probs):
    """Probabilities pulled into ``[eps, 1 - eps]`` so that their logs stay finite."""
    eps = float(xp.finfo(probs.array.dtype).eps)
    return probs.clamp(eps, 1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """``log p`` (categorical) or ``log p - log(1 - p)`` (binary), on clamped ``p``."""
    p = clamp_probs(probs)
    return p.log() - ember.log1p(-p) if is_binary else p.log()


def logits_to_probs(logits, is_binary: bool = False):
    """``sigmoid`` (binary) or ``softmax`` over the last dim (categorical)."""
    return ember.sigmoid(logits) if is_binary else ember.softmax(logits, -1)
