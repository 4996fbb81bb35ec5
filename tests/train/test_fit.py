"""ember.train.fit: the loop, History, evaluate/predict, modes, resume, bad input."""
import numpy as np
import pytest

import ember
from ember import nn
from ember.train import Callback, ModelCheckpoint, Trainer, evaluate, fit, predict
from ember.utils.data import DataLoader, TensorDataset


def _data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64) + (x[:, 2] > 1).astype(np.int64)
    return x, y


def _model(dropout=0.0):
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 3))


class Recorder(Callback):
    """Records the hook calls and the model's mode at each."""

    def __init__(self):
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin",))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch, self.model.training))

    def on_after_backward(self, batch, logs=None):
        grads = [p.grad is not None for p in self.model.parameters()]
        self.calls.append(("after_backward", batch, all(grads)))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, dict(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_fit_learns_and_fills_history():
    x, y = _data()
    model = _model()
    opt = ember.optim.Adam(model.parameters(), lr=0.02)
    hist = fit(model, nn.CrossEntropyLoss(), opt, (x[:200], y[:200]), val_data=(x[200:], y[200:]),
               epochs=6, batch_size=32, metrics=["accuracy", "f1"], verbose=0)
    h = hist.history
    assert set(h) == {"loss", "accuracy", "f1", "val_loss", "val_accuracy", "val_f1", "lr"}
    assert all(len(v) == 6 for v in h.values()) and hist.epoch == list(range(6))
    assert h["loss"][-1] < 0.6 * h["loss"][0]
    assert h["accuracy"][-1] > 0.85
    assert len(hist.batch["loss"]) == 6 * 7  # ceil(200 / 32) iterations per epoch
    np.testing.assert_allclose(hist.batch_epoch[6], 1.0)
    # the epoch's loss is the sample-weighted mean of its iterations' losses
    sizes = np.array([32] * 6 + [8])
    np.testing.assert_allclose(h["loss"][0], np.sum(sizes * hist.batch["loss"][:7]) / 200,
                               rtol=1e-6)
    np.testing.assert_allclose(h["accuracy"][0],
                               np.sum(sizes * hist.batch["accuracy"][:7]) / 200)
    assert set(hist.batch) == {"loss", "accuracy", "lr"}  # f1 has no per-batch figure
    # validation figures equal evaluate() on the same data after training
    scores = evaluate(model, nn.CrossEntropyLoss(), (x[200:], y[200:]), ["accuracy"])
    assert scores["loss"] == pytest.approx(h["val_loss"][-1])
    assert scores["accuracy"] == pytest.approx(h["val_accuracy"][-1])


def test_hooks_order_modes_and_validation_under_no_grad():
    x, y = _data(64)
    model = _model(dropout=0.5)
    rec = Recorder()
    seen = []

    class Probe(nn.Module):  # records mode and grad-recording during validation forward
        def forward(self, t):
            seen.append((self.training, ember.is_grad_enabled()))
            return t

    model.append(Probe())
    fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1), (x, y),
        val_data=(x[:16], y[:16]), epochs=2, batch_size=32, callbacks=[rec], verbose=0)
    kinds = [c[0] for c in rec.calls]
    assert kinds[0] == "train_begin" and kinds[-1] == "train_end"
    per_epoch = ["epoch_begin"] + ["batch_begin", "after_backward", "batch_end"] * 2 + \
        ["epoch_end"]
    assert kinds[1:-1] == per_epoch * 2
    assert all(c[2] for c in rec.calls if c[0] in ("batch_begin", "after_backward"))
    assert (True, True) in seen and (False, False) in seen  # train with grad, val without
    assert set(seen) == {(True, True), (False, False)}
    assert "val_loss" in rec.calls[-2][2]


def test_dataloader_input_and_predict():
    x, y = _data(100)
    loader = DataLoader(TensorDataset(ember.tensor(x), ember.tensor(y)), batch_size=25,
                        shuffle=True)
    model = _model()
    hist = fit(model, nn.CrossEntropyLoss(), ember.optim.Adam(model.parameters()), loader,
               epochs=1, verbose=0)
    assert len(hist.batch["loss"]) == 4
    model.train()
    out = predict(model, x, batch_size=30)
    assert out.shape == (100, 3) and model.training  # mode restored
    with ember.no_grad():
        model.eval()
        np.testing.assert_allclose(out.numpy(), model(ember.tensor(x)).numpy(), rtol=1e-5)


def test_validation_split_and_stop_training():
    x, y = _data(100)

    class StopAfterFirstBatch(Callback):
        def on_batch_end(self, batch, logs=None):
            self.trainer.stop_training = True

    model = _model()
    hist = fit(model, nn.CrossEntropyLoss(), ember.optim.Adam(model.parameters()), (x, y),
               validation_split=0.2, epochs=5, batch_size=10,
               callbacks=[StopAfterFirstBatch()], verbose=0)
    assert len(hist.batch["loss"]) == 1 and len(hist.epoch) == 1
    assert "val_loss" in hist.history


def test_verbose_prints_epoch_lines(capsys):
    x, y = _data(64)
    model = _model()
    fit(model, nn.CrossEntropyLoss(), ember.optim.Adam(model.parameters()), (x, y),
        epochs=2, metrics=["accuracy"], verbose=1)
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "epoch 2/2" in out and "accuracy" in out and "loss" in out


def _run(tmp_path, epochs, stop_after=None, resume=None, seed=3):
    """Train a dropout MLP with a shuffling loader; checkpoints every epoch."""
    x, y = _data(96, seed=1)
    if resume is None:
        ember.manual_seed(seed)
    model = _model(dropout=0.3)
    opt = ember.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.7)
    from ember.train import LearningRateScheduler

    class Kill(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if stop_after is not None and epoch + 1 == stop_after:
                self.trainer.stop_training = True

    ckpt = ModelCheckpoint(str(tmp_path / "ckpt-{epoch}.safetensors"))
    trainer = Trainer(model, nn.CrossEntropyLoss(), opt,
                      callbacks=[LearningRateScheduler(sched), ckpt, Kill()], verbose=0)
    hist = trainer.fit((x, y), epochs=epochs, batch_size=16, resume_from=resume)
    return hist, model


def test_resume_reproduces_the_uninterrupted_run(tmp_path):
    full, full_model = _run(tmp_path / "a", epochs=4)
    _run(tmp_path / "b", epochs=4, stop_after=2)  # "killed" after epoch 2
    ember.manual_seed(12345)  # whatever happened to the RNG since: the checkpoint restores it
    resumed, resumed_model = _run(tmp_path / "b", epochs=4,
                                  resume=tmp_path / "b" / "ckpt-2.safetensors")
    assert len(resumed.batch["loss"]) == len(full.batch["loss"]) == 4 * 6
    np.testing.assert_array_equal(resumed.batch["loss"], full.batch["loss"])
    np.testing.assert_array_equal(resumed.history["lr"], full.history["lr"])
    for (k, a), b in zip(full_model.state_dict().items(), resumed_model.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_shape_mismatch_names_the_loss_and_shapes():
    x, y = _data(40)
    model = nn.Sequential(nn.Linear(4, 1))
    with pytest.raises(ValueError, match=r"fit: the loss MSELoss failed on the model's output "
                                         r"of shape \(32, 1\) and the target of shape \(32, 4\)"):
        fit(model, nn.MSELoss(), ember.optim.SGD(model.parameters(), lr=0.1),
            (x, np.zeros((40, 4), np.float32)), verbose=0)


def test_layer_error_names_the_model_and_input_shape():
    x, y = _data(40)
    model = nn.Sequential(nn.Linear(5, 3))
    with pytest.raises(ValueError, match=r"fit: the model Sequential failed on inputs of shape "
                                         r"\(32, 4\)"):
        fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1), (x, y),
            verbose=0)


def test_negative_learning_rate_is_refused():
    model = _model()
    with pytest.raises(ValueError, match="Invalid learning rate: -0.1"):
        ember.optim.SGD(model.parameters(), lr=-0.1)


def test_empty_data_is_refused():
    model = _model()
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    empty = (np.zeros((0, 4), np.float32), np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="fit: train_data is empty"):
        fit(model, nn.CrossEntropyLoss(), opt, empty, verbose=0)
    with pytest.raises(ValueError, match="fit: train_data is empty"):
        fit(model, nn.CrossEntropyLoss(), opt, [], verbose=0)
    with pytest.raises(ValueError, match="fit: val_data is empty"):
        fit(model, nn.CrossEntropyLoss(), opt, _data(8), val_data=empty, verbose=0)


def test_other_bad_input():
    x, y = _data(20)
    model = _model()
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="x and y must have the same number of samples"):
        fit(model, nn.CrossEntropyLoss(), opt, (x, y[:10]), verbose=0)
    with pytest.raises(ValueError, match="must return a one-element tensor"):
        fit(model, nn.CrossEntropyLoss(reduction="none"), opt, (x, y), verbose=0)
    with pytest.raises(ValueError, match="unknown metric 'acuracy'"):
        fit(model, nn.CrossEntropyLoss(), opt, (x, y), metrics=["acuracy"], verbose=0)
    with pytest.raises(TypeError, match="callbacks must be ember.train.Callback"):
        fit(model, nn.CrossEntropyLoss(), opt, (x, y), callbacks=[print], verbose=0)
    loader = DataLoader(TensorDataset(ember.tensor(x), ember.tensor(y)), batch_size=4)
    with pytest.raises(ValueError, match="batch_size applies to"):
        fit(model, nn.CrossEntropyLoss(), opt, loader, batch_size=8, verbose=0)


def test_epoch_metrics_are_over_the_whole_epoch():
    from sklearn.metrics import f1_score, top_k_accuracy_score

    x, y = _data(90)
    model = _model()

    def share_of_class_0(y_true, y_pred):
        return float(np.mean(y_true == 0))

    scores = evaluate(model, None, (x, y), ["top2", "f1", share_of_class_0], batch_size=32)
    with ember.no_grad():
        model.eval()
        logits = model(ember.tensor(x)).numpy()
    assert scores["top2"] == pytest.approx(top_k_accuracy_score(y, logits, k=2,
                                                                labels=[0, 1, 2]))
    assert scores["f1"] == pytest.approx(f1_score(y, logits.argmax(1), average="macro"))
    assert scores["share_of_class_0"] == pytest.approx(np.mean(y == 0))


def _early_run(tmp_path, epochs, resume=None, kill_after=None):
    """A run whose val_loss is scripted: EarlyStopping must stop after epoch 6 (best at 3,
    patience 3), whether or not the run was killed and resumed in between."""
    from ember.train import EarlyStopping

    x, y = _data(48, seed=2)
    ember.manual_seed(0)
    model = _model()
    scripted = [0.9, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6, 0.5]

    class Script(Callback):  # sets val_loss before EarlyStopping reads it
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = scripted[epoch]
            if kill_after is not None and epoch + 1 == kill_after:
                self.trainer.stop_training = True

    ckpt = ModelCheckpoint(str(tmp_path / "ckpt-{epoch}.safetensors"))
    early = EarlyStopping(patience=3, restore_best_weights=True)
    trainer = Trainer(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1),
                      callbacks=[ckpt, Script(), early], verbose=0)
    hist = trainer.fit((x, y), epochs=epochs, batch_size=16, resume_from=resume)
    return hist, early, model


def test_resume_keeps_early_stopping_patience_and_best_weights(tmp_path):
    full, full_early, full_model = _early_run(tmp_path / "a", epochs=8)
    assert full_early.stopped_epoch == 5 and full_early.best_epoch == 2
    assert len(full.history["loss"]) == 6
    _early_run(tmp_path / "b", epochs=8, kill_after=5)  # killed during the patience count
    resumed, early, model = _early_run(tmp_path / "b", epochs=8,
                                       resume=tmp_path / "b" / "ckpt-5.safetensors")
    # a fresh EarlyStopping would have waited until epoch 8; the restored one stops at 6
    assert early.stopped_epoch == 5 and early.best_epoch == 2 and early.best == 0.7
    assert len(resumed.history["loss"]) == 6
    for (k, a), b in zip(full_model.state_dict().items(), model.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)  # epoch 3's weights
