"""Metrics that accumulate over the batches of an epoch, for ``fit`` and ``evaluate``.

``fit(..., metrics=["accuracy", "top5", "f1"])`` turns each name into a ``Metric``:
``reset()`` at the start of an epoch, ``update(y_pred, y_true)`` after each batch (raw
NumPy arrays: outputs and targets), ``result()`` at the end. The figures are over the
whole epoch, not means of per-batch figures (they differ for F1). A plain function
``fn(y_true, y_pred) -> float`` is accepted too; it is averaged over batches, weighted by
batch size.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from ember.train import metrics as M


class Metric:
    """Base class: subclasses define ``reset``, ``update`` and ``result``.

    A metric that has a meaningful per-batch figure sets ``last`` in ``update``; ``fit``
    records it per iteration in ``history.batch``.
    """

    name = "metric"
    last: float | None = None

    def reset(self) -> None:
        raise NotImplementedError

    def update(self, y_pred: np.ndarray, y_true: np.ndarray) -> None:
        raise NotImplementedError

    def result(self) -> float:
        raise NotImplementedError


class Accuracy(Metric):
    """Share of samples whose arg-max (or thresholded probability) is the true label."""

    name = "accuracy"

    def __init__(self, name: str = "accuracy"):
        self.name = name
        self.reset()

    def reset(self) -> None:
        self.correct = 0
        self.count = 0

    def update(self, y_pred, y_true) -> None:
        pred = M.as_labels(y_pred, self.name, "the model's output")
        true = M.as_labels(y_true, self.name, "the targets")
        if pred.shape != true.shape:
            raise ValueError(f"{self.name}: {pred.shape[0]} predictions for {true.shape[0]} "
                             f"targets (output shape {np.shape(y_pred)}, target shape "
                             f"{np.shape(y_true)})")
        correct = int(np.count_nonzero(pred == true))
        self.last = correct / max(true.shape[0], 1)
        self.correct += correct
        self.count += true.shape[0]

    def result(self) -> float:
        return self.correct / self.count if self.count else float("nan")


class TopKAccuracy(Metric):
    """Share of samples whose true class is among the ``k`` highest scores."""

    def __init__(self, k: int = 5, name: str | None = None):
        self.k = k
        self.name = name or f"top{k}_accuracy"
        self.reset()

    def reset(self) -> None:
        self.hits = 0.0
        self.count = 0

    def update(self, y_pred, y_true) -> None:
        n = np.shape(y_true)[0]
        self.last = M.top_k_accuracy(y_true, y_pred, k=self.k)
        self.hits += self.last * n
        self.count += n

    def result(self) -> float:
        return self.hits / self.count if self.count else float("nan")


class LabelMetric(Metric):
    """Keeps the true and predicted labels of the epoch and scores them at the end
    (precision, recall, F1: set-wise figures that do not average over batches)."""

    def __init__(self, fn: Callable, name: str, **kwargs):
        self.fn, self.name, self.kwargs = fn, name, kwargs
        self.reset()

    def reset(self) -> None:
        self.true: list[np.ndarray] = []
        self.pred: list[np.ndarray] = []

    def update(self, y_pred, y_true) -> None:
        self.pred.append(M.as_labels(y_pred, self.name, "the model's output"))
        self.true.append(M.as_labels(y_true, self.name, "the targets"))

    def result(self) -> float:
        if not self.true:
            return float("nan")
        return float(self.fn(np.concatenate(self.true), np.concatenate(self.pred),
                             **self.kwargs))


class MeanMetric(Metric):
    """A per-batch function ``fn(y_true, y_pred) -> float`` averaged over samples."""

    def __init__(self, fn: Callable, name: str | None = None):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "metric")
        self.reset()

    def reset(self) -> None:
        self.total = 0.0
        self.count = 0

    def update(self, y_pred, y_true) -> None:
        n = np.shape(y_true)[0] if np.ndim(y_true) else 1
        self.last = float(self.fn(y_true, y_pred))
        self.total += self.last * n
        self.count += n

    def result(self) -> float:
        return self.total / self.count if self.count else float("nan")


def _mse(y_true, y_pred) -> float:
    return float(np.mean((np.asarray(y_pred, np.float64) - y_true) ** 2))


def _mae(y_true, y_pred) -> float:
    return float(np.mean(np.abs(np.asarray(y_pred, np.float64) - y_true)))


NAMED = {
    "accuracy": lambda: Accuracy("accuracy"),
    "acc": lambda: Accuracy("acc"),
    "f1": lambda: LabelMetric(M.f1_score, "f1", average="macro"),
    "f1_macro": lambda: LabelMetric(M.f1_score, "f1_macro", average="macro"),
    "f1_micro": lambda: LabelMetric(M.f1_score, "f1_micro", average="micro"),
    "f1_weighted": lambda: LabelMetric(M.f1_score, "f1_weighted", average="weighted"),
    "precision": lambda: LabelMetric(M.precision, "precision", average="macro"),
    "recall": lambda: LabelMetric(M.recall, "recall", average="macro"),
    "mse": lambda: MeanMetric(_mse, "mse"),
    "mae": lambda: MeanMetric(_mae, "mae"),
}


def get_metric(spec) -> Metric:
    """A fresh ``Metric`` from a name (``"accuracy"``, ``"top5"``, ``"f1"``, ``"f1_micro"``,
    ``"precision"``, ``"recall"``, ``"mse"``, ``"mae"``), a ``Metric`` or a function."""
    if isinstance(spec, Metric):
        return spec
    if isinstance(spec, str):
        top = re.fullmatch(r"top_?(\d+)(_accuracy)?", spec)
        if top:
            return TopKAccuracy(int(top.group(1)), name=spec)
        if spec in NAMED:
            return NAMED[spec]()
        raise ValueError(f"metrics: unknown metric {spec!r}; known: {sorted(NAMED)}, "
                         f"'top<k>', a Metric or a function fn(y_true, y_pred) -> float")
    if callable(spec):
        return MeanMetric(spec)
    raise TypeError(f"metrics: expected a name, a Metric or a function, "
                    f"got {type(spec).__name__}")


def get_metrics(specs) -> list[Metric]:
    """``get_metric`` on each entry; names must be unique (they key the history)."""
    if isinstance(specs, (str, Metric)) or callable(specs):
        specs = [specs]
    out = [get_metric(s) for s in specs or ()]
    names = [m.name for m in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"metrics: names must be unique, {dup} appear twice")
    if any(n in ("loss", "lr") or n.startswith("val_") for n in names):
        raise ValueError(f"metrics: 'loss', 'lr' and 'val_*' are reserved names, got {names}")
    return out
