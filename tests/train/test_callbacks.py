"""Callbacks: EarlyStopping, ModelCheckpoint, LearningRateScheduler, GradientClipping,
CSVLogger, TerminateOnNaN."""
import csv
import math

import numpy as np
import pytest

import ember
from ember import nn
from ember.io import load_model
from ember.train import (
    Callback,
    CSVLogger,
    EarlyStopping,
    GradientClipping,
    LearningRateScheduler,
    ModelCheckpoint,
    TerminateOnNaN,
    fit,
)


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64)


def _model():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


class FakeLogs(Callback):
    """Replaces the logged figures by a scripted sequence (runs before the tested one)."""

    def __init__(self, key, values):
        self.key, self.values = key, values

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


def _fit(callbacks, epochs=10, lr=0.01, **kw):
    model = _model()
    hist = fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=lr),
               _data(), epochs=epochs, batch_size=16, callbacks=callbacks, verbose=0, **kw)
    return model, hist


def test_early_stopping_patience_and_min_delta():
    values = [1.0, 0.8, 0.79, 0.795, 0.9, 0.7, 0.6]
    es = EarlyStopping(monitor="val_loss", patience=2, min_delta=0.05)
    _, hist = _fit([FakeLogs("val_loss", values), es])
    # 0.8 improves on 1.0; 0.79 and 0.795 are within min_delta; stop after epoch 4 (index 3)
    assert len(hist.epoch) == 4 and es.stopped_epoch == 3 and es.best_epoch == 1


def test_early_stopping_mode_auto_max_and_restore_best_weights():
    acc = [0.5, 0.9, 0.6, 0.6, 0.6]
    snapshots = []

    class Snap(Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append({k: v.numpy().copy() for k, v in self.model.state_dict().items()})

    es = EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True)
    assert es.mode == "max"
    model, hist = _fit([Snap(), FakeLogs("val_accuracy", acc), es])
    assert len(hist.epoch) == 4
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), snapshots[1][k])


def test_early_stopping_unknown_monitor_is_explained():
    with pytest.raises(ValueError, match=r"monitor='val_loss' is not among .*pass val_data"):
        _fit([EarlyStopping()])


def test_model_checkpoint_best_only_and_pattern(tmp_path):
    values = [0.5, 0.4, 0.45, 0.3]
    pattern = str(tmp_path / "m-{epoch:02d}-{val_loss:.2f}.safetensors")
    ck = ModelCheckpoint(pattern, monitor="val_loss", save_best_only=True,
                         save_weights_only=True)
    model, _ = _fit([FakeLogs("val_loss", values), ck], epochs=4)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["m-01-0.50.safetensors", "m-02-0.40.safetensors",
                     "m-04-0.30.safetensors"]
    other = _model()
    load_model(other, tmp_path / "m-04-0.30.safetensors")
    for a, b in zip(model.parameters(), other.parameters()):
        np.testing.assert_array_equal(a.numpy(force=True), b.numpy(force=True))
    with pytest.raises(ValueError, match="names 'val_acc'"):
        _fit([ModelCheckpoint(str(tmp_path / "{val_acc}.safetensors"), monitor="loss")])


def test_lr_scheduler_function_and_batch_interval():
    seen = []

    class LR(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(self.optimizer.param_groups[0]["lr"])

    _, hist = _fit([LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** epoch), LR()], epochs=3)
    np.testing.assert_allclose(hist.history["lr"], [0.1, 0.05, 0.025])
    seen.clear()
    _fit([LearningRateScheduler(lambda step, lr: lr * 0.9, interval="batch"), LR()],
         epochs=1, lr=1.0)
    np.testing.assert_allclose(seen, 0.9 ** np.arange(1, 5))
    with pytest.raises(ValueError, match="a learning rate must be >= 0"):
        _fit([LearningRateScheduler(lambda epoch: -1.0)])


def test_lr_scheduler_object_per_epoch_per_batch_and_plateau():
    model = _model()
    opt = ember.optim.SGD(model.parameters(), lr=1.0)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    hist = fit(model, nn.CrossEntropyLoss(), opt, _data(), epochs=3, batch_size=16,
               callbacks=[LearningRateScheduler(sched)], verbose=0)
    np.testing.assert_allclose(hist.history["lr"], [1.0, 0.5, 0.25])
    # per batch: the lr of iteration i is 0.5 ** i
    opt = ember.optim.SGD(model.parameters(), lr=1.0)
    sched = ember.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    hist = fit(model, nn.CrossEntropyLoss(), opt, _data(), epochs=1, batch_size=16,
               callbacks=[LearningRateScheduler(sched, interval="batch")], verbose=0)
    np.testing.assert_allclose(hist.batch["lr"], 0.5 ** np.arange(4))
    # ReduceLROnPlateau is fed the monitored figure
    opt = ember.optim.SGD(model.parameters(), lr=1.0)
    plateau = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.1, patience=0)
    hist = fit(model, nn.CrossEntropyLoss(), opt, _data(), epochs=4, batch_size=16,
               callbacks=[FakeLogs("val_loss", [1.0, 1.0, 0.5, 0.6]),
                          LearningRateScheduler(plateau, monitor="val_loss")], verbose=0)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.01)


def test_gradient_clipping_between_backward_and_step():
    norms = []

    class AfterClip(Callback):
        def on_after_backward(self, batch, logs=None):
            g = np.concatenate([p.grad.numpy().ravel() for p in self.model.parameters()])
            norms.append((logs["grad_norm"], float(np.linalg.norm(g)), float(np.abs(g).max())))

    _fit([GradientClipping(max_norm=0.01), AfterClip()], epochs=1)
    assert all(before > 0.01 and after == pytest.approx(0.01, rel=1e-4)
               for before, after, _ in norms)
    norms.clear()

    class AfterValueClip(Callback):
        def on_after_backward(self, batch, logs=None):
            g = np.concatenate([p.grad.numpy().ravel() for p in self.model.parameters()])
            norms.append(float(np.abs(g).max()))

    _fit([GradientClipping(clip_value=1e-3), AfterValueClip()], epochs=1)
    assert max(norms) <= 1e-3 + 1e-9
    with pytest.raises(ValueError, match="exactly one of max_norm and clip_value"):
        GradientClipping()


def test_csv_logger(tmp_path):
    path = tmp_path / "log.csv"
    _fit([CSVLogger(str(path))], epochs=3, metrics=["accuracy"])
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["epoch", "loss", "accuracy", "lr"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    _fit([CSVLogger(str(path), append=True)], epochs=1, metrics=["accuracy"])
    assert len(list(csv.reader(path.open()))) == 5


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning",
                            "ignore:invalid value:RuntimeWarning")
def test_terminate_on_nan():
    _, hist = _fit([TerminateOnNaN()], epochs=3, lr=1e30)
    losses = hist.batch["loss"]
    assert not math.isfinite(losses[-1]) and all(math.isfinite(v) for v in losses[:-1])
    assert len(hist.epoch) == 1
