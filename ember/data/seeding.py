"""Where an augmentation draws its random numbers from."""
from __future__ import annotations

import numpy as np

from ember.random import rng_of


def rng_for(generator=None, seed: int | None = None) -> np.random.Generator:
    """A NumPy generator: a fresh one seeded with ``seed`` when given, else the one of
    ``generator`` (an ``ember.Generator``), else Ember's global generator (seeded by
    ``ember.manual_seed``)."""
    if seed is not None and generator is not None:
        raise ValueError("give either generator or seed, not both")
    if seed is not None:
        return np.random.default_rng(seed)
    return rng_of(generator)
