"""Activation functions (``torch.nn.functional``'s names and semantics).

Each is one primitive of ``ember.ops`` (forward and backward side by side there);
``relu``, ``sigmoid``, ``tanh``, ``softmax`` and ``log_softmax`` are the core's own ops,
re-exported. ``inplace=True`` is accepted for compatibility and computes out of place:
the result is a new tensor and the input is left unchanged.
"""
from __future__ import annotations

from ember.ops import activation as A
from ember.ops import elementwise as E
from ember.ops.activation import log_softmax, softmax
from ember.ops.elementwise import sigmoid, tanh
from ember.tensor import Tensor

__all__ = [
    "step", "sigmoid", "tanh", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu",
    "silu", "swish", "mish", "softplus", "softmax", "log_softmax", "softmin", "hardtanh",
    "hardsigmoid", "hardswish", "softsign", "tanhshrink", "logsigmoid", "prelu",
]

# SELU's constants (Klambauer et al., 2017): self-normalising for unit-variance inputs
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def step(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """Heaviside step: 1 where ``input > 0``, else 0. Its gradient is 0 everywhere (the
    perceptron's activation: it cannot be trained by backpropagation)."""
    return A.Step.apply(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,  # noqa: A002
             inplace: bool = False) -> Tensor:
    """Clip to ``[min_val, max_val]``; gradient 1 strictly inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val "
                         f"({max_val})")
    return A.Hardtanh.apply(input, min_val=float(min_val), max_val=float(max_val))


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(input, 0)``; ``inplace`` is accepted and ignored (see the module's docstring)."""
    return E.relu(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``min(max(x, 0), 6)`` (MobileNet's activation)."""
    return A.Hardtanh.apply(input, min_val=0.0, max_val=6.0)


def leaky_relu(input: Tensor, negative_slope: float = 0.01,  # noqa: A002
               inplace: bool = False) -> Tensor:
    """``x`` above 0, ``negative_slope * x`` below: negative inputs keep a gradient."""
    return A.LeakyRelu.apply(input, negative_slope=float(negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x`` above 0, ``alpha (exp(x) - 1)`` below (smooth, saturating at ``-alpha``)."""
    return A.Elu.apply(input, alpha=float(alpha))


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``scale * elu(x, alpha)`` with SELU's fixed alpha and scale."""
    return A.Elu.apply(input, alpha=SELU_ALPHA, scale=SELU_SCALE)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x`` above 0, ``alpha (exp(x / alpha) - 1)`` below (continuously differentiable)."""
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0")
    return A.Elu.apply(input, alpha=float(alpha), input_scale=1.0 / alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """``x * Phi(x)`` (Phi: the standard normal CDF), as in BERT and GPT.

    Args:
        approximate: 'none' for the exact erf form, 'tanh' for
            ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return A.Gelu.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * sigmoid(x)`` (also called Swish with beta = 1)."""
    return A.Silu.apply(input)


def swish(input: Tensor, beta=1.0) -> Tensor:  # noqa: A002
    """``x * sigmoid(beta * x)``; ``beta`` may be a number or a tensor that learns.

    Example: ``F.swish(x, beta=nn.Parameter(ember.ones(1)))``.
    """
    return A.Swish.apply(input, beta)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * tanh(softplus(x))``."""
    return A.Mish.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta x)) / beta``, a smooth ReLU; linear where ``beta x > threshold``."""
    return A.Softplus.apply(input, beta=float(beta), threshold=float(threshold))


def softmin(input: Tensor, dim: int | None = None, dtype=None) -> Tensor:  # noqa: A002
    """``softmax(-x)`` along ``dim``."""
    return softmax(E.neg(input), dim=dim, dtype=dtype)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``relu6(x + 3) / 6``, a piecewise-linear sigmoid."""
    return A.Hardsigmoid.apply(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * relu6(x + 3) / 6`` (MobileNetV3)."""
    return A.Hardswish.apply(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """``x / (1 + |x|)``."""
    return A.Softsign.apply(input)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """``x - tanh(x)``."""
    return E.sub(input, tanh(input))


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(x)) = -softplus(-x)``, stable for any ``x``."""
    return E.neg(A.Softplus.apply(E.neg(input), beta=1.0, threshold=float("inf")))


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """``x`` above 0, ``weight * x`` below; ``weight`` has 1 or C entries (channel dim 1)."""
    return A.Prelu.apply(input, weight)
