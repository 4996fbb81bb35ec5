"""Convolutions as functions: ``conv1d/2d/3d``, ``conv_transpose1d/2d/3d`` (torch's names).

These check the arguments and shapes (so a mistake is reported here, naming the shapes,
not deep inside NumPy), turn PyTorch's padding forms into explicit per-side amounts and
run the fused primitives of ``ember.ops.conv``.
"""
from __future__ import annotations

from ember.autograd import Symbolic
from ember.errors import shape_error
from ember.ops.conv import Conv, ConvTranspose, conv_output_size
from ember.tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]

_KERNEL_DIMS = {1: "kernel", 2: "kH, kW", 3: "kD, kH, kW"}


def ntuple(value, n: int, op: str, name: str) -> tuple:
    """``value`` as a tuple of ``n`` ints (an int is repeated), or a ValueError naming it."""
    if isinstance(value, int):
        return (value,) * n
    try:
        out = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, "
                        f"got {value!r}") from None
    if len(out) != n:
        raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return out


class DtypeMismatchError(TypeError, RuntimeError):
    """Input, weight and bias of a convolution differ in dtype (a TypeError by Ember's
    convention, a RuntimeError as in PyTorch)."""


def _check_dtypes(op, input, weight, bias):  # noqa: A002
    """Same floating dtype for all operands: no silent float64 upcast, no integer conv."""
    dtypes = [input.dtype, weight.dtype] + ([bias.dtype] if bias is not None else [])
    if input.dtype.kind != "f" or any(d != input.dtype for d in dtypes):
        names = ", ".join(str(d) for d in dtypes)
        raise DtypeMismatchError(f"{op}: input, weight and bias must have the same floating "
                                 f"dtype, got {names}")


def _shape(t) -> tuple:
    return tuple(t.shape)


def _check_positive(op, name, values):
    if any(v < 1 for v in values):
        raise ValueError(f"{op}: {name} must be positive, got {values}")


def same_padding(kernel: tuple, dilation: tuple) -> tuple:
    """Per-dimension (before, after) padding that keeps the size with stride 1.

    The total ``d*(k-1)`` is split as PyTorch does: ``total // 2`` before, the rest after.
    """
    out = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        out.append((total // 2, total - total // 2))
    return tuple(out)


def resolve_padding(op: str, padding, kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    """PyTorch's ``padding`` (int, tuple, 'same', 'valid') as ((before, after), ...)."""
    n = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided "
                                 f"convolutions (got stride={stride}); use an explicit padding")
            return same_padding(kernel, dilation)
        raise ValueError(f"{op}: invalid padding string {padding!r}; expected 'same', 'valid', "
                         f"an int or a tuple of {n} ints")
    pads = ntuple(padding, n, op, "padding")
    if any(p < 0 for p in pads):
        raise ValueError(f"{op}: padding must be non-negative, got {pads}")
    return tuple((p, p) for p in pads)


def _check_operands(op, input, weight, bias, groups, nd, weight_dims):  # noqa: A002
    """Types, dtypes, ranks and ``groups`` of a (transposed) convolution's operands;
    returns the input's and the weight's shapes."""
    if not isinstance(input, (Tensor, Symbolic)) or not isinstance(weight, (Tensor, Symbolic)):
        raise TypeError(f"{op}: input and weight must be Tensors, got "
                        f"{type(input).__name__} and {type(weight).__name__}")
    x_shape, w_shape = _shape(input), _shape(weight)
    _check_dtypes(op, input, weight, bias)
    if len(w_shape) != nd + 2:
        raise shape_error(op, f"weight must be {nd + 2}-D ({weight_dims}, "
                          f"{_KERNEL_DIMS[nd]})", w_shape)
    if len(x_shape) not in (nd + 1, nd + 2):
        raise shape_error(op, f"expected {nd + 1}-D (unbatched) or {nd + 2}-D (batched) input",
                          x_shape)
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    return x_shape, w_shape


def _conv(op, input, weight, bias, stride, padding, dilation, groups, nd):  # noqa: A002
    x_shape, w_shape = _check_operands(op, input, weight, bias, groups, nd,
                                       "out_channels, in_channels/groups")
    kernel = w_shape[2:]
    stride = ntuple(stride, nd, op, "stride")
    dilation = ntuple(dilation, nd, op, "dilation")
    _check_positive(op, "stride", stride)
    _check_positive(op, "dilation", dilation)
    pads = resolve_padding(op, padding, kernel, stride, dilation)
    channels = x_shape[-nd - 1]
    out_channels = w_shape[0]
    if out_channels % groups:
        raise shape_error(op, f"out_channels ({out_channels}) must be divisible by groups "
                          f"({groups})", w_shape)
    if channels != w_shape[1] * groups:
        raise shape_error(op, f"expected input with {w_shape[1] * groups} channels "
                          f"(in_channels/groups={w_shape[1]} x groups={groups}) in dimension "
                          f"{len(x_shape) - nd - 1}, but the input has {channels}",
                          x_shape, w_shape)
    if bias is not None and _shape(bias) != (out_channels,):
        raise shape_error(op, f"bias must have shape ({out_channels},)", _shape(bias))
    for size, k, d, s, (p0, p1) in zip(x_shape[-nd:], kernel, dilation, stride, pads):
        if conv_output_size(size, k, s, p0 + p1, d) < 1:
            raise shape_error(op, f"kernel size {tuple(kernel)} (dilated by {dilation}) is "
                              f"larger than the padded input {tuple(x_shape[-nd:])} + padding "
                              f"{tuple(p0 + p1 for p0, p1 in pads)}", x_shape, w_shape)
    return Conv.apply(input, weight, bias, stride=stride, padding=sum(pads, ()),
                      dilation=dilation, groups=groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,  # noqa: A002
           dilation=1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation, as in PyTorch) of ``input`` with ``weight``.

    Args:
        input: (N, C_in, H, W), or (C_in, H, W) unbatched.
        weight: (C_out, C_in / groups, kH, kW).
        bias: (C_out,) or None.
        stride, dilation: an int or a pair.
        padding: an int, a pair, ``'valid'`` (none) or ``'same'`` (output size = input
            size; stride 1 only; an odd total is split with the extra element after).
        groups: input and output channels are split in ``groups`` independent blocks
            (``groups == C_in`` is a depthwise convolution).

    Shape: (N, C_out, H_out, W_out), ``H_out = (H + 2p - d(k-1) - 1) // s + 1``.
    """
    return _conv("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,  # noqa: A002
           dilation=1, groups: int = 1) -> Tensor:
    """3-D convolution: input (N, C_in, D, H, W) or (C_in, D, H, W), weight
    (C_out, C_in / groups, kD, kH, kW).

    Arguments as ``conv2d`` with ints or triples. Shape: (N, C_out, D_out, H_out, W_out).
    Example: ``conv3d(x, w, padding='same')`` keeps the volume's size.
    """
    return _conv("conv3d", input, weight, bias, stride, padding, dilation, groups, 3)


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,  # noqa: A002
           dilation=1, groups: int = 1) -> Tensor:
    """1-D convolution: input (N, C_in, L) or (C_in, L), weight (C_out, C_in / groups, k).

    Arguments as ``conv2d`` with ints (or 1-tuples). Shape: (N, C_out, L_out).
    """
    return _conv("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


def _conv_transpose(op, input, weight, bias, stride, padding, output_padding, groups,  # noqa: A002
                    dilation, nd):
    x_shape, w_shape = _check_operands(op, input, weight, bias, groups, nd,
                                       "in_channels, out_channels/groups")
    if isinstance(padding, str):
        raise ValueError(f"{op}: padding must be an int or a tuple of ints, got {padding!r} "
                         f"(string paddings are for convolutions only)")
    kernel = w_shape[2:]
    stride = ntuple(stride, nd, op, "stride")
    dilation = ntuple(dilation, nd, op, "dilation")
    pads = ntuple(padding, nd, op, "padding")
    out_pad = ntuple(output_padding, nd, op, "output_padding")
    _check_positive(op, "stride", stride)
    _check_positive(op, "dilation", dilation)
    if any(p < 0 for p in pads):
        raise ValueError(f"{op}: padding must be non-negative, got {pads}")
    for op_, s, d in zip(out_pad, stride, dilation):
        if op_ < 0 or (op_ >= s and op_ >= d):
            raise ValueError(f"{op}: output_padding {out_pad} must be smaller than either "
                             f"stride {stride} or dilation {dilation}")
    channels = x_shape[-nd - 1]
    if w_shape[0] % groups:
        raise shape_error(op, f"in_channels ({w_shape[0]}) must be divisible by groups "
                          f"({groups})", w_shape)
    if channels != w_shape[0]:
        raise shape_error(op, f"expected input with {w_shape[0]} channels (weight.shape[0]) in "
                          f"dimension {len(x_shape) - nd - 1}, but the input has {channels}",
                          x_shape, w_shape)
    out_channels = w_shape[1] * groups
    if bias is not None and _shape(bias) != (out_channels,):
        raise shape_error(op, f"bias must have shape ({out_channels},)", _shape(bias))
    out_size = tuple((size - 1) * s - 2 * p + d * (k - 1) + op_ + 1 for size, s, p, d, k, op_
                     in zip(x_shape[-nd:], stride, pads, dilation, kernel, out_pad))
    if any(v < 1 for v in out_size):
        raise shape_error(op, f"output size {out_size} is too small (padding {pads} too large "
                          f"for the input and kernel)", x_shape, w_shape)
    return ConvTranspose.apply(input, weight, bias, stride=stride,
                               padding=tuple(p for p in pads for _ in (0, 1)),
                               dilation=dilation, groups=groups, out_size=out_size)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,  # noqa: A002
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution (the gradient of ``conv2d`` with respect to its input).

    Args:
        input: (N, C_in, H, W) or (C_in, H, W).
        weight: (C_in, C_out / groups, kH, kW) (note: input channels first).
        output_padding: extra rows/columns added on one side of the output, to pick among
            the input sizes that a strided conv maps to the same size.

    Shape: ``H_out = (H - 1) s - 2p + d(k - 1) + output_padding + 1``.
    """
    return _conv_transpose("conv_transpose2d", input, weight, bias, stride, padding,
                           output_padding, groups, dilation, 2)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,  # noqa: A002
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution: input (N, C_in, L), weight (C_in, C_out / groups, k)."""
    return _conv_transpose("conv_transpose1d", input, weight, bias, stride, padding,
                           output_padding, groups, dilation, 1)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,  # noqa: A002
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """3-D transposed convolution: input (N, C_in, D, H, W), weight
    (C_in, C_out / groups, kD, kH, kW); arguments as ``conv_transpose2d`` with triples."""
    return _conv_transpose("conv_transpose3d", input, weight, bias, stride, padding,
                           output_padding, groups, dilation, 3)
