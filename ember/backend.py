"""The array namespace that every op calls.

Op code writes ``xp.tanh(x)``, never ``numpy.tanh(x)``: ``xp`` is NumPy today and can be
CuPy (same API, on a GPU) without touching a single op. The backend is chosen once, at
import time, from the environment variable ``EMBER_BACKEND`` (``numpy`` by default), so
that op modules can bind ``xp`` directly with no lookup cost per call.
"""
from __future__ import annotations

import os
import sys

BACKEND = os.environ.get("EMBER_BACKEND", "numpy")


def shorten_openblas_spin() -> bool:
    """Make OpenBLAS's idle threads sleep after about a millisecond instead of ~0.1 s.

    After each GEMM, OpenBLAS's worker threads spin for 2**28 cycles before they sleep, so
    on a two-core machine the second core stays busy between GEMMs and the elementwise
    passes that ``ember.backend_parallel`` splits over two threads gain nothing:
    ``cnn_mnist``'s training step took 52.6 ms with the split and 52.7 ms without it.
    With a spin of 2**21 cycles (``OPENBLAS_THREAD_TIMEOUT=21``) it takes 43 ms, and
    ``mlp_mnist``, whose GEMMs follow each other closely, is unchanged (0.57 s per epoch;
    with 2**16 cycles it slowed down by 15%). OpenBLAS reads the variable once, when it is
    loaded: this only takes effect if NumPy is imported here first, and never overrides a
    value the user set. Skipped with ``EMBER_NUM_THREADS=1`` or the CuPy backend.
    """
    if "numpy" in sys.modules or BACKEND != "numpy":
        return False
    if os.environ.get("EMBER_NUM_THREADS", "").strip() == "1":
        return False
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "21")
    return True


shorten_openblas_spin()

import numpy  # noqa: E402  (after OpenBLAS's variables are set)

if BACKEND == "numpy":
    xp = numpy
elif BACKEND == "cupy":
    try:
        import cupy as xp  # type: ignore[no-redef]
    except ImportError as err:
        raise RuntimeError("EMBER_BACKEND=cupy needs CuPy and a GPU: pip install cupy") from err
else:
    raise ValueError(f"EMBER_BACKEND: unknown backend {BACKEND!r}; expected 'numpy' or 'cupy'")


def to_numpy(array):
    """Return ``array`` as a NumPy array (a no-op on the NumPy backend)."""
    if xp is numpy:
        return array
    return xp.asnumpy(array)


def keep_freed_memory() -> bool:
    """Let glibc's malloc keep large freed blocks instead of returning them to the OS.

    A training step allocates and frees the same large arrays every time (im2col columns,
    activations, gradients: tens of MB). By default glibc serves blocks above 128 KB (a
    threshold that adapts up to 32 MB) with mmap and trims the heap top, so every step
    page-faults that memory back in: on ``cnn_mnist`` about 10,000 faults and 25 ms of
    kernel time per step, more than a third of the step. Raising the mmap threshold to
    glibc's maximum and the trim threshold to 512 MB keeps the memory in the process, as
    PyTorch's allocators do. Skipped on non-glibc systems, with the CuPy backend, when
    the user sets any ``MALLOC_*`` variable, or when ``EMBER_KEEP_FREED_MEMORY=0``.
    """
    if xp is not numpy or os.environ.get("EMBER_KEEP_FREED_MEMORY", "1") == "0":
        return False
    if any(k.startswith("MALLOC_") for k in os.environ):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # from <malloc.h>
        return bool(libc.mallopt(m_mmap_threshold, 32 * 2**20)
                    and libc.mallopt(m_trim_threshold, 512 * 2**20))
    except (OSError, AttributeError):
        return False


keep_freed_memory()
