"""Finite differences and integrals along a dimension, composed from slicing and
arithmetic (their gradients come from there): diff, gradient, trapezoid (trapz) and
cumulative_trapezoid.
"""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import index as X
from ember.ops import join as J
from ember.ops import reduce as R
from ember.tensor import Tensor

__all__ = ["diff", "gradient", "trapezoid", "trapz", "cumulative_trapezoid"]


def _axis(op, input, dim):  # noqa: A002
    nd = input.ndim
    if nd == 0:
        raise shape_error(op, "input must have at least 1 dimension", ())
    if not -nd <= dim < nd:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor of {nd} dimensions")
    return dim % nd


def _slice(x, axis, start, stop):
    n = x.shape[axis]
    start, stop = start % (n + 1) if start < 0 else start, stop % (n + 1) if stop < 0 else stop
    return X.narrow(x, axis, start, max(stop - start, 0))


def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """The ``n``-th forward difference along ``dim``, after joining ``prepend`` and
    ``append`` (same shape except along ``dim``); booleans give ``!=`` of neighbours."""
    axis = _axis("diff", input, dim)
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    parts = [p for p in (prepend, input, append) if p is not None]
    for p in parts:
        if p.ndim != input.ndim:
            raise shape_error("diff", "prepend and append must have the dimensions of input",
                              input.shape, p.shape)
    x = J.cat(parts, axis) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[axis]
        if m == 0:
            break
        a, b = _slice(x, axis, 1, m), _slice(x, axis, 0, m - 1)
        x = E.ne(a, b) if x.dtype == xp.bool_ else E.sub(a, b)
    return x


def _coordinates(c):
    return c.array if isinstance(c, Tensor) else xp.asarray(c)


def gradient(input, *, spacing=1, dim=None, edge_order=1):  # noqa: A002
    """The derivative estimated by central differences in the interior and one-sided ones
    at the edges, along each of ``dim`` (all dims by default): one tensor per dim.
    ``spacing`` is a number, one number per dim, or one coordinate tensor per dim."""
    if edge_order != 1:
        raise ValueError(f"gradient: only edge_order=1 is supported, got {edge_order}")
    dims = list(range(input.ndim)) if dim is None else ([dim] if isinstance(dim, int)
                                                         else list(dim))
    dims = [_axis("gradient", input, d) for d in dims]
    if isinstance(spacing, (int, float)):
        spacing = [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) == 1 and len(dims) > 1 and isinstance(spacing[0], (int, float)):
        spacing = spacing * len(dims)
    if len(spacing) != len(dims):
        raise ValueError(f"gradient: expected spacing to have one entry per dim ({len(dims)}), "
                         f"got {len(spacing)}")
    out = []
    for axis, h in zip(dims, spacing):
        n = input.shape[axis]
        if n < edge_order + 1:
            raise shape_error("gradient", f"each dimension must have at least edge_order + 1 "
                              f"= {edge_order + 1} elements (dimension {axis} has {n})",
                              input.shape)
        out.append(_gradient_1d(input, axis, h))
    return tuple(out)


def _along(values, axis, ndim, dtype):
    """A 1-D array of constants shaped to broadcast along ``axis``."""
    shape = [1] * ndim
    shape[axis] = -1
    return xp.asarray(values, dtype=dtype).reshape(shape)


def _gradient_1d(f, axis, h):
    n = f.shape[axis]
    nd, dtype = f.ndim, f.dtype if f.dtype.kind == "f" else xp.float32
    if f.dtype.kind != "f":
        f = E.Cast.apply(f, dtype=dtype)
    first = E.sub(_slice(f, axis, 1, 2), _slice(f, axis, 0, 1))
    last = E.sub(_slice(f, axis, n - 1, n), _slice(f, axis, n - 2, n - 1))
    nxt, mid, prev = _slice(f, axis, 2, n), _slice(f, axis, 1, n - 1), _slice(f, axis, 0, n - 2)
    if isinstance(h, (int, float)):
        inner = E.div(E.sub(nxt, prev), 2.0 * h)
        first, last = E.div(first, float(h)), E.div(last, float(h))
    else:
        x = _coordinates(h).astype(xp.float64)
        if x.shape != (n,):
            raise shape_error("gradient", f"a coordinate tensor must be 1-D with the size of "
                              f"its dimension ({n})", x.shape)
        hd, hs = xp.diff(x)[:-1], xp.diff(x)[1:]  # the steps before and after each point
        denom = hs * hd * (hd + hs)
        a, b, c = -hs * hs / denom, (hs * hs - hd * hd) / denom, hd * hd / denom
        inner = E.add(E.add(E.mul(prev, _along(a, axis, nd, dtype)),
                            E.mul(mid, _along(b, axis, nd, dtype))),
                      E.mul(nxt, _along(c, axis, nd, dtype)))
        first = E.div(first, float(x[1] - x[0]))
        last = E.div(last, float(x[-1] - x[-2]))
    return J.cat([first, inner, last], axis)


def _trapezoid_terms(op, y, x, dx, dim):
    axis = _axis(op, y, dim)
    n = y.shape[axis]
    avg = E.mul(E.add(_slice(y, axis, 1, n), _slice(y, axis, 0, max(n - 1, 0))), 0.5)
    if x is None:
        return (avg if dx is None else E.mul(avg, dx)), axis
    if x.ndim == 1:
        if x.shape[0] != n:
            raise shape_error(op, f"a 1-D x must have the size of y along dim ({n})", y.shape,
                              x.shape)
        steps = diff(x)
        shape = [1] * y.ndim
        shape[axis] = -1
        from ember.ops.shape import reshape

        steps = reshape(steps, shape)
    else:
        steps = diff(x, dim=dim)
    return E.mul(avg, steps), axis


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at points ``x`` (a
    1-D tensor or one of y's shape) or with spacing ``dx`` (1 by default)."""
    if x is not None and dx is not None:
        raise ValueError("trapezoid: give x or dx, not both")
    terms, axis = _trapezoid_terms("trapezoid", y, x, dx, dim)
    return R.sum(terms, axis)


trapz = trapezoid  # the older name


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal integral along ``dim`` (one element fewer than ``y``)."""
    if x is not None and dx is not None:
        raise ValueError("cumulative_trapezoid: give x or dx, not both")
    terms, axis = _trapezoid_terms("cumulative_trapezoid", y, x, dx, dim)
    return R.cumsum(terms, axis)
