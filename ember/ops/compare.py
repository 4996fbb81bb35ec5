"""Whole-tensor comparisons that answer with Python values or masks: ``allclose``,
``isclose``, ``equal`` (no gradients)."""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.tensor import Tensor


def _array(x):
    return x.array if isinstance(x, Tensor) else xp.asarray(x)


class IsClose(Function):
    differentiable = False

    def forward(self, x, y, rtol=1e-5, atol=1e-8, equal_nan=False):
        try:
            return xp.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
        except ValueError:
            raise shape_error("isclose", "shapes cannot be broadcast together", x.shape,
                              y.shape) from None


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """Elementwise ``|input - other| <= atol + rtol * |other|``."""
    return IsClose.apply(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:  # noqa: A002
    """True if every element of ``input`` is close to ``other`` (see ``isclose``)."""
    a, b = _array(input), _array(other)
    try:
        return bool(xp.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:
        raise shape_error("allclose", "shapes cannot be broadcast together", a.shape,
                          b.shape) from None


def equal(input, other) -> bool:  # noqa: A002
    """True if both tensors have the same shape and the same elements."""
    a, b = _array(input), _array(other)
    return a.shape == b.shape and bool((a == b).all())
