"""ember.io: safetensors files, model weights and checkpoints."""
import os

import numpy as np
import pytest

import ember
from ember import nn
from ember.io import (
    StateMismatchError,
    load_checkpoint,
    load_file,
    load_metadata,
    load_model,
    save_checkpoint,
    save_file,
    save_model,
)


def _model(hidden=5):
    return nn.Sequential(nn.Linear(3, hidden), nn.Linear(hidden, 2))


def _train_steps(model, opt, steps=3):
    x = ember.randn(8, 3)
    for _ in range(steps):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()


def test_save_load_file_round_trip(tmp_path):
    path = tmp_path / "t.safetensors"
    arrays = {"a": ember.randn(2, 3), "b": np.arange(4, dtype=np.int64),
              "c": np.array([True, False]), "s": np.float64(2.5) * np.ones(())}
    save_file(arrays, path, metadata={"note": "hi"})
    back = load_file(path)
    assert set(back) == set(arrays)
    for k, v in arrays.items():
        ref = v.numpy() if isinstance(v, ember.Tensor) else v
        assert back[k].dtype == ref.dtype and back[k].shape == ref.shape
        np.testing.assert_array_equal(back[k].numpy(), ref)
    assert load_metadata(path) == {"note": "hi"}
    # the file is plain safetensors: readable by the reference implementation
    from safetensors.numpy import load_file as st_load
    np.testing.assert_array_equal(st_load(str(path))["a"], arrays["a"].numpy())


def test_save_is_atomic_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "w.safetensors"
    save_file({"a": np.zeros(3, np.float32)}, path)
    good = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_file({"a": np.ones(1000, np.float32)}, path)
    assert path.read_bytes() == good
    assert os.listdir(tmp_path) == ["w.safetensors"]


def test_save_file_bad_input(tmp_path):
    with pytest.raises(TypeError, match="save_file: value of 'a' must be a Tensor"):
        save_file({"a": [1, 2]}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="metadata must map str to str"):
        save_file({"a": np.zeros(1)}, tmp_path / "x.safetensors", metadata={"k": 1})
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file at all")
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        load_file(bad)
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_file(tmp_path / "missing.safetensors")


def test_save_load_model(tmp_path):
    a, b = _model(), _model()
    path = tmp_path / "m.safetensors"
    save_model(a, path)
    load_model(b, path)
    x = ember.randn(4, 3)
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def test_load_model_from_another_architecture_is_refused(tmp_path):
    path = tmp_path / "m.safetensors"
    save_model(_model(5), path)
    other = _model(7)
    before = [p.numpy(force=True).copy() for p in other.parameters()]
    with pytest.raises(StateMismatchError, match=r"shape mismatch: 0\.weight: saved \(5, 3\), "
                                                 r"model \(7, 3\)"):
        load_model(other, path)
    for p, q in zip(other.parameters(), before):  # nothing was changed
        np.testing.assert_array_equal(p.numpy(force=True), q)
    deeper = nn.Sequential(nn.Linear(3, 5), nn.Linear(5, 2), nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="missing keys .*2.weight, 2.bias"):
        load_model(deeper, path)
    with pytest.raises(ValueError, match=r"unexpected keys .*1\.bias, 1\.weight"):
        load_model(nn.Sequential(nn.Linear(3, 5)), path)
    load_model(nn.Sequential(nn.Linear(3, 5)), path, strict=False)


def test_checkpoint_round_trip_restores_everything(tmp_path):
    model = _model()
    opt = ember.optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.99))
    _train_steps(model, opt)
    path = tmp_path / "ckpt.safetensors"
    loader_gen = ember.Generator().manual_seed(5)
    loader_gen.rng.random(3)
    save_checkpoint(path, model, opt, epoch=4, extra={"best": 0.5},
                    generators={"train": loader_gen})
    names = set(load_file(path))
    assert {"model.0.weight", "optimizer.state.0.exp_avg", "optimizer.state.3.exp_avg_sq"} \
        <= names
    expected_default = ember.rand(3).numpy()
    expected_loader = loader_gen.rng.random(3)

    model2 = _model()
    opt2 = ember.optim.Adam(model2.parameters(), lr=0.5)
    gen2 = ember.Generator()
    info = load_checkpoint(path, model2, opt2, generators={"train": gen2})
    assert info["epoch"] == 4 and info["extra"] == {"best": 0.5}
    assert opt2.param_groups[0]["lr"] == 0.01 and opt2.param_groups[0]["betas"] == (0.8, 0.99)
    np.testing.assert_array_equal(ember.rand(3).numpy(), expected_default)
    np.testing.assert_array_equal(gen2.rng.random(3), expected_loader)
    for (k, p), q in zip(model.state_dict().items(), model2.state_dict().values()):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=k)


def test_checkpoint_resumes_optimizer_exactly(tmp_path):
    x = ember.randn(8, 3)
    model = _model()
    opt = ember.optim.Adam(model.parameters(), lr=0.01)

    def step(m, o):
        o.zero_grad()
        (m(x) ** 2).mean().backward()
        o.step()

    for _ in range(3):
        step(model, opt)
    save_checkpoint(tmp_path / "c.safetensors", model, opt, epoch=3)
    model2 = _model(5)
    opt2 = ember.optim.Adam(model2.parameters())
    load_checkpoint(tmp_path / "c.safetensors", model2, opt2)
    for _ in range(2):
        step(model, opt)
        step(model2, opt2)
    for (k, p), q in zip(model.state_dict().items(), model2.state_dict().values()):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=k)


def test_checkpoint_from_another_architecture_is_refused(tmp_path):
    model = _model(5)
    opt = ember.optim.Adam(model.parameters())
    _train_steps(model, opt)
    path = tmp_path / "c.safetensors"
    save_checkpoint(path, model, opt, epoch=1)
    other = _model(6)
    with pytest.raises(StateMismatchError, match=r"0\.weight: saved \(5, 3\), model \(6, 3\)"):
        load_checkpoint(path, other, ember.optim.Adam(other.parameters()))
    small = nn.Sequential(nn.Linear(3, 5))
    with pytest.raises(StateMismatchError, match=r"unexpected keys.*1\.weight"):
        load_checkpoint(path, small)
    with pytest.raises(ValueError, match="state of a Adam optimizer, not of a SGD"):
        load_checkpoint(path, model, ember.optim.SGD(model.parameters(), lr=0.1))
    save_model(model, tmp_path / "plain.safetensors")
    with pytest.raises(ValueError, match="not an Ember checkpoint"):
        load_checkpoint(tmp_path / "plain.safetensors", model)


def test_checkpoint_restores_a_scheduler(tmp_path):
    model = _model()
    opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = ember.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=20)
    for _ in range(7):
        _train_steps(model, opt, 1)
        sched.step()
    save_checkpoint(tmp_path / "c.safetensors", model, opt, epoch=1, scheduler=sched)
    model2 = _model()
    opt2 = ember.optim.SGD(model2.parameters(), lr=0.1, momentum=0.9)
    sched2 = ember.optim.lr_scheduler.OneCycleLR(opt2, max_lr=0.1, total_steps=20)
    load_checkpoint(tmp_path / "c.safetensors", model2, opt2, scheduler=sched2)
    for _ in range(3):
        sched.step()
        sched2.step()
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
        assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]
    with pytest.raises(ValueError, match="holds no lr scheduler state"):
        save_checkpoint(tmp_path / "d.safetensors", model, opt, epoch=1)
        load_checkpoint(tmp_path / "d.safetensors", model2, opt2, scheduler=sched2)
