"""``gemm``: float32 2048x2048 @ 2048x2048, GFLOP/s, best of 5.

Ember's figure is ``ember.matmul`` (NumPy's BLAS under it); PyTorch's is ``torch.mm``.
"""
from __future__ import annotations

import time

import numpy as np

from benchmarks.common import Row, load_torch

N = 2048


def _best_gflops(fn, repeats=5):
    fn()
    best = min(_timed(fn) for _ in range(repeats))
    return 2 * N**3 / best / 1e9


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run() -> list[Row]:
    import ember

    rng = np.random.default_rng(0)
    a = rng.standard_normal((N, N)).astype(np.float32)
    b = rng.standard_normal((N, N)).astype(np.float32)
    ea, eb = ember.tensor(a), ember.tensor(b)
    em = _best_gflops(lambda: ember.matmul(ea, eb))
    torch = load_torch()
    tm = None
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        tm = _best_gflops(lambda: torch.mm(ta, tb))
    return [Row("gemm 2048 float32", em, tm, "GFLOP/s", higher_is_better=True)]


if __name__ == "__main__":
    from benchmarks.common import print_rows

    print_rows(run())
