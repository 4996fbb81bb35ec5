"""``DataLoader``: iterate a dataset in (shuffled) mini-batches.

Over a ``TensorDataset`` (or a ``Subset`` of one, however nested) with the default
collation, each batch is one fancy index per tensor: no Python loop per sample, so an
epoch over 50,000 MNIST images costs a few milliseconds of loading.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ember.tensor import Tensor
from ember.utils.data.collate import default_collate, default_convert
from ember.utils.data.dataset import IterableDataset, Subset, TensorDataset
from ember.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


def _tensor_source(dataset):
    """``(tensors, index_map)`` when ``dataset`` is a TensorDataset seen through zero or
    more Subsets (``index_map`` maps the loader's indices to rows, ``None`` = identity);
    ``None`` for any other dataset."""
    index_map = None
    while isinstance(dataset, Subset):
        idx = np.asarray(dataset.indices, dtype=np.int64)
        index_map = idx if index_map is None else idx[index_map]
        dataset = dataset.dataset
    if type(dataset) is TensorDataset:  # a subclass may override __getitem__
        return dataset.tensors, index_map
    return None


class DataLoader:
    """Iterate ``dataset`` in batches.

    Args:
        dataset: a map-style ``Dataset`` (``len`` and ``[i]``) or an ``IterableDataset``.
        batch_size: samples per batch; ``len(dataset)`` is (full-)batch gradient descent,
            ``1`` stochastic, anything between mini-batch. ``None`` yields single samples.
        shuffle: a fresh random order each epoch, drawn from ``generator``.
        sampler: the order of indices (excludes ``shuffle``).
        batch_sampler: yields whole batches of indices (excludes ``batch_size``,
            ``shuffle``, ``sampler`` and ``drop_last``).
        num_workers: accepted for compatibility and ignored: loading runs in the calling
            process (batches of in-memory tensors are a single fancy index, far cheaper
            than a worker round trip).
        collate_fn: turns a list of samples into a batch (default: ``default_collate``).
        drop_last: drop the last, incomplete batch.
        generator: an ``ember.Generator`` for shuffling (default: the global generator
            seeded by ``ember.manual_seed``), so iteration repeats exactly for a seed.

    Example::

        loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True,
                            generator=ember.Generator().manual_seed(0))
        for xb, yb in loader:
            ...
    """

    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Sampler | None = None, batch_sampler=None, num_workers: int = 0,
                 collate_fn: Callable | None = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None,
                 generator=None, *, prefetch_factor=None, persistent_workers: bool = False
                 ) -> None:
        if batch_size is not None and (isinstance(batch_size, bool)
                                       or not isinstance(batch_size, (int, np.integer))
                                       or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size must be a positive integer or None, "
                             f"got {batch_size!r}")
        self.dataset = dataset
        self.num_workers = num_workers
        self.generator = generator
        self.drop_last = drop_last
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError("DataLoader: an IterableDataset is a stream in a fixed order; "
                             "shuffle, sampler and batch_sampler are not supported with it")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler is mutually exclusive with "
                                 "batch_size, shuffle, sampler and drop_last")
            batch_size = None
        elif sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler is mutually exclusive with shuffle")
        if not self._iterable and sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self._auto_collation = batch_sampler is not None or (
            self._iterable and batch_size is not None)
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)  # TypeError when the stream has no length, as in PyTorch
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def __iter__(self) -> Iterator:
        if self._iterable:
            return self._iter_stream()
        if self.batch_sampler is None:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        source = _tensor_source(self.dataset) if self.collate_fn is default_collate else None
        if source is not None:
            return self._iter_tensor_batches(*source)
        return (self.collate_fn([self.dataset[i] for i in idx]) for idx in self._index_batches())

    def _index_batches(self) -> Iterator:
        if isinstance(self.batch_sampler, BatchSampler):
            return self.batch_sampler.batches()
        return iter(self.batch_sampler)

    def _iter_tensor_batches(self, tensors, index_map) -> Iterator[list[Tensor]]:
        for idx in self._index_batches():
            rows = np.asarray(idx, dtype=np.int64)
            if index_map is not None:
                rows = index_map[rows]
            yield [Tensor._wrap(t.array[rows]) for t in tensors]

    def _iter_stream(self) -> Iterator:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)
