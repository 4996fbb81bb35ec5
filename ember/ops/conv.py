"""Convolution primitives: ``Conv`` (1-D and 2-D) and ``ConvTranspose``, by im2col + GEMM.

Layout: inside a convolution, activations are channel-major, (C, N, H, W), so that each
convolution is ONE large GEMM on contiguous float32 data:

* im2col copies a zero-padded channel-major input into a preallocated column buffer
  ``cols[c, i, j, n, ho, wo] = xpad[c, n, i*dh + ho*sh, j*dw + wo*sw]`` with ``kh*kw``
  plain slice copies (never a Python loop over pixels or samples).
* ``out (O, N*Ho*Wo) = W (O, C*kh*kw) @ cols (C*kh*kw, N*Ho*Wo)``, batched over groups.
  The result is returned as an (N, O, Ho, Wo) *view* of that channel-major memory;
  elementwise ops and pooling keep the layout, so the next convolution reads it back
  without a transposing copy.
* Backward: ``dW = dY @ cols^T`` and ``dcols = W^T @ dY`` (two more single GEMMs; the
  transposes are BLAS flags, not copies), then col2im: ``kh*kw`` strided slice-adds into a
  preallocated zero-padded buffer.

With stride 1 the copies use "wide rows": the output is computed on a grid of ``Ho`` rows
of the padded width ``Wp`` (the last ``Wp - Wo`` columns are discarded), so that each
column row ``(c, i, j, n)`` is ONE contiguous run of the flattened padded image,
``xflat[c, n, i*dh*Wp + j*dw : ... + Ho*Wp]``, instead of ``Ho`` runs of ``Wo`` floats.

1-D convolutions are 2-D convolutions with a height of 1; unbatched inputs get a batch of 1.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp

# Stride-1 convolutions compute on rows of the padded width (see above).
WIDE_ROWS = True


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


def _restore(a, shape, w_ndim):
    """Undo ``_as_4d`` on a (N, C, H, W) result by indexing (a view, never a copy)."""
    if w_ndim == 3:
        a = a[:, :, 0]
    if len(shape) == w_ndim - 1:
        a = a[0]
    return a


def _grad_4d(g, x_shape, w_ndim):
    """The output gradient as (N, O, Ho, Wo), the inverse of ``_restore``."""
    if len(x_shape) == w_ndim - 1:
        g = g[None]
    if w_ndim == 3:
        g = g[:, :, None, :]
    return g


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
        self.wide = WIDE_ROWS and self.sh == 1 and self.sw == 1

    @property
    def row(self) -> int:
        """Columns per output row in the GEMM: Wp with wide rows, Wo otherwise."""
        return self.wp if self.wide else self.wo


def _padded_buffer(geo, dtype):
    """A zeroed (C, N, Hp*Wp + tail) buffer and its (C, N, Hp, Wp) image view.

    The tail lets the last wide-row run of im2col read ``dw*(kw-1)`` elements past the
    image; those land only in discarded output columns.
    """
    size = geo.hp * geo.wp
    tail = geo.dw * (geo.kw - 1) if geo.wide else 0
    flat = xp.zeros((geo.c, geo.n, size + tail), dtype)
    return flat, flat[:, :, :size].reshape(geo.c, geo.n, geo.hp, geo.wp)


def _pad_input(x, geo):
    """(N, C, H, W) ``x`` zero-padded, channel-major: flat (C, N, Hp*Wp + tail) and image."""
    flat, img = _padded_buffer(geo, x.dtype)
    img[:, :, geo.pt:geo.pt + geo.h, geo.pl:geo.pl + geo.w] = x.transpose(1, 0, 2, 3)
    return flat, img


def im2col(flat, img, geo):
    """Columns (C, kh, kw, N, Ho * row) of a channel-major padded input."""
    c, n, kh, kw = geo.c, geo.n, geo.kh, geo.kw
    if geo.wide:
        run = geo.ho * geo.wp
        cols = xp.empty((c, kh, kw, n, run), flat.dtype)
        for i in range(kh):
            for j in range(kw):
                start = i * geo.dh * geo.wp + j * geo.dw
                cols[:, i, j] = flat[:, :, start:start + run]
        return cols
    cols = xp.empty((c, kh, kw, n, geo.ho, geo.wo), img.dtype)
    hspan, wspan = geo.sh * (geo.ho - 1) + 1, geo.sw * (geo.wo - 1) + 1
    for i in range(kh):
        for j in range(kw):
            r, s = i * geo.dh, j * geo.dw
            cols[:, i, j] = img[:, :, r:r + hspan:geo.sh, s:s + wspan:geo.sw]
    return cols.reshape(c, kh, kw, n, geo.ho * geo.wo)


def col2im(cols, geo):
    """Sum columns (C, kh, kw, N, Ho * row) back into a zero-padded (C, N, Hp, Wp) image."""
    flat, img = _padded_buffer(geo, cols.dtype)
    if geo.wide:
        run = geo.ho * geo.wp
        for i in range(geo.kh):
            for j in range(geo.kw):
                start = i * geo.dh * geo.wp + j * geo.dw
                flat[:, :, start:start + run] += cols[:, i, j]
        return img
    cols = cols.reshape(geo.c, geo.kh, geo.kw, geo.n, geo.ho, geo.wo)
    hspan, wspan = geo.sh * (geo.ho - 1) + 1, geo.sw * (geo.wo - 1) + 1
    for i in range(geo.kh):
        for j in range(geo.kw):
            r, s = i * geo.dh, j * geo.dw
            img[:, :, r:r + hspan:geo.sh, s:s + wspan:geo.sw] += cols[:, i, j]
    return img


def _crop(img, geo):
    """The unpadded (N, C, H, W) view of a channel-major padded image."""
    return img[:, :, geo.pt:geo.pt + geo.h, geo.pl:geo.pl + geo.w].transpose(1, 0, 2, 3)


def _to_rows(g, geo):
    """(N, O, Ho, Wo) as channel-major GEMM rows (O, N * Ho * row), zero in wide columns."""
    gc = g.transpose(1, 0, 2, 3)
    o = gc.shape[0]
    if geo.wide and geo.wp != geo.wo:
        rows = xp.zeros((o, geo.n, geo.ho, geo.wp), g.dtype)
        rows[..., :geo.wo] = gc
        return rows.reshape(o, -1)
    return xp.ascontiguousarray(gc).reshape(o, -1)


def _from_rows(y, geo):
    """Channel-major GEMM rows (O, N * Ho * row) as an (N, O, Ho, Wo) view."""
    y = y.reshape(y.shape[0], geo.n, geo.ho, geo.row)
    if geo.wide:
        y = y[..., :geo.wo]
    return y.transpose(1, 0, 2, 3)


# ----------------------------------------------------------------------------- Conv
class Conv(Function):
    """``out = conv(x, w) + b`` for 1-D (N, C, L) and 2-D (N, C, H, W) inputs.

    Attrs: ``stride`` (sh, sw), ``padding`` (top, bottom, left, right), ``dilation``
    (dh, dw), ``groups``; 1-D convolutions pass a height of 1 (stride (1, s), ...).
    Unbatched inputs (one dimension fewer) are accepted. Shapes are checked by
    ``ember.nn.functional.conv``. The output is an NCHW view of channel-major memory.
    """

    def forward(self, x, w, b, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1),
                groups=1):
        self.x_shape, self.w_shape = x.shape, w.shape
        x4, w4 = _as_4d(x, w)
        o, cg, kh, kw = w4.shape
        geo = _Geometry(x4.shape, kh, kw, stride, padding, dilation)
        flat, img = _pad_input(x4, geo)
        k = cg * kh * kw
        # one GEMM, batched over groups: (G, O/G, K) @ (G, K, N * Ho * row)
        cols = im2col(flat, img, geo).reshape(groups, k, -1)
        w3 = w4.reshape(groups, o // groups, k)
        y = xp.matmul(w3, cols).reshape(o, -1)
        if b is not None:
            y += b[:, None]
        self.geo, self.cols, self.w3 = geo, cols, w3
        self.has_bias = b is not None
        return _restore(_from_rows(y, geo), self.x_shape, len(self.w_shape))

    def backward(self, g):
        geo, w3, cols = self.geo, self.w3, self.cols
        g4 = _grad_4d(g, self.x_shape, len(self.w_shape))
        gb = None
        if self.has_bias and self.needs_input_grad(2):
            gb = g4.sum(axis=(0, 2, 3))
        rows = _to_rows(g4, geo).reshape(w3.shape[0], w3.shape[1], -1)
        gw = gx = None
        if self.needs_input_grad(1):
            # dW[g] = dY[g] @ cols[g]^T
            gw = xp.matmul(rows, cols.swapaxes(-1, -2)).reshape(self.w_shape)
        if self.needs_input_grad(0):
            # dcols = W^T @ dY, then col2im
            gcols = xp.matmul(w3.swapaxes(-1, -2), rows)
            gcols = gcols.reshape(geo.c, geo.kh, geo.kw, geo.n, -1)
            gx = _restore(_crop(col2im(gcols, geo), geo), self.x_shape, len(self.w_shape))
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
        # geometry of the conv whose input is this output and whose output is x
        pt, _, pl, _ = padding
        sh, sw = stride
        dh, dw = dilation
        hp = max((h - 1) * sh + dh * (kh - 1) + 1, pt + out_hw[0])
        wp = max((wi - 1) * sw + dw * (kw - 1) + 1, pl + out_hw[1])
        geo = _Geometry((n, o) + tuple(out_hw), kh, kw, stride,
                        (pt, hp - pt - out_hw[0], pl, wp - pl - out_hw[1]), dilation,
                        out_hw=(h, wi))
        w3 = w4.reshape(groups, cin // groups, og * kh * kw)
        xc = xp.ascontiguousarray(x4.transpose(1, 0, 2, 3)).reshape(groups, cin // groups, -1)
        # cols = W^T @ x, then col2im scatters them onto the (padded) output
        cols = xp.matmul(w3.swapaxes(-1, -2), xc)
        if geo.wide:
            cols = _to_rows(cols.reshape(o * kh * kw, n, h, wi).transpose(1, 0, 2, 3), geo)
        y = _crop(col2im(cols.reshape(o, kh, kw, n, -1), geo), geo)
        if b is not None:
            y += b[:, None, None]
        self.geo, self.w3, self.xc = geo, w3, xc
        self.has_bias = b is not None
        return _restore(y, self.x_shape, len(self.w_shape))

    def backward(self, g):
        geo, w3 = self.geo, self.w3
        g4 = _grad_4d(g, self.x_shape, len(self.w_shape))
        gb = g4.sum(axis=(0, 2, 3)) if self.has_bias and self.needs_input_grad(2) else None
        flat, img = _pad_input(g4, geo)
        cols = im2col(flat, img, geo)
        groups, k = w3.shape[0], w3.shape[2]
        if geo.wide:
            cols = cols.reshape(-1, geo.n, geo.ho, geo.wp)[..., :geo.wo]
        cols = xp.ascontiguousarray(cols).reshape(groups, k, -1)
        gx = gw = None
        if self.needs_input_grad(0):
            gx = xp.matmul(w3, cols).reshape(-1, geo.n, geo.ho, geo.wo).transpose(1, 0, 2, 3)
            gx = _restore(gx, self.x_shape, len(self.w_shape))
        if self.needs_input_grad(1):
            gw = xp.matmul(self.xc, cols.swapaxes(-1, -2)).reshape(self.w_shape)
        return gx, gw, gb
