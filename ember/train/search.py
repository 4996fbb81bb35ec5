"""Hyperparameter search: ``GridSearch`` (every combination) and ``RandomSearch`` (samples).

Both train one model per candidate with ``fit`` and score it on validation data::

    def build(p):
        model = nn.Sequential(nn.Linear(4, p["hidden"]), nn.ReLU(), nn.Linear(p["hidden"], 3))
        return model, ember.optim.SGD(model.parameters(), lr=p["lr"], momentum=p["momentum"]), \\
            nn.CrossEntropyLoss()

    search = RandomSearch(build, {"lr": LogUniform(1e-3, 1e-1), "hidden": [16, 64],
                                  "momentum": [0.0, 0.9], "epochs": [5, 10]}, n_trials=8)
    result = search.run((x, y), validation_split=0.2)
    result.best_params, result.best_score

The keys ``epochs`` and ``batch_size`` of a candidate go to ``fit``; every key reaches
``build``. Each trial starts from ``ember.manual_seed(seed)``, so candidates differ only by
their hyperparameters, and a search repeats exactly.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

FIT_KEYS = ("epochs", "batch_size")


class Uniform:
    """A float drawn uniformly from ``[low, high]``."""

    def __init__(self, low: float, high: float):
        if not low < high:
            raise ValueError(f"Uniform: need low < high, got {low}, {high}")
        self.low, self.high = low, high

    def sample(self, rng: np.random.Generator):
        return float(rng.uniform(self.low, self.high))


class LogUniform(Uniform):
    """A float whose logarithm is uniform: right for learning rates and weight decay."""

    def __init__(self, low: float, high: float):
        if low <= 0:
            raise ValueError(f"LogUniform: low must be > 0, got {low}")
        super().__init__(low, high)

    def sample(self, rng):
        return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))


class IntUniform(Uniform):
    """An integer drawn uniformly from ``low .. high`` (both included)."""

    def sample(self, rng):
        return int(rng.integers(self.low, self.high + 1))


class Choice:
    """One of ``options``, each equally likely (a plain list means the same)."""

    def __init__(self, options):
        self.options = list(options)
        if not self.options:
            raise ValueError("Choice: options is empty")

    def sample(self, rng):
        return self.options[int(rng.integers(len(self.options)))]


@dataclass
class SearchResult:
    """``best_params``, ``best_score`` and ``results`` (one dict per trial, in order:
    ``params``, ``score``, ``logs`` of the best epoch, ``history``)."""

    best_params: dict
    best_score: float
    results: list = field(default_factory=list)

    def table(self) -> str:
        """The trials as aligned text lines, best first."""
        rows = sorted(self.results, key=lambda r: r["rank"])
        return "\n".join(f"{r['rank']:3d}  {r['score']:.4g}  {r['params']}" for r in rows)


class _Search:
    def __init__(self, build: Callable, space: Mapping, monitor: str = "val_loss",
                 mode: str = "auto", seed: int = 0, fit_kwargs: Mapping | None = None,
                 verbose: int = 1):
        if not isinstance(space, Mapping) or not space:
            raise ValueError(f"{type(self).__name__}: space must be a non-empty dict of "
                             f"name -> values, got {space!r}")
        self.build, self.space, self.monitor, self.seed = build, dict(space), monitor, seed
        higher = ("acc", "f1", "precision", "recall", "auc")
        if mode == "auto":
            mode = "max" if any(h in monitor for h in higher) else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"{type(self).__name__}: mode must be 'auto', 'min' or 'max', "
                             f"got {mode!r}")
        self.mode, self.fit_kwargs, self.verbose = mode, dict(fit_kwargs or {}), verbose

    def candidates(self):
        raise NotImplementedError

    def run(self, train_data, val_data=None, validation_split: float | None = None,
            metrics=("accuracy",)) -> SearchResult:
        """Train and score every candidate; the score is the best epoch's ``monitor``."""
        from ember.random import manual_seed
        from ember.train.fit import fit

        if val_data is None and validation_split is None:
            raise ValueError(f"{type(self).__name__}.run: give val_data or validation_split: "
                             f"candidates are scored on data they were not trained on")
        results = []
        sign = 1.0 if self.mode == "min" else -1.0
        for i, params in enumerate(self.candidates()):
            manual_seed(self.seed)
            model, optimizer, loss_fn = self.build(dict(params))
            kwargs = {"verbose": 0, **self.fit_kwargs}
            kwargs.update({k: params[k] for k in FIT_KEYS if k in params})
            history = fit(model, loss_fn, optimizer, train_data, val_data,
                          metrics=metrics, validation_split=validation_split, **kwargs)
            column = history.history.get(self.monitor)
            if column is None:
                raise ValueError(f"{type(self).__name__}: monitor={self.monitor!r} is not "
                                 f"among the logged figures {sorted(history.history)}")
            values = np.array(column, dtype=np.float64)
            values = np.where(np.isfinite(values), values, np.inf * sign)
            best_epoch = int(np.argmin(sign * values))
            score = float(column[best_epoch])
            logs = {k: v[best_epoch] for k, v in history.history.items()}
            results.append({"params": dict(params), "score": score, "epoch": best_epoch,
                            "logs": logs, "history": history.history})
            if self.verbose:
                print(f"trial {i + 1}: {self.monitor} {score:.4g}  {dict(params)}")
        if not results:
            raise ValueError(f"{type(self).__name__}: the space yielded no candidates")
        order = sorted(range(len(results)),
                       key=lambda j: (sign * results[j]["score"]
                                      if math.isfinite(results[j]["score"]) else math.inf))
        for rank, j in enumerate(order, 1):
            results[j]["rank"] = rank
        best = results[order[0]]
        return SearchResult(best["params"], best["score"], results)


class GridSearch(_Search):
    """Every combination of the listed values (``space``: name -> list of values).

    Args:
        build: ``build(params) -> (model, optimizer, loss_fn)``.
        space: e.g. ``{"lr": [0.1, 0.01], "batch_size": [32, 128], "hidden": [32, 64]}``.
        monitor: the logged figure that scores a candidate (its best epoch counts).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max for accuracy-like names).
        seed: the seed every trial starts from.
        fit_kwargs: more arguments for ``fit`` (``epochs``, ``callbacks``, ...).
    """

    def candidates(self):
        for name, values in self.space.items():
            if not isinstance(values, (list, tuple)) or not values:
                raise ValueError(f"GridSearch: space[{name!r}] must be a non-empty list of "
                                 f"values, got {values!r}")
        names = list(self.space)
        for combo in itertools.product(*(self.space[n] for n in names)):
            yield dict(zip(names, combo))


class RandomSearch(_Search):
    """``n_trials`` candidates drawn at random (seeded by ``seed``).

    ``space`` values are lists (a uniform choice) or ``Uniform``, ``LogUniform``,
    ``IntUniform``, ``Choice`` objects. Often better than a grid at equal cost: with few
    important hyperparameters, each trial tries a new value of every one of them.
    """

    def __init__(self, build: Callable, space: Mapping, n_trials: int = 10, **kwargs):
        super().__init__(build, space, **kwargs)
        if not isinstance(n_trials, int) or n_trials < 1:
            raise ValueError(f"RandomSearch: n_trials must be a positive int, got {n_trials!r}")
        self.n_trials = n_trials

    def candidates(self):
        rng = np.random.default_rng(self.seed)
        dists = {}
        for name, values in self.space.items():
            if isinstance(values, (list, tuple)):
                values = Choice(values)
            if not hasattr(values, "sample"):
                raise ValueError(f"RandomSearch: space[{name!r}] must be a list or a "
                                 f"distribution (Uniform, LogUniform, ...), got {values!r}")
            dists[name] = values
        for _ in range(self.n_trials):
            yield {name: d.sample(rng) for name, d in dists.items()}
