"""Diagonals: ``diagonal`` and its adjoint ``diag_embed``, ``trace``, and the index
helpers ``triu_indices``/``tril_indices``.

``diagonal`` reads the ``offset``-th diagonal of the planes (dim1, dim2) into a new last
dimension; ``diag_embed`` writes a last dimension onto such a diagonal of zeros. Each is
the other's backward.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.dims import normalize_dim
from ember.tensor import Tensor

__all__ = ["diagonal", "diag_embed", "trace", "triu_indices", "tril_indices"]


def _plane(op, dim1, dim2, ndim, shape):
    if ndim < 2:
        raise shape_error(op, "needs at least 2 dimensions", shape)
    a1, a2 = normalize_dim(op, dim1, ndim), normalize_dim(op, dim2, ndim)
    if a1 == a2:
        raise ValueError(f"{op}: dim1 and dim2 cannot be the same dimension ({dim1})")
    return a1, a2


def _embed(values, shape, offset, a1, a2):
    """Zeros of ``shape`` with the last axis of ``values`` on the diagonal of (a1, a2)."""
    out = xp.zeros(shape, values.dtype)
    n = values.shape[-1]
    rows = xp.arange(n) + max(-offset, 0)
    cols = xp.arange(n) + max(offset, 0)
    xp.moveaxis(out, (a1, a2), (-2, -1))[..., rows, cols] = values
    return out


class Diagonal(Function):
    def forward(self, x, offset=0, dim1=0, dim2=1):
        a1, a2 = _plane("diagonal", dim1, dim2, x.ndim, x.shape)
        self.shape, self.where = x.shape, (offset, a1, a2)
        return xp.diagonal(x, offset, a1, a2).copy()

    def backward(self, g):
        return (_embed(g, self.shape, *self.where),)


class DiagEmbed(Function):
    def forward(self, x, offset=0, dim1=-2, dim2=-1):
        if x.ndim == 0:
            raise shape_error("diag_embed", "needs at least 1 dimension", x.shape)
        a1, a2 = _plane("diag_embed", dim1, dim2, x.ndim + 1, x.shape)
        n = x.shape[-1] + abs(offset)
        rest = iter(x.shape[:-1])
        shape = tuple(n if i in (a1, a2) else next(rest) for i in range(x.ndim + 1))
        self.where = (offset, a1, a2)
        return _embed(x, shape, offset, a1, a2)

    def backward(self, g):
        return (xp.diagonal(g, *self.where),)


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The ``offset``-th diagonal of the (dim1, dim2) planes, as a new last dimension."""
    return Diagonal.apply(input, offset=offset, dim1=dim1, dim2=dim2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Matrices (in the planes dim1, dim2 of the output) whose ``offset``-th diagonal is
    the last dimension of ``input``; zeros elsewhere."""
    return DiagEmbed.apply(input, offset=offset, dim1=dim1, dim2=dim2)


def trace(input):  # noqa: A002
    """The sum of the main diagonal of a 2-D tensor."""
    from ember.ops.reduce import sum

    if input.ndim != 2:
        raise shape_error("trace", "expected a 2-D tensor", input.shape)
    return sum(diagonal(input))


def _indices(op, row, col, offset, dtype, upper):
    from ember.dtypes import as_dtype

    if row < 0 or col < 0:
        raise ValueError(f"{op}: row and col must be non-negative, got {row} and {col}")
    rows, cols = (xp.triu_indices if upper else xp.tril_indices)(row, offset, col)
    return Tensor._wrap(xp.stack([rows, cols]).astype(as_dtype(dtype) or xp.int64))


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (2, N) coordinates of the upper triangle of a row x col matrix, row by row."""
    return _indices("triu_indices", row, col, offset, dtype, True)


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (2, N) coordinates of the lower triangle of a row x col matrix, row by row."""
    return _indices("tril_indices", row, col, offset, dtype, False)
