"""Sliding-window pooling, 1-D to 3-D: ``MaxPool``, ``AvgPool`` and ``MaxUnpool``.

Pooling works on the last ``nd`` dimensions of the input, whatever its leading ones, and
keeps the input's memory layout: after a convolution the activations are channel-major
(see ``ember.ops.conv``), and padded copies and gradients here are allocated in that same
order, so that nothing is transposed on the way.

General windows are ``prod(kernel)`` strided views of a padded copy (``ember.ops.im2col.
windows``): the forward is a running max (or sum) over them, the backward as many strided
slice-adds. Max pooling keeps, per output, which window offset won (the first one on ties,
as PyTorch).

The common 2x2, stride 2 max pooling (and 2x2x2 in 3-D) has a fast path: maxima over the
phases ``x[..., 0::2, 0::2]``, ... into one output buffer, a one-byte code per output of
which phase won (computed only when gradients are recorded), and a backward that writes
each phase of the gradient straight into place with ``multiply``.
"""
from __future__ import annotations

import functools
import itertools
import math

from ember import autograd
from ember.autograd import Function
from ember.backend import xp
from ember.backend_parallel import parallel_chunks
from ember.ops.im2col import windows


def _layout(x, nd):
    """``x``'s leading (non-pooled) axes, outermost in memory first."""
    return sorted(range(x.ndim - nd), key=lambda a: -x.strides[a])


def _full(shape, fill, dtype, layout):
    """An array of ``shape`` filled with ``fill`` (None: uninitialised), leading axes in
    memory order ``layout`` (the pooled axes after them).

    Gradients and padded copies then share their input's layout (channel-major after a
    convolution), so the ops around them never copy between layouts.
    """
    perm = list(layout) + list(range(len(layout), len(shape)))
    shape = tuple(shape[a] for a in perm)
    buf = xp.empty(shape, dtype) if fill is None else xp.full(shape, fill, dtype)
    return buf.transpose(xp.argsort(perm))


def _padded_shape(shape, padding, kernel, stride, dilation, out):
    """Shape of a padded copy large enough for every window (ceil_mode's included)."""
    nd = len(kernel)
    spatial = tuple(max(n + 2 * p, (o - 1) * s + d * (k - 1) + 1) for n, p, k, s, d, o
                    in zip(shape[-nd:], padding, kernel, stride, dilation, out))
    return tuple(shape[:-nd]) + spatial


def _interior(padding, size):
    return (Ellipsis,) + tuple(slice(p, p + n) for p, n in zip(padding, size))


def _padded(x, padding, kernel, stride, dilation, out, fill):
    """``x`` in a buffer padded with ``fill`` (``x`` itself if none is needed)."""
    shape = _padded_shape(x.shape, padding, kernel, stride, dilation, out)
    if shape == x.shape:
        return x
    img = _full(shape, fill, x.dtype, _layout(x, len(kernel)))
    img[_interior(padding, x.shape[-len(kernel):])] = x
    return img


class MaxPool(Function):
    """Max over sliding windows of the last ``nd`` dimensions. Attrs: ``nd``, ``kernel``,
    ``stride``, ``padding`` (per side, symmetric), ``dilation`` (one int per pooled
    dimension) and ``out``, the output size that the caller computed (ceil_mode lives
    there)."""

    def forward(self, x, nd=2, kernel=(2, 2), stride=(2, 2), padding=(0, 0), dilation=(1, 1),
                out=(1, 1)):
        self.nd, self.size = nd, x.shape[-nd:]
        self.args = kernel, stride, padding, dilation, out
        self.layout = _layout(x, nd)
        two = (2,) * nd
        self.fast = (kernel == stride == two and not any(padding) and dilation == (1,) * nd
                     and all(2 * o <= n for o, n in zip(out, self.size)))
        if self.fast:
            return self._phases_forward(x, out)
        return self._windows_forward(x, kernel, stride, padding, dilation, out)

    def _phases_forward(self, x, out):
        """2x2 max as the max of the four phases of ``x`` (any layout, odd sizes too), written
        into one output buffer in ``x``'s layout: 3.3 ms for conv1's (128, 32, 28, 28)
        channel-major output with the winner code, against 4.7 ms for pairwise maxima of
        contiguous memory with boolean masks; 1.8 ms with halves of the outermost leading
        axis on two threads (backward: 3.0 -> 1.4 ms)."""
        y = _full(x.shape[:-self.nd] + tuple(out), None, x.dtype, self.layout)
        if autograd.is_grad_enabled():
            self.code = _full(y.shape, None, xp.uint8, self.layout)
            self._split(functools.partial(_max_and_code, nd=self.nd), x, y, self.code)
            self.x = self.y = None
        else:
            self._split(functools.partial(_max_phases, nd=self.nd), x, y)
            self.code, self.x, self.y = None, x, y
        return y

    def _split(self, fn, *arrays):
        """``fn(*arrays)``, on chunks of the outermost leading axis (never a pooled one)."""
        if self.layout:
            parallel_chunks(fn, *arrays, axis=self.layout[0])
        else:
            fn(*arrays)

    def _windows_forward(self, x, kernel, stride, padding, dilation, out):
        """Running max over the window offsets, remembering the first winner."""
        img = _padded(x, padding, kernel, stride, dilation, out, -xp.inf)
        y = idx = None
        for k, (_, view) in enumerate(windows(img, kernel, stride, dilation, out)):
            if y is None:
                y = view.copy()
                idx = xp.zeros(y.shape, xp.int16)
                continue
            better = view > y
            xp.maximum(y, view, out=y)
            xp.copyto(idx, k, where=better)
        self.idx, self.img_shape = idx, img.shape
        return y

    def _code(self):
        """The fast path's winner code, computed now if forward ran without grad mode."""
        if self.code is None:
            self.code = _full(self.y.shape, None, xp.uint8, self.layout)
            _winner_code(_phases(self.x, self.nd), self.y, self.code)
        return self.code

    def indices(self):
        """PyTorch's ``return_indices``: flat positions in the input's pooled dimensions
        (``row * W + col`` in 2-D)."""
        kernel, stride, padding, dilation, out = self.args
        winner = self._code().astype(xp.int64) if self.fast else self.idx.astype(xp.int64)
        offsets = xp.unravel_index(winner, kernel)
        flat = 0
        for axis, (o, s, p, d, n, k) in enumerate(zip(out, stride, padding, dilation,
                                                      self.size, offsets)):
            start = (xp.arange(o) * s - p).reshape((o,) + (1,) * (self.nd - axis - 1))
            flat = flat * n + start + k * d
        return flat

    def backward(self, g):
        kernel, stride, padding, dilation, out = self.args
        if self.fast:
            return (self._phases_backward(g),)
        dimg = _full(self.img_shape, 0, g.dtype, self.layout)
        for k, (_, view) in enumerate(windows(dimg, kernel, stride, dilation, out)):
            view += xp.where(self.idx == k, g, 0)
        return (dimg[_interior(padding, self.size)],)

    def _phases_backward(self, g):
        nd, out = self.nd, self.args[4]
        dx = _full(g.shape[:-nd] + tuple(self.size), None, g.dtype, self.layout)
        for axis, (o, n) in enumerate(zip(out, self.size)):
            if 2 * o < n:  # floor mode dropped a last row (column, ...)
                dx[(Ellipsis, slice(2 * o, None)) + (slice(None),) * (nd - axis - 1)] = 0
        if _layout(g, nd) != self.layout:
            # one reordering copy (after Flatten, g is NCHW while x was channel-major):
            # 1.9 ms instead of 5.6 ms for four passes reading g across the layout
            gl = _full(g.shape, None, g.dtype, self.layout)
            self._split(xp.copyto, gl, g)
            g = gl
        # the gradient goes to the winner of each window, written phase by phase
        self._split(functools.partial(_route, nd=nd), g, self._code(), dx)
        return dx


def _phases(x, nd):
    """The 2x2 (2x2x2) window offsets of ``x`` as strided views, in scan order (a last odd
    row or column is left out)."""
    ends = [n // 2 * 2 for n in x.shape[-nd:]]
    return [x[(Ellipsis,) + tuple(slice(a, e, 2) for a, e in zip(key, ends))]
            for key in itertools.product((0, 1), repeat=nd)]


def _max_phases(x, y, nd):
    phases = _phases(x, nd)
    xp.maximum(phases[0], phases[1], out=y)
    for ph in phases[2:]:
        xp.maximum(y, ph, out=y)


def _max_and_code(x, y, code, nd):
    _max_phases(x, y, nd)
    _winner_code(_phases(x, nd), y, code)


def _winner_code(phases, y, code):
    """Per window, the first offset (scan order) equal to its max, as uint8 (one byte per
    output instead of boolean masks). Ties go to the first maximum, as PyTorch's; a NaN
    window has no equal offset and routes its gradient to the last offset."""
    if len(phases) == 4:
        a, b, c = (ph == y for ph in phases[:3])
        # 3 - c, then 1 where b won, then 0 where a won: bool/uint8 passes over the output
        xp.subtract(3, c, out=code, dtype=xp.uint8)
        xp.multiply(code, ~b, out=code)
        code += b
        xp.multiply(code, ~a, out=code)
        return
    code[...] = len(phases) - 1
    for k in range(len(phases) - 2, -1, -1):
        xp.copyto(code, k, where=phases[k] == y)


def _route(g, code, dx, nd):
    """``dx``'s phases: ``g`` where the phase won its window, 0 elsewhere."""
    for k, phase in enumerate(_phases(dx, nd)):
        xp.multiply(g, code == k, out=phase)


class MaxPoolWithIndices(MaxPool):
    """``MaxPool`` that also returns the flat input position of every maximum (int64)."""

    n_out = 2

    def forward(self, x, **attrs):
        out = super().forward(x, **attrs)
        return out, self.indices()

    def backward(self, g, g_indices=None):
        return super().backward(g)


class AvgPool(Function):
    """Mean over sliding windows, with PyTorch's divisors.

    Attrs as ``MaxPool`` (no dilation) plus ``count_include_pad`` and ``divisor_override``.
    The divisor of a window is its size clipped to the zero-padded input (windows that
    ceil_mode lets run past it are shorter), or only its real-input part when
    ``count_include_pad`` is False.
    """

    def forward(self, x, nd=2, kernel=(2, 2), stride=(2, 2), padding=(0, 0), out=(1, 1),
                count_include_pad=True, divisor_override=None):
        self.nd, self.size = nd, x.shape[-nd:]
        one = (1,) * nd
        img = _padded(x, padding, kernel, stride, one, out, 0)
        y = None
        for _, view in windows(img, kernel, stride, one, out):
            y = view.copy() if y is None else xp.add(y, view, out=y)
        if divisor_override:
            scale = xp.asarray(1.0 / divisor_override, x.dtype)
        else:
            # the divisor is separable: a product of one count per pooled dimension
            counts = 1.0
            for axis, (n, k, s, p, o) in enumerate(zip(self.size, kernel, stride, padding,
                                                       out)):
                c = _window_counts(n, k, s, p, o, count_include_pad)
                counts = counts * c.reshape((o,) + (1,) * (nd - axis - 1))
            scale = (1.0 / counts).astype(x.dtype)
        y *= scale
        self.scale, self.img_shape, self.layout = scale, img.shape, _layout(x, nd)
        self.args = kernel, stride, padding, out
        return y

    def backward(self, g):
        kernel, stride, padding, out = self.args
        gs = g * self.scale
        dimg = _full(self.img_shape, 0, g.dtype, self.layout)
        for _, view in windows(dimg, kernel, stride, (1,) * self.nd, out):
            view += gs
        return (dimg[_interior(padding, self.size)],)


def _window_counts(size, k, s, p, n_out, count_include_pad):
    """Per output position along one dimension, the number of elements its divisor counts."""
    start = xp.arange(n_out) * s - p
    end = xp.minimum(start + k, size + p)
    if count_include_pad:
        return (end - start).astype(xp.float64)
    return (xp.minimum(end, size) - xp.maximum(start, 0)).astype(xp.float64)


class MaxUnpool(Function):
    """The partial inverse of max pooling: ``x`` scattered to the flat positions
    ``indices`` of a zero output whose pooled dimensions have size ``out``.

    ``indices`` (int64, the shape of ``x``) index the flattened pooled dimensions of each
    (sample, channel), as ``MaxPoolWithIndices`` returns them; checked by the caller.
    Backward: the output gradient gathered at ``indices``.
    """

    def forward(self, x, indices, out=(1, 1)):
        nd = len(out)
        lead = x.shape[:-nd]
        self.flat_idx = indices.reshape(-1, math.prod(x.shape[-nd:]))
        y = xp.zeros((self.flat_idx.shape[0], math.prod(out)), x.dtype)
        xp.put_along_axis(y, self.flat_idx, x.reshape(self.flat_idx.shape), axis=1)
        self.x_shape, self.nd = x.shape, nd
        return y.reshape(lead + tuple(out))

    def backward(self, g):
        gf = g.reshape(self.flat_idx.shape[0], -1)
        gx = xp.take_along_axis(gf, self.flat_idx, axis=1)
        return gx.reshape(self.x_shape), None
