"""Pointwise combinations: reciprocal, lerp, addcmul, addcdiv, clamp by tensors, nan_to_num.

Most are written from the primitives of ``elementwise`` (their gradients come from there);
``ClampBy`` (a bound that is itself a tensor) and ``NanToNum`` are primitives.
"""
from __future__ import annotations

from ember.autograd import Function, Symbolic
from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.tensor import Tensor

__all__ = ["reciprocal", "lerp", "addcmul", "addcdiv", "nan_to_num"]


class ClampBy(Function):
    """``maximum(x, bound)`` (``upper=False``) or ``minimum(x, bound)`` with PyTorch's
    clamp gradients: ``x`` gets it where it is kept (ties included), ``bound`` elsewhere."""

    def forward(self, x, bound, upper):
        self.x, self.bound, self.upper = x, bound, upper
        try:
            return (xp.minimum if upper else xp.maximum)(x, bound)
        except ValueError:
            raise shape_error("clamp", f"{'max' if upper else 'min'} cannot be broadcast to "
                              "the input", x.shape, xp.shape(bound)) from None

    def backward(self, g):
        kept = self.x <= self.bound if self.upper else self.x >= self.bound
        zero = xp.zeros((), g.dtype)
        return xp.where(kept, g, zero), xp.where(kept, zero, g)


class NanToNum(Function):
    """NaN, +inf and -inf replaced by numbers; the gradient is 0 where they were replaced."""

    def forward(self, x, nan=0.0, posinf=None, neginf=None):
        self.x = x
        return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(self, g):
        return (g * xp.isfinite(self.x),)


def _is_tensor(v) -> bool:
    return isinstance(v, (Tensor, Symbolic, xp.ndarray))


def clamp_by_tensors(input, min=None, max=None):  # noqa: A001, A002
    """``clamp`` where ``min`` and/or ``max`` are tensors (broadcast to the input)."""
    out = input
    if min is not None:
        out = ClampBy.apply(out, min, upper=False) if _is_tensor(min) else E.Clamp.apply(
            out, min=min, max=None)
    if max is not None:
        out = ClampBy.apply(out, max, upper=True) if _is_tensor(max) else E.Clamp.apply(
            out, min=None, max=max)
    return out


def reciprocal(input):  # noqa: A002
    """``1 / input`` (integers give floats)."""
    return E.Div.apply(1.0, input)


def lerp(input, end, weight):  # noqa: A002
    """``input + weight * (end - input)``; ``weight`` is a number or a tensor."""
    return E.add(input, E.mul(weight, E.sub(end, input)))


def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 * tensor2``, broadcasting."""
    prod = E.mul(tensor1, tensor2)
    return E.add(input, prod if value == 1 else E.mul(prod, value))


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value * tensor1 / tensor2``, broadcasting."""
    quot = E.div(tensor1, tensor2)
    return E.add(input, quot if value == 1 else E.mul(quot, value))


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """Replace NaN by ``nan`` and infinities by ``posinf``/``neginf`` (the dtype's largest
    finite values by default)."""
    return NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)
