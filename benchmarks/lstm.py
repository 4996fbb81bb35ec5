"""``lstm``: one training step of WORKLOADS.md's LSTM, in ms.

One LSTM layer (input 32, hidden 128) over a sequence of 50 steps, batch 64, random
normal inputs; Linear 128 -> 1 on the last hidden state; MSE to a random target; Adam
(lr 1e-3). Figure: ms per training step (forward, backward, update), median of 50 after
5 warm-up steps, min and max beside it. Ember and PyTorch's fused ``nn.LSTM`` (2
threads) start from the same weights (PyTorch's, copied by key) and run in the same
process, their repeats interleaved so that a shared machine slows both alike, each call
after a short untimed pause (see ``SETTLE``). A second row times the forward pass alone
(``no_grad``).

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks.run lstm`` (the
two variables slow NumPy's BLAS on this machine; see WORKLOADS.md).
"""
from __future__ import annotations

import importlib
import os
import sys

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``ember`` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Ember before NumPy, as a script starting with ``import ember`` would (OpenBLAS's spin)
importlib.import_module("ember.backend")

import numpy as np  # noqa: E402

from benchmarks.common import Row, interleaved, load_torch  # noqa: E402

INPUT, HIDDEN, STEPS, BATCH, LR = 32, 128, 50, 64, 1e-3
REPEATS, WARMUP = 50, 5
# Untimed pause after every timed call. After a parallel region PyTorch's OpenMP threads
# keep spinning for a few ms; on a two-core machine the next call, if it is Ember's,
# then runs its 2-thread GEMMs beside a busy core: measured on an idle machine, an Ember
# step took 27.2 ms right after a PyTorch step, 19.3 ms after an Ember step and 17.1 ms
# 20 ms after a PyTorch step (PyTorch's step: 15.5 ms after Ember's, 16.3 after its own).
# The pause lets each call start on an idle machine, as in a program using one library.
SETTLE = 0.03


def build(lib):
    """The LSTM, the head and a step function ``step() -> loss`` for ``lib``."""
    lstm, head = lib.nn.LSTM(INPUT, HIDDEN), lib.nn.Linear(HIDDEN, 1)
    return lstm, head


def make_step(lib, lstm, head, x, y):
    params = list(lstm.parameters()) + list(head.parameters())
    opt = lib.optim.Adam(params, lr=LR)
    mse = lib.nn.functional.mse_loss

    def step():
        _, (h_n, _) = lstm(x)
        loss = mse(head(h_n[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    def forward():
        with lib.no_grad():
            _, (h_n, _) = lstm(x)
            return head(h_n[-1])

    return step, forward


def run(repeats: int = REPEATS) -> list[Row]:
    import ember

    rng = np.random.default_rng(0)
    xs = rng.standard_normal((STEPS, BATCH, INPUT)).astype(np.float32)
    ys = rng.standard_normal((BATCH, 1)).astype(np.float32)
    ember.manual_seed(0)
    e_lstm, e_head = build(ember)
    torch = load_torch()
    fns = []
    if torch is not None:
        torch.manual_seed(0)
        t_lstm, t_head = build(torch)
        for src, dst in ((t_lstm, e_lstm), (t_head, e_head)):
            dst.load_state_dict({k: v.detach().numpy() for k, v in src.state_dict().items()})
        fns = list(make_step(torch, t_lstm, t_head, torch.from_numpy(xs), torch.from_numpy(ys)))
    fns = list(make_step(ember, e_lstm, e_head, ember.tensor(xs), ember.tensor(ys))) + fns
    stats = interleaved(fns, repeats, WARMUP, pause=SETTLE) + [None, None]
    rows = []
    for name, e, t in (("lstm step (fwd+bwd+adam) b64 L50", stats[0], stats[2]),
                       ("lstm forward (no_grad) b64 L50", stats[1], stats[3])):
        rows.append(Row(name, e[0] * 1e3, None if t is None else t[0] * 1e3, "ms",
                        spread=f"{e[1] * 1e3:.1f}..{e[2] * 1e3:.1f}"))
    return rows


if __name__ == "__main__":
    from benchmarks.common import blas_info, print_rows

    print("BLAS:", blas_info())
    print_rows(run())
