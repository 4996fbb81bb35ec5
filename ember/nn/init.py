"""Weight initialisers (``torch.nn.init``'s names and formulas).

Each one fills ``tensor.array`` in place, outside the autograd graph, and returns the
tensor. Random ones draw from Ember's default generator (or the ``generator`` given), so
``ember.manual_seed`` makes an initialisation repeat.

The variance-preserving schemes scale by the fans of a weight: for a ``Linear`` weight
``(out_features, in_features)`` fan_in is ``in_features``; for a conv weight
``(out_channels, in_channels / groups, *kernel)`` each fan is multiplied by the kernel's
size (the receptive field).
"""
from __future__ import annotations

import math
import numbers
import warnings

from ember.backend import xp
from ember.random import rng_of
from ember.tensor import Tensor

__all__ = [
    "calculate_gain", "constant_", "dirac_", "eye_", "kaiming_normal_", "kaiming_uniform_",
    "normal_", "ones_", "orthogonal_", "reset_affine_", "trunc_normal_", "uniform_",
    "xavier_normal_",
    "xavier_uniform_", "zeros_",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor by which ``nonlinearity`` shrinks the std of its input, to undo in init.

    linear/conv/sigmoid: 1, tanh: 5/3, relu: sqrt(2), leaky_relu: sqrt(2 / (1 + slope^2))
    (slope ``param``, 0.01 by default), selu: 3/4.
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Number) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)``: dims 1 and 0 times the receptive field (the other dims)."""
    shape = tuple(tensor.shape)
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         f"2 dimensions (got shape {shape})")
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values) -> Tensor:
    """Write ``values`` into the tensor's own array (views of it see the change)."""
    a = tensor.array
    a[...] = values
    return tensor


def _empty(tensor: Tensor) -> bool:
    if tensor.array.size == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from U(a, b)."""
    return _fill(tensor, rng_of(generator).uniform(a, b, tensor.array.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with draws from N(mean, std^2)."""
    return _fill(tensor, rng_of(generator).normal(mean, std, tensor.array.shape))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator=None) -> Tensor:
    """Fill with N(mean, std^2) restricted to [a, b] (out-of-range draws are redrawn)."""
    rng = rng_of(generator)
    values = rng.normal(mean, std, tensor.array.size)
    for _ in range(100):
        bad = xp.flatnonzero((values < a) | (values > b))
        if bad.size == 0:
            break
        values[bad] = rng.normal(mean, std, bad.size)
    return _fill(tensor, xp.clip(values, a, b).reshape(tensor.array.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std  # U(-a, a) has std a / sqrt(3)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He: U(-bound, bound) with bound = gain * sqrt(3 / fan) (``a``: leaky_relu's slope).

    ``Linear`` and ``Conv`` weights use ``a=sqrt(5)``, which gives bound = 1 / sqrt(fan_in).
    """
    if _empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He: N(0, std^2) with std = gain / sqrt(fan)."""
    if _empty(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """A (semi-)orthogonal matrix, times ``gain``, from the QR factors of a Gaussian one.

    The tensor is seen as ``(shape[0], numel / shape[0])``: its rows (or columns, whichever
    are fewer) are orthonormal.
    """
    if tensor.ndim < 2:
        raise ValueError("orthogonal_: Only tensors with 2 or more dimensions are supported "
                         f"(got shape {tuple(tensor.shape)})")
    if tensor.array.size == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.array.size // rows
    flat = rng_of(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = xp.linalg.qr(flat)
    q = q * xp.sign(xp.diag(r))  # fix the signs so that Q is uniformly distributed
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.array.shape))


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (2-D tensors only)."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: Only tensors with 2 dimensions are supported "
                         f"(got shape {tuple(tensor.shape)})")
    return _fill(tensor, xp.eye(*tensor.array.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Conv weights that pass their input through: a 1 at each kernel's centre."""
    shape = tuple(tensor.shape)
    if len(shape) not in (3, 4, 5):
        raise ValueError(f"dirac_: Only tensors with 3, 4, or 5 dimensions are supported "
                         f"(got shape {shape})")
    if shape[0] % groups != 0:
        raise ValueError(f"dirac_: dim 0 ({shape[0]}) must be divisible by groups ({groups})")
    per_group = shape[0] // groups
    a = tensor.array
    a[...] = 0
    centre = tuple(k // 2 for k in shape[2:])
    for g in range(groups):
        for d in range(min(per_group, shape[1])):
            a[(g * per_group + d, d) + centre] = 1
    return tensor


def reset_affine_(weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's default for ``Linear`` and convolutions: ``kaiming_uniform_(a=sqrt(5))``
    on the weight (U(-1/sqrt(fan_in), 1/sqrt(fan_in))), the same bound for the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        uniform_(bias, -bound, bound)
