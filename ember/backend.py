"""The array namespace that every op calls.

Op code writes ``xp.tanh(x)``, never ``numpy.tanh(x)``: ``xp`` is NumPy today and can be
CuPy (same API, on a GPU) without touching a single op. The backend is chosen once, at
import time, from the environment variable ``EMBER_BACKEND`` (``numpy`` by default), so
that op modules can bind ``xp`` directly with no lookup cost per call.
"""
from __future__ import annotations

import os

import numpy

BACKEND = os.environ.get("EMBER_BACKEND", "numpy")

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
