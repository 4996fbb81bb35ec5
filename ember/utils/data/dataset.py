"""Datasets: the map-style ``Dataset`` protocol and its building blocks.

A map-style dataset answers ``len(ds)`` and ``ds[i]``; an ``IterableDataset`` only
yields samples. ``TensorDataset``, ``Subset`` and ``ConcatDataset`` compose them, and
``random_split`` cuts one into non-overlapping random subsets.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence

import numpy as np

from ember.random import rng_of
from ember.tensor import Tensor


class Dataset:
    """A map-style dataset: subclasses define ``__getitem__(i)`` and ``__len__()``.

    Example::

        class Squares(Dataset):
            def __len__(self):
                return 10

            def __getitem__(self, i):
                return float(i), float(i * i)
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is a stream: subclasses define ``__iter__`` (``len`` is optional).

    The ``DataLoader`` groups the stream into batches in order; it cannot shuffle it.
    """

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


class TensorDataset(Dataset):
    """Samples are the rows of tensors that share their first dimension.

    Args:
        *tensors: tensors (or NumPy arrays, wrapped without copying) with the same size
            along dimension 0.

    Shape: ``ds[i]`` is ``(tensors[0][i], tensors[1][i], ...)``.

    Example: ``TensorDataset(images, labels)``.
    """

    def __init__(self, *tensors) -> None:
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor, got none")
        wrapped = []
        for k, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = Tensor._wrap(t)
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset: argument {k} must be a Tensor or a NumPy array, "
                    f"got {type(t).__name__}"
                )
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: argument {k} is a 0-d tensor; need a "
                                 f"first dimension to index samples by")
            wrapped.append(t)
        sizes = [t.shape[0] for t in wrapped]
        if len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in wrapped)
            raise ValueError(
                f"TensorDataset: all tensors must have the same size in dimension 0 "
                f"(the number of samples); got shapes {shapes}"
            )
        self.tensors = tuple(wrapped)

    def __getitem__(self, index):
        return tuple(Tensor._wrap(t.array[index]) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index):
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """Several map-style datasets one after the other."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: expected at least one dataset, got none")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset: iterable datasets cannot be concatenated "
                                "by index; chain their iterators instead")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int):
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"ConcatDataset: index {index} out of range for length {n}")
        k = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[k - 1] if k > 0 else 0
        return self.datasets[k][index - start]


def _split_lengths(n: int, lengths: Sequence) -> list[int]:
    """Integer lengths, or fractions summing to 1 turned into lengths (PyTorch's rule:
    floor each, then hand out the remainder one by one from the first split)."""
    if any(isinstance(x, float) for x in lengths):
        if any(not 0 <= x <= 1 for x in lengths) or not math.isclose(sum(lengths), 1):
            raise ValueError(
                f"random_split: fractions must lie in [0, 1] and sum to 1, got {list(lengths)} "
                f"(sum {sum(lengths)})"
            )
        out = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(out)):
            out[i % len(out)] += 1
        return out
    out = [int(x) for x in lengths]
    if any(x < 0 for x in out):
        raise ValueError(f"random_split: lengths must be non-negative, got {out}")
    if sum(out) != n:
        raise ValueError(
            f"random_split: lengths {out} sum to {sum(out)}, but the dataset has {n} samples; "
            f"give lengths that sum to {n} or fractions that sum to 1"
        )
    return out


def random_split(dataset: Dataset, lengths: Sequence, generator=None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets.

    Args:
        dataset: a map-style dataset.
        lengths: the size of each subset, or fractions that sum to 1.
        generator: an ``ember.Generator`` (default: the global one, seeded by
            ``ember.manual_seed``).

    Example: ``train, valid = random_split(ds, [0.8, 0.2], ember.Generator().manual_seed(0))``.
    """
    sizes = _split_lengths(len(dataset), lengths)
    order = rng_of(generator).permutation(sum(sizes))
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[a:b].tolist()) for a, b in zip(bounds[:-1], bounds[1:])]
