"""Transcendental primitives beyond exp/log/sin/cos: erf, log2/log10/exp2, trigonometric and
hyperbolic functions, atan2, hypot, logaddexp, xlogy.

Integer inputs are computed in float32, as in PyTorch; float32 stays float32.
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.activation import erf_array, erfc_array

__all__ = ["erf", "erfc", "log2", "log10", "exp2", "tan", "asin", "acos", "atan", "sinh",
           "cosh", "atan2", "arctan2", "hypot", "logaddexp", "xlogy", "arcsin", "arccos",
           "arctan", "arcsinh", "arccosh", "arctanh", "asinh", "acosh", "atanh"]

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _float(x):
    """Integer and bool arrays (and Python numbers) as float32; floats unchanged."""
    x = xp.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(xp.float32)


def _pair(op, x, y):
    """Two operands as floats of a common dtype (float32 unless a float64 array is in it)."""
    arrays = [a.dtype for a in (x, y) if isinstance(a, xp.ndarray)]  # numbers are weak
    floats = [d for d in arrays if d.kind == "f"]
    dtype = max(floats, key=lambda d: d.itemsize) if floats else xp.dtype(xp.float32)
    x, y = xp.asarray(x), xp.asarray(y)
    try:
        xp.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise shape_error(op, "shapes cannot be broadcast together", x.shape, y.shape) from None
    return x.astype(dtype, copy=False), y.astype(dtype, copy=False)


class Erf(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return erf_array(x)

    def backward(self, g):
        # d erf = 2 / sqrt(pi) exp(-x^2)
        x = self.x
        return (g * (xp.exp(-x * x) * _TWO_OVER_SQRT_PI),)


class Erfc(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return erfc_array(x)

    def backward(self, g):
        x = self.x
        return (g * (xp.exp(-x * x) * -_TWO_OVER_SQRT_PI),)


class Log2(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.log2(x)

    def backward(self, g):
        return (g / (self.x * _LN2),)


class Log10(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.log10(x)

    def backward(self, g):
        return (g / (self.x * _LN10),)


class Exp2(Function):
    def forward(self, x):
        self.y = y = xp.exp2(_float(x))
        return y

    def backward(self, g):
        return (g * self.y * _LN2,)


class Tan(Function):
    def forward(self, x):
        self.y = y = xp.tan(_float(x))
        return y

    def backward(self, g):
        # d tan = 1 + tan^2
        return (g * (1 + self.y * self.y),)


class Asin(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.arcsin(x)

    def backward(self, g):
        # d asin = 1 / sqrt(1 - x^2)
        return (g / xp.sqrt(1 - self.x * self.x),)


class Acos(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.arccos(x)

    def backward(self, g):
        return (-g / xp.sqrt(1 - self.x * self.x),)


class Atan(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.arctan(x)

    def backward(self, g):
        return (g / (1 + self.x * self.x),)


class Sinh(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.sinh(x)

    def backward(self, g):
        return (g * xp.cosh(self.x),)


class Cosh(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.cosh(x)

    def backward(self, g):
        return (g * xp.sinh(self.x),)


class Asinh(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.arcsinh(x)

    def backward(self, g):
        # d asinh = 1 / sqrt(x^2 + 1)
        return (g / xp.sqrt(self.x * self.x + 1),)


class Acosh(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.arccosh(x)

    def backward(self, g):
        # d acosh = 1 / sqrt(x^2 - 1)
        return (g / xp.sqrt(self.x * self.x - 1),)


class Atanh(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return xp.arctanh(x)

    def backward(self, g):
        return (g / (1 - self.x * self.x),)


class Atan2(Function):
    """The angle of the point (x, y): ``atan2(y, x)``, in (-pi, pi]."""

    def forward(self, y, x):
        self.y, self.x = y, x = _pair("atan2", y, x)
        return xp.arctan2(y, x)

    def backward(self, g):
        # d/dy = x / (x^2 + y^2),  d/dx = -y / (x^2 + y^2)
        y, x = self.y, self.x
        gr = g / (x * x + y * y)
        return gr * x, -gr * y


class Hypot(Function):
    def forward(self, x, y):
        self.x, self.y = x, y = _pair("hypot", x, y)
        self.h = h = xp.hypot(x, y)
        return h

    def backward(self, g):
        # d/dx = x / h,  d/dy = y / h
        gh = g / self.h
        return gh * self.x, gh * self.y


class LogAddExp(Function):
    def forward(self, x, y):
        self.x, self.y = x, y = _pair("logaddexp", x, y)
        self.out = out = xp.logaddexp(x, y)
        return out

    def backward(self, g):
        # d/dx = exp(x - out) = sigmoid(x - y), and symmetrically for y
        return g * xp.exp(self.x - self.out), g * xp.exp(self.y - self.out)


class Xlogy(Function):
    """``x * log(y)``, and 0 where ``x == 0`` (even for y = 0 or inf)."""

    def forward(self, x, y):
        self.x, self.y = x, y = _pair("xlogy", x, y)
        with xp.errstate(divide="ignore", invalid="ignore"):
            out = xp.where(x == 0, xp.zeros((), x.dtype), x * xp.log(y))
        return xp.where(xp.isnan(y), y, out)

    def backward(self, g):
        x, y = self.x, self.y
        # d/dx = log y (0 where x == 0 and y <= 0, as in PyTorch);  d/dy = x / y
        with xp.errstate(divide="ignore", invalid="ignore"):
            gx = xp.where((x == 0) & (y <= 0), xp.zeros((), g.dtype), g * xp.log(y))
            gy = g * x / y if self.needs_input_grad(1) else None
        return gx, gy


# ----------------------------------------------------------------------------- functions
def erf(input):  # noqa: A002
    """The error function ``2 / sqrt(pi) * integral_0^x exp(-t^2) dt``."""
    return Erf.apply(input)


def erfc(input):  # noqa: A002
    """``1 - erf(x)``, accurate where erf is close to 1."""
    return Erfc.apply(input)


def log2(input):  # noqa: A002
    return Log2.apply(input)


def log10(input):  # noqa: A002
    return Log10.apply(input)


def exp2(input):  # noqa: A002
    """``2 ** x``."""
    return Exp2.apply(input)


def tan(input):  # noqa: A002
    return Tan.apply(input)


def asin(input):  # noqa: A002
    """Inverse sine, defined on [-1, 1]."""
    return Asin.apply(input)


def acos(input):  # noqa: A002
    """Inverse cosine, defined on [-1, 1]."""
    return Acos.apply(input)


def atan(input):  # noqa: A002
    return Atan.apply(input)


def sinh(input):  # noqa: A002
    return Sinh.apply(input)


def cosh(input):  # noqa: A002
    return Cosh.apply(input)


def asinh(input):  # noqa: A002
    return Asinh.apply(input)


def acosh(input):  # noqa: A002
    """Inverse hyperbolic cosine, defined on [1, inf)."""
    return Acosh.apply(input)


def atanh(input):  # noqa: A002
    """Inverse hyperbolic tangent, defined on (-1, 1)."""
    return Atanh.apply(input)


def atan2(input, other):  # noqa: A002
    """``atan(input / other)`` with the quadrant of the point (other, input), broadcasting."""
    return Atan2.apply(input, other)


def hypot(input, other):  # noqa: A002
    """``sqrt(input^2 + other^2)`` without overflow, broadcasting."""
    return Hypot.apply(input, other)


def logaddexp(input, other):  # noqa: A002
    """``log(exp(input) + exp(other))`` without overflow, broadcasting."""
    return LogAddExp.apply(input, other)


def xlogy(input, other):  # noqa: A002
    """``input * log(other)``, 0 where ``input`` is 0 (the convention of entropies)."""
    return Xlogy.apply(input, other)


arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh


float_pair = _pair  # for the binary primitives of ``ember.ops.numeric``
