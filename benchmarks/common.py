"""Shared helpers of the benchmarks: timing, PyTorch import, the printed table.

Every workload module exposes ``run() -> list[Row]``; ``benchmarks/run.py`` prints them.
Figures are medians of repeats with min and max beside them; a ratio compares Ember to
PyTorch measured in the same process run.
"""
from __future__ import annotations

import os
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


def _busy_seconds():
    """CPU seconds used so far by the whole machine (Linux; None elsewhere) and by this
    process."""
    own = os.times()
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None, own.user + own.system
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK"), own.user + own.system


def interleaved(fns, repeats: int, warmup: int = 1, settle: int = 0, drop_busy: bool = False,
                pause: float = 0.0):
    """Time each of ``fns`` ``repeats`` times, alternating between them, so that a shared,
    noisy machine slows them alike; (median, min, max) seconds for each.

    ``settle`` untimed calls precede each timed one: for short ops, they wake the library's
    own worker threads and bring its data back into the cache, which the other library's
    call in between had taken, as in a model that runs its ops back to back.
    ``pause`` seconds of sleep precede each timed call: long steps of a library whose
    idle worker threads spin (PyTorch's OpenMP) would otherwise slow the next one's.
    ``drop_busy`` leaves out the rounds of ``fns`` during which other processes used more
    than a twentieth of a core (from /proc/stat, on Linux), running up to 10 * ``repeats``
    rounds to find ``repeats`` quiet ones (fewer than 3: every round counts): a two-thread
    library waits for its second thread whenever a core is taken, so such rounds time the
    neighbours. It then returns ``(stats, note)``, the note saying what was left out.
    """
    for fn in fns:
        for _ in range(warmup):
            fn()
    quiet, busy = [], []
    while len(quiet) < repeats and len(quiet) + len(busy) < (10 if drop_busy else 1) * repeats:
        machine0, own0 = _busy_seconds()
        start = time.perf_counter()
        row = []
        for fn in fns:
            for _ in range(settle):
                fn()
            if pause:
                time.sleep(pause)
            t0 = time.perf_counter()
            fn()
            row.append(time.perf_counter() - t0)
        machine1, own1 = _busy_seconds()
        # (+ 0.011: /proc/stat counts in ticks of 10 ms)
        others = None if machine0 is None else (machine1 - machine0) - (own1 - own0)
        taken = drop_busy and others is not None and (
            others > 0.05 * (time.perf_counter() - start) + 0.011)
        (busy if taken else quiet).append(row)
    rounds, note = quiet, f"{len(busy)} busy rounds left out" if busy else ""
    if len(quiet) < min(3, repeats):
        rounds, note = quiet + busy, f"machine busy in {len(busy)} of the rounds"
    times = list(zip(*rounds))
    stats = [(statistics.median(ts), min(ts), max(ts)) for ts in times]
    return (stats, note) if drop_busy else stats


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
