"""Pooling as functions: max, average, adaptive pooling and max unpooling, 1-D to 3-D.

torch's names. These check arguments, compute PyTorch's output sizes (``ceil_mode``
included) and run the primitives of ``ember.ops.pool`` and ``ember.ops.resample``.
"""
from __future__ import annotations

import math

from ember.autograd import Symbolic
from ember.errors import shape_error
from ember.nn.functional.conv import ntuple
from ember.ops.pool import AvgPool, MaxPool, MaxPoolWithIndices, MaxUnpool
from ember.ops.resample import AdaptiveMaxPool, Resample, bin_matrix
from ember.tensor import Tensor

__all__ = [
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d",
    "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
    "adaptive_max_pool2d", "adaptive_max_pool3d", "max_unpool1d", "max_unpool2d",
    "max_unpool3d",
]


def pool_output_size(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output length: with ceil_mode, a last window must start inside
    the input or its left padding."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _check_input(op, input, nd):  # noqa: A002
    if not isinstance(input, (Tensor, Symbolic)):  # Symbolic: graph mode
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    shape = tuple(input.shape)
    if len(shape) not in (nd + 1, nd + 2):
        raise shape_error(op, f"expected {nd + 1}-D (unbatched) or {nd + 2}-D (batched) input",
                          shape)
    if any(s == 0 for s in shape[-nd - 1:]):
        raise shape_error(op, "expected non-empty channel and spatial dimensions", shape)
    return shape


def _window_args(op, input, nd, kernel_size, stride, padding, dilation, ceil_mode, max_pool):  # noqa: A002
    shape = _check_input(op, input, nd)
    kernel = ntuple(kernel_size, nd, op, "kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else ntuple(
        stride, nd, op, "stride")
    pads = ntuple(padding, nd, op, "padding")
    dil = ntuple(dilation, nd, op, "dilation")
    for name, values in (("kernel_size", kernel), ("stride", stride), ("dilation", dil)):
        if any(v < 1 for v in values):
            raise ValueError(f"{op}: {name} must be positive, got {values}")
    for p, k, d in zip(pads, kernel, dil):
        limit = (d * (k - 1) + 1) // 2 if max_pool else k // 2
        if p < 0 or p > limit:
            raise ValueError(f"{op}: padding should be at most half of the effective kernel "
                             f"size, but got padding={pads}, kernel_size={kernel} and "
                             f"dilation={dil}")
    out = tuple(pool_output_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(shape[-nd:], kernel, stride, pads, dil))
    if any(v < 1 for v in out):
        raise shape_error(op, f"calculated output size {out} is too small for the input's "
                          f"spatial size {shape[-nd:]} (kernel_size={kernel}, stride={stride}, "
                          f"padding={pads}, dilation={dil})", shape)
    return kernel, stride, pads, dil, out


def _max_pool(op, nd, input, kernel_size, stride, padding, dilation, ceil_mode,  # noqa: A002
              return_indices):
    kernel, stride, pads, dil, out = _window_args(op, input, nd, kernel_size, stride, padding,
                                                  dilation, ceil_mode, True)
    attrs = dict(nd=nd, kernel=kernel, stride=stride, padding=pads, dilation=dil, out=out)
    if return_indices:
        values, indices = MaxPoolWithIndices.apply(input, **attrs)
        return values, indices.detach()
    return MaxPool.apply(input, **attrs)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False):
    """2-D max pooling over (N, C, H, W) or (C, H, W).

    Args:
        kernel_size, stride (default: kernel_size), padding (implicit -inf, at most half
            the effective kernel), dilation: ints or pairs.
        ceil_mode: round the output size up (a last, partial window) instead of down.
        return_indices: also return the flat position (row * W + col) of every maximum.

    Shape: ``H_out = (H + 2p - d(k-1) - 1) / s + 1``, rounded down (or up with ceil_mode).
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False):
    """1-D max pooling over (N, C, L) or (C, L); arguments as ``max_pool2d``."""
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
               ceil_mode: bool = False, return_indices: bool = False):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W); arguments as ``max_pool2d``
    with ints or triples (indices are flat positions ``(d * H + h) * W + w``)."""
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


def _avg_pool(op, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,  # noqa: A002
              divisor_override):
    kernel, stride, pads, _, out = _window_args(op, input, nd, kernel_size, stride, padding, 1,
                                                ceil_mode, False)
    if divisor_override is not None and divisor_override == 0:
        raise ValueError(f"{op}: divisor_override must be non-zero")
    return AvgPool.apply(input, nd=nd, kernel=kernel, stride=stride, padding=pads, out=out,
                         count_include_pad=bool(count_include_pad),
                         divisor_override=divisor_override)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,  # noqa: A002
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """2-D average pooling over (N, C, H, W) or (C, H, W).

    Args:
        count_include_pad: count the zero padding in each window's divisor (PyTorch's
            default); otherwise divide by the number of real input elements.
        divisor_override: divide every window by this number instead.
    """
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,  # noqa: A002
               count_include_pad: bool = True) -> Tensor:
    """1-D average pooling over (N, C, L) or (C, L); arguments as ``avg_pool2d``."""
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,  # noqa: A002
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """3-D average pooling over (N, C, D, H, W) or (C, D, H, W); arguments as
    ``avg_pool2d`` with ints or triples."""
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def _adaptive_size(op, output_size, shape, nd):
    sizes = (output_size,) * nd if isinstance(output_size, int) or output_size is None \
        else tuple(output_size)
    if len(sizes) != nd:
        raise ValueError(f"{op}: output_size must be an int or a tuple of {nd}, "
                         f"got {output_size!r}")
    out = tuple(shape[-nd + i] if s is None else int(s) for i, s in enumerate(sizes))
    if any(s < 1 for s in out):
        raise ValueError(f"{op}: output_size must be positive, got {output_size!r}")
    return out


def _adaptive_avg_pool(op, nd, input, output_size):  # noqa: A002
    shape = _check_input(op, input, nd)
    out = _adaptive_size(op, output_size, shape, nd)
    return Resample.apply(input, *(bin_matrix(n, o, input.dtype)
                                   for n, o in zip(shape[-nd:], out)))


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """Average over PyTorch's adaptive bins, so that the output is ``output_size``.

    Args:
        output_size: an int, or a pair whose entries may be None (keep that input size).
            ``adaptive_avg_pool2d(x, 1)`` is global average pooling.
    """
    return _adaptive_avg_pool("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """1-D adaptive average pooling over (N, C, L) or (C, L)."""
    return _adaptive_avg_pool("adaptive_avg_pool1d", 1, input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """3-D adaptive average pooling over (N, C, D, H, W) or (C, D, H, W); ``output_size``
    an int or a triple (None entries keep that input size)."""
    return _adaptive_avg_pool("adaptive_avg_pool3d", 3, input, output_size)


def _adaptive_max_pool(op, nd, input, output_size, return_indices):  # noqa: A002
    shape = _check_input(op, input, nd)
    out = _adaptive_size(op, output_size, shape, nd)
    values, indices = AdaptiveMaxPool.apply(input, out=out)
    return (values, indices.detach()) if return_indices else values


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max over PyTorch's adaptive bins; ``output_size`` as ``adaptive_avg_pool2d``."""
    return _adaptive_max_pool("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """1-D adaptive max pooling over (N, C, L) or (C, L)."""
    return _adaptive_max_pool("adaptive_max_pool1d", 1, input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """3-D adaptive max pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _adaptive_max_pool("adaptive_max_pool3d", 3, input, output_size, return_indices)


# ----------------------------------------------------------------------------- unpooling
def _max_unpool(op, nd, input, indices, kernel_size, stride, padding, output_size):  # noqa: A002
    shape = _check_input(op, input, nd)
    if not isinstance(indices, (Tensor, Symbolic)):
        raise TypeError(f"{op}: indices must be a Tensor, got {type(indices).__name__}")
    if tuple(indices.shape) != shape:
        raise shape_error(op, "indices must have the shape of the input", shape,
                          tuple(indices.shape))
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be an integer tensor, got {indices.dtype}")
    kernel = ntuple(kernel_size, nd, op, "kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else ntuple(
        stride, nd, op, "stride")
    pads = ntuple(padding, nd, op, "padding")
    for name, values in (("kernel_size", kernel), ("stride", stride)):
        if any(v < 1 for v in values):
            raise ValueError(f"{op}: {name} must be positive, got {values}")
    default = tuple((n - 1) * s + k - 2 * p
                    for n, s, k, p in zip(shape[-nd:], stride, kernel, pads))
    if output_size is None:
        out = default
    else:
        out = tuple(int(v) for v in output_size)
        if len(out) == nd + 2 or (len(out) == nd + 1 and len(shape) == nd + 1):
            out = out[-nd:]
        if len(out) != nd:
            raise ValueError(f"{op}: output_size should have {nd} or {nd + 2} elements, "
                             f"got {tuple(output_size)}")
        for d, (o, base, s) in enumerate(zip(out, default, stride)):
            if not base - s < o < base + s:
                raise ValueError(f"{op}: invalid output_size {out} (dim {d} must be between "
                                 f"{base - s} and {base + s}, exclusive)")
    if any(o < 1 for o in out):
        raise shape_error(op, f"output size {out} is empty (kernel_size={kernel}, "
                          f"stride={stride}, padding={pads})", shape)
    if isinstance(indices, Tensor):
        idx = indices.array
        if idx.size and (idx.min() < 0 or idx.max() >= math.prod(out)):
            bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
            raise ValueError(f"{op}: found an invalid max index {bad} for an output of "
                             f"spatial size {out} (indices must lie in [0, "
                             f"{math.prod(out)}))")
    return MaxUnpool.apply(input, indices, out=out)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """The partial inverse of ``max_pool2d``: every value of ``input`` put back at the flat
    position ``indices`` gave (``max_pool2d(..., return_indices=True)``), zeros elsewhere.

    Args:
        input, indices: (N, C, H, W) or (C, H, W), the pooling's two outputs.
        kernel_size, stride (default: kernel_size), padding: the pooling's.
        output_size: the size to restore (an input size that the pooling maps to this
            output; default ``(H - 1) * stride - 2 * padding + kernel_size``), with or
            without the leading (N, C).

    Example: ``y, i = F.max_pool2d(x, 2, return_indices=True); F.max_unpool2d(y, i, 2)``.
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """The partial inverse of ``max_pool1d``; arguments as ``max_unpool2d``."""
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding,
                       output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,  # noqa: A002
                 output_size=None) -> Tensor:
    """The partial inverse of ``max_pool3d``; arguments as ``max_unpool2d``."""
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding,
                       output_size)
