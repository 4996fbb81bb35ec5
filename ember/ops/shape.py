"""Ops that move data without arithmetic: reshape, transpose, permute, indexing."""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.tensor import Tensor


class Reshape(Function):
    def forward(self, x, shape):
        self.shape = x.shape
        try:
            return x.reshape(shape)
        except ValueError:
            raise shape_error("reshape", f"shape {tuple(shape)} is invalid for input of size "
                              f"{x.size}", x.shape) from None

    def backward(self, g):
        return (g.reshape(self.shape),)


class Permute(Function):
    def forward(self, x, dims):
        if sorted(d % max(x.ndim, 1) for d in dims) != list(range(x.ndim)):
            raise shape_error("permute", f"dims {tuple(dims)} are not a permutation of the "
                              f"input's {x.ndim} dimensions", x.shape)
        self.dims = dims
        return xp.transpose(x, dims)

    def backward(self, g):
        return (xp.transpose(g, xp.argsort(self.dims)),)


class Index(Function):
    """``x[key]``: basic and advanced indexing; the gradient scatter-adds into zeros."""

    def forward(self, x, key):
        self.shape, self.dtype, self.key = x.shape, x.dtype, key
        try:
            return x[key]
        except IndexError as err:
            raise IndexError(f"index: {err} (input shape {tuple(x.shape)})") from None

    def backward(self, g):
        out = xp.zeros(self.shape, self.dtype)
        xp.add.at(out, self.key, g)  # repeated indices accumulate
        return (out,)


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def reshape(input, *shape):  # noqa: A002
    return Reshape.apply(input, shape=_shape_arg(shape))


def permute(input, *dims):  # noqa: A002
    return Permute.apply(input, dims=_shape_arg(dims))


def transpose(input, dim0, dim1):  # noqa: A002
    nd = max(input.ndim, 1)
    dims = list(range(input.ndim))
    if input.ndim:
        dims[dim0 % nd], dims[dim1 % nd] = dims[dim1 % nd], dims[dim0 % nd]
    return Permute.apply(input, dims=tuple(dims))


def _key_arrays(key):
    """Replace tensors inside an indexing key by their arrays."""
    if isinstance(key, Tensor):
        return key.array
    if isinstance(key, tuple):
        return tuple(k.array if isinstance(k, Tensor) else k for k in key)
    if isinstance(key, list):
        return xp.asarray(key)
    return key


def getitem(input, key):  # noqa: A002
    return Index.apply(input, key=_key_arrays(key))
