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
* Depthwise convolutions (``groups == C_in > 1``) skip im2col and the GEMM: see
  ``ember.ops.conv_depthwise``.

Unbatched inputs (one dimension fewer) get a batch of 1 and lose it again on the way out.
"""
from __future__ import annotations

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


def _nchw(y_cm):
    """(O, N, *out) channel-major memory as an (N, O, *out) view."""
    return y_cm.swapaxes(0, 1)


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
            w3 = w.reshape(groups, o // groups, -1)
            if flat_ok(geo):
                xc = xp.ascontiguousarray(x.swapaxes(0, 1))
                cols = im2col_flat(xc, geo, groups, self.has_bias)
            else:
                cols = im2col(pad_input(x, geo), geo, groups, ones=self.has_bias)
            # [W | b] @ [cols; 1]: one GEMM per group gives W @ cols + b
            wb = xp.concatenate([w3, b.reshape(groups, -1, 1)], axis=2) if self.has_bias \
                else w3
            y = xp.matmul(wb, cols).reshape((o, geo.n) + geo.out)
            self.cols, self.w3 = cols, w3
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
        geo, w3, cols = self.geo, self.w3, self.cols
        groups, og, k = w3.shape
        rows = channel_major(g).reshape(groups, og, -1)
        gw = gb = gx = None
        if want_wb:
            # [dW | db] = dY @ [cols; 1]^T, computed as ([cols; 1] @ dY^T)^T: OpenBLAS is
            # faster with the long N*n_out reduction on this side (conv2 of cnn_mnist,
            # (64, 25088) x (25088, 289): 6.3 ms instead of 8.1 ms)
            gwb = xp.matmul(cols, rows.swapaxes(-1, -2)).swapaxes(-1, -2)
            gw = gwb[..., :k].reshape(self.w_shape)
            if self.has_bias:
                gb = gwb[..., k].reshape(-1)
        if want_x:
            # dcols = W^T @ dY, then col2im
            gcols = xp.matmul(w3.swapaxes(-1, -2), rows)
            if flat_ok(geo):
                gx = _nchw(col2im_flat(gcols, geo))
            else:
                gx = crop(col2im(gcols, geo), geo)
        return gx, gw, gb


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
