"""Samplers: which sample indices a ``DataLoader`` visits, and in what order.

Every sampler can hand out its whole epoch at once as an int64 array
(``index_array()``), so that the loader slices batches out of it without a Python loop
per sample; iterating a sampler yields Python ints, as in PyTorch.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ember.random import rng_of


class Sampler:
    """Base class: subclasses define ``__iter__`` (and ``__len__`` when they know it)."""

    def __iter__(self) -> Iterator[int]:
        if type(self).index_array is Sampler.index_array:
            raise NotImplementedError(f"{type(self).__name__} must define __iter__")
        return iter(self.index_array().tolist())

    def index_array(self) -> np.ndarray:
        """The indices of one epoch as an int64 array (drawn anew for random samplers)."""
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def index_array(self) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A fresh random order of the samples each epoch.

    Args:
        data_source: the dataset.
        replacement: draw ``num_samples`` indices with replacement instead of permuting.
        num_samples: how many indices per epoch (default ``len(data_source)``); without
            replacement, more than the dataset's length chains several permutations.
        generator: an ``ember.Generator`` (default: the global one), so that the order
            repeats exactly for a given seed.
    """

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"RandomSampler: num_samples must be a positive int, "
                             f"got {num_samples!r}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def index_array(self) -> np.ndarray:
        n, m = len(self.data_source), self.num_samples
        rng = rng_of(self.generator)
        if self.replacement:
            return rng.integers(0, n, size=m, dtype=np.int64)
        reps = -(-m // n) if n else 0
        return np.concatenate([rng.permutation(n) for _ in range(reps)] or
                              [np.zeros(0, np.int64)])[:m].astype(np.int64, copy=False)

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a fresh random order each epoch."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def index_array(self) -> np.ndarray:
        idx = np.asarray(self.indices, dtype=np.int64)
        return idx[rng_of(self.generator).permutation(len(idx))]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``
    (handy to rebalance classes)."""

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim != 1 or (w < 0).any() or not w.sum() > 0:
            raise ValueError("WeightedRandomSampler: weights must be a 1-D sequence of "
                             f"non-negative numbers with a positive sum, got shape {w.shape}")
        if not replacement and num_samples > len(w):
            raise ValueError(f"WeightedRandomSampler: cannot draw {num_samples} samples "
                             f"without replacement from {len(w)} weights")
        self.weights, self.num_samples = w, num_samples
        self.replacement, self.generator = replacement, generator

    def index_array(self) -> np.ndarray:
        p = self.weights / self.weights.sum()
        rng = rng_of(self.generator)
        return rng.choice(len(p), size=self.num_samples, replace=self.replacement,
                          p=p).astype(np.int64)

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    Args:
        sampler: any sampler or iterable of indices.
        batch_size: samples per batch (a positive int).
        drop_last: drop the last batch when it is smaller than ``batch_size``.

    Example: ``list(BatchSampler(SequentialSampler(range(5)), 2, False))`` is
    ``[[0, 1], [2, 3], [4]]``.
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError(f"BatchSampler: batch_size must be a positive integer, "
                             f"got {batch_size!r}")
        self.sampler = sampler
        self.batch_size = int(batch_size)
        self.drop_last = bool(drop_last)

    def batches(self) -> Iterator[np.ndarray]:
        """The batches of one epoch as int64 arrays (no Python loop per sample)."""
        if isinstance(self.sampler, Sampler):
            order = self.sampler.index_array()
        else:
            order = np.fromiter(iter(self.sampler), dtype=np.int64)
        n, b = len(order), self.batch_size
        stop = n - n % b if self.drop_last else n
        for start in range(0, stop, b):
            yield order[start:start + b]

    def __iter__(self) -> Iterator[list[int]]:
        return (batch.tolist() for batch in self.batches())

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
