"""``cnn_mnist`` step: one training step of WORKLOADS.md's CNN on a batch of 128, in ms.

The model: Conv2d(1->32, 3x3, same) + ReLU + MaxPool2, Conv2d(32->64, 3x3, same) + ReLU +
MaxPool2, Flatten (3136), Linear 128 + ReLU, Linear 10; softmax cross-entropy; a plain SGD
update (``p -= lr * grad``). Random data of MNIST's shape (128, 1, 28, 28). Ember and
PyTorch (2 threads) run the same weights in the same process, their repeats interleaved
(the machine is shared: alternating lets both see the same load); each figure is the
median of repeats after warm-up, Ember's min and max printed beside it.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/cnn_mnist_step.py``
(the two variables slow NumPy's BLAS on this machine; see WORKLOADS.md). The first lines
printed say whether OpenBLAS's idle spin was shortened (it is when this script imports
Ember before anything imports NumPy).
"""
from __future__ import annotations

import importlib
import os
import sys

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``ember`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Ember before NumPy, as a script that starts with ``import ember`` would: ember.backend
# then sets OpenBLAS's idle-spin default before OpenBLAS loads (see
# ``ember.backend.shorten_openblas_spin``).
importlib.import_module("ember.backend")

import numpy as np  # noqa: E402

from benchmarks.common import Row, interleaved, load_torch  # noqa: E402

BATCH, LR, REPEATS, WARMUP = 128, 0.01, 15, 3


def _build(lib, seed=0):
    """The cnn_mnist model in ``lib`` (ember or torch) and the loss."""
    nn = lib.nn
    lib.manual_seed(seed)
    relu = nn.ReLU if hasattr(nn, "ReLU") else _relu_module(lib)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding="same"), relu(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding="same"), relu(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), relu(), nn.Linear(128, 10),
    )
    return model, lib.nn.functional.cross_entropy


def _relu_module(lib):
    """``nn.ReLU`` for a library that does not have it yet (F.relu in a Module)."""

    class ReLU(lib.nn.Module):
        def forward(self, x):
            return lib.nn.functional.relu(x)

    return ReLU


def _copy_weights(src, dst, torch):
    """Give the PyTorch model Ember's weights (through NumPy)."""
    with torch.no_grad():
        for (_, p), (_, q) in zip(src.named_parameters(), dst.named_parameters()):
            q.copy_(torch.from_numpy(np.array(p.detach().numpy())))


def _ember_step(model, loss_fn, x, y, ember):
    def step():
        loss = loss_fn(model(x), y)
        loss.backward()
        for p in model.parameters():
            p.array -= LR * p.grad.array
            p.grad = None
        return loss

    return step


def _torch_step(model, loss_fn, x, y, torch):
    params = list(model.parameters())

    def step():
        loss = loss_fn(model(x), y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss

    return step


def _ms(stats):
    med, lo, hi = stats
    return med * 1e3, f"{lo * 1e3:.1f}..{hi * 1e3:.1f}"


def run(threads: int = 2) -> list[Row]:
    """The step and forward timings; ``threads`` other than 2 also limits NumPy's BLAS."""
    if threads != 2:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(threads):
            return _run(threads)
    return _run(threads)


def _run(threads: int) -> list[Row]:
    import ember

    rng = np.random.default_rng(0)
    xs = rng.random((BATCH, 1, 28, 28), dtype=np.float32)
    ys = rng.integers(0, 10, BATCH)
    model, loss_fn = _build(ember)
    ex, ey = ember.tensor(xs), ember.tensor(ys)
    e_step = _ember_step(model, loss_fn, ex, ey, ember)

    def e_fwd():
        with ember.no_grad():
            model(ex)

    fns = [e_step, e_fwd]
    torch = load_torch()
    if torch is not None:
        torch.set_num_threads(threads)
        tmodel, tloss = _build(torch)
        _copy_weights(model, tmodel, torch)
        tx, ty = torch.from_numpy(xs), torch.from_numpy(ys)

        def t_fwd():
            with torch.no_grad():
                tmodel(tx)

        fns += [_torch_step(tmodel, tloss, tx, ty, torch), t_fwd]
    stats = interleaved(fns, REPEATS, WARMUP) + [None, None]
    rows = []
    for name, e, t in (("cnn_mnist step (fwd+bwd+sgd) b128", stats[0], stats[2]),
                       ("cnn_mnist forward (no_grad) b128", stats[1], stats[3])):
        med, spread = _ms(e)
        rows.append(Row(name, med, None if t is None else _ms(t)[0], "ms", spread=spread))
    return rows


if __name__ == "__main__":
    import argparse

    from benchmarks.common import blas_info, print_rows

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for both PyTorch and NumPy's BLAS (default 2, the "
                             "workload's rule; 1 gives steadier figures on a busy machine)")
    threads = parser.parse_args().threads
    print("BLAS:", blas_info())
    print("OPENBLAS_THREAD_TIMEOUT:", os.environ.get("OPENBLAS_THREAD_TIMEOUT", "(unset)"))
    print_rows(run(threads))
