"""A pickle reader that can rebuild NumPy arrays and nothing else.

Plain ``pickle.load`` runs whatever callable a file names (``os.system``, ...), so a
downloaded pickle is a program. ``load_arrays`` allows only the handful of globals that
NumPy's array reconstruction needs and refuses every other one before it is called.
"""
from __future__ import annotations

import codecs
import gzip
import io
import pickle
from pathlib import Path

import numpy as np

try:  # NumPy >= 2 moved the module; old pickles name numpy.core.multiarray
    from numpy._core.multiarray import _reconstruct, scalar
    from numpy._core.numeric import _frombuffer
except ImportError:  # pragma: no cover - NumPy 1.x
    from numpy.core.multiarray import _reconstruct, scalar
    from numpy.core.numeric import _frombuffer

_GZIP_MAGIC = b"\x1f\x8b"

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "scalar"): scalar,
    ("numpy._core.multiarray", "scalar"): scalar,
    # pickle protocol 5 rebuilds arrays from a buffer
    ("numpy.core.numeric", "_frombuffer"): _frombuffer,
    ("numpy._core.numeric", "_frombuffer"): _frombuffer,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    # protocol 2 written by Python 3 stores bytes as _codecs.encode(text, "latin1")
    ("_codecs", "encode"): codecs.encode,
}


class ArrayUnpickler(pickle.Unpickler):
    """An ``Unpickler`` whose ``find_class`` resolves only NumPy's array-rebuilding
    globals; any other global raises ``pickle.UnpicklingError`` naming it."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"restricted pickle: refusing to load global '{module}.{name}'; this loader "
                f"only rebuilds NumPy arrays (a pickle that names other callables can run "
                f"arbitrary code, so the file is not trusted)"
            ) from None


def load_arrays(source) -> object:
    """Read a pickle of NumPy arrays, tuples, lists, dicts and numbers, gzip'd or not.

    Args:
        source: a path, the file's bytes, or a binary file object (read as is).

    Old Python 2 pickles are read with ``encoding="latin1"``, which NumPy needs for their
    array bytes.
    """
    if isinstance(source, (str, Path)):
        with open(source, "rb") as f:
            gzipped = f.read(2) == _GZIP_MAGIC
        with (gzip.open if gzipped else open)(source, "rb") as f:
            return load_arrays(f)
    if isinstance(source, (bytes, bytearray)):
        if source[:2] == _GZIP_MAGIC:
            source = gzip.decompress(source)
        source = io.BytesIO(source)
    return ArrayUnpickler(source, encoding="latin1").load()
