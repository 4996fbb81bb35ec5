"""Arranging tensors, composed from the shape, join and index primitives (so their
gradients come from there): atleast_1d/2d/3d, broadcasting helpers, column_stack, dstack,
tensor_split and hsplit/vsplit/dsplit, rot90, tile, unflatten, select, diagflat, vander
and combinations.
"""
from __future__ import annotations

import itertools

from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import index as X
from ember.ops import join as J
from ember.ops import shape as S
from ember.tensor import Size, Tensor

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
           "column_stack", "dstack", "tensor_split", "hsplit", "vsplit", "dsplit", "rot90",
           "tile", "unflatten", "select", "diagflat", "vander", "combinations"]


def _atleast(tensors, n, make):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(tuple(tensors[0]), n, make))
    out = tuple(make(t) if t.ndim < n else t for t in tensors)
    return out[0] if len(out) == 1 else out


def atleast_1d(*tensors):
    """Each tensor with at least 1 dimension (0-d becomes shape (1,))."""
    return _atleast(tensors, 1, lambda t: S.reshape(t, 1))


def atleast_2d(*tensors):
    """Each tensor with at least 2 dimensions: (n,) becomes (1, n)."""
    return _atleast(tensors, 2, lambda t: S.reshape(t, 1, -1))


def atleast_3d(*tensors):
    """Each tensor with at least 3 dimensions: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    def make(t):
        return S.reshape(t, (1, -1, 1) if t.ndim < 2 else tuple(t.shape) + (1,))

    return _atleast(tensors, 3, make)


def broadcast_shapes(*shapes):
    """The shape that tensors of ``shapes`` broadcast to."""
    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return Size(xp.broadcast_shapes(*shapes))
    except ValueError:
        raise shape_error("broadcast_shapes", "shapes cannot be broadcast together",
                          *shapes) from None


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape."""
    shape = broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return tuple(S.broadcast_to(t, shape) for t in tensors)


def column_stack(tensors):
    """Stack 0-d/1-d tensors as columns (and 2-d ones as they are) along dim 1."""
    tensors = J.tensor_sequence("column_stack", tensors)
    return J.cat([S.reshape(t, -1, 1) if t.ndim < 2 else t for t in tensors], 1)


def dstack(tensors):
    """Join along the third dimension after ``atleast_3d``."""
    tensors = J.tensor_sequence("dstack", tensors)
    return J.cat(list(atleast_3d(*tensors)) if len(tensors) > 1 else [atleast_3d(tensors[0])],
                 2)


def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """Split into ``n`` near-equal parts (the first ``size % n`` one longer) or at the
    listed indices along ``dim``; always returns views covering the whole dimension."""
    if input.ndim == 0:
        raise shape_error("tensor_split", "input must have at least 1 dimension", ())
    size = input.shape[dim]
    sections = indices_or_sections
    if isinstance(sections, Tensor):
        sections = sections.tolist()
    if isinstance(sections, int):
        if sections <= 0:
            raise ValueError(f"tensor_split: number of sections must be positive, got "
                             f"{sections}")
        q, r = divmod(size, sections)
        bounds = list(itertools.accumulate([q + 1] * r + [q] * (sections - r)))[:-1]
    else:
        bounds = [int(i) for i in sections]
    edges = [0] + bounds + [size]
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        lo, hi = min(max(lo, 0), size), min(max(hi, 0), size)
        out.append(X.narrow(input, dim, lo, max(hi - lo, 0)) if size else input)
    return tuple(out)


def _split_n(op, input, sections, dim, min_dims):  # noqa: A002
    if input.ndim < min_dims:
        raise shape_error(op, f"input must have at least {min_dims} dimensions", input.shape)
    if isinstance(sections, int) and input.shape[dim] % sections:
        raise shape_error(op, f"dimension {dim} of size {input.shape[dim]} is not divisible "
                          f"by sections={sections}", input.shape)
    return tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):  # noqa: A002
    return _split_n("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


def vsplit(input, indices_or_sections):  # noqa: A002
    return _split_n("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):  # noqa: A002
    return _split_n("dsplit", input, indices_or_sections, 2, 3)


def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane ``dims``, from the first axis toward
    the second."""
    dims = tuple(dims)
    if len(dims) != 2 or input.ndim < 2:
        raise shape_error("rot90", f"needs 2 dims and an input of at least 2 dimensions "
                          f"(got dims={dims})", input.shape)
    a, b = dims[0] % input.ndim, dims[1] % input.ndim
    if a == b:
        raise ValueError(f"rot90: dims must be different, got {dims}")
    k %= 4
    if k == 0:
        return S.clone(input)
    if k == 2:
        return S.flip(input, (a, b))
    if k == 1:
        return S.transpose(S.flip(input, b), a, b)
    return S.flip(S.transpose(input, a, b), b)


def tile(input, dims):  # noqa: A002
    """Repeat the tensor ``dims`` times per dimension; missing leading dims count as 1."""
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    dims = (1,) * (input.ndim - len(dims)) + dims
    return S.repeat(input, *dims)


def unflatten(input, dim, sizes):  # noqa: A002
    """Split dimension ``dim`` into ``sizes`` (one may be -1)."""
    nd = input.ndim
    if not -max(nd, 1) <= dim < max(nd, 1) or nd == 0:
        raise IndexError(f"unflatten: dim {dim} is out of range for a tensor of {nd} "
                         "dimensions")
    dim %= nd
    sizes = tuple(sizes)
    known = 1
    for s in sizes:
        known *= s if s != -1 else 1
    n = input.shape[dim]
    if (-1 not in sizes and known != n) or (-1 in sizes and (known == 0 or n % known)):
        raise shape_error("unflatten", f"sizes {sizes} do not multiply to the size {n} of "
                          f"dimension {dim}", input.shape)
    shape = tuple(input.shape)
    return S.reshape(input, shape[:dim] + sizes + shape[dim + 1:])


def select(input, dim, index):  # noqa: A002
    """The slice at ``index`` along ``dim``, that dimension removed."""
    nd = input.ndim
    if nd == 0 or not -nd <= dim < nd:
        raise IndexError(f"select: dim {dim} is out of range for a tensor of {nd} dimensions")
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select: index {index} is out of range for dimension {dim} of size "
                         f"{size}")
    return X.getitem(input, (slice(None),) * (dim % nd) + (index,))


def diagflat(input, offset=0):  # noqa: A002
    """A 2-D tensor with the flattened input on diagonal ``offset``."""
    from ember.ops.linalg import diag

    return diag(S.reshape(input, -1), offset)


def vander(x, N=None, increasing=False):  # noqa: N803  (PyTorch's name)
    """The Vandermonde matrix of 1-D ``x``: columns ``x^(N-1), ..., x, 1`` (reversed when
    ``increasing``)."""
    if x.ndim != 1:
        raise shape_error("vander", "x must be 1-D", x.shape)
    n = x.shape[0] if N is None else N
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {N}")
    if n == 0:
        return X.getitem(S.reshape(x, -1, 1), (slice(None), slice(0, 0)))
    powers = [E.mul(x, 0) + 1]
    for _ in range(1, n):
        powers.append(E.mul(powers[-1], x))
    return J.stack(powers if increasing else powers[::-1], 1)


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """The length-``r`` combinations of the elements of 1-D ``input``, as rows."""
    if input.ndim != 1:
        raise shape_error("combinations", "input must be 1-D", input.shape)
    if r < 0:
        raise ValueError(f"combinations: r must be non-negative, got {r}")
    pick = itertools.combinations_with_replacement if with_replacement else (
        itertools.combinations)
    rows = list(pick(range(input.shape[0]), r))
    if r == 0:
        return S.reshape(E.mul(input[:0], 1), 0)
    if not rows:
        return S.reshape(input[:0], 0, r)
    idx = xp.asarray(rows, dtype=xp.int64)
    return X.getitem(input, idx)
