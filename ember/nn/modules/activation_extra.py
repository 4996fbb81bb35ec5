"""More activation modules: ``GLU``, ``Hardshrink``, ``Softshrink``, ``Threshold``,
``RReLU`` and ``Softmax2d`` (``inplace`` accepted and computed out of place, as for the
other activation modules)."""
from __future__ import annotations

from ember.errors import shape_error
from ember.nn.functional import activation as A
from ember.nn.functional import activation_extra as F
from ember.nn.modules.module import Module
from ember.tensor import Tensor

__all__ = ["GLU", "Hardshrink", "Softshrink", "Threshold", "RReLU", "Softmax2d"]


class GLU(Module):
    """Gated linear unit along ``dim``: ``a * sigmoid(b)`` for the two halves ``a, b``."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Hardshrink(Module):
    def __init__(self, lambd: float = 0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.softshrink(input, self.lambd)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``."""

    def __init__(self, threshold: float, value: float, inplace: bool = False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.threshold(input, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (
            ", inplace=True" if self.inplace else "")


class RReLU(Module):
    """Randomized leaky ReLU: a random negative slope in ``[lower, upper]`` per element in
    training mode, the mean slope in eval mode."""

    def __init__(self, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0,
                 inplace: bool = False):
        super().__init__()
        if lower > upper:
            raise ValueError(f"RReLU: lower ({lower}) cannot be greater than upper ({upper})")
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.rrelu(input, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + (
            ", inplace=True" if self.inplace else "")


class Softmax2d(Module):
    """Softmax over the channels at every location: ``(N, C, H, W)`` or ``(C, H, W)``."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        if input.ndim not in (3, 4):
            raise shape_error("Softmax2d", "expected a 3-D (C, H, W) or 4-D (N, C, H, W) "
                              "input", input.shape)
        return A.softmax(input, -3)
