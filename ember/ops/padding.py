"""``pad``: constant, reflect, replicate and circular padding, PyTorch's argument order.

``pad=(left, right, top, bottom, ...)`` pads the last dimension first. Non-constant modes
are written as a gather along each padded dimension (an index map from output positions
to input positions), so their gradient is the matching scatter-add: border elements that
were copied several times collect every copy's gradient.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.index import scatter_rows

_MODES = ("constant", "reflect", "replicate", "circular")


def _source_positions(mode, n, before, after):
    """For each output position along a dimension of size ``n``, the input position."""
    pos = xp.arange(-before, n + after)
    if mode == "replicate":
        return xp.clip(pos, 0, n - 1)
    if mode == "circular":
        return pos % n
    # reflect (the edge is not repeated): fold the positions into [0, n - 1]
    period = 2 * (n - 1)
    pos = xp.abs(pos) % period if period else xp.zeros_like(pos)
    return xp.where(pos >= n, period - pos, pos)


class Pad(Function):
    def forward(self, x, pad, mode="constant", value=0.0):
        if len(pad) % 2 or len(pad) // 2 > x.ndim:
            raise shape_error("pad", f"padding {tuple(pad)} must have an even length of at "
                              f"most 2 * ndim", x.shape)
        if mode not in _MODES:
            raise ValueError(f"pad: mode must be one of {_MODES}, got {mode!r}")
        # (axis, before, after), last dimension first as in PyTorch
        self.widths = widths = [(x.ndim - 1 - i, pad[2 * i], pad[2 * i + 1])
                                for i in range(len(pad) // 2)]
        self.mode, self.shape = mode, x.shape
        if mode == "constant":
            crop = [slice(None)] * x.ndim
            grow = [(0, 0)] * x.ndim
            for axis, b, a in widths:  # negative padding crops
                crop[axis] = slice(max(-b, 0), x.shape[axis] - max(-a, 0))
                grow[axis] = (max(b, 0), max(a, 0))
            self.crop, self.grow = tuple(crop), grow
            return xp.pad(x[self.crop], grow, constant_values=value)
        self.maps = []
        for axis, b, a in widths:
            n = x.shape[axis]
            if mode == "reflect" and (b >= n or a >= n):
                raise shape_error("pad", f"reflect padding ({b}, {a}) must be smaller than "
                                  f"the dimension it pads ({n})", x.shape)
            if b < 0 or a < 0:
                raise ValueError(f"pad: negative padding needs mode='constant' (got {mode})")
            if n == 0:
                raise shape_error("pad", f"{mode} padding of an empty dimension", x.shape)
            idx = _source_positions(mode, n, b, a)
            self.maps.append((axis, idx))
            x = xp.take(x, idx, axis=axis)
        return x

    def backward(self, g):
        if self.mode == "constant":
            inner = tuple(slice(b, g.shape[i] - a) for i, (b, a) in enumerate(self.grow))
            out = xp.zeros(self.shape, g.dtype)
            out[self.crop] = g[inner]
            return (out,)
        for axis, idx in reversed(self.maps):
            g = xp.moveaxis(scatter_rows(idx, xp.moveaxis(g, axis, 0), self.shape[axis]), 0,
                            axis)
        return (g,)


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad ``input``: ``pad=(left, right)`` for the last dimension, then ``(top, bottom)``
    for the one before, and so on. Modes: constant (with ``value``), reflect, replicate,
    circular."""
    return Pad.apply(input, pad=tuple(int(p) for p in pad), mode=mode,
                     value=0.0 if value is None else value)
