"""Ops that move data without arithmetic: reshape, permute, flatten, squeeze, expand, repeat,
flip, roll.

Shape targets that depend on the input (``flatten``, ``squeeze``) are computed inside the
primitives' ``forward``, so graph mode can replay them on inputs of unknown batch size.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.dims import normalize_dim


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


def t(input):  # noqa: A002
    """The transpose of a matrix; 0-D and 1-D tensors are returned as they are."""
    if input.ndim > 2:
        raise shape_error("t", "expects a tensor with <= 2 dimensions (use transpose(dim0, "
                          "dim1) or permute for more)", tuple(input.shape))
    return transpose(input, 0, -1) if input.ndim == 2 else input


class Regroup(Function):
    """Base of the ops whose output is a reshaped view: the gradient is reshaped back."""

    def backward(self, g):
        return (g.reshape(self.shape),)


class Flatten(Regroup):
    def forward(self, x, start_dim=0, end_dim=-1):
        self.shape = x.shape
        if x.ndim == 0:
            return x.reshape(1)
        a = normalize_dim("flatten", start_dim, x.ndim)
        b = normalize_dim("flatten", end_dim, x.ndim)
        if a > b:
            raise ValueError(f"flatten: start_dim ({start_dim}) cannot come after end_dim "
                             f"({end_dim}) (input shape {x.shape})")
        return x.reshape(x.shape[:a] + (_prod(x.shape[a:b + 1]),) + x.shape[b + 1:])


class Squeeze(Regroup):
    def forward(self, x, dim=None):
        self.shape = x.shape
        if dim is None:
            return x.reshape(tuple(n for n in x.shape if n != 1))
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = {normalize_dim("squeeze", d, max(x.ndim, 1)) for d in dims}
        return x.reshape(tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1)))


class Unsqueeze(Regroup):
    def forward(self, x, dim):
        self.shape = x.shape
        return xp.expand_dims(x, normalize_dim("unsqueeze", dim, x.ndim + 1))


class Expand(Function):
    """Broadcast to ``sizes`` (-1 keeps a dimension); the engine sums the gradient back."""

    def forward(self, x, sizes):
        lead = len(sizes) - x.ndim
        if lead < 0:
            raise shape_error("expand", f"the number of sizes provided ({len(sizes)}) must be "
                              f"at least the number of dimensions", x.shape)
        shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s
                      for i, s in enumerate(sizes))
        try:
            return xp.broadcast_to(x, shape)
        except ValueError:
            raise shape_error("expand", f"cannot expand to {tuple(sizes)}: a non-singleton "
                              f"dimension must match", x.shape) from None

    def backward(self, g):
        return (g,)


class Repeat(Function):
    def forward(self, x, repeats):
        if len(repeats) < x.ndim:
            raise shape_error("repeat", "number of repeat dims can not be smaller than the "
                              f"number of dimensions of the tensor ({tuple(repeats)})", x.shape)
        self.shape = (1,) * (len(repeats) - x.ndim) + x.shape
        self.in_shape, self.repeats = x.shape, repeats
        return xp.tile(x.reshape(self.shape), repeats)

    def backward(self, g):
        # view the output as (r0, s0, r1, s1, ...) and sum over the copies r_i
        split = []
        for r, s in zip(self.repeats, self.shape):
            split += [r, s]
        g = g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))
        return (g.reshape(self.in_shape),)


class RepeatInterleave(Function):
    """Each slice of ``x`` along ``dim`` repeated ``repeats`` times (an int, or one count
    per slice); ``dim=None`` works on the flattened input. The gradient sums the copies."""

    def forward(self, x, repeats, dim=None):
        self.shape = x.shape
        if dim is None:
            x, axis = x.reshape(-1), 0
        else:
            axis = normalize_dim("repeat_interleave", dim, max(x.ndim, 1))
            x = x.reshape(1) if x.ndim == 0 else x
        r = xp.asarray(repeats)
        n = x.shape[axis]
        if r.ndim > 1 or r.dtype.kind not in "iu" or (r.ndim == 1 and r.shape[0] not in (1, n)):
            raise shape_error("repeat_interleave", f"repeats must be an int or a 1-D integer "
                              f"tensor with one count per slice ({n})", self.shape, r.shape)
        if (r < 0).any():
            raise ValueError("repeat_interleave: repeats can not be negative")
        self.axis, self.n = axis, n
        self.index = xp.repeat(xp.arange(n), r.reshape(-1) if r.size == n else int(r.sum()))
        return xp.take(x, self.index, axis=axis)

    def backward(self, g):
        from ember.ops.index import scatter_rows

        moved = xp.moveaxis(g, self.axis, 0)
        out = xp.moveaxis(scatter_rows(self.index, moved, self.n), 0, self.axis)
        return (out.reshape(self.shape),)


class Flip(Function):
    def forward(self, x, dims):
        self.axes = tuple(normalize_dim("flip", d, max(x.ndim, 1)) for d in dims) if x.ndim else ()
        return xp.flip(x, self.axes) if x.ndim else x.copy()

    def backward(self, g):
        return (xp.flip(g, self.axes) if self.axes else g,)


class Roll(Function):
    def forward(self, x, shifts, dims=None):
        self.shifts, self.dims = shifts, dims
        return xp.roll(x, shifts, dims)

    def backward(self, g):
        back = tuple(-s for s in self.shifts) if isinstance(self.shifts, tuple) else -self.shifts
        return (xp.roll(g, back, self.dims),)


class Identity(Function):
    """``clone`` and ``contiguous`` (a row-major copy); the gradient passes through."""

    def forward(self, x, copy=True):
        return x.copy() if copy else x

    def backward(self, g):
        return (g,)


def _prod(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    """Merge dimensions ``start_dim..end_dim`` into one: (N, C, H, W) -> (N, C*H*W) with
    ``start_dim=1``."""
    return Flatten.apply(input, start_dim=start_dim, end_dim=end_dim)


def squeeze(input, dim=None):  # noqa: A002
    """Drop dimensions of size 1 (only ``dim``, an int or tuple, if given)."""
    return Squeeze.apply(input, dim=dim if dim is None or isinstance(dim, int) else tuple(dim))


def unsqueeze(input, dim):  # noqa: A002
    """Insert a dimension of size 1 at ``dim``."""
    return Unsqueeze.apply(input, dim=dim)


def expand(input, *sizes):  # noqa: A002
    """Broadcast to ``sizes`` without copying; ``-1`` keeps a dimension."""
    return Expand.apply(input, sizes=_shape_arg(sizes))


def expand_as(input, other):  # noqa: A002
    return Expand.apply(input, sizes=tuple(other.shape))


def broadcast_to(input, size):  # noqa: A002
    return Expand.apply(input, sizes=tuple(size))


def repeat(input, *repeats):  # noqa: A002
    """Tile the tensor: ``x.repeat(2, 3)`` repeats dim 0 twice and dim 1 three times."""
    return Repeat.apply(input, repeats=_shape_arg(repeats))


def flip(input, dims):  # noqa: A002
    """Reverse the order of elements along ``dims`` (an int or a sequence)."""
    return Flip.apply(input, dims=(dims,) if isinstance(dims, int) else tuple(dims))


def roll(input, shifts, dims=None):  # noqa: A002
    """Shift elements cyclically by ``shifts`` along ``dims`` (flattened when None)."""
    if not isinstance(shifts, int):
        shifts = tuple(shifts)
    if dims is not None and not isinstance(dims, int):
        dims = tuple(dims)
    return Roll.apply(input, shifts=shifts, dims=dims)


def clone(input, *, memory_format=None):  # noqa: A002
    """A copy of ``input`` that stays in the graph (gradients flow through)."""
    return Identity.apply(input, copy=True)


def contiguous(input, memory_format=None):  # noqa: A002
    """``input`` itself if its elements are in row-major order, else a row-major copy
    (after ``transpose``/``permute``, as in PyTorch; later GEMMs then read memory in order)."""
    array = getattr(input, "array", None)
    if array is None or array.flags.c_contiguous:
        return input
    return Identity.apply(input, copy=True)


def view_as(input, other):  # noqa: A002
    return Reshape.apply(input, shape=tuple(other.shape))


def reshape_as(input, other):  # noqa: A002
    return Reshape.apply(input, shape=tuple(other.shape))


def swapaxes(input, axis0, axis1):  # noqa: A002
    return transpose(input, axis0, axis1)


def movedim(input, source, destination):  # noqa: A002
    nd = input.ndim
    order = [d for d in range(nd) if d != source % nd]
    order.insert(destination % nd, source % nd)
    return Permute.apply(input, dims=tuple(order))


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """Repeat each element (each slice along ``dim``) ``repeats`` times in place:
    ``[1, 2]`` with 2 repeats gives ``[1, 1, 2, 2]``. ``repeat_interleave(counts)`` alone
    gives ``arange(len(counts))`` repeated by ``counts``."""
    if repeats is None:
        from ember.creation import arange

        return RepeatInterleave.apply(arange(input.shape[0]), input, dim=0)
    return RepeatInterleave.apply(input, repeats, dim=dim)


def ravel(input):  # noqa: A002
    """The elements as a 1-D tensor (row-major)."""
    return Reshape.apply(input, shape=(-1,))


def fliplr(input):  # noqa: A002
    """Reverse the columns (dim 1); the input needs at least 2 dimensions."""
    if input.ndim < 2:
        raise shape_error("fliplr", "input must have at least 2 dimensions", input.shape)
    return flip(input, 1)


def flipud(input):  # noqa: A002
    """Reverse the rows (dim 0); the input needs at least 1 dimension."""
    if input.ndim < 1:
        raise shape_error("flipud", "input must have at least 1 dimension", input.shape)
    return flip(input, 0)


swapdims = swapaxes
moveaxis = movedim
