"""``Linear``, ``Bilinear`` and ``Identity`` layers."""
from __future__ import annotations

import math

from ember.creation import empty
from ember.errors import shape_error
from ember.nn import init
from ember.nn.functional.linear import bilinear, linear
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter

__all__ = ["Bilinear", "Identity", "Linear"]


class Identity(Module):
    """Returns its input unchanged (a placeholder that keeps a model's structure)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):  # noqa: A002
        return input


class Linear(Module):
    """``y = x W^T + b``.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).

    Shape: input (*, in_features), output (*, out_features).

    The weight is (out_features, in_features), initialised like PyTorch's:
    ``kaiming_uniform_(a=sqrt(5))``, i.e. U(-1/sqrt(in), 1/sqrt(in)), as is the bias.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in_features, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
        init.reset_affine_(self.weight, self.bias)

    def forward(self, input):  # noqa: A002
        shape = input.shape
        if not shape or shape[-1] != self.in_features:
            raise shape_error(
                "Linear", f"expected input with last dimension in_features="
                f"{self.in_features}, got input of shape {tuple(shape)}")
        return linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """``y = x1^T A x2 + b``.

    Args:
        in1_features, in2_features: sizes of the two inputs' samples.
        out_features: size of each output sample.
        bias: learn an additive bias (default True).

    Shape: inputs (*, in1_features) and (*, in2_features), output (*, out_features).
    Weight (out_features, in1_features, in2_features), U(-1/sqrt(in1), 1/sqrt(in1)).
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in1_features, in2_features, dtype=dtype,
                                      device=device))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
