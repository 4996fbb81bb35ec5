"""Shared helpers of the benchmarks: timing, PyTorch import, the printed table.

Every workload module exposes ``run() -> list[Row]``; ``benchmarks/run.py`` prints them.
Figures are medians of repeats with min and max beside them; a ratio compares Ember to
PyTorch measured in the same process run.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Row:
    name: str
    ember: float
    torch: float | None
    unit: str
    higher_is_better: bool = False
    spread: str = ""  # "min..max" of Ember's repeats

    @property
    def ratio(self) -> float | None:
        """Ember's cost relative to PyTorch's: below 1 means Ember is faster/better."""
        if self.torch is None or self.ember == 0 or self.torch == 0:
            return None
        return self.torch / self.ember if self.higher_is_better else self.ember / self.torch


def load_torch():
    """PyTorch limited to 2 threads, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    return torch


def repeat(fn, repeats: int, warmup: int = 1):
    """Run ``fn`` ``warmup`` times, then time it ``repeats`` times: (median, min, max) s."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), max(times)


def interleaved(fns, repeats: int, warmup: int = 1, settle: int = 0):
    """Time each of ``fns`` ``repeats`` times, alternating between them, so that a shared,
    noisy machine slows them alike; (median, min, max) seconds for each.

    ``settle`` untimed calls precede each timed one: for short ops, they wake the library's
    own worker threads and bring its data back into the cache, which the other library's
    call in between had taken, as in a model that runs its ops back to back.
    """
    for fn in fns:
        for _ in range(warmup):
            fn()
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            for _ in range(settle):
                fn()
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [(statistics.median(ts), min(ts), max(ts)) for ts in times]


def blas_info() -> str:
    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl reports)

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    parts = []
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            parts.append(f"{pool.get('internal_api')} {pool.get('version')} "
                         f"({pool.get('architecture')}, {pool.get('num_threads')} threads)")
    return "; ".join(parts) or "no BLAS found"


def print_rows(rows) -> None:
    print(f"{'workload':<34}{'ember':>14}{'pytorch':>14}  {'unit':<14}{'ratio':>8}  ember min..max")
    for r in rows:
        t = "-" if r.torch is None else f"{r.torch:.4g}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        print(f"{r.name:<34}{r.ember:>14.4g}{t:>14}  {r.unit:<14}{ratio:>8}  {r.spread}")
    print("ratio: Ember's cost over PyTorch's (time) or PyTorch's over Ember's (throughput); "
          "below 1 means Ember is ahead")
