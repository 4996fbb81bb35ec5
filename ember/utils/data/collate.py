"""Collation: turning a list of samples into one batch, as PyTorch's ``default_collate``.

Samples may be tensors, NumPy arrays, Python or NumPy numbers, strings, or tuples, lists
and dicts of those (nested). Equal-shaped leaves are stacked along a new first
dimension; Python floats become float32 (the default dtype), Python ints int64, bools
bool, while tensors and NumPy arrays keep their dtype. Strings stay a list. As in
PyTorch, a batch of tuples becomes a list (``[inputs, targets]``), a namedtuple stays
one.
"""
from __future__ import annotations

import collections.abc
import numbers

import numpy as np

from ember.dtypes import get_default_dtype
from ember.tensor import Tensor


def _where(path: tuple) -> str:
    if not path:
        return "the samples"
    return "field " + "".join(f"[{p!r}]" for p in path)


def _stack(arrays: list, path: tuple) -> Tensor:
    first = arrays[0].shape
    for k, a in enumerate(arrays):
        if a.shape != first:
            raise ValueError(
                f"default_collate: cannot stack {_where(path)}: item 0 has shape {first} but "
                f"item {k} has shape {a.shape}; make all samples the same shape (pad or crop "
                f"them) or pass a collate_fn that handles ragged items"
            )
    return Tensor._wrap(np.stack(arrays))


def _collate(batch: list, path: tuple):
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack([t.array for t in batch], path)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "OUSV":
            raise TypeError(f"default_collate: {_where(path)} holds NumPy arrays of dtype "
                            f"{elem.dtype}; only numeric arrays can be stacked")
        return _stack(batch, path)
    if isinstance(elem, (bool, np.bool_)):
        return Tensor._wrap(np.asarray(batch, dtype=bool))
    if isinstance(elem, np.generic):
        return Tensor._wrap(np.asarray(batch))
    if isinstance(elem, numbers.Integral):
        return Tensor._wrap(np.asarray(batch, dtype=np.int64))
    if isinstance(elem, numbers.Real):
        return Tensor._wrap(np.asarray(batch, dtype=get_default_dtype()))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        missing = [k for k, d in enumerate(batch) if d.keys() != elem.keys()]
        if missing:
            raise ValueError(f"default_collate: item {missing[0]} has keys "
                             f"{sorted(map(str, batch[missing[0]].keys()))} but item 0 has "
                             f"{sorted(map(str, elem.keys()))}")
        return {key: _collate([d[key] for d in batch], path + (key,)) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(_collate(list(s), path + (f,))
                            for f, s in zip(elem._fields, zip(*batch))))
    if isinstance(elem, collections.abc.Sequence):
        sizes = {len(s) for s in batch}
        if len(sizes) != 1:
            raise ValueError(f"default_collate: the samples of {_where(path)} are sequences "
                             f"of different lengths {sorted(sizes)}; each element in the "
                             f"batch should be of equal size")
        return [_collate(list(s), path + (k,)) for k, s in enumerate(zip(*batch))]
    raise TypeError(f"default_collate: {_where(path)} holds {type(elem).__name__}; expected "
                    f"tensors, NumPy arrays, numbers, strings, or tuples/lists/dicts of them")


def default_collate(batch: list):
    """Stack a list of samples into a batch (see the module docstring for the rules).

    Example: ``default_collate([(x0, 0), (x1, 1)])`` is ``[stack([x0, x1]), tensor([0, 1])]``.
    """
    if not isinstance(batch, collections.abc.Sequence) or len(batch) == 0:
        raise ValueError("default_collate: expected a non-empty list of samples")
    return _collate(list(batch), ())


def default_convert(data):
    """Turn NumPy arrays inside ``data`` into tensors (without copying), leaving the rest:
    what the loader yields when ``batch_size=None`` (no batching)."""
    if isinstance(data, np.ndarray) and data.dtype.kind not in "OUSV":
        return Tensor._wrap(data)
    if isinstance(data, np.generic):
        return Tensor._wrap(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(v) for v in data))
    if isinstance(data, tuple):
        return [default_convert(v) for v in data]
    if isinstance(data, list):
        return [default_convert(v) for v in data]
    return data
