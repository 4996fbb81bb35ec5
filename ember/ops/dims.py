"""Dimension arguments: the one check that a ``dim`` exists, with PyTorch's message."""
from __future__ import annotations


def normalize_dim(op: str, dim: int, ndim: int) -> int:
    """``dim`` (negatives count from the end) as an axis in ``[0, ndim)``.

    Raises ``IndexError`` naming ``op`` and the valid range, as PyTorch does. Callers that
    accept 0-d inputs pass ``max(ndim, 1)``, like PyTorch (dim 0 and -1 then both mean
    the tensor itself).
    """
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim
