"""``overhead``: 100 chained elementwise ops (add, mul, tanh) on 16x16, then backward.

Figure: microseconds per op, forward + backward, median of 100 repeats.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.common import Row, load_torch

N_OPS = 100


def _time_chain(lib, make_leaf, c, repeats):
    times = []
    for _ in range(repeats + 5):
        x = make_leaf()
        t0 = time.perf_counter()
        y = x
        for i in range(N_OPS):
            k = i % 3
            if k == 0:
                y = y + c
            elif k == 1:
                y = y * c
            else:
                y = lib.tanh(y)
        y.sum().backward()
        times.append((time.perf_counter() - t0) / N_OPS * 1e6)
    times = times[5:]
    return statistics.median(times), min(times), max(times)


def run(repeats: int = 100) -> list[Row]:
    import ember

    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((16, 16)).astype(np.float32)
    c0 = (rng.uniform(0.5, 1.0, (16, 16))).astype(np.float32)
    em, lo, hi = _time_chain(ember, lambda: ember.tensor(x0, requires_grad=True),
                             ember.tensor(c0), repeats)
    torch = load_torch()
    tm = None
    if torch is not None:
        tm = _time_chain(torch, lambda: torch.tensor(x0, requires_grad=True),
                         torch.tensor(c0), repeats)[0]
    return [Row("overhead (fwd+bwd per op)", em, tm, "us/op", spread=f"{lo:.3g}..{hi:.3g}")]


if __name__ == "__main__":
    from benchmarks.common import print_rows

    print_rows(run())
