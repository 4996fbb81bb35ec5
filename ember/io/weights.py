"""Tensors and model weights in safetensors files (no pickle: loading never runs code).

``save_file``/``load_file`` mirror ``safetensors.torch``; ``save_model``/``load_model``
go through the model's ``state_dict``, so the keys are attribute paths
(``features.0.weight``) and a file written from a PyTorch model of the same layout loads.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from ember.backend import to_numpy
from ember.io.atomic import atomic_write_bytes
from ember.tensor import Tensor


class StateMismatchError(ValueError, RuntimeError):
    """Saved weights do not fit a model: missing or unexpected keys, or other shapes.

    A ``ValueError`` by Ember's convention and a ``RuntimeError`` as in PyTorch.
    """


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError as err:  # an optional extra
        raise ImportError("ember.io needs the safetensors package: pip install safetensors "
                          "(or pip install 'ember[train]')") from err
    return safetensors.numpy


def _as_array(value, fn: str, key: str) -> np.ndarray:
    if isinstance(value, Tensor):
        value = to_numpy(value.array)
    elif isinstance(value, np.generic):
        value = np.asarray(value)
    elif not isinstance(value, np.ndarray):
        raise TypeError(f"{fn}: value of {key!r} must be a Tensor or a NumPy array, "
                        f"got {type(value).__name__}")
    # not ascontiguousarray: it turns a 0-d array into shape (1,)
    return value if value.flags.c_contiguous else value.copy(order="C")


def serialize(tensors: Mapping, metadata: Mapping[str, str] | None = None,
              fn: str = "save_file") -> bytes:
    """The bytes of a safetensors file holding ``tensors`` (Tensors or arrays by name)."""
    if not isinstance(tensors, Mapping):
        raise TypeError(f"{fn}: tensors must be a dict of name -> Tensor/array, "
                        f"got {type(tensors).__name__}")
    arrays = {}
    for key, value in tensors.items():
        if not isinstance(key, str):
            raise TypeError(f"{fn}: keys must be strings, got {key!r}")
        arrays[key] = _as_array(value, fn, key)
    if metadata is not None:
        bad = [k for k, v in metadata.items() if not (isinstance(k, str) and isinstance(v, str))]
        if bad:
            raise TypeError(f"{fn}: metadata must map str to str; bad entries: {bad}")
        metadata = dict(metadata)
    return _safetensors_numpy().save(arrays, metadata=metadata)


def save_file(tensors: Mapping, path: str | os.PathLike,
              metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` (name -> Tensor or NumPy array) to a safetensors file, atomically.

    Args:
        metadata: optional str -> str pairs stored in the header.
    Example: ``ember.io.save_file({"w": w}, "w.safetensors")``.
    """
    atomic_write_bytes(path, serialize(tensors, metadata, "save_file"))


def _open(path, fn: str):
    st = _safetensors_numpy()
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{fn}: no such file: {path!r}")
    try:
        return st.safe_open(path, framework="np")
    except Exception as err:  # safetensors raises its own error type for bad headers
        raise ValueError(f"{fn}: {path!r} is not a valid safetensors file ({err})") from err


def load_arrays(path: str | os.PathLike, fn: str = "load_file"
                ) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``(arrays, metadata)`` of a safetensors file; the arrays are writable copies."""
    with _open(path, fn) as f:
        metadata = dict(f.metadata() or {})
        arrays = {k: np.array(f.get_tensor(k)) for k in f.keys()}  # noqa: SIM118
    return arrays, metadata


def load_file(path: str | os.PathLike) -> dict[str, Tensor]:
    """The tensors of a safetensors file, by name (``requires_grad=False``)."""
    arrays, _ = load_arrays(path, "load_file")
    return {k: Tensor._wrap(v) for k, v in arrays.items()}


def load_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The str -> str metadata stored in a safetensors file's header."""
    with _open(path, "load_metadata") as f:
        return dict(f.metadata() or {})


def check_state_fits(model, state: Mapping, strict: bool, fn: str, source: str) -> None:
    """Raise ``StateMismatchError`` listing every missing/unexpected key and shape mismatch
    between ``model.state_dict()`` and ``state`` (before anything is copied)."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f"{k}: saved {tuple(np.shape(state[k]))}, model {tuple(own[k].shape)}"
              for k in own if k in state and tuple(np.shape(state[k])) != tuple(own[k].shape)]
    problems = []
    if strict and missing:
        problems.append("missing keys (in the model, not in the file): " + ", ".join(missing))
    if strict and unexpected:
        problems.append("unexpected keys (in the file, not in the model): "
                        + ", ".join(unexpected))
    if shapes:
        problems.append("shape mismatch: " + "; ".join(shapes))
    if problems:
        raise StateMismatchError(
            f"{fn}: {source} does not fit {type(model).__name__} (saved from another "
            f"architecture?):\n  " + "\n  ".join(problems))


def save_model(model, path: str | os.PathLike, metadata: Mapping[str, str] | None = None
               ) -> None:
    """Write ``model.state_dict()`` (parameters and persistent buffers) to ``path``."""
    if not hasattr(model, "state_dict"):
        raise TypeError(f"save_model: expected an ember.nn.Module, got {type(model).__name__}")
    save_file(model.state_dict(), path, metadata)


def load_model(model, path: str | os.PathLike, strict: bool = True):
    """Load weights written by ``save_model`` (or ``safetensors.torch.save_file``) into
    ``model``. Refuses, before changing anything, a file whose keys or shapes differ
    (with ``strict=False``, missing and unexpected keys are allowed; shapes must match).

    Returns the model.
    """
    arrays, _ = load_arrays(path, "load_model")
    check_state_fits(model, arrays, strict, "load_model", repr(os.fspath(path)))
    model.load_state_dict(arrays, strict=strict)
    return model
