"""Loss functions (``torch.nn.functional``'s names and semantics).

Every loss takes ``reduction``: ``'none'`` (one value per element or sample), ``'mean'``
or ``'sum'``. Cross-entropy, NLL, the binary cross-entropies and the KL term are fused
primitives (``ember.ops.loss``); the others are short compositions of primitives.

Deviation from PyTorch: the regression and binary losses (``mse_loss``, ``l1_loss``,
``smooth_l1_loss``, ``huber_loss``, ``binary_cross_entropy*``) raise when input and target
shapes differ, where PyTorch only warns and broadcasts: a (4, 1) prediction against a (4,)
target silently becomes a (4, 4) comparison, a classic bug.
"""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.nn.functional.distance import cosine_similarity, pairwise_distance
from ember.ops import activation as _act
from ember.ops import elementwise as E
from ember.ops import reduce as R
from ember.ops.loss import (
    REDUCTIONS,
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    CrossEntropy,
    KlDivergence,
    NllLoss,
)
from ember.tensor import Tensor

__all__ = [
    "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
    "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "kl_div",
    "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
    "triplet_margin_loss", "distillation_loss",
]


# ----------------------------------------------------------------------------- helpers
def _reduction(name: str, reduction: str, size_average=None, reduce=None) -> str:
    """Validate ``reduction``; PyTorch's legacy ``size_average``/``reduce`` still map to it."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return R.mean(loss)
    if reduction == "sum":
        return R.sum(loss)
    return loss


def _same_shape(name: str, input: Tensor, target: Tensor) -> None:  # noqa: A002
    if tuple(input.shape) != tuple(target.shape):
        raise shape_error(
            name, "input and target must have the same shape (Ember raises where PyTorch "
            "warns and broadcasts; reshape one of them, e.g. input.squeeze(-1))",
            input.shape, target.shape)


def _array(t):
    return t.array if isinstance(t, Tensor) else t


# ----------------------------------------------------------------------------- regression
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
             reduction: str = "mean") -> Tensor:
    """Mean squared error ``(input - target)^2``, reduced.

    Shape: input and target identical (raises otherwise, unlike PyTorch's warning).
    """
    reduction = _reduction("mse_loss", reduction, size_average, reduce)
    _same_shape("mse_loss", input, target)
    d = E.sub(input, target)
    return _reduce(E.mul(d, d), reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
            reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|input - target|``, reduced (same shapes required)."""
    reduction = _reduction("l1_loss", reduction, size_average, reduce)
    _same_shape("l1_loss", input, target)
    return _reduce(E.abs(E.sub(input, target)), reduction)


def _smooth_l1(d: Tensor, beta: float) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``."""
    a = E.abs(d)
    if beta == 0:
        return a
    return E.where(E.lt(a, beta), E.mul(E.mul(d, d), 0.5 / beta), E.sub(a, 0.5 * beta))


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None,  # noqa: A002
                   reduce=None, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Quadratic below ``beta``, linear above (Fast R-CNN's box loss); same shapes required."""
    reduction = _reduction("smooth_l1_loss", reduction, size_average, reduce)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    _same_shape("smooth_l1_loss", input, target)
    return _reduce(_smooth_l1(E.sub(input, target), float(beta)), reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
               delta: float = 1.0) -> Tensor:
    """``0.5 d^2`` where ``|d| <= delta``, else ``delta (|d| - 0.5 delta)``: ``delta`` times
    ``smooth_l1_loss`` with ``beta = delta``. Same shapes required."""
    reduction = _reduction("huber_loss", reduction)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    _same_shape("huber_loss", input, target)
    return _reduce(E.mul(_smooth_l1(E.sub(input, target), float(delta)), float(delta)),
                   reduction)


# ----------------------------------------------------------------------------- binary
def _weighted(loss: Tensor, weight, name: str) -> Tensor:
    if weight is None:
        return loss
    try:
        return E.mul(loss, weight)
    except ValueError:
        raise shape_error(name, "weight must broadcast to the input's shape", loss.shape,
                          weight.shape) from None


def binary_cross_entropy(input: Tensor, target: Tensor, weight=None,  # noqa: A002
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``-w (t log x + (1 - t) log(1 - x))`` of probabilities ``x`` in [0, 1].

    Logs are clamped at -100, as in PyTorch, so a probability of exactly 0 or 1 gives a
    finite loss. Shape: input and target identical; ``weight`` broadcasts to them.
    """
    reduction = _reduction("binary_cross_entropy", reduction, size_average, reduce)
    _same_shape("binary_cross_entropy", input, target)
    x = input.array if isinstance(input, Tensor) else None  # graph mode: no values yet
    if x is not None and x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(
            f"binary_cross_entropy: all elements of input should be between 0 and 1 (got "
            f"values in [{float(x.min()):.4g}, {float(x.max()):.4g}]); pass logits to "
            f"binary_cross_entropy_with_logits instead"
        )
    loss = BinaryCrossEntropy.apply(input, target)
    return _reduce(_weighted(loss, weight, "binary_cross_entropy"), reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,  # noqa: A002
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight=None) -> Tensor:
    """Sigmoid and binary cross-entropy in one stable step (finite for logits of +-1000).

    Args:
        weight: rescales each element's loss (broadcasts to the input).
        pos_weight: weight of the positive term, one per class (broadcasts along the last
            dimension): ``-(pos_weight t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))``.

    Shape: input and target identical.
    """
    name = "binary_cross_entropy_with_logits"
    reduction = _reduction(name, reduction, size_average, reduce)
    _same_shape(name, input, target)
    if pos_weight is not None:
        try:
            xp.broadcast_shapes(tuple(pos_weight.shape), tuple(target.shape))
        except ValueError:
            raise shape_error(name, "pos_weight must broadcast to the target's shape "
                              "(one entry per class, last dimension)", pos_weight.shape,
                              target.shape) from None
    loss = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    return _reduce(_weighted(loss, weight, name), reduction)


# ----------------------------------------------------------------------------- classification
def cross_entropy(input: Tensor, target: Tensor, weight=None, size_average=None,  # noqa: A002
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy of logits against class indices or class probabilities.

    Args:
        input: logits, class dimension 1.
        target: class indices (integers) or class probabilities (floats, input's shape).
        weight: one rescaling factor per class, shape (C,).
        ignore_index: index targets equal to it count for nothing (not in the mean).
        label_smoothing: eps in [0, 1]: the target becomes (1 - eps) target + eps / C.

    Shape: input (N, C) or (N, C, d1, ...) or (C,); index target (N,) or (N, d1, ...) or
    (); output per ``reduction``. 'mean' over index targets divides by the summed weights
    of the non-ignored targets (PyTorch's weighted mean).

    Example: ``F.cross_entropy(logits, labels)`` with logits (128, 10), labels (128,).
    """
    reduction = _reduction("cross_entropy", reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing}")
    return CrossEntropy.apply(input, target, _array(weight), ignore_index=int(ignore_index),
                              label_smoothing=float(label_smoothing), reduction=reduction)


def nll_loss(input: Tensor, target: Tensor, weight=None, size_average=None,  # noqa: A002
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities (e.g. ``log_softmax`` outputs).

    Shape: as ``cross_entropy`` with index targets; ``weight`` (C,).
    """
    reduction = _reduction("nll_loss", reduction, size_average, reduce)
    return NllLoss.apply(input, target, _array(weight), ignore_index=int(ignore_index),
                         reduction=reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,  # noqa: A002
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence ``sum t (log t - input)`` with ``input`` log-probabilities.

    Args:
        reduction: 'batchmean' divides the sum by the batch size (the true KL divergence
            per sample); 'mean' divides by the number of elements, as PyTorch does.
        log_target: the target is given as log-probabilities.
    """
    if reduction != "batchmean":
        reduction = _reduction("kl_div", reduction, size_average, reduce)
    _same_shape("kl_div", input, target)
    loss = KlDivergence.apply(input, target, log_target=bool(log_target))
    if reduction == "batchmean":
        total = R.sum(loss)
        return E.div(total, input.shape[0]) if input.ndim else total
    return _reduce(loss, reduction)


# ----------------------------------------------------------------------------- embeddings, ranking
def _check_label(name, target, expected):
    if tuple(target.shape) != tuple(expected):
        raise shape_error(name, f"target must have shape {tuple(expected)}", target.shape)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor,
                          margin: float = 0.0, size_average=None, reduce=None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where target is 1, ``max(0, cos(x1, x2) - margin)`` where -1.

    Shape: inputs (N, D) or (D,); target (N,) or ().
    """
    name = "cosine_embedding_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    if tuple(input1.shape) != tuple(input2.shape) or input1.ndim not in (1, 2):
        raise shape_error(name, "input1 and input2 must have the same shape, (N, D) or (D,)",
                          input1.shape, input2.shape)
    _check_label(name, target, input1.shape[:-1])
    # PyTorch adds 1e-12 to the squared norms here: a floor of 1e-6 on the norms, which
    # is what decides the value and gradient at zero vectors
    cos = cosine_similarity(input1, input2, input1.ndim - 1, eps=1e-6)
    pos = E.where(E.eq(target, 1), E.rsub(cos, 1.0), 0.0)
    neg = E.where(E.eq(target, -1), E.clamp(E.sub(cos, margin), min=0.0), 0.0)
    return _reduce(E.add(pos, neg), reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor,
                        margin: float = 0.0, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -y (x1 - x2) + margin)``: y = 1 means x1 should rank higher.

    Shape: input1, input2 and target identical.
    """
    name = "margin_ranking_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    if not tuple(input1.shape) == tuple(input2.shape) == tuple(target.shape):
        raise shape_error(name, "input1, input2 and target must have the same shape",
                          input1.shape, input2.shape, target.shape)
    d = E.mul(E.neg(target), E.sub(input1, input2))
    return _reduce(E.clamp(E.add(d, margin), min=0.0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,  # noqa: A002
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``x`` where target is 1, ``max(0, margin - x)`` where -1 (x: a distance).

    Shape: input and target identical.
    """
    name = "hinge_embedding_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    _same_shape(name, input, target)
    hinge = E.where(E.ne(target, 1), E.clamp(E.rsub(input, margin), min=0.0), 0.0)
    same = E.where(E.ne(target, -1), input, 0.0)
    return _reduce(E.add(hinge, same), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, d(a, p) - d(a, n) + margin)`` with ``d`` the p-norm distance.

    Args:
        swap: use ``min(d(a, n), d(p, n))`` as the negative distance (Balntas et al.).

    Shape: anchor, positive, negative (N, D) or (D,).
    """
    name = "triplet_margin_loss"
    reduction = _reduction(name, reduction, size_average, reduce)
    if not tuple(anchor.shape) == tuple(positive.shape) == tuple(negative.shape) or (
            anchor.ndim not in (1, 2)):
        raise shape_error(name, "anchor, positive and negative must have the same shape, "
                          "(N, D) or (D,)", anchor.shape, positive.shape, negative.shape)
    if margin <= 0:
        raise ValueError(f"{name}: margin must be greater than 0, got {margin}")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = E.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(E.clamp(E.add(E.sub(d_pos, d_neg), margin), min=0.0), reduction)


# ----------------------------------------------------------------------------- distillation
def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, target: Tensor,
                      temperature: float = 4.0, alpha: float = 0.5) -> Tensor:
    """Knowledge distillation (Hinton et al., 2015): soft and hard targets mixed.

    ``alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T))`` (per sample, i.e.
    'batchmean') ``+ (1 - alpha) * cross_entropy(student, target)``. The T^2 factor keeps
    the soft term's gradients on the hard term's scale as T grows. Gradients flow into
    the teacher's logits too unless they are detached (a frozen teacher usually is).

    Shape: logits (N, C); target (N,) class indices.
    """
    if temperature <= 0:
        raise ValueError(f"distillation_loss: temperature must be positive, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"distillation_loss: alpha must be in [0, 1], got {alpha}")
    if tuple(student_logits.shape) != tuple(teacher_logits.shape):
        raise shape_error("distillation_loss", "student and teacher logits must have the "
                          "same shape", student_logits.shape, teacher_logits.shape)
    t = float(temperature)
    log_p_student = _act.log_softmax(E.div(student_logits, t), dim=1)
    log_p_teacher = _act.log_softmax(E.div(teacher_logits, t), dim=1)
    soft = kl_div(log_p_student, log_p_teacher, reduction="batchmean", log_target=True)
    hard = cross_entropy(student_logits, target)
    return E.add(E.mul(soft, alpha * t * t), E.mul(hard, 1.0 - alpha))
