"""Callbacks: code that ``fit`` runs at fixed points of training, with Keras's hook names.

A callback overrides any of ``on_train_begin/end(logs)``, ``on_epoch_begin/end(epoch,
logs)``, ``on_batch_begin/end(batch, logs)`` and ``on_after_backward(batch, logs)`` (after
``loss.backward()``, before ``optimizer.step()``: where gradients are clipped). It reaches
the run through ``self.trainer`` (``.model``, ``.optimizer``, ``.history``,
``.stop_training``).
"""
from __future__ import annotations

import csv
import inspect
import math
import os

import numpy as np

from ember.backend import to_numpy


class Callback:
    """Base class; every hook does nothing."""

    trainer = None
    runs_last = False  # hooks run after the other callbacks' (ModelCheckpoint)

    def set_trainer(self, trainer) -> None:
        self.trainer = trainer

    @property
    def model(self):
        return self.trainer.model

    @property
    def optimizer(self):
        return self.trainer.optimizer

    def state_dict(self) -> dict:
        """What a training checkpoint keeps of this callback, so that a resumed run goes on
        as an uninterrupted one would (JSON values, NumPy arrays, dicts of them)."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Take back ``state_dict()``'s state (called after ``on_train_begin``)."""

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...
    def on_after_backward(self, batch, logs=None): ...


HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
         "on_batch_begin", "on_batch_end", "on_after_backward")


class CallbackList:
    """Calls a hook on every callback that overrides it (no cost for the others)."""

    def __init__(self, callbacks, trainer):
        self.callbacks = list(callbacks or ())
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"fit: callbacks must be ember.train.Callback objects, got "
                                f"{type(cb).__name__}")
            cb.set_trainer(trainer)
        ordered = sorted(self.callbacks, key=lambda cb: cb.runs_last)  # stable
        self._active = {h: [getattr(cb, h) for cb in ordered
                            if getattr(type(cb), h) is not getattr(Callback, h)] for h in HOOKS}

    def named(self) -> dict:
        """The callbacks by name: the class name, ``#2``, ``#3``... for repeats."""
        out, seen = {}, {}
        for cb in self.callbacks:
            name = type(cb).__name__
            seen[name] = seen.get(name, 0) + 1
            out[name if seen[name] == 1 else f"{name}#{seen[name]}"] = cb
        return out

    def state_dict(self) -> dict:
        return {name: s for name, cb in self.named().items() if (s := cb.state_dict())}

    def load_state_dict(self, states: dict) -> None:
        for name, cb in self.named().items():
            if name in states:
                cb.load_state_dict(states[name])

    def call(self, hook: str, *args) -> None:
        for method in self._active[hook]:
            method(*args)

    def has(self, hook: str) -> bool:
        return bool(self._active[hook])


def _mode_for(monitor: str, mode: str, who: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who}: mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    higher_is_better = ("acc", "f1", "precision", "recall", "auc")
    return "max" if any(k in monitor for k in higher_is_better) else "min"


def _monitored(logs: dict, monitor: str, who: str) -> float:
    if monitor not in logs:
        hint = " (pass val_data to fit)" if monitor.startswith("val_") else ""
        raise ValueError(f"{who}: monitor={monitor!r} is not among the logged figures "
                         f"{sorted(logs)}{hint}")
    return float(logs[monitor])


def _copy_state(model) -> dict:
    return {k: to_numpy(v.array).copy() for k, v in model.state_dict().items()}


class EarlyStopping(Callback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged figure to watch (``"val_loss"``, ``"val_accuracy"``, ...).
        min_delta: the smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max for accuracy-like names).
        baseline: stop unless the figure beats it within ``patience`` epochs.
        restore_best_weights: at the end of training, put back the weights of the best
            epoch (otherwise the model keeps those of the last epoch).
        start_from_epoch: epochs of warm-up before improvements are tracked.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0,
                 verbose: int = 0):
        if patience < 0 or min_delta < 0:
            raise ValueError(f"EarlyStopping: patience and min_delta must be >= 0, got "
                             f"{patience} and {min_delta}")
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.mode = _mode_for(monitor, mode, "EarlyStopping")
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch, self.verbose = start_from_epoch, verbose

    def _better(self, current: float, reference: float) -> bool:
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = None
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.best_weights = None

    def state_dict(self) -> dict:
        state = {"wait": self.wait, "best": self.best, "best_epoch": self.best_epoch}
        if self.best_weights is not None:
            state["best_weights"] = self.best_weights
        return state

    def load_state_dict(self, state: dict) -> None:
        self.wait, self.best = int(state["wait"]), float(state["best"])
        self.best_epoch = state["best_epoch"]
        self.best_weights = state.get("best_weights")

    def on_epoch_end(self, epoch, logs=None):
        if epoch < self.start_from_epoch:
            return
        current = _monitored(logs, self.monitor, "EarlyStopping")
        self.wait += 1
        if self._better(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = _copy_state(self.model)
            if self.baseline is None or self._better(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.trainer.stop_training = True
            if self.verbose:
                print(f"EarlyStopping: {self.monitor} did not improve for {self.wait} epochs; "
                      f"best {self.best:.4g} at epoch {self.best_epoch + 1}")

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)
            if self.verbose:
                print(f"EarlyStopping: restored the weights of epoch {self.best_epoch + 1}")


class ModelCheckpoint(Callback):
    """Save the model (or a full training checkpoint) after each epoch, atomically.

    Args:
        filepath: where to write; may hold ``{epoch}`` and logged names, e.g.
            ``"ckpt/model-{epoch:02d}-{val_loss:.3f}.safetensors"`` (``epoch`` counts
            from 1).
        monitor, mode: the figure that decides which epoch is best.
        save_best_only: write only when ``monitor`` improves.
        save_weights_only: only the weights (``ember.io.save_model``); otherwise a
            checkpoint with the optimizer, the epoch, the history, any lr scheduler and
            the RNG states (``ember.io.save_checkpoint``), which ``fit(resume_from=...)``
            continues exactly, with the state of every callback (EarlyStopping's patience
            count and best score...). Its hooks run after the other callbacks', so that
            the state it saves is the one they reached at the end of the epoch.
    """

    runs_last = True

    def __init__(self, filepath: str, monitor: str = "val_loss", save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", verbose: int = 0):
        self.filepath, self.monitor = os.fspath(filepath), monitor
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.mode = _mode_for(monitor, mode, "ModelCheckpoint")
        self.verbose = verbose
        self.best = math.inf if self.mode == "min" else -math.inf
        self.last_path = None

    def state_dict(self) -> dict:
        return {"best": self.best}

    def load_state_dict(self, state: dict) -> None:
        self.best = float(state["best"])

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            current = _monitored(logs, self.monitor, "ModelCheckpoint")
            better = current < self.best if self.mode == "min" else current > self.best
            if not better:
                return
            self.best = current
        try:
            path = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as err:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} names {err}, which "
                             f"is not among the logged figures {sorted(logs)}") from err
        self.save(path, epoch + 1)
        self.last_path = path
        if self.verbose:
            print(f"ModelCheckpoint: saved {path}")

    def save(self, path: str, epochs_done: int) -> None:
        from ember import io

        if self.save_weights_only:
            io.save_model(self.model, path)
            return
        t = self.trainer
        io.save_checkpoint(path, self.model, self.optimizer, epoch=epochs_done,
                           extra={"history": t.history.to_dict(), "global_step": t.global_step},
                           scheduler=t.lr_scheduler(), generators=t.generators(),
                           callbacks=t.callbacks.state_dict())


class LearningRateScheduler(Callback):
    """Change the learning rate during training.

    Args:
        schedule: an ``ember.optim.lr_scheduler`` scheduler (stepped after the optimizer,
            as in PyTorch; ``ReduceLROnPlateau`` is fed ``logs[monitor]``), or a function
            ``epoch -> lr`` / ``(epoch, lr) -> lr`` (Keras's form; with
            ``interval="batch"`` it receives the global iteration instead).
        interval: ``"epoch"`` or ``"batch"``: how often to step.
        monitor: the figure given to ``ReduceLROnPlateau``.
    """

    def __init__(self, schedule, interval: str = "epoch", monitor: str = "val_loss",
                 verbose: int = 0):
        if interval not in ("epoch", "batch"):
            raise ValueError(f"LearningRateScheduler: interval must be 'epoch' or 'batch', "
                             f"got {interval!r}")
        if not (hasattr(schedule, "step") or callable(schedule)):
            raise TypeError(f"LearningRateScheduler: schedule must be an lr scheduler or a "
                            f"function, got {type(schedule).__name__}")
        self.schedule, self.interval, self.monitor = schedule, interval, monitor
        self.verbose = verbose
        self.is_scheduler = hasattr(schedule, "step")
        from ember.optim.lr_scheduler import ReduceLROnPlateau

        self.plateau = isinstance(schedule, ReduceLROnPlateau)
        if self.plateau and interval == "batch":
            raise ValueError("LearningRateScheduler: ReduceLROnPlateau steps once per epoch "
                             "on a monitored figure; use interval='epoch'")
        self._nargs = 0 if self.is_scheduler else len(inspect.signature(schedule).parameters)

    def _set_lr(self, when: int) -> None:
        old = self.optimizer.param_groups[0]["lr"]
        lr = self.schedule(when, old) if self._nargs >= 2 else self.schedule(when)
        lr = float(lr)
        if not math.isfinite(lr) or lr < 0:
            raise ValueError(f"LearningRateScheduler: the schedule returned lr={lr} at "
                             f"{self.interval} {when}; a learning rate must be >= 0")
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        if self.verbose and lr != old:
            print(f"LearningRateScheduler: lr {old:.4g} -> {lr:.4g}")

    def on_epoch_begin(self, epoch, logs=None):
        if not self.is_scheduler and self.interval == "epoch":
            self._set_lr(epoch)

    def on_batch_begin(self, batch, logs=None):
        if not self.is_scheduler and self.interval == "batch":
            self._set_lr(self.trainer.global_step)

    def on_batch_end(self, batch, logs=None):
        if self.is_scheduler and self.interval == "batch":
            self.schedule.step()

    def on_epoch_end(self, epoch, logs=None):
        if self.is_scheduler and self.interval == "epoch":
            if self.plateau:
                self.schedule.step(_monitored(logs, self.monitor, "ReduceLROnPlateau"))
            else:
                self.schedule.step()


class GradientClipping(Callback):
    """Clip gradients between ``backward`` and ``optimizer.step()``.

    Args:
        max_norm: rescale all gradients together so their total ``norm_type`` norm is at
            most this (``ember.nn.utils.clip_grad_norm_``; keeps the direction).
        clip_value: clamp every gradient element to ``[-clip_value, clip_value]``.
    The norm before clipping of each iteration is logged as ``grad_norm``.
    """

    def __init__(self, max_norm: float | None = None, clip_value: float | None = None,
                 norm_type: float = 2.0):
        if (max_norm is None) == (clip_value is None):
            raise ValueError("GradientClipping: give exactly one of max_norm and clip_value")
        for name, v in (("max_norm", max_norm), ("clip_value", clip_value)):
            if v is not None and not v > 0:
                raise ValueError(f"GradientClipping: {name} must be > 0, got {v}")
        self.max_norm, self.clip_value, self.norm_type = max_norm, clip_value, norm_type

    def on_after_backward(self, batch, logs=None):
        from ember.nn.utils import clip_grad_norm_, clip_grad_value_

        params = [p for p in self.model.parameters() if p.grad is not None]
        if self.max_norm is not None:
            norm = clip_grad_norm_(params, self.max_norm, norm_type=self.norm_type)
            if logs is not None:
                logs["grad_norm"] = float(norm)
        else:
            clip_grad_value_(params, self.clip_value)


class CSVLogger(Callback):
    """Append one row per epoch (``epoch`` and every logged figure) to a CSV file."""

    def __init__(self, filename: str, separator: str = ",", append: bool = False):
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self.keys = None

    def on_train_begin(self, logs=None):
        exists = self.append and os.path.isfile(self.filename) and os.path.getsize(self.filename)
        if exists:
            with open(self.filename, newline="") as f:
                header = next(csv.reader(f, delimiter=self.separator), None)
            self.keys = header[1:] if header else None
        else:
            self.keys = None
        os.makedirs(os.path.dirname(os.path.abspath(self.filename)), exist_ok=True)
        self.file = open(self.filename, "a" if exists else "w", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file, delimiter=self.separator)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = list(logs)
            self.writer.writerow(["epoch", *self.keys])
        self.writer.writerow([epoch, *(logs.get(k, "") for k in self.keys)])
        self.file.flush()

    def on_train_end(self, logs=None):
        self.file.close()


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's loss is NaN or infinite."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            print(f"TerminateOnNaN: batch {batch} has loss {loss}; stopping training")
            self.trainer.stop_training = True
