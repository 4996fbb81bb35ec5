"""Ops that join tensors or cut one into pieces: cat, stack, split, chunk, unbind.

``Split`` and ``Unbind`` have as many outputs as pieces: they set ``n_out`` on the
instance in ``forward`` (the class says ``n_out = -1``, "decided by forward").
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.dims import normalize_dim
from ember.tensor import Tensor


def _result_dtype(arrays):
    """PyTorch's promotion for joins: float32 stays float32 next to integers."""
    dt = xp.result_type(*arrays)
    kinds = {a.dtype.kind for a in arrays}
    if dt == xp.float64 and not any(a.dtype == xp.float64 for a in arrays) and "f" in kinds:
        return xp.dtype(xp.float32)
    return dt


class Cat(Function):
    def forward(self, *arrays, dim=0):
        if not arrays:
            raise ValueError("cat: expected a non-empty sequence of tensors")
        ref = next((a for a in arrays if a.ndim), arrays[0])
        if ref.ndim == 0:
            raise shape_error("cat", "zero-dimensional tensors cannot be concatenated",
                              *(a.shape for a in arrays))
        # PyTorch skips 1-D empty tensors (a common "start from torch.tensor([])" idiom)
        self.keep = [a.ndim != 1 or a.size != 0 or ref.ndim == 1 for a in arrays]
        parts = [a for a, k in zip(arrays, self.keep) if k]
        axis = normalize_dim("cat", dim, ref.ndim)
        for a in parts:
            if a.ndim != ref.ndim or a.shape[:axis] + a.shape[axis + 1:] != (
                    ref.shape[:axis] + ref.shape[axis + 1:]):
                raise shape_error("cat", f"sizes must match except in dimension {dim}",
                                  *(p.shape for p in parts))
        self.axis = axis
        self.bounds = xp.cumsum([a.shape[axis] for a in parts])[:-1]
        return xp.concatenate(parts, axis=axis, dtype=_result_dtype(parts))

    def backward(self, g):
        pieces = iter(xp.split(g, self.bounds, axis=self.axis))
        return tuple(next(pieces) if k else None for k in self.keep)


class Stack(Function):
    def forward(self, *arrays, dim=0):
        if not arrays:
            raise ValueError("stack: expected a non-empty sequence of tensors")
        if any(a.shape != arrays[0].shape for a in arrays):
            raise shape_error("stack", "expects each tensor to be equal size",
                              *(a.shape for a in arrays))
        self.axis = normalize_dim("stack", dim, arrays[0].ndim + 1)
        return xp.stack(arrays, axis=self.axis, dtype=_result_dtype(arrays))

    def backward(self, g):
        return tuple(xp.moveaxis(g, self.axis, 0))


class Split(Function):
    """Pieces of ``sizes`` along ``dim``; the gradient concatenates (zeros for unused ones)."""

    n_out = -1

    def forward(self, x, sizes, dim=0):
        self.axis = axis = normalize_dim("split", dim, max(x.ndim, 1))
        if x.ndim == 0 or sum(sizes) != x.shape[axis]:
            raise shape_error("split", f"split sizes {list(sizes)} must sum to the size of "
                              f"dimension {dim}", x.shape)
        self.n_out = len(sizes)
        self.sizes, self.shape = sizes, x.shape
        return tuple(xp.split(x, xp.cumsum(sizes)[:-1], axis=axis))

    def backward(self, *grads):
        parts = []
        for g, n in zip(grads, self.sizes):
            if g is None:
                shape = list(self.shape)
                shape[self.axis] = n
                g = xp.zeros(shape, next(h for h in grads if h is not None).dtype)
            parts.append(g)
        return (xp.concatenate(parts, axis=self.axis),)


class Unbind(Function):
    n_out = -1

    def forward(self, x, dim=0):
        self.axis = normalize_dim("unbind", dim, max(x.ndim, 1))
        if x.ndim == 0:
            raise shape_error("unbind", "cannot unbind a 0-d tensor", x.shape)
        self.n_out = x.shape[self.axis]
        self.shape = x.shape
        return tuple(xp.moveaxis(x, self.axis, 0))

    def backward(self, *grads):
        dtype = next(g for g in grads if g is not None).dtype
        zero = xp.zeros(self.shape[:self.axis] + self.shape[self.axis + 1:], dtype)
        return (xp.stack([zero if g is None else g for g in grads], axis=self.axis),)


def _tensors(op, tensors):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}: expected a sequence of tensors, got a single Tensor")
    return tuple(tensors)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension ``dim``."""
    return Cat.apply(*_tensors("cat", tensors), dim=dim)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension ``dim``."""
    return Stack.apply(*_tensors("stack", tensors), dim=dim)


def hstack(tensors):
    tensors = _tensors("hstack", tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    from ember.ops.shape import unsqueeze

    return cat([t if t.ndim > 1 else unsqueeze(t, 0) for t in _tensors("vstack", tensors)], 0)


def split(tensor, split_size_or_sections, dim=0):
    """Cut into pieces of ``split_size_or_sections`` along ``dim`` (the last may be
    smaller), or into pieces of the listed sizes."""
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0:
            raise ValueError(f"split: split_size must be positive, got {step}")
        sizes = tuple(min(step, n - i) for i in range(0, n, step)) or (0,)
    else:
        sizes = tuple(int(s) for s in split_size_or_sections)
    return Split.apply(tensor, sizes=sizes, dim=dim)


def chunk(input, chunks, dim=0):  # noqa: A002
    """Cut into ``chunks`` pieces of equal size (the last one may be smaller)."""
    if chunks <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    n = input.shape[dim]
    return split(input, max(-(-n // chunks), 1), dim)


def unbind(input, dim=0):  # noqa: A002
    """The slices along ``dim``, as a tuple of tensors with that dimension removed."""
    return Unbind.apply(input, dim=dim)


def _varargs(tensors):
    """``f(a, b)`` or ``f([a, b])``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(tensors[0])
    return tensors


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors: ``indexing="ij"`` gives shape (len(t0), len(t1),
    ...); ``"xy"`` (Cartesian) swaps the first two dimensions."""
    from ember.ops.shape import expand, reshape

    tensors = _varargs(tensors)
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    for t in tensors:
        if t.ndim > 1:
            raise shape_error("meshgrid", "expects 0-D or 1-D tensors",
                              *(t.shape for t in tensors))
    sizes = [t.shape[0] if t.ndim else 1 for t in tensors]
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for i, a in enumerate(axes):
        shape[a] = sizes[i]
    grids = []
    for t, a in zip(tensors, axes):
        view = [1] * len(shape)
        view[a] = shape[a]
        grids.append(expand(reshape(t, tuple(view)), tuple(shape)))
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, one per row (like
    ``itertools.product``); a single tensor is returned as it is."""
    from ember.ops.shape import reshape

    tensors = _varargs(tensors)
    if len(tensors) == 1:
        return tensors[0]
    return stack([reshape(g, -1) for g in meshgrid(*tensors, indexing="ij")], dim=1)


def block_diag(*tensors):
    """A matrix with the given blocks on its diagonal and zeros elsewhere (0-D and 1-D
    tensors count as one row)."""
    from ember.ops.padding import pad
    from ember.ops.shape import reshape

    blocks = [reshape(t, (1, -1)) if t.ndim < 2 else t for t in _varargs(tensors)]
    for b in blocks:
        if b.ndim != 2:
            raise shape_error("block_diag", "expects tensors of at most 2 dimensions",
                              *(t.shape for t in tensors))
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(pad(b, (left, width - left - b.shape[1])))
        left += b.shape[1]
    return cat(rows, dim=0)


tensor_sequence = _tensors  # the argument check, for the joins of ``ember.ops.arrange``
