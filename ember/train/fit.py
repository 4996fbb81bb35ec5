"""``fit``, ``evaluate``, ``predict``: the training loop, with Keras's conventions.

One iteration is the five lines every PyTorch user writes, with callbacks in between::

    out = model(x); loss = loss_fn(out, y)
    optimizer.zero_grad(); loss.backward()      # then on_after_backward (clipping)
    optimizer.step()

``fit`` switches the model to training mode for each epoch and evaluates the validation
data in evaluation mode under ``ember.no_grad()``.
"""
from __future__ import annotations

import math

import numpy as np

from ember.autograd import no_grad
from ember.backend import to_numpy
from ember.errors import ShapeError
from ember.tensor import Tensor
from ember.train.callbacks import CallbackList, LearningRateScheduler
from ember.train.data_adapter import as_loader, holdout, split_batch
from ember.train.history import History
from ember.train.progress import Progress
from ember.train.running_metrics import get_metrics


def _name(fn) -> str:
    return getattr(fn, "__name__", None) or type(fn).__name__


def _shape(x) -> str:
    if isinstance(x, (tuple, list)):
        return "(" + ", ".join(_shape(a) for a in x) + ")"
    return str(tuple(x.shape)) if hasattr(x, "shape") else type(x).__name__


def _reraise(err: Exception, context: str):
    """Raise ``err`` again with ``context`` in front of its message, same type."""
    try:
        new = ShapeError(f"{context}: {err}") if isinstance(err, ShapeError) else \
            type(err)(f"{context}: {err}")
    except Exception:  # an exception type with an unusual constructor: keep it as it is
        raise err from None
    raise new from err


def _forward(model, x, fn: str):
    try:
        return model(*x) if isinstance(x, tuple) else model(x)
    except (ValueError, TypeError, RuntimeError) as err:
        _reraise(err, f"{fn}: the model {type(model).__name__} failed on inputs of shape "
                      f"{_shape(x)}")


def _loss(loss_fn, out, y, fn: str) -> Tensor:
    try:
        loss = loss_fn(out, y)
    except (ValueError, TypeError, RuntimeError) as err:
        _reraise(err, f"{fn}: the loss {_name(loss_fn)} failed on the model's output of shape "
                      f"{_shape(out)} and the target of shape {_shape(y)}")
    if not isinstance(loss, Tensor) or loss.numel() != 1:
        raise ValueError(f"{fn}: the loss {_name(loss_fn)} must return a one-element tensor "
                         f"(reduction 'mean' or 'sum'), got "
                         f"{_shape(loss) if isinstance(loss, Tensor) else type(loss).__name__}")
    return loss


def _raw(t):
    return to_numpy(t.array) if isinstance(t, Tensor) else np.asarray(t)


def _count(y) -> int:
    return y.shape[0] if hasattr(y, "shape") and len(y.shape) else 1


def run_evaluation(model, loss_fn, loader, metrics, fn: str = "evaluate") -> dict:
    """Mean loss and metrics over ``loader`` in eval mode, without recording gradients."""
    was_training = model.training
    model.eval()
    for m in metrics:
        m.reset()
    total, count = 0.0, 0
    try:
        with no_grad():
            for batch in loader:
                x, y = split_batch(batch, fn)
                out = _forward(model, x, fn)
                n = _count(y)
                if loss_fn is not None:
                    total += _loss(loss_fn, out, y, fn).item() * n
                for m in metrics:
                    m.update(_raw(out), _raw(y))
                count += n
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError(f"{fn}: the data yielded no batches")
    logs = {"loss": total / count} if loss_fn is not None else {}
    logs.update({m.name: m.result() for m in metrics})
    return logs


class Trainer:
    """A model, its loss, optimizer, callbacks and metrics; ``fit`` trains it.

    ``fit(model, loss_fn, optimizer, data, ...)`` is ``Trainer(...).fit(data, ...)``.
    Callbacks see the trainer as ``self.trainer``; set ``trainer.stop_training = True``
    to stop after the current iteration.
    """

    def __init__(self, model, loss_fn, optimizer, callbacks=(), metrics=(), verbose=1):
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.metrics = get_metrics(metrics)
        self.callbacks = CallbackList(callbacks, self)
        self.verbose = int(verbose)
        self.history = History()
        self.stop_training = False
        self.global_step = 0
        self.train_loader = None
        self._iterations = 0

    # what ModelCheckpoint stores beside model and optimizer
    def lr_scheduler(self):
        for cb in self.callbacks.callbacks:
            if isinstance(cb, LearningRateScheduler) and hasattr(cb.schedule, "state_dict"):
                return cb.schedule
        return None

    def generators(self) -> dict:
        gen = getattr(self.train_loader, "generator", None)
        return {"train_loader": gen} if gen is not None else {}

    def resume(self, path) -> int:
        """Load a ``ModelCheckpoint`` checkpoint; returns the number of epochs done."""
        from ember import io

        gens = self.generators()
        info = io.load_checkpoint(path, self.model, self.optimizer,
                                  scheduler=self.lr_scheduler(), generators=gens or None)
        extra = info["extra"] or {}
        if "history" in extra:
            self.history = History.from_dict(extra["history"])
        self.global_step = extra.get("global_step", 0)
        self._resumed_callbacks = info["callbacks"]  # applied after on_train_begin
        return int(info["epoch"] or 0)

    def fit(self, train_data, val_data=None, epochs: int = 1, batch_size: int | None = None,
            shuffle: bool = True, initial_epoch: int = 0, validation_split: float | None = None,
            validation_freq: int = 1, resume_from=None) -> History:
        """Train for epochs ``initial_epoch .. epochs - 1``; see ``ember.train.fit``."""
        fn = "fit"
        if not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"{fn}: epochs must be a non-negative int, got {epochs!r}")
        if validation_split is not None:
            if val_data is not None:
                raise ValueError(f"{fn}: give val_data or validation_split, not both")
            train_data, val_data = holdout(train_data, validation_split, fn)
        self.train_loader = as_loader(train_data, batch_size, shuffle, fn, "train_data")
        val_loader = (None if val_data is None
                      else as_loader(val_data, batch_size, False, fn, "val_data"))
        if resume_from is not None:
            initial_epoch = self.resume(resume_from)
        progress = Progress(epochs, self.verbose)
        self.stop_training = False
        cbs = self.callbacks
        cbs.call("on_train_begin", {})
        if resume_from is not None:
            cbs.load_state_dict(self._resumed_callbacks)
        epoch_logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            epoch_logs = self._train_epoch(epoch, progress, cbs, fn)
            if val_loader is not None and (epoch + 1 - initial_epoch) % validation_freq == 0:
                val = run_evaluation(self.model, self.loss_fn, val_loader, self.metrics, fn)
                epoch_logs.update({f"val_{k}": v for k, v in val.items()})
            epoch_logs["lr"] = self.optimizer.param_groups[0]["lr"]
            self.history.add_epoch(epoch, epoch_logs)
            cbs.call("on_epoch_end", epoch, epoch_logs)
            self.history.update_last(epoch_logs)  # with what callbacks added
            progress.epoch_end(epoch, self._iterations, epoch_logs)
            if self.stop_training:
                break
        cbs.call("on_train_end", epoch_logs)
        return self.history

    def _train_epoch(self, epoch: int, progress: Progress, cbs: CallbackList, fn: str) -> dict:
        model, opt, loss_fn, metrics = self.model, self.optimizer, self.loss_fn, self.metrics
        model.train()
        for m in metrics:
            m.reset()
        try:
            n_batches = len(self.train_loader)
        except TypeError:
            n_batches = None
        cbs.call("on_epoch_begin", epoch, {})
        progress.epoch_begin(epoch, n_batches)
        total, count, i = 0.0, 0, -1
        for i, batch in enumerate(self.train_loader):
            logs = {"batch": i}
            cbs.call("on_batch_begin", i, logs)
            x, y = split_batch(batch, fn)
            out = _forward(model, x, fn)
            loss = _loss(loss_fn, out, y, fn)
            opt.zero_grad()
            loss.backward()
            cbs.call("on_after_backward", i, logs)
            opt.step()
            value, n = loss.item(), _count(y)
            total += value * n
            count += n
            logs["loss"] = value
            for m in metrics:
                m.update(_raw(out), _raw(y))
                if m.last is not None:
                    logs[m.name] = m.last
            self.global_step += 1
            logs["lr"] = opt.param_groups[0]["lr"]
            self.history.add_batch(epoch + (i + 1) / n_batches if n_batches else epoch + 1,
                                   {k: v for k, v in logs.items() if k != "batch"})
            cbs.call("on_batch_end", i, logs)
            if progress.verbose == 1:
                shown = {"loss": total / count}
                if (i + 1) % progress.refresh == 0 or i + 1 == n_batches:
                    shown.update({m.name: m.result() for m in metrics})
                progress.batch_end(i, shown)
            if self.stop_training:
                break
        self._iterations = i + 1
        if i < 0:
            raise ValueError(f"{fn}: train_data yielded no batches in epoch {epoch + 1}")
        logs = {"loss": total / count if count else math.nan}
        logs.update({m.name: m.result() for m in metrics})
        return logs

    def evaluate(self, data, batch_size: int | None = None) -> dict:
        loader = as_loader(data, batch_size, False, "evaluate", "data")
        return run_evaluation(self.model, self.loss_fn, loader, self.metrics)

    def predict(self, data, batch_size: int | None = None) -> Tensor:
        return predict(self.model, data, batch_size)


def fit(model, loss_fn, optimizer, train_data, val_data=None, epochs: int = 1, callbacks=(),
        metrics=(), batch_size: int | None = None, verbose=True, shuffle: bool = True,
        initial_epoch: int = 0, validation_split: float | None = None,
        validation_freq: int = 1, resume_from=None) -> History:
    """Train ``model`` and return its ``History``.

    Args:
        model: an ``ember.nn.Module``.
        loss_fn: ``loss_fn(output, target) -> scalar tensor`` (``nn.CrossEntropyLoss()``).
        optimizer: an ``ember.optim`` optimizer over the model's parameters.
        train_data, val_data: a ``DataLoader`` (or any iterable of ``(x, y)`` batches), a
            ``Dataset``, or an ``(x, y)`` pair of tensors/arrays (batched by
            ``batch_size``, default 32, and shuffled each epoch from Ember's default
            generator when ``shuffle``).
        epochs: train up to this epoch (epochs ``initial_epoch .. epochs - 1``).
        callbacks: ``ember.train.callbacks`` objects (EarlyStopping, ModelCheckpoint, ...).
        metrics: names (``"accuracy"``, ``"top5"``, ``"f1"``), ``Metric`` objects or
            functions ``fn(y_true, y_pred) -> float``; logged for training and validation.
        verbose: 0 silent, 1 (True) a progress bar, 2 one line per epoch.
        validation_split: hold out the last fraction of ``(x, y)`` / Dataset data.
        validation_freq: evaluate ``val_data`` every this many epochs.
        resume_from: a checkpoint written by ``ModelCheckpoint``: restores model,
            optimizer, scheduler, RNG, history and epoch, then continues as if never
            stopped.
    Returns:
        ``History``: ``history.history["loss"]``, ``["val_loss"]``, each metric, ``["lr"]``
        per epoch; ``history.batch["loss"]`` per iteration.

    Example::

        hist = fit(model, nn.CrossEntropyLoss(), Adam(model.parameters()), (x, y),
                   val_data=(xv, yv), epochs=5, metrics=["accuracy"])
    """
    trainer = Trainer(model, loss_fn, optimizer, callbacks, metrics, verbose)
    return trainer.fit(train_data, val_data, epochs, batch_size, shuffle, initial_epoch,
                       validation_split, validation_freq, resume_from)


def evaluate(model, loss_fn, data, metrics=(), batch_size: int | None = None) -> dict:
    """Mean loss and metrics of ``model`` on ``data`` (eval mode, no gradients recorded).

    ``loss_fn`` may be None (metrics only). Returns ``{"loss": ..., "accuracy": ...}``.
    """
    loader = as_loader(data, batch_size, False, "evaluate", "data")
    return run_evaluation(model, loss_fn, loader, get_metrics(metrics))


def predict(model, data, batch_size: int | None = None) -> Tensor:
    """The model's outputs on ``data`` (a tensor/array of inputs, an ``(x, y)`` pair, or a
    DataLoader), concatenated along the first dimension, in eval mode without gradients."""
    if isinstance(data, (Tensor, np.ndarray)):
        data = (data, np.zeros(len(data), dtype=np.int8))
    loader = as_loader(data, batch_size, False, "predict", "data")
    outs = []
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for batch in loader:
                x = batch[0] if isinstance(batch, (tuple, list)) else batch
                outs.append(_raw(_forward(model, x, "predict")))
    finally:
        model.train(was_training)
    if not outs:
        raise ValueError("predict: the data yielded no batches")
    return Tensor._wrap(np.concatenate(outs, axis=0))


__all__ = ["Trainer", "evaluate", "fit", "predict", "run_evaluation"]
