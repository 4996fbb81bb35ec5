"""LP pooling (``lp_pool1d/2d/3d``) and PyTorch's ``*_with_indices`` pooling names."""
from __future__ import annotations

import math

from ember.nn.functional import pooling as P
from ember.nn.functional.conv import ntuple
from ember.ops import elementwise as E
from ember.tensor import Tensor

__all__ = [
    "lp_pool1d", "lp_pool2d", "lp_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
    "max_pool3d_with_indices", "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d_with_indices",
]


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):  # noqa: A002
    if norm_type <= 0:
        raise ValueError(f"lp_pool{nd}d: norm_type must be positive, got {norm_type}")
    avg = (P.avg_pool1d, P.avg_pool2d, P.avg_pool3d)[nd - 1]
    kernel = ntuple(kernel_size, nd, f"lp_pool{nd}d", "kernel_size")
    p = float(norm_type)
    # the window's sum of x^p, as an average times the window size, then its p-th root
    out = avg(E.pow(input, p), kernel_size, stride, 0, ceil_mode)
    return E.pow(E.mul(out, float(math.prod(kernel))), 1.0 / p)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """Power-average pooling ``(sum_window x^p)^(1/p)`` over (N, C, L) or (C, L)
    (p = 1: sum pooling; p -> inf: max pooling)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """``lp_pool1d`` over (N, C, H, W) or (C, H, W)."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None,  # noqa: A002
              ceil_mode: bool = False) -> Tensor:
    """``lp_pool1d`` over (N, C, D, H, W) or (C, D, H, W)."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=True):
    """``max_pool1d(..., return_indices=True)``: ``(values, indices)``."""
    return P.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=True):
    """``max_pool2d(..., return_indices=True)``: ``(values, indices)``."""
    return P.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,  # noqa: A002
                            ceil_mode=False, return_indices=True):
    """``max_pool3d(..., return_indices=True)``: ``(values, indices)``."""
    return P.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):  # noqa: A002
    """``adaptive_max_pool1d(..., return_indices=True)``: ``(values, indices)``."""
    return P.adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):  # noqa: A002
    """``adaptive_max_pool2d(..., return_indices=True)``: ``(values, indices)``."""
    return P.adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):  # noqa: A002
    """``adaptive_max_pool3d(..., return_indices=True)``: ``(values, indices)``."""
    return P.adaptive_max_pool3d(input, output_size, True)
