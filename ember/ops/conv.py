"""Convolution primitives: ``Conv`` (1-D and 2-D) and ``ConvTranspose``, by im2col + GEMM.

Layout (NCHW throughout, so no activation is ever transposed):

* im2col writes the columns of a batch as ``cols[n, c, i, j, ho, wo] =
  xpad[n, c, i*dh + ho*sh, j*dw + wo*sw]`` with ``kh*kw`` plain slice copies into a
  preallocated buffer, never a Python loop over pixels or samples.
* The output is one batched GEMM over samples and groups:
  ``out[n, g] = W[g] (O/G, Cg*kh*kw) @ cols[n, g] (Cg*kh*kw, Ho*Wo)``, which lands directly
  in NCHW order.
* col2im (the input gradient) is the transpose of im2col: ``kh*kw`` strided slice-adds
  into a preallocated zero-padded buffer.

With stride 1 the copies use the "wide row" trick: the output is computed on a grid of
``Ho`` rows of the padded width ``Wp`` (the last ``Wp - Wo`` columns are discarded), so that
every column row ``(n, c, i, j)`` is a single contiguous run of the flattened padded input,
``xflat[n, c, i*dh*Wp + j*dw : ... + Ho*Wp]``. Long runs copy several times faster than
``Ho`` runs of ``Wo`` floats each.

1-D convolutions are 2-D convolutions with a height of 1; unbatched inputs get a batch of 1.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp


# ----------------------------------------------------------------------------- geometry
def conv_output_size(size: int, kernel: int, stride: int, pad_total: int, dilation: int) -> int:
    """Output length of a convolution along one dimension (may be < 1 for bad arguments)."""
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def _as_4d(x, w):
    """View ``x`` as (N, C, H, W) and ``w`` as (O, Cg, kh, kw); 1-D gets a height of 1."""
    if w.ndim == 3:
        w = w[:, :, None, :]
        x = x[..., None, :]
    if x.ndim == 3:
        x = x[None]
    return x, w


class _Geometry:
    """Sizes of one 2-D convolution, computed once per forward."""

    __slots__ = ("n", "c", "h", "w", "kh", "kw", "sh", "sw", "dh", "dw", "pt", "pl",
                 "hp", "wp", "ho", "wo", "wide")

    def __init__(self, x_shape, kh, kw, stride, padding, dilation, out_hw=None):
        self.n, self.c, self.h, self.w = x_shape
        self.kh, self.kw = kh, kw
        self.sh, self.sw = stride
        self.dh, self.dw = dilation
        pt, pb, pl, pr = padding
        self.pt, self.pl = pt, pl
        self.hp, self.wp = self.h + pt + pb, self.w + pl + pr
        if out_hw is None:
            out_hw = ((self.hp - self.dh * (kh - 1) - 1) // self.sh + 1,
                      (self.wp - self.dw * (kw - 1) - 1) // self.sw + 1)
        self.ho, self.wo = out_hw
        # stride 1: rows of the padded width, see the module docstring
        self.wide = self.sh == 1 and self.sw == 1


def _padded_buffer(geo, dtype):
    """A zeroed (N, C, Hp*Wp + tail) buffer and its (N, C, Hp, Wp) image view.

    The tail lets the last wide-row run of im2col read ``dw*(kw-1)`` elements past the
    image; those land only in discarded output columns.
    """
    size = geo.hp * geo.wp
    tail = geo.dw * (geo.kw - 1) if geo.wide else 0
    flat = xp.zeros((geo.n, geo.c, size + tail), dtype)
    return flat, flat[:, :, :size].reshape(geo.n, geo.c, geo.hp, geo.wp)


def _pad_input(x, geo):
    """``x`` zero-padded to (N, C, Hp*Wp + tail) (flat) and as an image (N, C, Hp, Wp)."""
    flat, img = _padded_buffer(geo, x.dtype)
    img[:, :, geo.pt:geo.pt + geo.h, geo.pl:geo.pl + geo.w] = x
    return flat, img


def _out_cols(geo):
    """Number of columns per row of the GEMM output: Wp with wide rows, Wo otherwise."""
    return geo.wp if geo.wide else geo.wo


def im2col(flat, img, geo):
    """Columns (N, C, kh, kw, Ho * cols_per_row) of a padded input."""
    n, c, kh, kw = geo.n, geo.c, geo.kh, geo.kw
    if geo.wide:
        run = geo.ho * geo.wp
        cols = xp.empty((n, c, kh, kw, run), flat.dtype)
        for i in range(kh):
            for j in range(kw):
                start = i * geo.dh * geo.wp + j * geo.dw
                cols[:, :, i, j] = flat[:, :, start:start + run]
        return cols
    cols = xp.empty((n, c, kh, kw, geo.ho, geo.wo), img.dtype)
    hspan, wspan = geo.sh * (geo.ho - 1) + 1, geo.sw * (geo.wo - 1) + 1
    for i in range(kh):
        for j in range(kw):
            r, s = i * geo.dh, j * geo.dw
            cols[:, :, i, j] = img[:, :, r:r + hspan:geo.sh, s:s + wspan:geo.sw]
    return cols.reshape(n, c, kh, kw, geo.ho * geo.wo)


def col2im(cols, geo):
    """Sum columns (N, C, kh, kw, Ho * cols_per_row) back into a padded image buffer.

    Returns the (N, C, Hp, Wp) image view of the accumulated buffer.
    """
    flat, img = _padded_buffer(geo, cols.dtype)
    if geo.wide:
        run = geo.ho * geo.wp
        for i in range(geo.kh):
            for j in range(geo.kw):
                start = i * geo.dh * geo.wp + j * geo.dw
                flat[:, :, start:start + run] += cols[:, :, i, j]
        return img
    cols = cols.reshape(geo.n, geo.c, geo.kh, geo.kw, geo.ho, geo.wo)
    hspan, wspan = geo.sh * (geo.ho - 1) + 1, geo.sw * (geo.wo - 1) + 1
    for i in range(geo.kh):
        for j in range(geo.kw):
            r, s = i * geo.dh, j * geo.dw
            img[:, :, r:r + hspan:geo.sh, s:s + wspan:geo.sw] += cols[:, :, i, j]
    return img


def _crop(img, geo):
    """The unpadded (N, C, H, W) region of a padded image."""
    return img[:, :, geo.pt:geo.pt + geo.h, geo.pl:geo.pl + geo.w]


def _rows_to_image(y, geo):
    """(N, O, Ho * cols_per_row) GEMM output as (N, O, Ho, Wo), dropping wide columns."""
    y = y.reshape(y.shape[0], y.shape[1], geo.ho, _out_cols(geo))
    return y[..., :geo.wo] if geo.wide else y


def _image_to_rows(g, geo):
    """(N, O, Ho, Wo) gradient as (N, O, Ho * cols_per_row), zero in the wide columns."""
    n, o = g.shape[0], g.shape[1]
    if geo.wide and geo.wp != geo.wo:
        rows = xp.zeros((n, o, geo.ho, geo.wp), g.dtype)
        rows[..., :geo.wo] = g
        return rows.reshape(n, o, geo.ho * geo.wp)
    return xp.ascontiguousarray(g).reshape(n, o, geo.ho * geo.wo)


# ----------------------------------------------------------------------------- Conv
class Conv(Function):
    """``out = conv(x, w) + b`` for 1-D (N, C, L) and 2-D (N, C, H, W) inputs.

    Attrs: ``stride`` (sh, sw), ``padding`` (top, bottom, left, right), ``dilation``
    (dh, dw), ``groups``; 1-D convolutions pass a height of 1 (stride (1, s), ...).
    Unbatched inputs (one dimension fewer) are accepted. Shapes are checked by
    ``ember.nn.functional.conv``.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1):
        self.x_shape, self.w_shape = x.shape, w.shape
        x4, w4 = _as_4d(x, w)
        o, cg, kh, kw = w4.shape
        geo = _Geometry(x4.shape, kh, kw, stride, padding, dilation)
        flat, img = _pad_input(x4, geo)
        cols = im2col(flat, img, geo)
        n, k = geo.n, cg * kh * kw
        # one batched GEMM over (samples, groups): (G, O/G, K) @ (N, G, K, L)
        w3 = w4.reshape(groups, o // groups, k)
        cols = cols.reshape(n, groups, k, cols.shape[-1])
        y = xp.matmul(w3, cols).reshape(n, o, cols.shape[-1])
        if b is not None:
            y += b[:, None]
        self.geo, self.cols, self.w3, self.groups = geo, cols, w3, groups
        self.has_bias = b is not None
        return _rows_to_image(y, geo).reshape(self._out_shape(geo, o))

    def _out_shape(self, geo, o):
        shape = (geo.n, o, geo.ho, geo.wo)
        if len(self.w_shape) == 3:
            shape = shape[:2] + shape[3:]
        if len(self.x_shape) == len(self.w_shape) - 1:
            shape = shape[1:]
        return shape

    def backward(self, g):
        geo, groups, w3, cols = self.geo, self.groups, self.w3, self.cols
        o = w3.shape[0] * w3.shape[1]
        g = g.reshape(geo.n, o, geo.ho, geo.wo)
        gb = g.sum(axis=(0, 2, 3)) if self.has_bias and self.needs_input_grad(2) else None
        rows = _image_to_rows(g, geo)
        g4 = rows.reshape(geo.n, groups, o // groups, rows.shape[-1])
        gw = gx = None
        if self.needs_input_grad(1):
            # dW[g] = sum_n dY[n, g] @ cols[n, g]^T
            gw = xp.matmul(g4, cols.swapaxes(-1, -2)).sum(axis=0).reshape(self.w_shape)
        if self.needs_input_grad(0):
            # dcols = W^T @ dY, then col2im
            gcols = xp.matmul(w3.swapaxes(-1, -2), g4)
            gcols = gcols.reshape(geo.n, geo.c, geo.kh, geo.kw, rows.shape[-1])
            gx = _crop(col2im(gcols, geo), geo).reshape(self.x_shape)
        return gx, gw, gb


# ----------------------------------------------------------------------------- transposed
class ConvTranspose(Function):
    """The transposed convolution (the input gradient of ``Conv``), 1-D or 2-D.

    ``w`` has shape (C_in, C_out/G, kh, kw). Attrs as ``Conv`` plus ``out_hw``, the output
    size (after padding is cropped and output_padding added), computed by the caller.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1, out_hw=(1, 1)):
        self.x_shape, self.w_shape = x.shape, w.shape
        x4, w4 = _as_4d(x, w)
        cin, og, kh, kw = w4.shape
        n, _, h, wi = x4.shape
        o = og * groups
        # The output is the "input" of a conv whose output is x: geometry on the output side
        pt, _, pl, _ = padding
        sh, sw = stride
        dh, dw = dilation
        hp = max((h - 1) * sh + dh * (kh - 1) + 1, pt + out_hw[0])
        wp = max((wi - 1) * sw + dw * (kw - 1) + 1, pl + out_hw[1])
        geo = _Geometry((n, o) + tuple(out_hw), kh, kw, stride,
                        (pt, hp - pt - out_hw[0], pl, wp - pl - out_hw[1]), dilation,
                        out_hw=(h, wi))
        w3 = w4.reshape(groups, cin // groups, og * kh * kw)
        x5 = x4.reshape(n, groups, cin // groups, h * wi)
        # cols = W^T @ x, then col2im scatters them onto the (padded) output
        cols = xp.matmul(w3.swapaxes(-1, -2), x5)
        if geo.wide:
            cols = _image_to_rows(cols.reshape(n, o * kh * kw, h, wi), geo)
        y = _crop(col2im(cols.reshape(n, o, kh, kw, cols.shape[-1]), geo), geo)
        if b is not None:
            y = y + b[:, None, None]
        self.geo, self.w3, self.x5, self.groups = geo, w3, x5, groups
        self.has_bias = b is not None
        shape = (n, o) + tuple(out_hw)
        if len(self.w_shape) == 3:
            shape = shape[:2] + shape[3:]
        if len(self.x_shape) == len(self.w_shape) - 1:
            shape = shape[1:]
        return xp.ascontiguousarray(y).reshape(shape)

    def backward(self, g):
        geo, groups, w3 = self.geo, self.groups, self.w3
        g = g.reshape(geo.n, geo.c, geo.h, geo.w)
        gb = g.sum(axis=(0, 2, 3)) if self.has_bias and self.needs_input_grad(2) else None
        flat, img = _pad_input(g, geo)
        cols = im2col(flat, img, geo)
        if geo.wide:
            cols = _rows_to_image(cols.reshape(geo.n, -1, cols.shape[-1]), geo)
        n, k = geo.n, w3.shape[2]
        cols = xp.ascontiguousarray(cols).reshape(n, groups, k, geo.ho * geo.wo)
        gx = gw = None
        if self.needs_input_grad(0):
            gx = xp.matmul(w3, cols).reshape(self.x_shape)
        if self.needs_input_grad(1):
            gw = xp.matmul(self.x5, cols.swapaxes(-1, -2)).sum(axis=0).reshape(self.w_shape)
        return gx, gw, gb
