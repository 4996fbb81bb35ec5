"""Numeric helpers on the float format and on integers: copysign, signbit, frexp, ldexp,
nextafter, fmax/fmin, float_power, frac, heaviside, logit, deg2rad/rad2deg, logaddexp2,
gcd/lcm and the bitwise operations.

Differentiable ones are composed from ``elementwise`` where PyTorch's gradient allows;
``CopySign``, ``FMaxMin`` and ``LogAddExp2`` are primitives. The rest (bits, integers,
predicates) carry no gradient, as in PyTorch.
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import transcendental as T

__all__ = ["copysign", "signbit", "frexp", "ldexp", "nextafter", "fmax", "fmin", "float_power",
           "frac", "heaviside", "logit", "deg2rad", "rad2deg", "logaddexp2", "gcd", "lcm",
           "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isneginf", "isposinf",
           "isreal", "sgn", "isin", "is_nonzero"]


def _check_broadcast(op, x, y):
    try:
        xp.broadcast_shapes(xp.shape(x), xp.shape(y))
    except ValueError:
        raise shape_error(op, "shapes cannot be broadcast together", xp.shape(x),
                          xp.shape(y)) from None


class CopySign(Function):
    """``|x|`` with the sign of ``y``; d/dx = copysign(1, x) copysign(1, y) (0 at x == 0,
    as in PyTorch), no gradient for ``y``."""

    def forward(self, x, y):
        self.x, self.y = x, y = T.float_pair("copysign", x, y)
        self.out = out = xp.copysign(x, y)
        return out

    def backward(self, g):
        x = self.x
        with xp.errstate(divide="ignore", invalid="ignore"):
            d = xp.where(x == 0, 0, self.out / xp.where(x == 0, 1, x))
        return g * d.astype(g.dtype, copy=False), (
            xp.zeros_like(g) if self.needs_input_grad(1) else None)


class FMaxMin(Function):
    """``fmax``/``fmin``: the larger (smaller) value, ignoring NaN. As in PyTorch, ``x``
    gets the gradient where it is kept (ties included) or ``y`` is NaN; ``y`` elsewhere."""

    def forward(self, x, y, largest):
        _check_broadcast("fmax" if largest else "fmin", x, y)
        self.x, self.y, self.largest = x, y, largest
        r = (xp.fmax if largest else xp.fmin)(x, y)
        if r.dtype == xp.float64 and xp.float64 not in (getattr(x, "dtype", None),
                                                        getattr(y, "dtype", None)):
            r = r.astype(xp.float32)  # int with a Python float: float32, as in PyTorch
        return r

    def backward(self, g):
        x, y = self.x, self.y
        keep = ((x >= y) if self.largest else (x <= y)) | xp.isnan(y)
        zero = xp.zeros((), g.dtype)
        return xp.where(keep, g, zero), xp.where(keep, zero, g)


class LogAddExp2(Function):
    def forward(self, x, y):
        self.x, self.y = x, y = T.float_pair("logaddexp2", x, y)
        self.out = out = xp.logaddexp2(x, y)
        return out

    def backward(self, g):
        # d/dx = 2^x / (2^x + 2^y) = 2^(x - out)
        return g * xp.exp2(self.x - self.out), g * xp.exp2(self.y - self.out)


class Bits(Function):
    """Non-differentiable ops on the float format and on integers."""

    differentiable = False
    n_out = 1

    def forward(self, *arrays, op):
        return _BITS[op](*arrays)


class Frexp(Function):
    differentiable = False
    n_out = 2

    def forward(self, x):
        if x.dtype.kind != "f":
            raise TypeError(f"frexp: input must be a floating-point tensor, got {x.dtype}")
        mantissa, exponent = xp.frexp(x)
        return mantissa, exponent.astype(xp.int32)


def _integers(op, *arrays, bools=True):
    for a in arrays:
        kind = xp.asarray(a).dtype.kind
        if kind not in ("iub" if bools else "iu"):
            allowed = "integer or bool" if bools else "integer"
            raise TypeError(f"{op}: expected {allowed} tensors, got dtype "
                            f"{xp.asarray(a).dtype}")
    if len(arrays) == 2:
        _check_broadcast(op, *arrays)


def _same_float(op, x, y):
    x, y = xp.asarray(x), xp.asarray(y)
    if x.dtype.kind != "f" or (y.ndim and y.dtype != x.dtype):
        raise TypeError(f"{op}: input and other must be floating-point tensors of the same "
                        f"dtype, got {x.dtype} and {y.dtype}")
    _check_broadcast(op, x, y)
    return x, y.astype(x.dtype, copy=False)


def _heaviside(x, v):
    if xp.asarray(v).dtype != x.dtype:
        raise TypeError(f"heaviside: input and values must have the same dtype, got {x.dtype} "
                        f"and {xp.asarray(v).dtype}")
    _check_broadcast("heaviside", x, v)
    return xp.where(x == 0, v, x > 0).astype(x.dtype)


def _nextafter(x, y):
    return xp.nextafter(*_same_float("nextafter", x, y))


def _binary_int(op, ufunc, bools):
    def run(x, y):
        _integers(op, x, y, bools=bools)
        return ufunc(x, y)

    return run


def _bitwise_not(x):
    _integers("bitwise_not", x)
    return xp.invert(x)


def _real_predicate(ufunc):
    return lambda x: ufunc(x) if x.dtype.kind == "f" else xp.zeros(x.shape, bool)


_BITS = {
    "signbit": lambda x: xp.signbit(x), "heaviside": _heaviside, "nextafter": _nextafter,
    "gcd": _binary_int("gcd", xp.gcd, False), "lcm": _binary_int("lcm", xp.lcm, False),
    "and": _binary_int("bitwise_and", xp.bitwise_and, True),
    "or": _binary_int("bitwise_or", xp.bitwise_or, True),
    "xor": _binary_int("bitwise_xor", xp.bitwise_xor, True), "not": _bitwise_not,
    "isneginf": _real_predicate(xp.isneginf), "isposinf": _real_predicate(xp.isposinf),
    "isreal": lambda x: xp.ones(x.shape, bool),
}


# ----------------------------------------------------------------------------- functions
def sgn(input):  # noqa: A002
    """The sign; for real tensors the same as ``sign``."""
    return E.sign(input)


def copysign(input, other):  # noqa: A002
    """``|input|`` with the sign of ``other`` (floats; integers give float32)."""
    return CopySign.apply(input, other)


def signbit(input):  # noqa: A002
    """True where the sign bit is set (negative numbers and -0.0)."""
    return Bits.apply(input, op="signbit")


def frexp(input):  # noqa: A002
    """``(mantissa, exponent)`` with ``input = mantissa * 2 ** exponent``, |mantissa| in
    [0.5, 1); the exponent is int32."""
    return Frexp.apply(input)


def ldexp(input, other):  # noqa: A002
    """``input * 2 ** other``."""
    return E.mul(input, T.exp2(other))


def nextafter(input, other):  # noqa: A002
    """The next float after ``input`` toward ``other`` (same float dtype)."""
    return Bits.apply(input, other, op="nextafter")


def fmax(input, other):  # noqa: A002
    """The elementwise maximum, where NaN loses to a number."""
    return FMaxMin.apply(input, other, largest=True)


def fmin(input, other):  # noqa: A002
    """The elementwise minimum, where NaN loses to a number."""
    return FMaxMin.apply(input, other, largest=False)


def float_power(input, exponent):  # noqa: A002
    """``input ** exponent`` computed and returned in float64."""
    def to64(v):
        return E.Cast.apply(v, dtype=xp.float64) if hasattr(v, "dtype") else float(v)

    return E.pow(to64(input), to64(exponent))


def frac(input):  # noqa: A002
    """The fractional part, ``input - trunc(input)`` (the sign of ``input``)."""
    if input.dtype.kind != "f":
        raise TypeError(f"frac: input must be a floating-point tensor, got {input.dtype}")
    return E.sub(input, E.trunc(input))


def heaviside(input, values):  # noqa: A002
    """The step function: 0 below 0, 1 above, ``values`` at 0 (same dtype as input)."""
    return Bits.apply(input, values, op="heaviside")


def logit(input, eps=None):  # noqa: A002
    """``log(p / (1 - p))``; with ``eps`` the input is first clamped to [eps, 1 - eps]."""
    if input.dtype.kind != "f":  # integers give float32, as in PyTorch
        input = E.Cast.apply(input, dtype=xp.float32)  # noqa: A001
    if eps is not None:
        input = E.clamp(input, eps, 1 - eps)  # noqa: A001
    return E.sub(E.log(input), E.log1p(E.neg(input)))


def deg2rad(input):  # noqa: A002
    return E.mul(input, math.pi / 180)


def rad2deg(input):  # noqa: A002
    return E.mul(input, 180 / math.pi)


def logaddexp2(input, other):  # noqa: A002
    """``log2(2 ** input + 2 ** other)`` without overflow."""
    return LogAddExp2.apply(input, other)


def gcd(input, other):  # noqa: A002
    """The greatest common divisor (integers; non-negative)."""
    return Bits.apply(input, other, op="gcd")


def lcm(input, other):  # noqa: A002
    """The least common multiple (integers; non-negative)."""
    return Bits.apply(input, other, op="lcm")


def bitwise_and(input, other):  # noqa: A002
    return Bits.apply(input, other, op="and")


def bitwise_or(input, other):  # noqa: A002
    return Bits.apply(input, other, op="or")


def bitwise_xor(input, other):  # noqa: A002
    return Bits.apply(input, other, op="xor")


def bitwise_not(input):  # noqa: A002
    return Bits.apply(input, op="not")


def isneginf(input):  # noqa: A002
    return Bits.apply(input, op="isneginf")


def isposinf(input):  # noqa: A002
    return Bits.apply(input, op="isposinf")


def isreal(input):  # noqa: A002
    """True everywhere: Ember's tensors are real."""
    return Bits.apply(input, op="isreal")


class _IsIn(Function):
    differentiable = False

    def forward(self, elements, test_elements, assume_unique, invert):
        return xp.isin(elements, test_elements, assume_unique=assume_unique, invert=invert)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """True where an element of ``elements`` is in ``test_elements`` (tensors or numbers)."""
    return _IsIn.apply(elements, test_elements, assume_unique=assume_unique, invert=invert)


def is_nonzero(input):  # noqa: A002
    """The truth of a one-element tensor, as a Python bool."""
    n = input.numel()
    if n != 1:
        raise RuntimeError("is_nonzero: Boolean value of Tensor with "
                           f"{'no values' if n == 0 else 'more than one value'} is ambiguous "
                           f"(got shape {tuple(input.shape)})")
    return bool(input.array.reshape(()) != 0)
