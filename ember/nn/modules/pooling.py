"""Pooling layers: max, average, adaptive pooling and max unpooling, 1-D to 3-D.

torch.nn's names. They hold their arguments and call ``ember.nn.functional.pooling``.
"""
from __future__ import annotations

from ember.nn.functional import pooling as P
from ember.nn.functional.conv import ntuple
from ember.nn.modules.module import Module
from ember.tensor import Tensor

__all__ = [
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
]


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling: the maximum of each ``kernel_size`` window.

    Args:
        kernel_size: int or pair; stride defaults to it (non-overlapping windows).
        stride, padding (implicit -inf), dilation: ints or pairs.
        return_indices: also return where each maximum was (for ``MaxUnpool``).
        ceil_mode: round the output size up, keeping a last partial window.

    Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
    """

    def forward(self, input: Tensor):  # noqa: A002
        return P.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling: (N, C, L) or (C, L) -> (N, C, L_out); arguments as ``MaxPool2d``."""

    def forward(self, input: Tensor):  # noqa: A002
        return P.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """3-D max pooling: (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out);
    arguments as ``MaxPool2d`` with ints or triples."""

    def forward(self, input: Tensor):  # noqa: A002
        return P.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class _AvgPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad = count_include_pad

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling: the mean of each ``kernel_size`` window.

    Args:
        kernel_size, stride (default: kernel_size), padding (zeros): ints or pairs.
        ceil_mode: round the output size up.
        count_include_pad: whether the zero padding counts in a window's divisor.
        divisor_override: divide every window by this number instead.

    Shape: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out).
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: int | None = None):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return P.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool1d(_AvgPoolNd):
    """1-D average pooling: (N, C, L) or (C, L) -> (N, C, L_out)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        # stored as 1-tuples, as PyTorch does (and shows in the repr)
        super().__init__(_single(kernel_size), _single(stride), _single(padding), ceil_mode,
                         count_include_pad)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return P.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class AvgPool3d(AvgPool2d):
    """3-D average pooling: (N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out);
    arguments as ``AvgPool2d`` with ints or triples."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return P.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


def _single(v):
    return v if isinstance(v, tuple) or v is None else (v,)


class _AdaptivePool(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average pooling to a fixed output size, whatever the input size.

    Args:
        output_size: int or pair; None in a pair keeps that input dimension.
            ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Shape: (N, C, H, W) or (C, H, W) -> (N, C, *output_size).
    """

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return P.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptivePool):
    """1-D adaptive average pooling: (N, C, L) -> (N, C, output_size)."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return P.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool3d(_AdaptivePool):
    """3-D adaptive average pooling: (N, C, D, H, W) -> (N, C, *output_size)."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return P.adaptive_avg_pool3d(input, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePool):
    """Max pooling to a fixed output size (PyTorch's bins); may return the indices."""

    def __init__(self, output_size, return_indices: bool = False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor):  # noqa: A002
        return P.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(AdaptiveMaxPool2d):
    """1-D adaptive max pooling: (N, C, L) -> (N, C, output_size)."""

    def forward(self, input: Tensor):  # noqa: A002
        return P.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool3d(AdaptiveMaxPool2d):
    """3-D adaptive max pooling: (N, C, D, H, W) -> (N, C, *output_size)."""

    def forward(self, input: Tensor):  # noqa: A002
        return P.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class _MaxUnpoolNd(Module):
    """Shared constructor and repr of the unpooling layers (arguments stored as tuples)."""

    _nd = 2
    _unpool = staticmethod(P.max_unpool2d)

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        self.kernel_size = ntuple(kernel_size, nd, name, "kernel_size")
        self.stride = self.kernel_size if stride is None else ntuple(stride, nd, name,
                                                                     "stride")
        self.padding = ntuple(padding, nd, name, "padding")

    def forward(self, input: Tensor, indices: Tensor, output_size=None) -> Tensor:  # noqa: A002
        return self._unpool(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool2d``: values back at their maxima's positions, zeros
    elsewhere.

    Args:
        kernel_size, stride (default: kernel_size), padding: those of the pooling.

    Call: ``unpool(y, indices, output_size=None)`` with ``y, indices`` from
    ``MaxPool2d(..., return_indices=True)``; ``output_size`` picks among the input sizes
    that the pooling maps to ``y``'s size. Shape: (N, C, H, W) -> (N, C, H_out, W_out),
    ``H_out = (H - 1) * stride - 2 * padding + kernel_size`` by default.
    """


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool1d``: (N, C, L) -> (N, C, L_out)."""

    _nd = 1
    _unpool = staticmethod(P.max_unpool1d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool3d``: (N, C, D, H, W) -> (N, C, D_out, H_out, W_out)."""

    _nd = 3
    _unpool = staticmethod(P.max_unpool3d)
