"""Convolution layers: ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d``.

Same constructor arguments, attributes, initialisation and ``repr`` as torch.nn; the math
is in ``ember.nn.functional.conv`` and ``ember.ops.conv``.
"""
from __future__ import annotations

from ember.backend import xp
from ember.nn import init
from ember.nn.functional.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    ntuple,
    resolve_padding,
)
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.tensor import Tensor, check_device

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """Shared constructor, initialisation and repr of the convolution layers."""

    _nd = 2
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 output_padding=0, device=None, dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        check_device(device)
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups!r}")
        if in_channels % groups:
            raise ValueError(f"{name}: in_channels ({in_channels}) must be divisible by "
                             f"groups ({groups})")
        if out_channels % groups:
            raise ValueError(f"{name}: out_channels ({out_channels}) must be divisible by "
                             f"groups ({groups})")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"{name}: padding_mode must be one of {_PADDING_MODES}, "
                             f"got {padding_mode!r}")
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f"{name}: only 'zeros' padding mode is supported")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = ntuple(kernel_size, nd, name, "kernel_size")
        self.stride = ntuple(stride, nd, name, "stride")
        self.dilation = ntuple(dilation, nd, name, "dilation")
        if isinstance(padding, str):
            # validates the string and 'same' with a stride
            self._pads = resolve_padding(name, padding, self.kernel_size, self.stride,
                                         self.dilation)
            self.padding = padding
        else:
            self.padding = ntuple(padding, nd, name, "padding")
            self._pads = tuple((p, p) for p in self.padding)
        self.output_padding = ntuple(output_padding, nd, name, "output_padding")
        self.groups, self.padding_mode = groups, padding_mode
        if self.transposed:
            shape = (in_channels, out_channels // groups) + self.kernel_size
        else:
            shape = (out_channels, in_channels // groups) + self.kernel_size
        dtype = xp.dtype(dtype) if dtype is not None else xp.float32
        self.weight = Parameter(Tensor._wrap(xp.empty(shape, dtype)))
        if bias:
            self.bias = Parameter(Tensor._wrap(xp.empty((out_channels,), dtype)))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.reset_affine_(self.weight, self.bias)

    def extra_repr(self) -> str:
        nd = self._nd
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _conv_forward(self, conv, input):  # noqa: A002
        """``conv`` (F.conv1d or F.conv2d) with this layer's weights and padding mode."""
        if self.padding_mode != "zeros":
            return conv(self._padded_input(input), self.weight, self.bias, self.stride, 0,
                        self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                    self.groups)

    def _padded_input(self, input):  # noqa: A002
        """Apply a non-zero ``padding_mode`` explicitly; the conv then pads nothing."""
        from ember.ops.padding import pad

        amounts = []
        for before, after in reversed(self._pads):  # F.pad lists the last dim first
            amounts += [before, after]
        return pad(input, tuple(amounts), mode=self.padding_mode)


class _Conv(_ConvNd):
    """Conv1d/2d/3d: the constructor without ``output_padding``, and ``forward``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device=device, dtype=dtype)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return self._conv_forward(self._conv, input)


class Conv2d(_Conv):
    """2-D convolution layer.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size, stride, dilation: ints or pairs.
        padding: int, pair, ``'valid'`` or ``'same'`` (stride 1 only).
        groups: independent channel blocks (``groups == in_channels``: depthwise).
        bias: learn an additive bias per output channel.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Shape: (N, C_in, H, W) or (C_in, H, W) -> (N, C_out, H_out, W_out).
    Example: ``Conv2d(1, 32, 3, padding='same')(x)`` keeps the 28x28 size of MNIST.
    """

    _nd = 2

    _conv = staticmethod(conv2d)


class Conv3d(_Conv):
    """3-D convolution layer: (N, C_in, D, H, W) or (C_in, D, H, W) -> (N, C_out, D_out,
    H_out, W_out).

    Arguments as ``Conv2d`` with ints or triples (``padding_mode`` included).
    Example: ``Conv3d(16, 32, 3, padding=1)`` on a (8, 16, 16, 32, 32) clip keeps its size.
    """

    _nd = 3

    _conv = staticmethod(conv3d)


class Conv1d(_Conv):
    """1-D convolution layer: (N, C_in, L) or (C_in, L) -> (N, C_out, L_out).

    Arguments as ``Conv2d`` with ints (or 1-tuples).
    """

    _nd = 1

    _conv = staticmethod(conv1d)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution ("deconvolution"): the gradient of a ``Conv2d``.

    Args:
        in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias: as
            ``Conv2d`` (padding: ints only; it crops ``d(k-1) - p`` ... from the full output).
        output_padding: extra size on one side, to reach the exact size a strided conv came
            from (must be smaller than stride or dilation).

    Shape: ``H_out = (H - 1) s - 2p + d(k - 1) + output_padding + 1``. The weight has shape
    (in_channels, out_channels / groups, kH, kW), as in PyTorch.
    """

    _nd = 2
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None):
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__}: padding must be an int or a tuple of "
                             f"ints, got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device=device, dtype=dtype)

    _conv = staticmethod(conv_transpose2d)

    def forward(self, input: Tensor, output_size=None) -> Tensor:  # noqa: A002
        return self._conv(input, self.weight, self.bias, self.stride, self.padding,
                          self._output_padding(input, output_size), self.groups,
                          self.dilation)

    def _output_padding(self, input, output_size):  # noqa: A002
        """PyTorch's ``output_size=`` argument: the output_padding that reaches it."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        size = tuple(output_size)[-nd:]
        extra = []
        for i in range(nd):
            base = ((input.shape[-nd + i] - 1) * self.stride[i] - 2 * self.padding[i]
                    + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            if not base <= size[i] < base + self.stride[i]:
                raise ValueError(f"{type(self).__name__}: requested an output size of {size}, "
                                 f"but valid sizes along dimension {i} range from {base} to "
                                 f"{base + self.stride[i] - 1}")
            extra.append(size[i] - base)
        return tuple(extra)


class ConvTranspose1d(ConvTranspose2d):
    """1-D transposed convolution: (N, C_in, L) -> (N, C_out, L_out)."""

    _nd = 1
    _conv = staticmethod(conv_transpose1d)


class ConvTranspose3d(ConvTranspose2d):
    """3-D transposed convolution: (N, C_in, D, H, W) -> (N, C_out, D_out, H_out, W_out);
    arguments as ``ConvTranspose2d`` with ints or triples."""

    _nd = 3
    _conv = staticmethod(conv_transpose3d)
