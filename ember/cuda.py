"""``ember.cuda``: what PyTorch scripts ask about GPUs. No GPU backend yet."""
from __future__ import annotations

from ember.backend import BACKEND


def is_available() -> bool:
    """True only with the CuPy backend (``EMBER_BACKEND=cupy``)."""
    return BACKEND == "cupy"


def device_count() -> int:
    return 1 if is_available() else 0


def manual_seed(seed: int) -> None:
    """Accepted for compatibility; Ember's one generator is ``ember.manual_seed``."""


def manual_seed_all(seed: int) -> None:
    """Accepted for compatibility."""
