"""Convolution primitives, 1-D, 2-D and 3-D: ``Conv`` and ``ConvTranspose``, by im2col + GEMM.

* ``out (O, N*n_out) = W (O, C*K) @ cols (C*K, N*n_out)``, batched over groups, with
  ``cols`` from ``ember.ops.im2col`` (channel-major, K = prod(kernel)). The bias rides in
  the same GEMM: ``cols`` gets a row of ones and ``W`` the bias as an extra column, so
  there is no separate pass over the output to add it, and in the backward the gradient
  of that column is the bias gradient.
* The result is returned as an (N, O, *out) *view* of the channel-major memory;
  elementwise ops and pooling keep that layout, so the next convolution reads it back
  without a transposing copy.
* Backward: ``dW = dY @ cols^T`` and ``dcols = W^T @ dY`` (single GEMMs; the transposes
  are BLAS flags, not copies), then col2im.
* Columns larger than ``WHOLE_BYTES`` are never built whole: a piece of about
  ``PIECE_BYTES`` (some samples, or some output rows of one sample) is built, multiplied
  while it is still in the cache, and dropped; the backward builds each piece again. This
  bounds the memory of large convolutions (ResNet's 64-channel 3x3 at 56x56 and batch 64:
  460 MB of columns, and as much for their gradient) but costs time: Conv3d(16, 32, 3)
  on (8, 16, 16, 32, 32), 227 MB of columns, took 250..350 ms per forward + backward
  whole (0.27..0.37 s of user CPU, 0.06 s of page faults) against 350..410 ms in 16 MB
  pieces (0.43..0.48 s of user CPU: smaller GEMMs, im2col twice), so pieces start above
  that size.
* Depthwise convolutions (``groups == C_in > 1``) skip im2col and the GEMM: see
  ``ember.ops.conv_depthwise``.

Unbatched inputs (one dimension fewer) get a batch of 1 and lose it again on the way out.
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.ops import conv_depthwise
from ember.ops.im2col import (
    Geometry,
    channel_major,
    col2im,
    col2im_flat,
    conv_output_size,
    crop,
    flat_ok,
    im2col,
    im2col_flat,
    pad_input,
)

__all__ = ["Conv", "ConvTranspose", "conv_output_size"]

WHOLE_BYTES = 256 * 2**20
PIECE_BYTES = 16 * 2**20


def _nchw(y_cm):
    """(O, N, *out) channel-major memory as an (N, O, *out) view."""
    return y_cm.swapaxes(0, 1)


def _pieces(geo, rows, itemsize):
    """None if the (``rows`` x N*n_out) columns fit in ``WHOLE_BYTES``; else a list of
    ``(n0, n1, row0, row1, geometry)``: samples ``n0:n1``, output rows ``row0:row1``."""
    row_bytes = rows * itemsize * math.prod(geo.out[1:])  # one output row of one sample
    out0 = geo.out[0]
    if row_bytes * out0 * geo.n <= WHOLE_BYTES:
        return None
    per_piece = max(1, PIECE_BYTES // row_bytes)
    if per_piece >= out0:
        step = per_piece // out0
        return [(s, min(geo.n, s + step), 0, out0, geo.part(min(geo.n, s + step) - s, 0, out0))
                for s in range(0, geo.n, step)]
    return [(s, s + 1, r, min(out0, r + per_piece), geo.part(1, r, min(out0, r + per_piece) - r))
            for s in range(geo.n) for r in range(0, out0, per_piece)]


def _columns(src, geo, groups, ones, split=True):
    """im2col from ``src``: the channel-major input (C, N, *size) for shifted runs, else the
    channel-major padded input."""
    if flat_ok(geo):
        return im2col_flat(src, geo, groups, ones, split)
    return im2col(src, geo, groups, ones=ones)


def _piece_view(a, n0, n1, row0, row1):
    """Samples n0:n1, rows row0:row1 of ``a`` (G, O/G, N, out0, rest) as (G, O/G, -1) (a
    view: one sample, or all its rows)."""
    return a[:, :, n0:n1, row0:row1].reshape(a.shape[:2] + (-1,), copy=False)


class Conv(Function):
    """``out = conv(x, w) + b`` for (N, C, *size) inputs with 1 to 3 spatial dimensions.

    Attrs: ``stride``, ``dilation`` (one int per spatial dimension), ``padding`` (before
    and after per dimension: ``(b0, a0, b1, a1, ..)``), ``groups``. Unbatched inputs are
    accepted. Shapes are checked by ``ember.nn.functional.conv``. The output is a view of
    channel-major memory.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1):
        self.unbatched = x.ndim == w.ndim - 1
        if self.unbatched:
            x = x[None]
        o, cg = w.shape[:2]
        geo = Geometry(x.shape, w.shape[2:], stride, padding, dilation)
        self.geo, self.has_bias, self.w_shape = geo, b is not None, w.shape
        if conv_depthwise.applies(geo, groups, cg):
            self.depthwise = conv_depthwise.DepthwisePlan(geo, w, x)
            y = self.depthwise.forward(b)
        else:
            self.depthwise = None
            self.w3 = w.reshape(groups, o // groups, -1)
            # [W | b] @ [cols; 1]: one GEMM per group gives W @ cols + b
            wb = xp.concatenate([self.w3, b.reshape(groups, -1, 1)], axis=2) \
                if self.has_bias else self.w3
            if not flat_ok(geo):
                src = pad_input(x, geo)
            elif x.strides[-1] == x.itemsize:
                src = x.swapaxes(0, 1)  # the shifted runs read NCHW or channel-major in place
            else:  # channels-last memory: one transposing copy, then plain runs
                src = xp.ascontiguousarray(x.swapaxes(0, 1))
            self.pieces = _pieces(geo, groups * wb.shape[2], x.itemsize)
            if self.pieces is None:
                self.cols = _columns(src, geo, groups, self.has_bias)
                y = xp.matmul(wb, self.cols)
            else:
                self.src = src  # each piece's columns are built again by the backward
                y = xp.empty((groups, o // groups, geo.n, geo.out[0],
                              geo.n_out // geo.out[0]), x.dtype)
                for n0, n1, r0, r1, part in self.pieces:
                    cols = _columns(src[:, n0:n1], part, groups, self.has_bias, False)
                    xp.matmul(wb, cols, out=_piece_view(y, n0, n1, r0, r1))
            y = y.reshape((o, geo.n) + geo.out)
        y = _nchw(y)
        return y[0] if self.unbatched else y

    def backward(self, g):
        if self.unbatched:
            g = g[None]
        want_x = self.needs_input_grad(0)
        want_w = self.needs_input_grad(1)
        want_b = self.has_bias and self.needs_input_grad(2)
        if self.depthwise is not None:
            gx, gw, gb = self.depthwise.backward(g, want_x, want_w, want_b)
        else:
            gx, gw, gb = self._gemm_backward(g, want_x, want_w or want_b)
        if gx is not None and self.unbatched:
            gx = gx[0]
        return gx, gw, gb

    def _gemm_backward(self, g, want_x, want_wb):
        geo, w3 = self.geo, self.w3
        groups, og, k = w3.shape
        rows = channel_major(g).reshape(groups, og, -1)
        if self.pieces is None:
            gwb = xp.matmul(self.cols, rows.swapaxes(-1, -2)) if want_wb else None
            gx = None
            if want_x:  # dcols = W^T @ dY, then col2im
                gcols = xp.matmul(w3.swapaxes(-1, -2), rows)
                gx = _nchw(col2im_flat(gcols, geo)) if flat_ok(geo) else \
                    crop(col2im(gcols, geo), geo)
        else:
            gwb, gx = self._pieces_backward(rows, want_x, want_wb)
        gw = gb = None
        if want_wb:
            # [dW | db] = dY @ [cols; 1]^T, computed as ([cols; 1] @ dY^T)^T: OpenBLAS is
            # faster with the long N*n_out reduction on this side (conv2 of cnn_mnist,
            # (64, 25088) x (25088, 289): 6.3 ms instead of 8.1 ms)
            gwb = gwb.swapaxes(-1, -2)
            gw = gwb[..., :k].reshape(self.w_shape)
            if self.has_bias:
                gb = gwb[..., k].reshape(-1)
        return gx, gw, gb

    def _pieces_backward(self, rows, want_x, want_wb):
        """The backward piece by piece, each piece's columns built again (see the module
        docstring): ([cols; 1] @ dY^T summed over pieces, dx)."""
        geo, w3 = self.geo, self.w3
        groups, og, _ = w3.shape
        rows = rows.reshape(groups, og, geo.n, geo.out[0], -1)
        shape = geo.size if flat_ok(geo) else geo.padded
        dx = xp.zeros((geo.c, geo.n) + shape, rows.dtype) if want_x else None
        gwb = None
        for n0, n1, r0, r1, part in self.pieces:
            cols = _columns(self.src[:, n0:n1], part, groups, self.has_bias, False)
            rows_p = _piece_view(rows, n0, n1, r0, r1)
            if want_wb:
                gwb_p = xp.matmul(cols, rows_p.swapaxes(-1, -2))
                gwb = gwb_p if gwb is None else xp.add(gwb, gwb_p, out=gwb)
            if want_x:
                gcols = xp.matmul(w3.swapaxes(-1, -2), rows_p)
                if flat_ok(part):
                    col2im_flat(gcols, part, dx[:, n0:n1], split=False)
                else:
                    col2im(gcols, part, dx[:, n0:n1])
        if want_x:
            dx = _nchw(dx) if flat_ok(geo) else crop(dx, geo)
        return gwb, dx


class ConvTranspose(Function):
    """The transposed convolution (the input gradient of ``Conv``), 1-D to 3-D.

    ``w`` has shape (C_in, C_out/G, *kernel). Attrs as ``Conv`` plus ``out_size``, the
    output's spatial size (after padding is cropped and output_padding added), computed
    by the caller.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1, out_size=(1, 1)):
        self.unbatched = x.ndim == w.ndim - 1
        if self.unbatched:
            x = x[None]
        cin, og = w.shape[:2]
        kernel = w.shape[2:]
        # the geometry of the conv whose input is this output and whose output is x
        pads = []
        for n_in, n_out, s, d, k, before in zip(x.shape[2:], out_size, stride, dilation,
                                                kernel, padding[0::2]):
            padded = max((n_in - 1) * s + d * (k - 1) + 1, before + n_out)
            pads += [before, padded - before - n_out]
        geo = Geometry((x.shape[0], og * groups) + tuple(out_size), kernel, stride, pads,
                       dilation, out=x.shape[2:])
        w3 = w.reshape(groups, cin // groups, -1)
        xc = channel_major(x).reshape(groups, cin // groups, -1)
        # cols = W^T @ x, then col2im scatters them onto the (padded) output
        y = crop(col2im(xp.matmul(w3.swapaxes(-1, -2), xc), geo), geo)
        if b is not None:
            y += b.reshape((-1,) + (1,) * geo.nd)
        self.geo, self.w3, self.xc, self.has_bias = geo, w3, xc, b is not None
        self.w_shape = w.shape
        return y[0] if self.unbatched else y

    def backward(self, g):
        geo, w3 = self.geo, self.w3
        if self.unbatched:
            g = g[None]
        spatial = tuple(range(2, 2 + geo.nd))
        gb = g.sum(axis=(0,) + spatial) if self.has_bias and self.needs_input_grad(2) else None
        cols = im2col(pad_input(g, geo), geo, w3.shape[0])
        gx = gw = None
        if self.needs_input_grad(0):
            gx = _nchw(xp.matmul(w3, cols).reshape((-1, geo.n) + geo.out))
            if self.unbatched:
                gx = gx[0]
        if self.needs_input_grad(1):
            gw = xp.matmul(self.xc, cols.swapaxes(-1, -2)).reshape(self.w_shape)
        return gx, gw, gb
