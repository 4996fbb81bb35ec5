"""Random number generation: a default generator, ``manual_seed`` and ``Generator``.

Every random op (``rand``, dropout masks, initialisers, shuffling) draws from a
``Generator``; ``manual_seed(s)`` reseeds the default one so runs repeat exactly.
"""
from __future__ import annotations

from ember.backend import xp


class Generator:
    """A seeded source of random numbers (wraps ``xp.random.Generator``)."""

    def __init__(self, device="cpu"):
        self._seed = 0
        self.rng = xp.random.default_rng(0)

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self.rng = xp.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        s = int(xp.random.SeedSequence().entropy % (2**63))
        self.manual_seed(s)
        return s

    def get_state(self):
        return self.rng.bit_generator.state

    def set_state(self, state) -> None:
        self.rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Reseed the default generator: ``ember.manual_seed(0)``."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def rng_of(generator=None):
    """The ``xp.random.Generator`` to draw from (the default one unless given)."""
    return (generator or default_generator).rng
