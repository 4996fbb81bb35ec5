"""More losses (``torch.nn.functional``'s names and semantics), each a short composition of
primitives: ``gaussian_nll_loss``, ``poisson_nll_loss``, ``soft_margin_loss``,
``multilabel_soft_margin_loss``, ``multilabel_margin_loss``, ``multi_margin_loss`` and
``triplet_margin_with_distance_loss``. ``reduction`` is ``'none'``, ``'mean'`` or ``'sum'``.
"""
from __future__ import annotations

import math

from ember.backend import xp
from ember.errors import shape_error
from ember.nn.functional.distance import pairwise_distance
from ember.nn.functional.loss import _reduce, _reduction, _same_shape
from ember.ops import activation as _act
from ember.ops import elementwise as E
from ember.ops import reduce as R
from ember.tensor import Tensor

__all__ = [
    "gaussian_nll_loss", "poisson_nll_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
    "multilabel_margin_loss", "multi_margin_loss", "triplet_margin_with_distance_loss",
]


def _softplus(x: Tensor) -> Tensor:
    """``log(1 + exp(x))``, stable for any ``x``."""
    return _act.Softplus.apply(x, beta=1.0, threshold=float("inf"))


def _const(array, like: Tensor) -> Tensor:
    return Tensor._wrap(xp.asarray(array).astype(like.dtype))


# ----------------------------------------------------------------------------- likelihoods
def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor,  # noqa: A002
                      full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of ``target`` under ``N(input, var)``:
    ``0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps))`` (+ ``0.5 log(2 pi)``
    with ``full``). The clamp of ``var`` passes its gradient through, as in PyTorch.

    Shape: input and target (N, *); var like input, or with its last dimension 1 or
    dropped (one variance per sample, homoscedastic).
    """
    name = "gaussian_nll_loss"
    reduction = _reduction(name, reduction)
    _same_shape(name, input, target)
    if isinstance(var, (int, float)):  # one variance for every element
        var = _const(xp.full(input.shape, float(var)), input)
    if tuple(var.shape) != tuple(input.shape):
        if tuple(var.shape) == tuple(input.shape[:-1]):
            var = var.unsqueeze(-1)
        elif not (tuple(var.shape[:-1]) == tuple(input.shape[:-1]) and var.shape[-1] == 1):
            raise shape_error(name, "var must have the input's shape, or that shape with "
                              "its last dimension 1 or dropped", input.shape, var.shape)
    if isinstance(var, Tensor) and bool(xp.any(var.array < 0)):  # (eager mode only)
        raise ValueError(f"{name}: var has negative entries")
    v = var.detach()
    var = E.add(var, E.sub(E.clamp(v, min=float(eps)), v))  # clamp, identity gradient
    d = E.sub(input, target)
    loss = E.mul(E.add(E.log(var), E.div(E.mul(d, d), var)), 0.5)
    if full:
        loss = E.add(loss, 0.5 * math.log(2 * math.pi))
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,  # noqa: A002
                     full: bool = False, size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """Poisson negative log-likelihood of counts ``target`` with rate ``input``:
    ``exp(input) - target * input`` (``log_input``) or ``input - target * log(input + eps)``;
    ``full`` adds Stirling's ``t log t - t + 0.5 log(2 pi t)`` where ``t > 1``."""
    name = "poisson_nll_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    _same_shape(name, input, target)
    if log_input:
        loss = E.sub(E.exp(input), E.mul(target, input))
    else:
        loss = E.sub(input, E.mul(target, E.log(E.add(input, eps))))
    if full:
        big = E.gt(target, 1.0)
        t = E.where(big, target, 1.0)  # log stays finite where the term is masked out
        stirling = E.add(E.sub(E.mul(t, E.log(t)), t), E.mul(E.log(E.mul(t, 2 * math.pi)), 0.5))
        loss = E.add(loss, E.where(big, stirling, 0.0))
    return _reduce(loss, reduction)


# ----------------------------------------------------------------------------- margins
def soft_margin_loss(input: Tensor, target: Tensor, size_average=None,  # noqa: A002
                     reduce=None, reduction: str = "mean") -> Tensor:
    """Two-class logistic loss ``log(1 + exp(-y x))`` with labels ``y`` in {1, -1}."""
    name = "soft_margin_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    _same_shape(name, input, target)
    return _reduce(_softplus(E.neg(E.mul(input, target))), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight=None,  # noqa: A002
                                size_average=None, reduce=None,
                                reduction: str = "mean") -> Tensor:
    """Multi-label one-versus-all logistic loss, averaged over the C classes:
    ``-mean_c w_c (y_c log sigmoid(x_c) + (1 - y_c) log sigmoid(-x_c))``.

    Shape: input and target (N, C) or (C,); weight (C,). Output (N,) with 'none'.
    """
    name = "multilabel_soft_margin_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    _same_shape(name, input, target)
    if input.ndim == 0:
        raise shape_error(name, "input must have a class dimension, (N, C) or (C,)",
                          input.shape)
    # -(y log s(x) + (1 - y) log s(-x)) = softplus(x) - y x
    loss = E.sub(_softplus(input), E.mul(target, input))
    if weight is not None:
        loss = E.mul(loss, weight)
    return _reduce(R.mean(loss, dim=-1), reduction)


def _class_targets(name, input, target):  # noqa: A002
    if input.ndim not in (1, 2):
        raise shape_error(name, "input must be (N, C) or (C,)", input.shape)
    if tuple(target.shape) != tuple(input.shape[:-1]):
        raise shape_error(name, f"target must have shape {tuple(input.shape[:-1])} (one "
                          "class index per sample)", input.shape, target.shape)
    t = xp.asarray(target.array if isinstance(target, Tensor) else target)
    c = input.shape[-1]
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold integer class indices, got {t.dtype}")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise ValueError(f"{name}: target indices must be in [0, {c}), got values in "
                         f"[{t.min()}, {t.max()}]")
    return t.reshape(-1)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1,  # noqa: A002
                      margin: float = 1.0, weight=None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """Multi-class hinge loss: ``sum_{j != y} w_y max(0, margin - x_y + x_j)^p / C``.

    Shape: input (N, C) or (C,); target (N,) or () class indices; weight (C,).
    """
    name = "multi_margin_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError(f"{name}: p must be 1 or 2, got {p}")
    t = _class_targets(name, input, target)
    x = input.reshape(-1, input.shape[-1])
    n, c = x.shape
    rows = xp.arange(n)
    x_y = x[rows, t].unsqueeze(1)
    z = E.clamp(E.add(E.sub(x, x_y), float(margin)), min=0.0)
    if p == 2:
        z = E.mul(z, z)
    scale = xp.ones((n, c))
    scale[rows, t] = 0.0  # the target class is not its own rival
    if weight is not None:
        w = weight.array if isinstance(weight, Tensor) else xp.asarray(weight)
        if tuple(w.shape) != (c,):
            raise shape_error(name, f"weight must have shape ({c},)", w.shape)
        scale = scale * w[t][:, None]
    loss = E.div(R.sum(E.mul(z, _const(scale, x)), dim=1), float(c))
    return _reduce(loss.reshape(input.shape[:-1]), reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None,  # noqa: A002
                           reduce=None, reduction: str = "mean") -> Tensor:
    """Multi-label hinge loss: ``sum_{j in Y} sum_{k not in Y} max(0, 1 - (x_j - x_k)) / C``
    where ``Y`` is the sample's target classes: the leading entries of its target row up to
    the first ``-1``.

    Shape: input and target (N, C) or (C,); target holds class indices padded with -1.
    """
    name = "multilabel_margin_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    if input.ndim not in (1, 2):
        raise shape_error(name, "input must be (N, C) or (C,)", input.shape)
    if tuple(target.shape) != tuple(input.shape):
        raise shape_error(name, "target must have the input's shape", input.shape,
                          target.shape)
    c = input.shape[-1]
    t = xp.asarray(target.array if isinstance(target, Tensor) else target).reshape(-1, c)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must hold integer class indices, got {t.dtype}")
    if t.size and (t.min() < -1 or t.max() >= c):
        raise ValueError(f"{name}: target entries must be in [-1, {c}), got values in "
                         f"[{t.min()}, {t.max()}]")
    listed = xp.cumprod(t >= 0, axis=1).astype(bool)  # entries before the first -1
    counts = xp.zeros(t.shape)  # how often each class is listed (duplicates count twice)
    rows = xp.nonzero(listed)[0]
    xp.add.at(counts, (rows, t[listed]), 1.0)
    rivals = (counts == 0).astype(float)
    x = input.reshape(-1, c)
    # hinge[n, j, k] = max(0, 1 - x[n, j] + x[n, k])
    hinge = E.clamp(E.add(E.sub(x.unsqueeze(1), x.unsqueeze(2)), 1.0), min=0.0)
    pairs = _const(counts[:, :, None] * rivals[:, None, :], x)
    loss = E.div(R.sum(E.mul(hinge, pairs), dim=(1, 2)), float(c))
    return _reduce(loss.reshape(input.shape[:-1]), reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """``max(0, d(a, p) - d(a, n) + margin)`` with any distance ``d`` (a function of two
    batches returning one distance per sample; default ``pairwise_distance``).

    Args:
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance.
    """
    name = "triplet_margin_with_distance_loss"
    reduction = _reduction(name, reduction)
    if margin <= 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")
    if not tuple(anchor.shape) == tuple(positive.shape) == tuple(negative.shape):
        raise shape_error(name, "anchor, positive and negative must have the same shape",
                          anchor.shape, positive.shape, negative.shape)
    dist = distance_function or pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = E.minimum(d_neg, dist(positive, negative))
    return _reduce(E.clamp(E.add(E.sub(d_pos, d_neg), float(margin)), min=0.0), reduction)
