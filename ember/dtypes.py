"""Dtypes with PyTorch's names (NumPy dtype objects), the default float dtype, and
``as_dtype`` to normalise a dtype argument."""
from __future__ import annotations

import numpy

float16 = half = numpy.dtype("float16")
float32 = float = numpy.dtype("float32")  # noqa: A001  (PyTorch's names)
float64 = double = numpy.dtype("float64")
int8 = numpy.dtype("int8")
uint8 = numpy.dtype("uint8")
int16 = short = numpy.dtype("int16")
int32 = int = numpy.dtype("int32")  # noqa: A001
int64 = long = numpy.dtype("int64")
bool = bool_ = numpy.dtype("bool")  # noqa: A001

_pyfloat, _pyint, _pybool = (1.0).__class__, (1).__class__, (True).__class__
_default_float = float32


def get_default_dtype():
    return _default_float


def set_default_dtype(dtype) -> None:
    """Set the dtype of floats created from Python numbers (float32 or float64)."""
    global _default_float
    dtype = numpy.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point dtypes are allowed, got {dtype}")
    _default_float = dtype


def as_dtype(dtype):
    """Normalise a dtype argument (``ember.float32``, ``numpy.float32``, ``"float32"``,
    Python ``float``/``int``/``bool``) to a NumPy dtype; ``None`` stays ``None``."""
    if dtype is None:
        return None
    if dtype is _pyfloat:
        return _default_float
    if dtype is _pyint:
        return int64
    if dtype is _pybool:
        return bool
    try:
        return numpy.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"unknown dtype {dtype!r}") from err
