"""Two-core elementwise passes: split a large array operation in halves run on two threads.

NumPy's ufuncs and slice copies release the GIL, but each one runs on a single core;
BLAS and PyTorch's OpenMP kernels use every core. The passes around the GEMMs of a
convolutional network (ReLU, max pooling, im2col and col2im copies) are memory-bound
loops over arrays of millions of floats, and on a two-core machine splitting them into
halves, one on the calling thread and one on a persistent worker, nearly halves them.

``parallel_chunks(fn, *arrays)`` calls ``fn`` on matching chunks of ``arrays``, cut along
one axis (by default the outermost one in the first array's memory, so each chunk is a
contiguous block when the array is). ``fn`` writes into preallocated outputs passed among
``arrays``; it must not call BLAS (BLAS already runs its own threads on every core) nor
touch Python objects shared with the other chunk.

Small arrays (fewer than ``min_size`` elements in the first array) run inline: below
about 100,000 floats the hand-off to the worker (about 20 us) costs more than it saves.
``EMBER_NUM_THREADS`` sets the number of threads (default ``min(2, os.cpu_count())``);
``EMBER_NUM_THREADS=1`` turns the splitting off.
"""
from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from ember.backend import xp


def _threads_from_env() -> int:
    value = os.environ.get("EMBER_NUM_THREADS")
    if value is None:
        return min(2, os.cpu_count() or 1)
    try:
        return max(1, int(value))
    except ValueError:
        raise ValueError(f"EMBER_NUM_THREADS must be a positive integer, got {value!r}") from None


NUM_THREADS = _threads_from_env()
MIN_SIZE = 1 << 17
PIECES_PER_THREAD = 4
_pool, _pool_workers = None, 0
_inside = threading.local()


def _executor() -> ThreadPoolExecutor:
    """The persistent workers, created on first use (again if NUM_THREADS was raised)."""
    global _pool, _pool_workers
    if _pool is None or _pool_workers < NUM_THREADS - 1:
        _pool_workers = NUM_THREADS - 1
        _pool = ThreadPoolExecutor(_pool_workers, thread_name_prefix="ember-parallel")
    return _pool


def _outer_axis(a) -> int:
    """The axis of ``a`` with the largest stride among those longer than 1."""
    best, stride = 0, -1
    for i, (n, s) in enumerate(zip(a.shape, a.strides)):
        if n > 1 and abs(s) > stride:
            best, stride = i, abs(s)
    return best


def _cut(a, axis, bounds):
    index = (slice(None),) * axis
    return [a[index + (slice(lo, hi),)] for lo, hi in bounds]


def parallel_chunks(fn, *arrays, axis=None, min_size=None):
    """Call ``fn(*chunks)`` on matching chunks of ``arrays`` along ``axis``, concurrently.

    Args:
        fn: writes its results into chunks of output arrays given in ``arrays``; its
            return value is ignored.
        arrays: arrays of the same length along ``axis``.
        axis: the axis to cut (default: the outermost in the first array's memory), or
            a tuple of one axis per array.
        min_size: below this many elements of the first array, ``fn(*arrays)`` runs
            inline on the calling thread (default ``MIN_SIZE``).
    """
    first = arrays[0]
    if axis is None:
        axis = _outer_axis(first)
    axes = axis if isinstance(axis, tuple) else (axis,) * len(arrays)
    n = first.shape[axes[0]] if first.ndim else 0
    threads = min(NUM_THREADS, n)
    if (threads < 2 or first.size < (MIN_SIZE if min_size is None else min_size)
            or getattr(_inside, "worker", False)):
        # (a call from inside a piece runs inline: waiting on the pool from one of its own
        # workers could deadlock)
        fn(*arrays)
        return
    # more pieces than threads, taken in turn from a shared counter: a thread slowed down
    # (OpenBLAS's idle workers still spin for a moment after a GEMM) takes fewer of them
    pieces = min(n, threads * PIECES_PER_THREAD)
    edges = [n * k // pieces for k in range(pieces + 1)]
    bounds = list(zip(edges[:-1], edges[1:]))
    chunks = list(zip(*(_cut(a, ax, bounds) for a, ax in zip(arrays, axes))))
    order = itertools.count()

    def drain():
        for i in order:
            if i >= pieces:
                return
            fn(*chunks[i])

    def drain_in_worker():
        _inside.worker = True
        drain()

    pool = _executor()
    futures = [pool.submit(drain_in_worker) for _ in range(threads - 1)]
    drain()
    for f in futures:
        f.result()


def parallel_blocks(kernel, n: int, block: int, min_blocks: int = 2) -> None:
    """Call ``kernel(lo, hi, k)`` on the consecutive ranges ``[lo, hi)`` of ``range(n)``,
    ``block`` long (the last one may be shorter), ``k`` being the range's number.

    For row-wise passes that keep their temporaries in cache: each range is a block of
    rows small enough that the several passes over it (a normalisation's centring,
    variance, scaling and affine map) read the L2 cache rather than memory. The ranges
    are shared between the threads as ``parallel_chunks`` shares chunks, from
    ``min_blocks`` ranges on; fewer run inline. A kernel that produces per-range results
    (partial column sums) writes them at index ``k`` of an array it was given, so the
    threads never write the same memory.
    """
    block = max(1, int(block))
    count = -(-n // block)

    def run(ks):
        for k in ks.tolist():
            lo = k * block
            kernel(lo, min(n, lo + block), k)

    parallel_chunks(run, xp.arange(count), min_size=max(2, min_blocks))
