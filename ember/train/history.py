"""``History``: what ``fit`` returns, the figures of every epoch and every iteration."""
from __future__ import annotations

import math


class History:
    """Per-epoch and per-iteration figures of a training run, as in Keras.

    Attributes:
        history: ``{"loss": [...], "accuracy": [...], "val_loss": [...], "lr": [...]}``,
            one value per epoch.
        epoch: the epoch numbers (0-based) the values belong to.
        batch: ``{"loss": [...], "lr": [...]}``, one value per training iteration.
        batch_epoch: the (fractional) epoch of each iteration, for plotting both together.
    """

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.batch: dict[str, list[float]] = {}
        self.batch_epoch: list[float] = []

    def add_epoch(self, epoch: int, logs: dict) -> None:
        self.epoch.append(epoch)
        n = len(self.epoch)
        for key, value in logs.items():
            # a figure first seen late (validation every k epochs) is padded with NaN
            column = self.history.setdefault(key, [math.nan] * (n - 1))
            column.append(float(value))
        for column in self.history.values():
            if len(column) < n:
                column.append(math.nan)

    def update_last(self, logs: dict) -> None:
        """Set figures of the last epoch (callbacks may add some at its end)."""
        n = len(self.epoch)
        for key, value in logs.items():
            column = self.history.setdefault(key, [math.nan] * n)
            column[-1] = float(value)

    def add_batch(self, epoch_fraction: float, logs: dict) -> None:
        self.batch_epoch.append(epoch_fraction)
        n = len(self.batch_epoch)
        for key, value in logs.items():
            column = self.batch.setdefault(key, [math.nan] * (n - 1))
            column.append(float(value))
        for column in self.batch.values():
            if len(column) < n:
                column.append(math.nan)

    def to_dict(self) -> dict:
        """Plain data (JSON-serialisable), e.g. to store in a checkpoint's ``extra``."""
        return {"history": self.history, "epoch": self.epoch, "batch": self.batch,
                "batch_epoch": self.batch_epoch}

    @classmethod
    def from_dict(cls, data: dict) -> History:
        h = cls()
        h.history = {k: list(v) for k, v in data["history"].items()}
        h.epoch = list(data["epoch"])
        h.batch = {k: list(v) for k, v in data["batch"].items()}
        h.batch_epoch = list(data["batch_epoch"])
        return h

    def __repr__(self) -> str:
        keys = ", ".join(self.history)
        return f"History(epochs={len(self.epoch)}, iterations={len(self.batch_epoch)}, [{keys}])"
