"""Classification metrics: accuracy, precision, recall, F-scores, confusion matrix, top-k.

Each function takes the true labels and the predictions as Ember tensors, NumPy arrays or
lists. Predictions may be labels (shape ``(n,)``) or per-class scores (logits or
probabilities, shape ``(n, C)``: the predicted label is the arg-max; shape ``(n, 1)``: the
probability of class 1, thresholded at 0.5). The results follow scikit-learn's
definitions (``precision_recall_fscore_support``, ``confusion_matrix``,
``top_k_accuracy_score``), except that ``zero_division`` defaults to 0 without a warning.
"""
from __future__ import annotations

import numpy as np

from ember.backend import to_numpy
from ember.tensor import Tensor

AVERAGES = (None, "binary", "micro", "macro", "weighted")


def to_numpy_array(x) -> np.ndarray:
    """``x`` (a Tensor, array or list) as a NumPy array."""
    if isinstance(x, Tensor):
        return to_numpy(x.array)
    return np.asarray(to_numpy(x) if hasattr(x, "__array__") else x)


def as_labels(y, fn: str, arg: str) -> np.ndarray:
    """1-D labels from labels, one-hot rows or per-class scores."""
    a = to_numpy_array(y)
    if a.ndim == 2 and a.shape[1] == 1:
        a = (a[:, 0] > 0.5).astype(np.int64) if a.dtype.kind == "f" else a[:, 0]
    elif a.ndim == 2:
        a = a.argmax(axis=1)
    elif a.ndim != 1:
        raise ValueError(f"{fn}: {arg} must be labels of shape (n,) or scores of shape (n, C), "
                         f"got shape {a.shape}")
    return a


def _pair(y_true, y_pred, fn: str) -> tuple[np.ndarray, np.ndarray]:
    t, p = as_labels(y_true, fn, "y_true"), as_labels(y_pred, fn, "y_pred")
    if t.shape[0] != p.shape[0]:
        raise ValueError(f"{fn}: y_true and y_pred hold different numbers of samples "
                         f"({t.shape[0]} and {p.shape[0]})")
    if t.shape[0] == 0:
        raise ValueError(f"{fn}: y_true and y_pred are empty")
    return t, p


def accuracy(y_true, y_pred) -> float:
    """Fraction of samples whose predicted label equals the true one.

    Example: ``accuracy([0, 1, 2], logits)`` with ``logits`` of shape ``(3, C)``.
    """
    t, p = _pair(y_true, y_pred, "accuracy")
    return float(np.mean(t == p))


def confusion_matrix(y_true, y_pred, labels=None) -> np.ndarray:
    """``C[i, j]`` counts samples of true label ``labels[i]`` predicted as ``labels[j]``.

    Args:
        labels: the classes, in the order of the rows and columns (default: the sorted
            union of the labels present in ``y_true`` and ``y_pred``). Samples whose label
            is not listed are ignored, as in scikit-learn.
    Shape: ``(len(labels), len(labels))``, int64.
    """
    t, p = _pair(y_true, y_pred, "confusion_matrix")
    labels = np.union1d(t, p) if labels is None else to_numpy_array(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"confusion_matrix: labels must be a non-empty 1-D list, "
                         f"got shape {labels.shape}")
    if np.unique(labels).size != labels.size:
        raise ValueError("confusion_matrix: labels contains duplicates")
    n = labels.size
    order = np.argsort(labels, kind="stable")
    ti = np.searchsorted(labels, t, sorter=order)
    pi = np.searchsorted(labels, p, sorter=order)
    ti, pi = np.minimum(ti, n - 1), np.minimum(pi, n - 1)
    keep = (labels[order][ti] == t) & (labels[order][pi] == p)
    rows, cols = order[ti[keep]], order[pi[keep]]
    return np.bincount(rows * n + cols, minlength=n * n).reshape(n, n).astype(np.int64)


def _zero_division_value(zero_division) -> float:
    if zero_division in ("warn", 0):
        return 0.0
    if zero_division == 1:
        return 1.0
    if isinstance(zero_division, float) and np.isnan(zero_division):
        return float("nan")
    raise ValueError(f"zero_division must be 0, 1 or nan, got {zero_division!r}")


def _divide(num: np.ndarray, den: np.ndarray, zero_value: float) -> np.ndarray:
    out = np.full(num.shape, zero_value, dtype=np.float64)
    ok = den != 0
    out[ok] = num[ok] / den[ok]
    return out


def _nan_average(a: np.ndarray, weights=None) -> float:
    """Mean ignoring NaN (scikit-learn's ``_nanaverage``); all-zero weights are ignored."""
    keep = ~np.isnan(a)
    if a.size == 0 or not keep.any():
        return float("nan")
    a = a[keep]
    if weights is None or weights[keep].sum() == 0:
        return float(a.mean())
    return float(np.average(a, weights=weights[keep]))


def precision_recall_fscore_support(y_true, y_pred, *, beta: float = 1.0, labels=None,
                                    pos_label=1, average: str | None = None,
                                    zero_division=0):
    """Precision, recall, F-beta score and support, per class or averaged.

    Args:
        beta: weight of recall in the F-score (1: F1).
        labels: the classes to score (default: all present in ``y_true`` or ``y_pred``);
            a listed class that never occurs scores ``zero_division``.
        pos_label: the positive class when ``average='binary'``.
        average: ``None`` (one value per class), ``'binary'`` (only ``pos_label``; the
            data must hold at most two classes), ``'micro'`` (global counts of true and
            false positives), ``'macro'`` (unweighted mean over classes) or
            ``'weighted'`` (mean weighted by each class's support).
        zero_division: the value of a ratio whose denominator is 0: ``0`` (default),
            ``1`` or ``nan`` (ignored when averaging).
    Returns:
        ``(precision, recall, fscore, support)``: arrays per class when ``average`` is
        None, else floats and ``support=None``.
    """
    fn = "precision_recall_fscore_support"
    if average not in AVERAGES:
        raise ValueError(f"{fn}: average must be one of {AVERAGES}, got {average!r}")
    if beta < 0:
        raise ValueError(f"{fn}: beta must be >= 0, got {beta}")
    zero_value = _zero_division_value(zero_division)
    t, p = _pair(y_true, y_pred, fn)
    present = np.union1d(t, p)
    if average == "binary":
        if present.size > 2:
            raise ValueError(f"{fn}: the targets hold {present.size} classes but "
                             f"average='binary'; choose average='micro', 'macro' or "
                             f"'weighted'")
        if pos_label not in present and present.size >= 2:
            raise ValueError(f"{fn}: pos_label={pos_label!r} is not a valid label; it should "
                             f"be one of {present.tolist()}")
        labels = np.asarray([pos_label])
    elif labels is None:
        labels = present
    else:
        labels = to_numpy_array(labels)
    # Count against every label (listed first) so that samples of unlisted classes still
    # count as false positives / negatives of the listed ones.
    extra = np.setdiff1d(present, labels)
    cm = confusion_matrix(t, p, labels=np.concatenate([labels, extra]))
    n = len(labels)
    tp = np.diag(cm)[:n].astype(np.float64)
    true_sum = cm[:n].sum(axis=1).astype(np.float64)
    pred_sum = cm[:, :n].sum(axis=0).astype(np.float64)
    support = true_sum.astype(np.int64)
    if average == "micro":
        tp, pred_sum, true_sum = tp.sum(keepdims=True), pred_sum.sum(keepdims=True), \
            true_sum.sum(keepdims=True)
    precision = _divide(tp, pred_sum, zero_value)
    recall = _divide(tp, true_sum, zero_value)
    if np.isposinf(beta):
        fscore = recall
    elif beta == 0:
        fscore = precision
    else:
        b2 = beta * beta
        fscore = _divide((1 + b2) * tp, b2 * true_sum + pred_sum, zero_value)
    if average is None:
        return precision, recall, fscore, support
    weights = support.astype(np.float64) if average == "weighted" else None
    return (_nan_average(precision, weights), _nan_average(recall, weights),
            _nan_average(fscore, weights), None)


def precision(y_true, y_pred, *, labels=None, pos_label=1, average: str | None = "binary",
              zero_division=0):
    """Precision ``tp / (tp + fp)``; see ``precision_recall_fscore_support``."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, zero_division=zero_division)[0]


def recall(y_true, y_pred, *, labels=None, pos_label=1, average: str | None = "binary",
           zero_division=0):
    """Recall ``tp / (tp + fn)``; see ``precision_recall_fscore_support``."""
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, zero_division=zero_division)[1]


def fbeta_score(y_true, y_pred, *, beta: float, labels=None, pos_label=1,
                average: str | None = "binary", zero_division=0):
    """F-beta ``(1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)``."""
    return precision_recall_fscore_support(y_true, y_pred, beta=beta, labels=labels,
                                           pos_label=pos_label, average=average,
                                           zero_division=zero_division)[2]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average: str | None = "binary",
             zero_division=0):
    """F1, the harmonic mean of precision and recall: ``2 tp / (2 tp + fn + fp)``."""
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, zero_division=zero_division)


def top_k_accuracy(y_true, y_score, k: int = 5, labels=None) -> float:
    """Fraction of samples whose true class is among the ``k`` highest scores.

    Args:
        y_true: labels, shape ``(n,)``.
        y_score: scores, shape ``(n, C)`` (logits or probabilities); or shape ``(n,)`` for
            a binary problem (the score of class 1).
        labels: the class of each column (default: ``0 .. C-1``).
    Ties between scores are broken towards the higher column, as in scikit-learn.
    """
    fn = "top_k_accuracy"
    t = to_numpy_array(y_true)
    s = to_numpy_array(y_score)
    if t.ndim != 1 or s.ndim not in (1, 2) or s.shape[0] != t.shape[0]:
        raise ValueError(f"{fn}: expected y_true of shape (n,) and y_score of shape (n, C) or "
                         f"(n,), got {t.shape} and {s.shape}")
    if t.size == 0:
        raise ValueError(f"{fn}: y_true is empty")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{fn}: k must be a positive integer, got {k!r}")
    n_classes = 2 if s.ndim == 1 else s.shape[1]
    classes = np.arange(n_classes) if labels is None else to_numpy_array(labels)
    if classes.size != n_classes:
        raise ValueError(f"{fn}: {classes.size} labels given for {n_classes} score columns")
    order = np.argsort(classes, kind="stable")
    idx = np.minimum(np.searchsorted(classes, t, sorter=order), n_classes - 1)
    if not (classes[order][idx] == t).all():
        unknown = np.setdiff1d(t, classes).tolist()
        raise ValueError(f"{fn}: y_true holds labels {unknown} that are not among the "
                         f"classes {classes.tolist()}")
    col = order[idx]
    if s.ndim == 1:
        if k >= 2:
            return 1.0
        threshold = 0.5 if s.min() >= 0 and s.max() <= 1 else 0.0
        return float(np.mean((s > threshold).astype(np.int64) == col))
    # a stable ascending sort reversed: among equal scores the higher column ranks first
    top = np.argsort(s, axis=1, kind="mergesort")[:, ::-1][:, :k]
    return float(np.mean((top == col[:, None]).any(axis=1)))
