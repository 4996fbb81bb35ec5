"""Writing into copies of tensors: scatter_reduce and index_reduce (sum, prod, mean, amax,
amin), select_scatter, slice_scatter, masked_scatter; and index helpers without gradients:
unravel_index and unique_consecutive.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops import index as X

__all__ = ["scatter_reduce", "index_reduce", "select_scatter", "slice_scatter",
           "masked_scatter", "unravel_index", "unique_consecutive"]

_REDUCTIONS = {"sum": xp.add, "prod": xp.multiply, "mean": xp.add, "amax": xp.maximum,
               "amin": xp.minimum}
_IDENTITY = {"sum": 0, "prod": 1, "mean": 0, "amax": -xp.inf, "amin": xp.inf}


class ScatterReduce(Function):
    """``out = x`` then ``out[index[i][j]][j] = reduce(out[...], src[i][j])`` (for dim 0);
    without ``include_self`` the entries written to start from the reduction's identity.
    Gradients as in PyTorch: sum/mean pass ``g`` (divided by the count for mean), amax/amin
    share it evenly among the entries equal to the result, prod gives ``g * out / value``."""

    def forward(self, x, index, src, dim, reduce, include_self, along=False):
        axis = dim % max(x.ndim, 1)
        if along:  # index_reduce: a 1-D index of the slices of src along dim
            if index.ndim != 1 or src.ndim != x.ndim or src.shape[axis] != index.shape[0]:
                raise shape_error("index_reduce", "index must be 1-D with one entry per "
                                  f"slice of source along dim {dim}", x.shape, src.shape,
                                  index.shape)
            shape = [1] * src.ndim
            shape[axis] = -1
            index = xp.broadcast_to(index.reshape(shape), src.shape)
        X.check_gather("scatter_reduce", x, index, axis)
        where = X.along(index, axis)
        part = src[tuple(slice(0, n) for n in index.shape)]
        hit = xp.zeros(x.shape, bool)
        hit[where] = True
        out = x.copy()
        if not include_self:
            ident = _IDENTITY[reduce]
            out[hit] = ident if x.dtype.kind == "f" or abs(ident) != xp.inf else (
                xp.iinfo(x.dtype).min if ident < 0 else xp.iinfo(x.dtype).max)
        _REDUCTIONS[reduce].at(out, where, part)
        count = xp.zeros(x.shape, xp.int64)
        xp.add.at(count, where, 1)
        count = count + (include_self | ~hit)  # values reduced into each entry
        if reduce == "mean":
            out = out / xp.maximum(count, 1) if x.dtype.kind == "f" else out // xp.maximum(
                count, 1)
            out = out.astype(x.dtype, copy=False)
        self.x, self.src, self.where, self.hit, self.count, self.out = (
            x, src, where, hit, count, out)
        self.part_shape, self.reduce, self.include_self = part.shape, reduce, include_self
        return out

    def backward(self, g):
        x, where, hit, reduce = self.x, self.where, self.hit, self.reduce
        keep_self = self.include_self | ~hit  # x takes part in its entry's reduction
        if reduce in ("sum", "mean"):
            scale = g / self.count if reduce == "mean" else g
            gx, gpart = scale * keep_self, scale[where]
        elif reduce in ("amax", "amin"):
            ties = xp.zeros(x.shape, g.dtype)
            self_tie = (x == self.out) & keep_self
            ties += self_tie
            part = self.src[tuple(slice(0, n) for n in self.part_shape)]
            part_tie = part == self.out[where]
            xp.add.at(ties, where, part_tie)
            share = g / xp.maximum(ties, 1)
            gx, gpart = share * self_tie, share[where] * part_tie
        else:  # prod: d out / d v = out / v
            part = self.src[tuple(slice(0, n) for n in self.part_shape)]
            with xp.errstate(divide="ignore", invalid="ignore"):
                gx = xp.where(keep_self, g * self.out / x, 0)
                gpart = (g * self.out)[where] / part
        gsrc = None
        if self.needs_input_grad(2):
            gsrc = xp.zeros(self.src.shape, g.dtype)
            gsrc[tuple(slice(0, n) for n in self.part_shape)] = gpart
        return gx.astype(g.dtype, copy=False), None, gsrc


def _reduce_name(op, reduce, allowed):
    if reduce not in allowed:
        raise ValueError(f"{op}: reduce must be one of {allowed}, got {reduce!r}")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """Reduce the values of ``src`` into a copy of ``input`` at ``index`` along ``dim``
    (``reduce``: 'sum', 'prod', 'mean', 'amax' or 'amin')."""
    _reduce_name("scatter_reduce", reduce, tuple(_REDUCTIONS))
    if src.dtype != input.dtype:
        raise TypeError(f"scatter_reduce: src must have the dtype of input ({input.dtype}), "
                        f"got {src.dtype}")
    return ScatterReduce.apply(input, X.index_array(index), src, dim=dim, reduce=reduce,
                               include_self=include_self)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):  # noqa: A002
    """Reduce the slices of ``source`` into a copy of ``input`` at the positions ``index``
    (1-D) along ``dim`` (``reduce``: 'prod', 'mean', 'amax' or 'amin')."""
    _reduce_name("index_reduce", reduce, ("prod", "mean", "amax", "amin"))
    return ScatterReduce.apply(input, X.index_array(index), source, dim=dim, reduce=reduce,
                               include_self=include_self, along=True)


def select_scatter(input, src, dim, index):  # noqa: A002
    """A copy of ``input`` whose slice at ``index`` along ``dim`` is ``src``."""
    nd = input.ndim
    if not -nd <= dim < nd:
        raise IndexError(f"select_scatter: dim {dim} is out of range for a tensor of {nd} "
                         "dimensions")
    key = (slice(None),) * (dim % nd) + (index,)
    expected = xp.empty(tuple(input.shape), bool)[key].shape
    if tuple(src.shape) != expected:
        raise shape_error("select_scatter", f"src must have the shape of the selected slice "
                          f"{expected}", tuple(input.shape), tuple(src.shape))
    return X.index_put(input, key, src)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):  # noqa: A002
    """A copy of ``input`` whose slice ``start:end:step`` along ``dim`` is ``src``."""
    nd = input.ndim
    if not -nd <= dim < nd:
        raise IndexError(f"slice_scatter: dim {dim} is out of range for a tensor of {nd} "
                         "dimensions")
    key = (slice(None),) * (dim % nd) + (slice(start, end, step),)
    expected = xp.empty(tuple(input.shape), bool)[key].shape
    if tuple(src.shape) != expected:
        raise shape_error("slice_scatter", f"src must have the shape of the slice {expected}",
                          tuple(input.shape), tuple(src.shape))
    return X.index_put(input, key, src)


class MaskedScatter(Function):
    """The elements of ``source``, in order, written where ``mask`` (broadcast) is true."""

    def forward(self, x, mask, source):
        if mask.dtype != xp.bool_:
            raise TypeError(f"masked_scatter: mask must be a bool tensor, got {mask.dtype}")
        try:
            mask = xp.broadcast_to(mask, x.shape)
        except ValueError:
            raise shape_error("masked_scatter", "mask cannot be broadcast to input", x.shape,
                              mask.shape) from None
        n = int(mask.sum())
        if n > source.size:
            raise shape_error("masked_scatter", f"source has {source.size} elements but mask "
                              f"selects {n}", x.shape, source.shape)
        out = x.copy()
        out[mask] = source.reshape(-1)[:n]
        self.mask, self.n, self.source_shape = mask, n, source.shape
        return out

    def backward(self, g):
        gx = xp.where(self.mask, 0, g).astype(g.dtype, copy=False)
        gs = xp.zeros(int(xp.prod(self.source_shape)), g.dtype)
        gs[:self.n] = g[self.mask]
        return gx, None, gs.reshape(self.source_shape)


def masked_scatter(input, mask, source):  # noqa: A002
    return MaskedScatter.apply(input, mask, source)


class _IndexHelpers(Function):
    differentiable = False

    def forward(self, x, op, shape=None, return_inverse=False, return_counts=False, dim=None):
        if op == "unravel":
            if x.dtype.kind not in "iu":
                raise TypeError(f"unravel_index: indices must be integers, got {x.dtype}")
            size = int(xp.prod(shape)) if shape else 1
            if x.size and (x.min() < -size or x.max() >= size):
                raise IndexError(f"unravel_index: indices must be in [-{size}, {size}) for "
                                 f"shape {tuple(shape)}")
            return xp.stack([xp.asarray(a, xp.int64) for a in xp.unravel_index(
                x % max(size, 1), shape)]) if shape else xp.zeros((0,) + x.shape, xp.int64)
        # unique_consecutive: keep an element (slice) where it differs from the previous
        v = x.reshape(-1) if dim is None else xp.moveaxis(x, dim, 0)
        n = v.shape[0]
        if n == 0:
            keep = xp.zeros(0, bool)
        else:
            change = (v[1:] != v[:-1]).reshape(n - 1, -1).any(axis=1)
            keep = xp.concatenate([[True], change])
        values = v[keep] if dim is None else xp.moveaxis(v[keep], 0, dim)
        inverse = (xp.cumsum(keep) - 1).astype(xp.int64)
        counts = xp.diff(xp.append(xp.nonzero(keep)[0], n)).astype(xp.int64)
        return values, inverse.reshape(x.shape if dim is None else (n,)), counts


class _UniqueConsecutive(_IndexHelpers):
    n_out = 3


def unravel_index(indices, shape):
    """The coordinates, in an array of ``shape``, of flat ``indices``: one int64 tensor per
    dimension."""
    shape = (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)
    out = _IndexHelpers.apply(indices, op="unravel", shape=shape)
    return tuple(out[i] for i in range(len(shape)))


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Collapse each run of equal consecutive elements (slices along ``dim``) to one;
    optionally the run number of each element and each run's length."""
    if dim is not None and not -max(input.ndim, 1) <= dim < max(input.ndim, 1):
        raise IndexError(f"unique_consecutive: dim {dim} is out of range for a tensor of "
                         f"{input.ndim} dimensions")
    values, inverse, counts = _UniqueConsecutive.apply(input, op="unique", dim=dim)
    out = (values,) + ((inverse,) if return_inverse else ()) + (
        (counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out
