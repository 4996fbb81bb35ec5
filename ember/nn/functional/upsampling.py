"""Resizing as functions: ``interpolate`` (nearest, (bi/tri)linear, bicubic, area) and aliases.

Each mode is a separable linear map: ``out = x ×_1 A_1 ×_2 A_2 ..`` with an (out, in)
matrix per resized dimension, built here with PyTorch's source-index rules and applied by
the ``Resample`` primitive (whose gradient is the transposed map).
"""
from __future__ import annotations

import math

from ember.autograd import Symbolic
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.resample import Resample, bin_matrix
from ember.tensor import Tensor

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear"]

# mode -> the number of spatial dimensions it needs (None: any of 1, 2, 3)
_MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1, "bilinear": 2,
          "bicubic": 2, "trilinear": 3}
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")
# PyTorch's bicubic kernel parameter (Keys' cubic convolution with a = -0.75)
_CUBIC_A = -0.75


def _nearest_matrix(n_in, n_out, scale, exact, dtype):
    """One-hot (n_out, n_in): out[i] = x[floor(i * scale)] (``+ 0.5`` for nearest-exact)."""
    pos = (xp.arange(n_out, dtype=xp.float64) + (0.5 if exact else 0.0)) * scale
    src = xp.minimum(xp.floor(pos).astype(xp.int64), n_in - 1)
    a = xp.zeros((n_out, n_in), dtype)
    a[xp.arange(n_out), src] = 1
    return a


def _source_positions(n_in, n_out, scale, align_corners, cubic=False):
    """PyTorch's ``area_pixel_compute_source_index``: where each output samples the input
    (clamped at 0 from below except for bicubic, which clamps its taps instead)."""
    dst = xp.arange(n_out, dtype=xp.float64)
    if align_corners:
        return dst * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    src = (dst + 0.5) * scale - 0.5
    return src if cubic else xp.maximum(src, 0.0)


def _linear_matrix(n_in, n_out, scale, align_corners, dtype):
    """(n_out, n_in) with two weights per row."""
    src = _source_positions(n_in, n_out, scale, align_corners)
    i0 = xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)
    i1 = xp.minimum(i0 + 1, n_in - 1)
    frac = src - i0
    a = xp.zeros((n_out, n_in), xp.float64)
    rows = xp.arange(n_out)
    a[rows, i0] += 1 - frac
    a[rows, i1] += frac
    return a.astype(dtype)


def _cubic_weights(t):
    """The four taps' weights at fraction ``t`` (taps at -1, 0, 1, 2 from ``floor(src)``)."""
    a = _CUBIC_A

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _cubic_matrix(n_in, n_out, scale, align_corners, dtype):
    """(n_out, n_in) with four weights per row; taps outside the input are clamped to its
    border (their weights add up there), as PyTorch's ``upsample_bicubic2d``."""
    src = _source_positions(n_in, n_out, scale, align_corners, cubic=True)
    i0 = xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)
    t = xp.clip(src - i0, 0.0, 1.0)
    a = xp.zeros((n_out, n_in), xp.float64)
    rows = xp.arange(n_out)
    for j, weight in enumerate(_cubic_weights(t)):
        xp.add.at(a, (rows, xp.clip(i0 - 1 + j, 0, n_in - 1)), weight)
    return a.astype(dtype)


def _matrix(mode, n_in, n_out, scale, align_corners, dtype):
    if mode in ("nearest", "nearest-exact"):
        return _nearest_matrix(n_in, n_out, scale, mode == "nearest-exact", dtype)
    if mode == "area":
        return bin_matrix(n_in, n_out, dtype)
    if mode == "bicubic":
        return _cubic_matrix(n_in, n_out, scale, align_corners, dtype)
    return _linear_matrix(n_in, n_out, scale, align_corners, dtype)


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",  # noqa: A002
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:
    """Resize the spatial dimensions of (N, C, L), (N, C, H, W) or (N, C, D, H, W) input.

    Args:
        size: the output's spatial size (int or tuple), or
        scale_factor: a multiplier per dimension (output size = floor(size * factor)).
        mode: ``'nearest'``, ``'nearest-exact'``, ``'area'`` (adaptive average pooling),
            ``'linear'`` (3-D input), ``'bilinear'`` or ``'bicubic'`` (4-D input), or
            ``'trilinear'`` (5-D input). Bicubic is PyTorch's: Keys' kernel with
            a = -0.75, taps past the border clamped to it (so it can overshoot the
            input's range).
        align_corners: (interpolating modes) map corner pixels' centres onto each other,
            instead of the pixel areas' edges (PyTorch's default False).
        recompute_scale_factor: with ``scale_factor``, compute source positions from the
            rounded output size instead of from the factor itself.

    Example: ``interpolate(x, scale_factor=2, mode='bilinear')`` doubles H and W.
    """
    if not isinstance(input, (Tensor, Symbolic)):  # Symbolic: graph mode
        raise TypeError(f"interpolate: input must be a Tensor, got {type(input).__name__}")
    if mode not in _MODES:
        raise ValueError(f"interpolate: unsupported mode {mode!r}; expected one of "
                         f"{tuple(_MODES)}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    shape = tuple(input.shape)
    nd = len(shape) - 2
    if nd not in (1, 2, 3):
        raise shape_error("interpolate", "expected 3-D (N, C, L), 4-D (N, C, H, W) or 5-D "
                          "(N, C, D, H, W) input", shape)
    if _MODES[mode] is not None and _MODES[mode] != nd:
        raise shape_error("interpolate", f"got {nd + 2}-D input, but {mode!r} mode needs "
                          f"{_MODES[mode] + 2}-D input", shape)
    if align_corners is not None and mode not in _INTERPOLATING:
        raise ValueError(f"interpolate: align_corners can only be set with the interpolating "
                         f"modes {_INTERPOLATING}, not {mode!r}")
    out_size, scales = _output_size(shape[2:], size, scale_factor, recompute_scale_factor)
    return Resample.apply(input, *(_matrix(mode, n_in, n_out, scale, bool(align_corners),
                                           input.dtype)
                                   for n_in, n_out, scale in zip(shape[2:], out_size, scales)))


def _output_size(in_size, size, scale_factor, recompute):
    """Output sizes and the source-per-output scale PyTorch uses for each dimension."""
    nd = len(in_size)
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: exactly one of size or scale_factor must be given")
    if size is not None:
        out = (int(size),) * nd if isinstance(size, (int, float)) else tuple(int(s) for s in size)
        if len(out) != nd:
            raise ValueError(f"interpolate: size {size!r} must have {nd} entries for "
                             f"{nd + 2}-D input")
        if any(s < 1 for s in out):
            raise ValueError(f"interpolate: size must be positive, got {size!r}")
        return out, tuple(i / o for i, o in zip(in_size, out))
    factors = (float(scale_factor),) * nd if isinstance(scale_factor, (int, float)) else \
        tuple(float(f) for f in scale_factor)
    if len(factors) != nd:
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} must have {nd} entries "
                         f"for {nd + 2}-D input")
    if any(f <= 0 for f in factors):
        raise ValueError(f"interpolate: scale_factor must be positive, got {scale_factor!r}")
    out = tuple(int(math.floor(i * f)) for i, f in zip(in_size, factors))
    if any(s < 1 for s in out):
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} gives an empty output "
                         f"for input size {tuple(in_size)}")
    if recompute:
        return out, tuple(i / o for i, o in zip(in_size, out))
    return out, tuple(1.0 / f for f in factors)


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",  # noqa: A002
             align_corners: bool | None = None) -> Tensor:
    """Deprecated PyTorch alias of ``interpolate``."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:  # noqa: A002
    """``interpolate(..., mode='nearest')``."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:  # noqa: A002
    """``interpolate(..., mode='bilinear', align_corners=True)``, as PyTorch's alias."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
