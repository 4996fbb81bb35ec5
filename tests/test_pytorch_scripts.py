"""Realistic PyTorch scripts, run unchanged with ``torch`` and with ``import ember as torch``.

Each script in ``tests/pytorch_scripts/`` is plain PyTorch code (``import torch``,
``from torch import nn``, ``import torch.nn.functional as F``, ``from torch.utils.data
import DataLoader``...). It is executed twice in this process: once as written, once with
``sys.modules`` aliases that make those imports resolve to Ember's modules (installed for
the run only, then restored). Both runs print lines; the words must agree and the numbers
must agree to a tight tolerance. Initial weights come from a NumPy ``RandomState`` so that
both runs start equal; where a script uses the framework's RNG it prints properties only.
"""
from __future__ import annotations

import contextlib
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch as real_torch

import ember

SCRIPTS = Path(__file__).parent / "pytorch_scripts"
NAMES = sorted(p.stem for p in SCRIPTS.glob("*.py"))

# The module names a PyTorch script imports, and the Ember module each one becomes.
ALIASES = {
    "torch": ember,
    "torch.nn": ember.nn,
    "torch.nn.functional": ember.nn.functional,
    "torch.nn.init": ember.nn.init,
    "torch.nn.utils": ember.nn.utils,
    "torch.optim": ember.optim,
    "torch.optim.lr_scheduler": ember.optim.lr_scheduler,
    "torch.autograd": ember.autograd,
    "torch.utils": ember.utils,
    "torch.utils.data": ember.utils.data,
}
_DTYPE = re.compile(r"torch\.(?=(?:float|int|uint|bool)\d*\b)")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|-?inf|nan")


@contextlib.contextmanager
def torch_is(lib):
    """Make ``import torch...`` resolve to ``lib`` (``ember``) for the block, then restore."""
    if lib is real_torch:
        yield
        return
    saved = {name: sys.modules.get(name) for name in ALIASES}
    try:
        sys.modules.update(ALIASES)
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def run_script(name: str, lib) -> list[str]:
    """Execute one script with ``torch`` bound to ``lib``; return the lines it printed."""
    path = SCRIPTS / f"{name}.py"
    lines: list[str] = []

    def capture(*args, sep=" ", end="\n", **_):
        lines.append(sep.join(str(a) for a in args))

    globals_ = {"__name__": "__main__", "__file__": str(path), "print": capture}
    with torch_is(lib):
        exec(compile(path.read_text(), str(path), "exec"), globals_)
    return lines


def _split(line: str):
    """The words of a line (framework name normalised) and its numbers."""
    # Ember's dtypes are NumPy dtype objects: they print as float32, not torch.float32.
    text = _DTYPE.sub("", line.replace("ember.", "torch."))
    return _NUMBER.sub("#", text), np.array([float(t) for t in _NUMBER.findall(text)])


@pytest.mark.parametrize("name", NAMES)
def test_script_runs_the_same_under_ember(name):
    theirs = run_script(name, real_torch)
    ours = run_script(name, ember)
    assert sys.modules["torch"] is real_torch  # the aliases are gone
    assert len(theirs) > 3 and len(ours) == len(theirs), (ours, theirs)
    for a, b in zip(ours, theirs):
        words_a, nums_a = _split(a)
        words_b, nums_b = _split(b)
        assert words_a == words_b, f"\nember: {a}\ntorch: {b}"
        np.testing.assert_allclose(nums_a, nums_b, rtol=2e-4, atol=2e-5,
                                   err_msg=f"\nember: {a}\ntorch: {b}")


def test_at_least_eight_scripts():
    assert len(NAMES) >= 8, NAMES


def test_alias_is_removed_after_a_failing_script(tmp_path, monkeypatch):
    bad = tmp_path / "bad.py"
    bad.write_text("import torch\nraise KeyError(torch.__name__)\n")
    monkeypatch.setattr(sys.modules[__name__], "SCRIPTS", tmp_path)
    with pytest.raises(KeyError, match="ember"):
        run_script("bad", ember)
    assert sys.modules["torch"] is real_torch
    assert sys.modules["torch.nn"] is real_torch.nn
