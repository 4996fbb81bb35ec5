"""The command line: ``ember demo`` and ``ember train`` run in-process."""
import re

import numpy as np
import pytest

import ember
from ember import nn
from ember.cli import main
from ember.io import load_metadata, load_model


def test_train_mlp_mnist_subset(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert main(["train", "mlp-mnist", "--epochs", "1", "--limit", "2000", "--out",
                 str(out_dir), "--seed", "1"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"test accuracy (\d\.\d+)", out)
    assert match, out
    assert float(match.group(1)) > 0.75  # chance is 0.10; 2,000 images reach ~0.9
    assert "epoch 1/1" in out
    png = (out_dir / "history.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out_dir / "history.csv").read_text().startswith("epoch,loss,accuracy")
    from ember.train.recipes import build_model

    model = build_model("mlp-mnist", workload=False)
    load_model(model, out_dir / "model.safetensors")
    assert load_metadata(out_dir / "model.safetensors")["test_accuracy"] == match.group(1)
    x = ember.tensor(np.zeros((2, 784), np.float32))
    model.eval()
    assert model(x).shape == (2, 10)


def test_train_workload_mode_uses_the_benchmark_network(tmp_path, capsys):
    assert main(["train", "mlp-mnist", "--workload", "--epochs", "1", "--limit", "1000",
                 "--out", str(tmp_path), "--no-validation", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "benchmark workload" in out and "Adam lr 0.001" in out
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    load_model(model, tmp_path / "model.safetensors")  # the WORKLOADS.md architecture


def test_train_bad_arguments(tmp_path):
    with pytest.raises(SystemExit):
        main(["train", "resnet-imagenet"])
    with pytest.raises(ValueError, match="must be positive"):
        main(["train", "mlp-mnist", "--epochs", "0", "--out", str(tmp_path)])


def test_demo_still_works(capsys):
    assert main(["demo", "--steps", "1000"]) == 0
    assert "accuracy 1.00" in capsys.readouterr().out
