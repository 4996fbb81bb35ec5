"""``unfold`` (im2col: sliding local blocks as columns) and ``fold`` (col2im: columns summed
back into an image), PyTorch's layout: ``(N, C * kh * kw, L)`` with ``L`` blocks.

Both are composed: ``unfold`` pads, then gathers every block with one constant index map
(its gradient is the matching scatter-add); ``fold`` is the adjoint, an ``index_add`` of
the columns into the flattened padded image, then a crop.
"""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.nn.functional.conv import ntuple
from ember.ops.im2col import conv_output_size
from ember.ops.index import index_add
from ember.ops.padding import pad
from ember.tensor import Tensor

__all__ = ["unfold", "fold"]


def _pairs(op, kernel_size, dilation, padding, stride):
    return tuple(ntuple(v, 2, op, name) for v, name in (
        (kernel_size, "kernel_size"), (dilation, "dilation"), (padding, "padding"),
        (stride, "stride")))


def _block_positions(size, kernel, dilation, padding, stride, op, shape):
    """Flat positions in the padded image of every (kernel offset, block): (kh * kw, L)."""
    hp, wp = size[0] + 2 * padding[0], size[1] + 2 * padding[1]
    out = [conv_output_size(size[i], kernel[i], stride[i], 2 * padding[i], dilation[i])
           for i in range(2)]
    if out[0] < 1 or out[1] < 1:
        raise shape_error(op, f"no complete block fits: spatial size {tuple(size)} with "
                          f"kernel_size {kernel}, dilation {dilation}, padding {padding}, "
                          f"stride {stride}", shape)
    ki, kj = xp.meshgrid(xp.arange(kernel[0]) * dilation[0], xp.arange(kernel[1]) * dilation[1],
                         indexing="ij")
    oi, oj = xp.meshgrid(xp.arange(out[0]) * stride[0], xp.arange(out[1]) * stride[1],
                         indexing="ij")
    rows = ki.reshape(-1, 1) + oi.reshape(1, -1)
    cols = kj.reshape(-1, 1) + oj.reshape(1, -1)
    return rows * wp + cols, (hp, wp)


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:  # noqa: A002
    """Extract sliding local blocks: ``(N, C, H, W)`` to ``(N, C * kh * kw, L)`` (or
    unbatched ``(C, H, W)`` to ``(C * kh * kw, L)``), channel-major then kernel offset."""
    op = "unfold"
    if input.ndim not in (3, 4):
        raise shape_error(op, "expected a 3-D (C, H, W) or 4-D (N, C, H, W) input",
                          input.shape)
    kernel, dilation, padding, stride = _pairs(op, kernel_size, dilation, padding, stride)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    n, c, h, w = x.shape
    pos, (hp, wp) = _block_positions((h, w), kernel, dilation, padding, stride, op,
                                     input.shape)
    flat = pad(x, (padding[1], padding[1], padding[0], padding[0])).reshape(n, c, hp * wp)
    cols = flat[:, :, pos.reshape(-1)].reshape(n, c * pos.shape[0], pos.shape[1])
    return cols if input.ndim == 4 else cols.squeeze(0)


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0,  # noqa: A002
         stride=1) -> Tensor:
    """Sum sliding local blocks back into an image (the adjoint of ``unfold``):
    ``(N, C * kh * kw, L)`` to ``(N, C, *output_size)``, overlapping entries added."""
    op = "fold"
    if input.ndim not in (2, 3):
        raise shape_error(op, "expected a 2-D (C * kh * kw, L) or 3-D (N, C * kh * kw, L) "
                          "input", input.shape)
    size = ntuple(output_size, 2, op, "output_size")
    kernel, dilation, padding, stride = _pairs(op, kernel_size, dilation, padding, stride)
    x = input if input.ndim == 3 else input.unsqueeze(0)
    n, ck, length = x.shape
    k = kernel[0] * kernel[1]
    if ck % k:
        raise shape_error(op, f"the second dimension ({ck}) must be divisible by the kernel "
                          f"size product ({k})", input.shape)
    pos, (hp, wp) = _block_positions(size, kernel, dilation, padding, stride, op, input.shape)
    if pos.shape[1] != length:
        raise shape_error(op, f"expected {pos.shape[1]} blocks for output_size {size}, "
                          f"kernel_size {kernel}, dilation {dilation}, padding {padding}, "
                          f"stride {stride}, got {length}", input.shape)
    c = ck // k
    img = Tensor._wrap(xp.zeros((n, c, hp * wp), input.dtype))
    img = index_add(img, 2, pos.reshape(-1), x.reshape(n, c, k * length))
    img = img.reshape(n, c, hp, wp)[:, :, padding[0]:padding[0] + size[0],
                                    padding[1]:padding[1] + size[1]]
    return img if input.ndim == 3 else img.squeeze(0)
