"""Turn what ``fit`` accepts (a DataLoader, a Dataset, an ``(x, y)`` pair) into batches."""
from __future__ import annotations

import numpy as np

from ember.tensor import Tensor
from ember.utils.data import DataLoader, Dataset, Subset, TensorDataset

DEFAULT_BATCH_SIZE = 32  # Keras's default for (x, y) data


def _as_tensor(a, fn: str, arg: str) -> Tensor:
    if isinstance(a, Tensor):
        return a
    if isinstance(a, np.ndarray):
        return Tensor._wrap(a)
    raise TypeError(f"{fn}: {arg} must hold tensors or NumPy arrays, got {type(a).__name__}")


def xy_dataset(data, fn: str, arg: str) -> TensorDataset:
    """A ``TensorDataset`` from an ``(x, y)`` pair (tensors or arrays)."""
    if len(data) != 2:
        raise ValueError(f"{fn}: {arg} as a tuple must be (x, y), got {len(data)} items")
    x, y = (_as_tensor(a, fn, arg) for a in data)
    if x.ndim == 0 or y.ndim == 0 or x.shape[0] != y.shape[0]:
        raise ValueError(f"{fn}: {arg} x and y must have the same number of samples "
                         f"(first dimension), got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    return TensorDataset(x, y)


def is_xy(data) -> bool:
    """An ``(x, y)`` pair of tensors/arrays (a list of batches is not one)."""
    return (isinstance(data, (tuple, list)) and len(data) == 2
            and all(isinstance(a, (Tensor, np.ndarray)) for a in data))


def as_loader(data, batch_size: int | None, shuffle: bool, fn: str, arg: str):
    """A DataLoader (or any iterable of batches) over ``data``; refuses empty data."""
    if data is None:
        raise ValueError(f"{fn}: {arg} is None")
    if is_xy(data):
        data = xy_dataset(data, fn, arg)
    if isinstance(data, Dataset) and hasattr(data, "__len__"):
        if len(data) == 0:
            raise ValueError(f"{fn}: {arg} is empty (0 samples); nothing to train or "
                             f"evaluate on")
        return DataLoader(data, batch_size=batch_size or DEFAULT_BATCH_SIZE, shuffle=shuffle)
    if isinstance(data, Dataset):  # a stream
        return DataLoader(data, batch_size=batch_size or DEFAULT_BATCH_SIZE)
    if batch_size is not None:
        raise ValueError(f"{fn}: batch_size applies to (x, y) or Dataset data; {arg} is a "
                         f"{type(data).__name__}, which makes its own batches")
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{fn}: {arg} must be a DataLoader, a Dataset or an (x, y) pair, "
                        f"got {type(data).__name__}")
    try:
        n = len(data)
    except TypeError:
        n = None
    if n == 0:
        raise ValueError(f"{fn}: {arg} is empty (0 batches); nothing to train or evaluate on")
    return data


def split_batch(batch, fn: str):
    """``(inputs, target)`` of one batch; inputs may be a tuple (passed as ``model(*x)``)."""
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    if isinstance(batch, dict) and {"x", "y"} <= set(batch):
        return batch["x"], batch["y"]
    raise ValueError(f"{fn}: each batch must be (inputs, target), got a "
                     f"{type(batch).__name__} of {len(batch) if hasattr(batch, '__len__') else '?'}"
                     f" items")


def holdout(data, fraction: float, fn: str):
    """Keras's ``validation_split``: the last ``fraction`` of the samples (not shuffled)."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"{fn}: validation_split must lie in (0, 1), got {fraction}")
    if is_xy(data):
        data = xy_dataset(data, fn, "train_data")
    if not (isinstance(data, Dataset) and hasattr(data, "__len__")):
        raise ValueError(f"{fn}: validation_split needs (x, y) or Dataset data, got "
                         f"{type(data).__name__}; pass val_data instead")
    n = len(data)
    n_val = int(n * fraction)
    if n_val == 0 or n_val == n:
        raise ValueError(f"{fn}: validation_split={fraction} of {n} samples leaves an empty "
                         f"split")
    return Subset(data, range(n - n_val)), Subset(data, range(n - n_val, n))
