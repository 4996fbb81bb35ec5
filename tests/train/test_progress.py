"""The progress display: tqdm on a terminal, a plain line without tqdm, summaries in logs."""
import io
import sys

import numpy as np

import ember
from ember import nn
from ember.train import fit


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _fit(monkeypatch, stream, verbose=1):
    monkeypatch.setattr(sys, "stdout", stream)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(3, 2))
    fit(model, nn.CrossEntropyLoss(), ember.optim.SGD(model.parameters(), lr=0.1), (x, y),
        epochs=2, batch_size=10, metrics=["accuracy"], verbose=verbose)
    monkeypatch.undo()
    return stream.getvalue()


def test_plain_line_without_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails as if not installed
    text = _fit(monkeypatch, FakeTerminal())
    assert "\r  5/5  loss" in text and "accuracy" in text  # the live line
    assert "epoch 2/2  5 it" in text


def test_tqdm_bar_on_a_terminal(monkeypatch):
    text = _fit(monkeypatch, FakeTerminal())
    assert "epoch 1/2:" in text and "0/5 [" in text  # tqdm's bar and counter
    assert "epoch 2/2  5 it" in text


def test_summary_only_when_piped_and_silent_with_verbose_0(monkeypatch):
    lines = _fit(monkeypatch, io.StringIO()).splitlines()
    assert len(lines) == 2 and all(line.startswith("epoch ") for line in lines)
    assert _fit(monkeypatch, io.StringIO(), verbose=0) == ""
