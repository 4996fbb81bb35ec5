"""Private special functions the distributions need: lgamma, digamma, erfinv, gammainc.

Ember has no ``ember.special`` yet (it is being written elsewhere); these three are kept
private to ``ember.distributions`` and evaluated in float64 whatever the input dtype:
- lgamma: Lanczos (g = 7, 9 terms) for x >= 0.5, reflection below; about 1e-14 relative.
- digamma / trigamma: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6, then the
  asymptotic series; reflection for x < 0.5 (digamma only; trigamma is needed on x > 0).
- erfinv: Giles' rational approximation, polished by two Newton steps on float64 erf.
- gammainc (the regularised lower incomplete gamma, for ``Gamma.cdf``): its power series
  or continued fraction (Numerical Recipes' ``gser``/``gcf``); gradient w.r.t. x only.
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.ops.activation import erf_array

_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)


def lgamma_array(x):
    x = xp.asarray(x, dtype=xp.float64)
    reflect = x < 0.5
    z = xp.where(reflect, 1.0 - x, x) - 1.0
    s = xp.full(z.shape, _LANCZOS[0])
    for i, c in enumerate(_LANCZOS[1:], start=1):
        s = s + c / (z + i)
    t = z + 7.5
    out = 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(s)
    if reflect.any():  # lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x)
        with xp.errstate(divide="ignore"):
            refl = math.log(math.pi) - xp.log(xp.abs(xp.sin(math.pi * x))) - out
        out = xp.where(reflect, refl, out)
    return out


def _shift_up(x, term):
    """Apply the recurrence until every x >= 6; returns the shifted x and the sum of terms."""
    acc = xp.zeros_like(x)
    for _ in range(6):
        low = x < 6
        if not low.any():
            break
        acc = acc + xp.where(low, term(x), 0.0)
        x = xp.where(low, x + 1, x)
    return x, acc


def digamma_array(x):
    x = xp.asarray(x, dtype=xp.float64)
    reflect = x < 0.5
    y = xp.where(reflect, 1.0 - x, x)
    y, acc = _shift_up(y, lambda v: 1.0 / v)
    r = 1.0 / (y * y)
    series = (xp.log(y) - 0.5 / y - r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (
        1 / 240 - r * (1 / 132))))))
    out = series - acc
    if reflect.any():  # psi(x) = psi(1 - x) - pi / tan(pi x)
        with xp.errstate(divide="ignore"):
            out = xp.where(reflect, out - math.pi / xp.tan(math.pi * x), out)
    return out


def trigamma_array(x):
    y, acc = _shift_up(xp.asarray(x, dtype=xp.float64), lambda v: 1.0 / (v * v))
    r = 1.0 / (y * y)
    series = 1 / y + r / 2 + r / y * (1 / 6 - r * (1 / 30 - r * (1 / 42 - r * (1 / 30))))
    return series + acc


def erfinv_array(y):
    y = xp.asarray(y, dtype=xp.float64)
    with xp.errstate(divide="ignore", invalid="ignore"):
        w = -xp.log((1.0 - y) * (1.0 + y))
    central = w < 5.0
    wc = w - 2.5
    pc = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        pc = c + pc * wc
    wt = xp.sqrt(xp.where(central, 5.0, w)) - 3.0
    pt = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        pt = c + pt * wt
    x = xp.where(central, pc, pt) * y
    for _ in range(2):  # Newton on erf(x) = y; erf' = 2/sqrt(pi) exp(-x^2)
        finite = xp.isfinite(x)
        step = (erf_array(xp.where(finite, x, 0.0)) - y) / (
            2 / math.sqrt(math.pi) * xp.exp(-xp.where(finite, x, 0.0) ** 2))
        x = xp.where(finite, x - step, x)
    return xp.where(xp.abs(y) == 1, xp.copysign(xp.inf, y), x)


def gammainc_array(a, x):
    """Regularised lower incomplete gamma ``P(a, x)``: its series where ``x < a + 1``,
    else ``1 - Q`` with ``Q`` from the continued fraction (modified Lentz), float64."""
    a, x = xp.broadcast_arrays(xp.asarray(a, dtype=xp.float64), xp.asarray(x, dtype=xp.float64))
    with xp.errstate(divide="ignore", invalid="ignore"):
        log_front = a * xp.log(x) - x - lgamma_array(a)  # log(x^a e^-x / Gamma(a))
        series = x < a + 1
        # series: P = front / a * sum_n x^n / ((a + 1) ... (a + n))
        term = xp.ones_like(x)
        total = xp.ones_like(x)
        ap = a.copy()
        for _ in range(1000):
            ap = ap + 1
            term = term * x / ap
            total = total + term
            if not (series & (xp.abs(term) > xp.abs(total) * 1e-17)).any():
                break
        p = xp.exp(log_front) * total / a
        # continued fraction for Q
        tiny = 1e-300
        b = x + 1 - a
        c = xp.full_like(x, 1 / tiny)
        d = 1 / xp.where(xp.abs(b) < tiny, tiny, b)
        h = d.copy()
        for i in range(1, 1000):
            an = -i * (i - a)
            b = b + 2
            d = an * d + b
            d = 1 / xp.where(xp.abs(d) < tiny, tiny, d)
            c = b + an / c
            c = xp.where(xp.abs(c) < tiny, tiny, c)
            delta = d * c
            h = h * delta
            if not (~series & (xp.abs(delta - 1) > 1e-16)).any():
                break
        q = xp.exp(log_front) * h
        out = xp.where(series, p, 1 - q)
    out = xp.where(x <= 0, 0.0, out)
    return xp.where(xp.isinf(x) & (x > 0), 1.0, out)


def _out_dtype(x):
    return x.dtype if xp.issubdtype(x.dtype, xp.floating) else xp.float32


class LGamma(Function):
    def forward(self, x):
        self.x = x = xp.asarray(x)
        return lgamma_array(x).astype(_out_dtype(x))

    def backward(self, g):
        # d lgamma = digamma
        return (g * digamma_array(self.x).astype(g.dtype),)


class Digamma(Function):
    def forward(self, x):
        self.x = x = xp.asarray(x)
        return digamma_array(x).astype(_out_dtype(x))

    def backward(self, g):
        # d digamma = trigamma
        return (g * trigamma_array(self.x).astype(g.dtype),)


class Erfinv(Function):
    def forward(self, y):
        y = xp.asarray(y)
        self.x = x = erfinv_array(y)
        return x.astype(_out_dtype(y))

    def backward(self, g):
        # d erfinv(y) = sqrt(pi)/2 exp(erfinv(y)^2)
        return (g * (math.sqrt(math.pi) / 2 * xp.exp(self.x ** 2)).astype(g.dtype),)


class GammaInc(Function):
    """``P(a, x)``; like PyTorch, no gradient w.r.t. ``a`` (it raises if one is wanted)."""

    def forward(self, a, x):
        self.a, self.x = xp.asarray(a), xp.asarray(x)
        return gammainc_array(a, x).astype(_out_dtype(self.x))

    def backward(self, g):
        if self.needs_input_grad(0):
            raise NotImplementedError("gammainc: the derivative w.r.t. the first argument "
                                      "(the concentration) is not implemented")
        a, x = self.a.astype(xp.float64), self.x.astype(xp.float64)
        with xp.errstate(divide="ignore", invalid="ignore"):
            # dP/dx = x^(a-1) e^-x / Gamma(a)
            density = xp.exp((a - 1) * xp.log(x) - x - lgamma_array(a))
        return None, g * xp.where(x > 0, density, 0.0).astype(g.dtype)


def gammainc(a, x):
    return GammaInc.apply(a, x)


def lgamma(x):
    return LGamma.apply(x)


def digamma(x):
    return Digamma.apply(x)


def erfinv(x):
    return Erfinv.apply(x)
