"""Ops that select or place elements: indexing, gather/scatter, masks, triangles, one-hot.

Gradients of a selection put the output gradient back where the elements came from, and
add up where one element was selected several times (repeated indices).
"""
from __future__ import annotations

from ember.autograd import Function, Symbolic
from ember.backend import xp
from ember.errors import shape_error
from ember.tensor import Tensor


def _is_basic(key):
    """Whether ``key`` uses only ints, slices, None and Ellipsis (a view, no repeats)."""
    parts = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in parts)


def _rows_then_slices(key):
    """Whether ``key`` is ``(integer array, slice, slice, ...)``."""
    return (isinstance(key, tuple) and len(key) > 1 and isinstance(key[0], xp.ndarray)
            and key[0].dtype.kind in "iu" and all(isinstance(k, slice) for k in key[1:]))


def scatter_rows(index, g, rows):
    """``zeros((rows,) + g.shape[1:])`` with ``g[i]`` added at row ``index[i]``.

    Sorting the indices once and summing each run with ``add.reduceat`` is about twice as
    fast as ``add.at`` (an embedding's backward goes through here).
    """
    out = xp.zeros((rows,) + g.shape[index.ndim:], g.dtype)
    flat = index.reshape(-1)
    if flat.size == 0:
        return out
    flat = xp.where(flat < 0, flat + rows, flat)
    g = g.reshape((flat.size,) + g.shape[index.ndim:])
    order = xp.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = xp.flatnonzero(xp.concatenate([[True], ordered[1:] != ordered[:-1]]))
    out[ordered[starts]] = xp.add.reduceat(g[order], starts, axis=0)
    return out


class Index(Function):
    """``x[key]``: basic and advanced indexing; the gradient scatter-adds into zeros."""

    def forward(self, x, key):
        self.shape, self.dtype, self.key = x.shape, x.dtype, key
        try:
            out = x[key]
        except IndexError as err:
            raise IndexError(f"index: {err} (input shape {tuple(x.shape)})") from None
        if isinstance(out, xp.generic) and _is_basic(key):
            # x[i, j] as a 0-d view, as in PyTorch: x[i, j] += 1 and x[i].add_(1) write to x
            out = x[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
        return out

    def backward(self, g):
        key = self.key
        if _is_basic(key):  # a view: every element selected at most once
            out = xp.zeros(self.shape, self.dtype)
            out[key] = g
            return (out,)
        if isinstance(key, xp.ndarray) and len(self.shape):
            if key.dtype == xp.bool_:  # a mask selects each element at most once
                out = xp.zeros(self.shape, self.dtype)
                out[key] = g
                return (out,)
            if key.dtype.kind in "iu":
                return (scatter_rows(key, g, self.shape[0]),)  # e.g. an embedding lookup
        if _rows_then_slices(key):  # x[idx, :] and x[idx, a:b]
            out = xp.zeros(self.shape, self.dtype)
            out[(slice(None),) + key[1:]] = scatter_rows(key[0], g, self.shape[0])
            return (out,)
        out = xp.zeros(self.shape, self.dtype)
        xp.add.at(out, key, g)  # repeated indices accumulate
        return (out,)


def _along(index, axis):
    """Index arrays selecting ``index`` along ``axis`` and every position elsewhere."""
    grids = list(xp.ogrid[tuple(slice(0, n) for n in index.shape)])
    grids[axis] = index
    return tuple(grids)


def _check_gather(op, x, index, axis):
    if index.ndim != x.ndim:
        raise shape_error(op, "index must have as many dimensions as input", x.shape,
                          index.shape)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an integer tensor, got {index.dtype}")
    for d, (n, m) in enumerate(zip(x.shape, index.shape)):
        if d != axis and m > n:
            raise shape_error(op, f"index is larger than input at dimension {d}", x.shape,
                              index.shape)


class Gather(Function):
    """``out[i][j] = x[index[i][j]][j]`` (for dim 0): picks along ``dim``."""

    def forward(self, x, index, dim):
        axis = dim % max(x.ndim, 1)
        _check_gather("gather", x, index, axis)
        self.shape, self.axis, self.index = x.shape, axis, index
        if x.ndim == 0:
            return x[()] * xp.ones(index.shape, x.dtype)
        try:
            return x[_along(index, axis)]
        except IndexError as err:
            raise IndexError(f"gather: {err} (input shape {x.shape})") from None

    def backward(self, g):
        out = xp.zeros(self.shape, g.dtype)
        if out.ndim == 0:
            return g.sum().reshape(()), None
        xp.add.at(out, _along(self.index, self.axis), g)
        return out, None


class ScatterAdd(Function):
    """``out = x`` then ``out[index[i][j]][j] += src[i][j]`` (for dim 0)."""

    def forward(self, x, index, src, dim):
        axis = dim % max(x.ndim, 1)
        _check_gather("scatter_add", x, index, axis)
        self.axis, self.index, self.src_shape = axis, index, xp.shape(src)
        out = x.copy()
        src = xp.asarray(src)
        part = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src
        xp.add.at(out, _along(index, axis), part)
        return out

    def backward(self, g):
        gsrc = None
        if self.needs_input_grad(2):
            gsrc = xp.zeros(self.src_shape, g.dtype)
            gsrc[tuple(slice(0, n) for n in self.index.shape)] = g[_along(self.index, self.axis)]
        return g, None, gsrc


class Scatter(Function):
    """``out = x`` then ``out[index[i][j]][j] = src[i][j]`` (for dim 0); ``src`` may be a
    scalar. Overwritten entries get no gradient from ``x``; ``src`` gets what it wrote."""

    def forward(self, x, index, src, dim):
        axis = dim % max(x.ndim, 1)
        _check_gather("scatter", x, index, axis)
        self.axis, self.index, self.src_shape = axis, index, xp.shape(src)
        out = x.copy()
        src = xp.asarray(src)
        out[_along(index, axis)] = src[tuple(slice(0, n) for n in index.shape)] if (
            src.ndim) else src
        return out

    def backward(self, g):
        where = _along(self.index, self.axis)
        gx = g.copy()
        gx[where] = 0
        gsrc = None
        if self.needs_input_grad(2):
            gsrc = xp.zeros(self.src_shape, g.dtype)
            gsrc[tuple(slice(0, n) for n in self.index.shape)] = g[where]
        return gx, None, gsrc


class MaskedFill(Function):
    def forward(self, x, mask, value):
        if mask.dtype != xp.bool_:
            raise TypeError(f"masked_fill: mask must be a bool tensor, got {mask.dtype}")
        self.mask = mask
        try:
            return xp.where(mask, xp.asarray(value, x.dtype), x)
        except ValueError:
            raise shape_error("masked_fill", "mask cannot be broadcast to the input", x.shape,
                              mask.shape) from None

    def backward(self, g):
        return xp.where(self.mask, xp.zeros((), g.dtype), g), None


class IndexSelect(Function):
    def forward(self, x, index, dim):
        if index.ndim > 1 or index.dtype.kind not in "iu":
            raise TypeError("index_select: index must be a 1-D integer tensor "
                            f"(got shape {index.shape}, dtype {index.dtype})")
        self.shape, self.axis, self.index = x.shape, dim % max(x.ndim, 1), index
        return xp.take(x, index, axis=self.axis) if x.ndim else x[()] * xp.ones(
            index.shape, x.dtype)

    def backward(self, g):
        if not self.shape:
            return g.sum().reshape(()), None
        moved = xp.moveaxis(g, self.axis, 0)
        out = scatter_rows(self.index.reshape(-1), moved, self.shape[self.axis])
        return xp.moveaxis(out, 0, self.axis), None


class IndexPlace(Function):
    """A copy of ``x`` with ``source`` added (``op="add"``), copied (``"copy"``) or the
    number ``source`` written (``"fill"``) at the positions ``index`` along ``dim``."""

    def forward(self, x, index, source, dim, op="add"):
        name = f"index_{op}"
        if index.ndim > 1 or index.dtype.kind not in "iu":
            raise TypeError(f"{name}: index must be a 1-D integer tensor (got shape "
                            f"{index.shape}, dtype {index.dtype})")
        shape = x.shape
        x = x.reshape(1) if x.ndim == 0 else x
        axis = dim % x.ndim
        index = index.reshape(-1)
        n = x.shape[axis]
        if index.size and (index.min() < -n or index.max() >= n):
            raise IndexError(f"{name}: index out of range for dimension {dim} of size {n} "
                             f"(got values from {index.min()} to {index.max()})")
        source = xp.asarray(source)
        expected = x.shape[:axis] + (index.size,) + x.shape[axis + 1:]
        if op != "fill":
            if len(shape) == 0 and source.size == index.size:  # a 0-d input
                source = source.reshape(expected)
            if source.shape != expected:
                raise shape_error(name, f"source must have the input's shape with dimension "
                                  f"{dim} of size len(index) = {index.size}", shape,
                                  index.shape, source.shape)
        self.shape, self.axis, self.index, self.op = shape, axis, index, op
        out = x.copy()
        moved = xp.moveaxis(out, axis, 0)
        if op == "add":
            xp.add.at(moved, index, xp.moveaxis(source, axis, 0) if source.ndim else source)
        else:
            moved[index] = xp.moveaxis(source, axis, 0) if source.ndim else source
        return out.reshape(shape)

    def backward(self, g):
        g1 = g.reshape(1) if g.ndim == 0 else g
        gx = g
        if self.op != "add":  # overwritten entries no longer depend on x
            gx = g1.copy()
            xp.moveaxis(gx, self.axis, 0)[self.index] = 0
            gx = gx.reshape(self.shape)
        gsrc = None
        if self.needs_input_grad(2):
            gsrc = xp.take(g1, self.index, axis=self.axis)
            if self.op == "fill":
                gsrc = gsrc.sum()
        return gx, None, gsrc


class Triangle(Function):
    """``tril``/``triu``: zero the elements above (below) the ``diagonal``-th diagonal."""

    def forward(self, x, diagonal=0, upper=False):
        if x.ndim < 2:
            raise shape_error("triu" if upper else "tril", "input must have at least 2 "
                              "dimensions", x.shape)
        self.diagonal, self.upper = diagonal, upper
        return xp.triu(x, diagonal) if upper else xp.tril(x, diagonal)

    def backward(self, g):
        return (xp.triu(g, self.diagonal) if self.upper else xp.tril(g, self.diagonal),)


class Select(Function):
    """Non-differentiable selections whose output size depends on values."""

    differentiable = False

    def forward(self, x, op, num_classes=-1):
        if op == "nonzero":
            return xp.stack(xp.nonzero(x), axis=-1).astype(xp.int64) if x.ndim else (
                xp.zeros((int(x != 0), 0), xp.int64))
        # one_hot
        if x.dtype.kind not in "iu":
            raise TypeError(f"one_hot: expected an integer (int64) tensor, got {x.dtype}")
        n = int(x.max()) + 1 if num_classes == -1 and x.size else num_classes
        if num_classes == -1 and x.size == 0:
            raise RuntimeError("one_hot: cannot infer num_classes from an empty tensor")
        if x.size and (x.min() < 0 or x.max() >= n):
            raise RuntimeError(f"one_hot: class values must be in [0, {n}) "
                               f"(got values from {x.min()} to {x.max()})")
        return (x[..., None] == xp.arange(n)).astype(xp.int64)


# ----------------------------------------------------------------------------- functions
def _key_arrays(key):
    """Replace tensors inside an indexing key by their arrays."""
    if isinstance(key, Tensor):
        return key.array
    if isinstance(key, tuple):
        return tuple(k.array if isinstance(k, Tensor) else
                     xp.asarray(k) if isinstance(k, list) else k for k in key)
    if isinstance(key, list):
        return xp.asarray(key)
    return key


def getitem(input, key):  # noqa: A002
    """``x[key]`` with ints, slices, None, Ellipsis, boolean masks and integer arrays."""
    return Index.apply(input, key=_key_arrays(key))


def _index_array(index):
    """Tensors pass as they are (graph mode records them); lists become arrays."""
    return index if isinstance(index, Tensor) or hasattr(index, "dtype") else xp.asarray(index)


def gather(input, dim, index, *, sparse_grad=False):  # noqa: A002
    """Pick ``input`` values along ``dim`` at ``index``: out[i][j] = input[index[i][j]][j]
    for ``dim=0``; the output has the shape of ``index``."""
    return Gather.apply(input, _index_array(index), dim=dim)


def take_along_dim(input, indices, dim):  # noqa: A002
    return Gather.apply(input, _index_array(indices), dim=dim)


def scatter_add(input, dim, index, src):  # noqa: A002
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeats add up)."""
    return ScatterAdd.apply(input, _index_array(index), src, dim=dim)


def scatter(input, dim, index, src=None, *, value=None):  # noqa: A002
    """A copy of ``input`` with ``src`` (a tensor, or the scalar ``value``) written at
    ``index`` along ``dim``: out[index[i][j]][j] = src[i][j] for ``dim=0``."""
    if (src is None) == (value is None):
        raise TypeError("scatter: give exactly one of src (a tensor or number) and value")
    return Scatter.apply(input, _index_array(index), value if src is None else src, dim=dim)


def masked_fill(input, mask, value):  # noqa: A002
    """``value`` where ``mask`` (bool, broadcast to the input) is true, the input elsewhere."""
    if isinstance(value, (Tensor, Symbolic)):  # a 0-d tensor value: it may carry a gradient
        from ember.ops.elementwise import where

        return where(mask, value.to(input.dtype), input)
    m = mask.array if isinstance(mask, Tensor) else (
        mask if isinstance(mask, Symbolic) else xp.asarray(mask))  # graph mode records it
    return MaskedFill.apply(input, m, value=value)


def index_select(input, dim, index):  # noqa: A002
    """The entries of ``input`` at ``index`` (1-D) along ``dim``."""
    return IndexSelect.apply(input, _index_array(index), dim=dim)


def masked_select(input, mask):  # noqa: A002
    """The elements where ``mask`` is true, as a 1-D tensor."""
    from ember.ops.shape import broadcast_to

    if isinstance(mask, Symbolic):  # graph mode: a mask computed in the graph is an input
        shape = xp.broadcast_shapes(tuple(mask.shape), tuple(input.shape))
        return Index.apply(broadcast_to(input, shape), key=broadcast_to(mask, shape))
    m = mask.array if isinstance(mask, Tensor) else xp.asarray(mask)
    if m.shape != tuple(input.shape):
        try:
            shape = xp.broadcast_shapes(m.shape, tuple(input.shape))
        except ValueError:
            raise shape_error("masked_select", "mask cannot be broadcast to the input",
                              tuple(input.shape), m.shape) from None
        input = broadcast_to(input, shape)
        m = xp.broadcast_to(m, shape)
    return Index.apply(input, key=m)


def nonzero(input, *, as_tuple=False):  # noqa: A002
    """Indices of the non-zero elements, one row per element (a tuple of columns with
    ``as_tuple=True``)."""
    idx = Select.apply(input, op="nonzero")
    if as_tuple:
        return tuple(idx[:, i] for i in range(idx.shape[1]))
    return idx


def argwhere(input):  # noqa: A002
    return Select.apply(input, op="nonzero")


def tril(input, diagonal=0):  # noqa: A002
    """The lower triangle (on and below the ``diagonal``-th diagonal); zeros elsewhere."""
    return Triangle.apply(input, diagonal=diagonal, upper=False)


def triu(input, diagonal=0):  # noqa: A002
    """The upper triangle (on and above the ``diagonal``-th diagonal); zeros elsewhere."""
    return Triangle.apply(input, diagonal=diagonal, upper=True)


def one_hot(tensor, num_classes=-1):
    """int64 one-hot encoding: shape ``tensor.shape + (num_classes,)``; -1 infers it."""
    return Select.apply(tensor, op="one_hot", num_classes=num_classes)


class IndexPut(Function):
    """``out = x.copy(); out[key] = value``: what ``x[key] = value`` computes in a graph."""

    def forward(self, x, value, key, accumulate=False):
        self.key, self.value_shape, self.accumulate = key, xp.shape(value), accumulate
        out = x.copy()
        try:
            if accumulate:  # repeated indices add up
                xp.add.at(out, key, xp.broadcast_to(value, out[key].shape))
            else:
                out[key] = value
        except ValueError:
            raise shape_error("index_put" if accumulate else "setitem", "value cannot be "
                              "broadcast to the indexed shape", x.shape,
                              xp.shape(value)) from None
        return out

    def backward(self, g):
        gx = None
        if self.needs_input_grad(0):
            gx = g
            if not self.accumulate:
                gx = g.copy()
                gx[self.key] = 0  # overwritten entries no longer depend on x
        gv = g[self.key] if self.needs_input_grad(1) else None
        return gx, gv


def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """Out of place ``input[indices] = values`` (the graph form of ``__setitem__``), or
    ``input[indices] += values`` with repeated indices adding up when ``accumulate``."""
    return IndexPut.apply(input, values, key=_key_arrays(indices), accumulate=accumulate)


def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """A copy of ``input`` with ``alpha * source`` added at ``index`` (1-D) along ``dim``;
    repeated indices add up."""
    if alpha != 1:
        from ember.ops.elementwise import mul

        source = mul(source, alpha)
    return IndexPlace.apply(input, _index_array(index), source, dim=dim, op="add")


def index_copy(input, dim, index, source):  # noqa: A002
    """A copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``."""
    return IndexPlace.apply(input, _index_array(index), source, dim=dim, op="copy")


def index_fill(input, dim, index, value):  # noqa: A002
    """A copy of ``input`` with ``value`` written at ``index`` along ``dim``."""
    return IndexPlace.apply(input, _index_array(index), value, dim=dim, op="fill")


def take(input, index):  # noqa: A002
    """The elements of the flattened ``input`` at ``index``; the result has its shape."""
    from ember.ops.shape import reshape

    index = _index_array(index)
    flat = IndexSelect.apply(reshape(input, -1), reshape(index, -1), dim=0)
    return reshape(flat, tuple(index.shape))


def narrow(input, dim, start, length):  # noqa: A002
    """The slice ``start:start + length`` of ``input`` along ``dim`` (a view in PyTorch)."""
    nd = input.ndim
    if not -max(nd, 1) <= dim < max(nd, 1) or nd == 0:
        raise IndexError(f"narrow: dim {dim} is out of range for a tensor of {nd} dimensions")
    axis = dim % nd
    size = input.shape[axis]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"narrow: start ({start}) is out of range for dimension {dim} of size "
                         f"{size}")
    start %= size if size else 1
    if length < 0 or start + length > size:
        raise shape_error("narrow", f"start ({start}) + length ({length}) exceeds dimension "
                          f"{dim} of size {size}", tuple(input.shape))
    key = (slice(None),) * axis + (slice(start, start + length),)
    return Index.apply(input, key=key)


# public names of the helpers that ``ember.ops.scatter`` builds on
along, check_gather, index_array = _along, _check_gather, _index_array
