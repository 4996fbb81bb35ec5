"""K-fold splits and cross-validation.

``KFold`` and ``StratifiedKFold`` yield the same ``(train_index, test_index)`` arrays as
scikit-learn's classes of the same names for the same arguments (with ``shuffle=True``
too, for an int ``random_state``: both draw from NumPy's legacy ``RandomState``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ember.tensor import Tensor
from ember.train.data_adapter import xy_dataset
from ember.utils.data import Dataset, Subset, TensorDataset


def _rng(random_state):
    if isinstance(random_state, np.random.RandomState):
        return random_state
    return np.random.RandomState(random_state)


def _n_samples(x) -> int:
    if isinstance(x, int):
        return x
    return len(x)


class KFold:
    """Split ``n`` samples into ``n_splits`` folds; each fold is the test set once.

    The first ``n % n_splits`` folds hold one sample more. Without ``shuffle`` the folds
    are consecutive blocks; with it, the samples are permuted first (seeded by
    ``random_state``).

    Example: ``for train_idx, test_idx in KFold(5, shuffle=True, random_state=0).split(x):``
    """

    def __init__(self, n_splits: int = 5, shuffle: bool = False, random_state=None):
        if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
            raise ValueError(f"{type(self).__name__}: n_splits must be an int >= 2, "
                             f"got {n_splits!r}")
        if not shuffle and random_state is not None:
            raise ValueError(f"{type(self).__name__}: random_state only matters with "
                             f"shuffle=True")
        self.n_splits, self.shuffle, self.random_state = int(n_splits), shuffle, random_state

    def get_n_splits(self, x=None, y=None) -> int:
        return self.n_splits

    def _check(self, n: int) -> None:
        if self.n_splits > n:
            raise ValueError(f"{type(self).__name__}: cannot have n_splits={self.n_splits} "
                             f"greater than the number of samples {n}")

    def test_folds(self, x, y=None) -> np.ndarray:
        """The fold number of every sample."""
        n = _n_samples(x)
        self._check(n)
        order = np.arange(n)
        if self.shuffle:
            _rng(self.random_state).shuffle(order)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        folds = np.empty(n, dtype=np.int64)
        folds[order] = np.repeat(np.arange(self.n_splits), sizes)
        return folds

    def split(self, x, y=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train_index, test_index)`` for each fold (``x``: data or a count)."""
        folds = self.test_folds(x, y)
        for k in range(self.n_splits):
            yield np.flatnonzero(folds != k), np.flatnonzero(folds == k)


class StratifiedKFold(KFold):
    """Like ``KFold``, but each fold keeps the class proportions of ``y``.

    The samples of each class are dealt to the folds in blocks, in their order (shuffled
    per class with ``shuffle``), as scikit-learn does.
    """

    def test_folds(self, x, y=None) -> np.ndarray:
        if y is None:
            raise ValueError("StratifiedKFold: split(x, y) needs the labels y")
        y = np.asarray(y.array if isinstance(y, Tensor) else y)
        if y.ndim != 1:
            raise ValueError(f"StratifiedKFold: y must be 1-D labels, got shape {y.shape}")
        n = len(y)
        self._check(n)
        _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
        # number the classes by first appearance, as scikit-learn does
        encoded = np.argsort(np.argsort(first))[inverse]
        n_classes = len(first)
        counts = np.bincount(encoded, minlength=n_classes)
        if np.all(self.n_splits > counts):
            raise ValueError(f"StratifiedKFold: n_splits={self.n_splits} cannot be greater "
                             f"than the number of members in each class {counts.tolist()}")
        # deal the sorted labels round-robin to find how many of each class go to each fold
        ordered = np.sort(encoded)
        allocation = np.stack([np.bincount(ordered[i::self.n_splits], minlength=n_classes)
                               for i in range(self.n_splits)])
        rng = _rng(self.random_state) if self.shuffle else None
        folds = np.empty(n, dtype=np.int64)
        for c in range(n_classes):
            per_class = np.repeat(np.arange(self.n_splits), allocation[:, c])
            if rng is not None:
                rng.shuffle(per_class)
            folds[encoded == c] = per_class
        return folds


def _as_xy_dataset(data):
    if isinstance(data, (tuple, list)):
        return xy_dataset(data, "cross_validate", "data")
    if isinstance(data, Dataset):
        return data
    raise TypeError(f"cross_validate: data must be a Dataset or an (x, y) pair, got "
                    f"{type(data).__name__}")


def _labels_of(dataset) -> np.ndarray:
    if isinstance(dataset, TensorDataset):
        return np.asarray(dataset.tensors[1].array)
    return np.asarray([np.asarray(dataset[i][1]) for i in range(len(dataset))])


def cross_validate(build: Callable, data, k: int = 5, stratified: bool = False,
                   shuffle: bool = True, random_state: int | None = 0, metrics=("accuracy",),
                   seed: int | None = 0, **fit_kwargs) -> dict:
    """Train a fresh model on each of ``k`` folds and score it on the held-out fold.

    Args:
        build: ``build() -> (model, optimizer, loss_fn)``, a fresh untrained model each call.
        data: a Dataset or an ``(x, y)`` pair.
        k: the number of folds.
        stratified: keep class proportions in each fold (classification).
        shuffle, random_state: shuffle the samples before cutting folds.
        metrics: scored on each held-out fold (with the loss).
        seed: ``ember.manual_seed(seed)`` before each fold's ``build``, so that folds
            differ only by their data.
        **fit_kwargs: for ``fit`` (``epochs``, ``batch_size``, ``callbacks``, ...).
    Returns:
        ``{"folds": [{"loss": .., "accuracy": ..}, ...], "mean": {...}, "std": {...}}``.
    """
    from ember.random import manual_seed
    from ember.train.fit import evaluate, fit

    dataset = _as_xy_dataset(data)
    splitter = (StratifiedKFold if stratified else KFold)(
        k, shuffle=shuffle, random_state=random_state if shuffle else None)
    y = _labels_of(dataset) if stratified else None
    fit_kwargs.setdefault("verbose", 0)
    folds = []
    for train_idx, test_idx in splitter.split(len(dataset), y):
        if seed is not None:
            manual_seed(seed)
        model, optimizer, loss_fn = build()
        fit(model, loss_fn, optimizer, Subset(dataset, train_idx.tolist()), **fit_kwargs)
        folds.append(evaluate(model, loss_fn, Subset(dataset, test_idx.tolist()), metrics,
                              batch_size=fit_kwargs.get("batch_size")))
    keys = folds[0].keys()
    return {"folds": folds,
            "mean": {key: float(np.mean([f[key] for f in folds])) for key in keys},
            "std": {key: float(np.std([f[key] for f in folds])) for key in keys}}
