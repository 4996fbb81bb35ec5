"""Special functions: lgamma, digamma, polygamma, erfinv, the modified Bessel functions
i0/i0e/i1/i1e, and what is composed from them (mvlgamma, ndtr, ndtri, log_ndtr, entr, sinc).

NumPy has none of these, so each is evaluated here in float64 from a classical formula
(Lanczos sum, recurrence plus asymptotic series, Euler-Maclaurin for the Hurwitz zeta,
Newton-refined rational guess, power series plus Hankel's expansion), accurate to about
1e-13 relative, then cast back to the input's float dtype (integers give float32, as in
PyTorch).
"""
from __future__ import annotations

import math

from ember.autograd import Function
from ember.backend import xp
from ember.ops import elementwise as E
from ember.ops import transcendental as T
from ember.ops.activation import erf_array, erfc_array

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma", "erfinv", "i0", "sinc", "gammainc"]

_SQRT_PI_2 = math.sqrt(math.pi) / 2
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)
# B_2k / (2k) for the asymptotic series of digamma and B_2k / (2k)! for Euler-Maclaurin
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)


def _float(x):
    x = xp.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(xp.float32)


def _errstate():
    return xp.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore")


# ------------------------------------------------------------------------ array kernels
def lgamma_array(x):
    """``log |Gamma(x)|`` (Lanczos, g = 7; reflection below 1/2); +inf at poles."""
    x64 = x.astype(xp.float64)
    with _errstate():
        small = x64 < 0.5
        z = xp.where(small, 1 - x64, x64) - 1
        s = xp.full(z.shape, _LANCZOS[0])
        for k, c in enumerate(_LANCZOS[1:], 1):
            s = s + c / (z + k)
        t = z + _LANCZOS_G + 0.5
        out = 0.5 * math.log(2 * math.pi) + (z + 0.5) * xp.log(t) - t + xp.log(s)
        # Gamma(x) Gamma(1 - x) = pi / sin(pi x)
        sin = xp.abs(xp.sin(math.pi * (x64 - xp.floor(x64))))
        out = xp.where(small, math.log(math.pi) - xp.log(sin) - out, out)
        out = xp.where((x64 == 1) | (x64 == 2), 0.0, out)  # exact, as Gamma(1) = Gamma(2) = 1
        out = xp.where((x64 <= 0) & (x64 == xp.floor(x64)), xp.inf, out)
        out = xp.where(xp.isinf(x64), xp.inf, out)
    return out.astype(x.dtype, copy=False)


def _hurwitz_zeta(s, q):
    """``sum_k (q + k)^-s`` for s > 1, q > 0: 9 terms, then Euler-Maclaurin."""
    total = xp.zeros(q.shape)
    for k in range(9):
        total = total + (q + k) ** -s
    a = q + 9
    total = total + a ** (1 - s) / (s - 1) + 0.5 * a ** -s
    factor, power, fact = s, a ** (-s - 1), 2.0  # s (s+1)...(s+2j-2) a^(-s-2j+1) / (2j)!
    for j, b in enumerate(_BERNOULLI, 1):
        total = total + b * factor * power / fact
        factor = factor * (s + 2 * j - 1) * (s + 2 * j)
        power = power / (a * a)
        fact = fact * (2 * j + 1) * (2 * j + 2)
    return total


def digamma_array(x):
    """``psi(x) = d log Gamma(x) / dx``: shifted to x >= 10, then the asymptotic series;
    reflection below 1/2; -inf at 0 and NaN at the negative integers, as in PyTorch."""
    x64 = x.astype(xp.float64)
    with _errstate():
        small = x64 < 0.5
        z = xp.where(small, 1 - x64, x64)
        acc = xp.zeros(z.shape)
        for _ in range(10):
            low = z < 10
            acc = acc - xp.where(low, 1 / z, 0)
            z = xp.where(low, z + 1, z)
        inv2 = 1 / (z * z)
        series = xp.zeros(z.shape)
        for k in range(len(_BERNOULLI) - 1, -1, -1):
            series = (series + _BERNOULLI[k] / (2 * k + 2)) * inv2
        out = xp.log(z) - 0.5 / z - series + acc
        # psi(1 - x) - psi(x) = pi / tan(pi x)
        out = xp.where(small, out - math.pi / xp.tan(math.pi * x64), out)
        out = xp.where((x64 < 0) & (x64 == xp.floor(x64)), xp.nan, out)
        out = xp.where(x64 == 0, -xp.inf, out)
    return out.astype(x.dtype, copy=False)


def polygamma_array(n, x):
    """``psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x)`` for n >= 1."""
    if n == 0:
        return digamma_array(x)
    x64 = x.astype(xp.float64)
    with _errstate():
        # psi^(n)(x) = psi^(n)(x + 1) - (-1)^n n! x^(-n-1): shift negative x above 1
        q, shifted = x64, xp.zeros(x64.shape)
        while True:
            low = (q < 1) & xp.isfinite(q)
            if not low.any():
                break
            shifted = shifted + xp.where(low, q, 1.0) ** (-n - 1.0) * low
            q = xp.where(low, q + 1, q)
        out = (-1) ** (n + 1) * math.factorial(n) * (_hurwitz_zeta(n + 1.0, q) + shifted)
        out = xp.where((x64 <= 0) & (x64 == xp.floor(x64)), xp.inf if n % 2 else xp.nan, out)
    return out.astype(x.dtype, copy=False)


def erfinv_array(y):
    """The inverse error function: Giles's rational guess, then Newton steps on erf (on
    erfc where |y| > 1/2, so the tails keep their relative accuracy)."""
    y64 = y.astype(xp.float64)
    with _errstate():
        a = xp.abs(y64)
        w = -xp.log((1 - a) * (1 + a))
        c = xp.where(w < 5, w - 2.5, xp.sqrt(w) - 3)
        central = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                   0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
        tail = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)
        p = xp.where(w < 5, central[0], tail[0])
        for pc, pt in zip(central[1:], tail[1:]):
            p = p * c + xp.where(w < 5, pc, pt)
        x = p * a
        for _ in range(4):  # in the tail, Newton on log erfc(x) = log(1 - a): nearly linear
            deriv = xp.exp(-x * x) / _SQRT_PI_2
            c = erfc_array(x)
            resid = xp.where(a > 0.5, (xp.log(1 - a) - xp.log(c)) * c, erf_array(x) - a)
            x = x - xp.where(xp.isfinite(x), resid / deriv, 0)
        x = xp.where(a == 1, xp.inf, xp.where(a > 1, xp.nan, x))
        out = xp.copysign(x, y64)
    return out.astype(y.dtype, copy=False)


def _bessel_asymptotic(nu, a):
    """``I_nu(a) exp(-a)`` for large a (Hankel): sqrt(1/(2 pi a)) sum_k (-1)^k c_k / a^k."""
    term, total = xp.ones(a.shape), xp.ones(a.shape)
    for k in range(1, 30):
        term = -term * (4 * nu * nu - (2 * k - 1) ** 2) / (k * 8 * a)
        total = total + term
    return total / xp.sqrt(2 * math.pi * a)


def bessel_array(nu, x, scaled):
    """``I_nu(x)`` (nu = 0 or 1), times ``exp(-|x|)`` when ``scaled``."""
    x64 = x.astype(xp.float64)
    a = xp.abs(x64)
    with _errstate():
        big = a > 30
        small_a = xp.where(big, 0.0, a)
        half2 = (small_a / 2) ** 2
        term = (small_a / 2) ** nu / math.factorial(nu)
        total = term
        for k in range(1, 90):  # sum (a/2)^(2k+nu) / (k! (k+nu)!)
            term = term * half2 / (k * (k + nu))
            total = total + term
        series = total * xp.exp(-small_a) if scaled else total
        asym = _bessel_asymptotic(nu, xp.where(big, a, 31.0))
        asym = asym if scaled else asym * xp.exp(a)
        out = xp.where(big, asym, series)
        if nu == 1:
            out = xp.copysign(out, x64)
    return out.astype(x.dtype, copy=False)


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


# ------------------------------------------------------------------------ primitives
class LGamma(Function):
    def forward(self, x):
        self.x = x = _float(x)
        return lgamma_array(x)

    def backward(self, g):
        return (g * digamma_array(self.x),)  # d lgamma = digamma


class Polygamma(Function):
    """``psi^(n)(x)``; digamma is n = 0."""

    def forward(self, x, n):
        self.x, self.n = x, n = _float(x), n
        return polygamma_array(n, x)

    def backward(self, g):
        return (g * polygamma_array(self.n + 1, self.x),)


class ErfInv(Function):
    def forward(self, y):
        self.out = out = erfinv_array(_float(y))
        return out

    def backward(self, g):
        # d erfinv(y) = sqrt(pi) / 2 exp(erfinv(y)^2)
        return (g * _SQRT_PI_2 * xp.exp(self.out * self.out),)


class Bessel(Function):
    """The modified Bessel functions of the first kind I0 and I1, optionally scaled by
    ``exp(-|x|)`` (i0e, i1e)."""

    def forward(self, x, nu, scaled):
        self.x, self.nu, self.scaled = x, nu, scaled = _float(x), nu, scaled
        self.out = out = bessel_array(nu, x, scaled)
        return out

    def backward(self, g):
        x, out = self.x, self.out
        if self.nu == 0:  # I0' = I1;  (I0 e^-|x|)' = I1e - sign(x) I0e
            d = bessel_array(1, x, self.scaled)
            return (g * (d - xp.sign(x) * out if self.scaled else d),)
        # I1' = I0 - I1 / x (1/2 at 0);  (I1 e^-|x|)' = I0e - I1e (sign(x) + 1 / x)
        with _errstate():
            ratio = xp.where(x == 0, 0.5, out / xp.where(x == 0, 1, x))
        d = bessel_array(0, x, self.scaled) - ratio
        return (g * (d - xp.sign(x) * out if self.scaled else d),)


class GammaInc(Function):
    """``P(a, x)``; like PyTorch, no gradient w.r.t. ``a`` (it raises if one is wanted)."""

    def forward(self, a, x):
        self.a, self.x = _float(a), _float(x)
        return gammainc_array(self.a, self.x).astype(xp.result_type(self.a, self.x))

    def backward(self, g):
        if self.needs_input_grad(0):
            raise NotImplementedError("gammainc: the derivative w.r.t. the first argument "
                                      "(input) is not implemented, as in PyTorch")
        a, x = self.a.astype(xp.float64), self.x.astype(xp.float64)
        with _errstate():
            # dP/dx = x^(a-1) e^-x / Gamma(a)
            density = xp.exp((a - 1) * xp.log(x) - x - lgamma_array(a))
        return None, g * xp.where(x > 0, density, 0.0).astype(g.dtype)


class Sinc(Function):
    """``sin(pi x) / (pi x)``, 1 at 0."""

    def forward(self, x):
        self.x = x = _float(x)
        with _errstate():
            px = math.pi * x
            self.out = out = xp.where(x == 0, 1.0, xp.sin(px) / xp.where(x == 0, 1, px))
        return out.astype(x.dtype, copy=False)

    def backward(self, g):
        # d sinc = (cos(pi x) - sinc(x)) / x, 0 at 0
        x = self.x
        with _errstate():
            d = (xp.cos(math.pi * x) - self.out) / xp.where(x == 0, 1, x)
        return (g * xp.where(x == 0, 0, d).astype(x.dtype, copy=False),)


# ------------------------------------------------------------------------ functions
def lgamma(input):  # noqa: A002
    """``log |Gamma(input)|``."""
    return LGamma.apply(input)


def digamma(input):  # noqa: A002
    """``psi(input)``, the derivative of lgamma."""
    return Polygamma.apply(input, n=0)


def polygamma(n, input):  # noqa: A002
    """The ``n``-th derivative of digamma (``n >= 0``)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"polygamma: n must be a non-negative int, got {n!r}")
    return Polygamma.apply(input, n=n)


def mvlgamma(input, p):  # noqa: A002
    """The multivariate log-gamma of dimension ``p``:
    ``p (p - 1) / 4 log(pi) + sum_{i < p} lgamma(input - i / 2)``; every element must be
    greater than ``(p - 1) / 2``."""
    if not isinstance(p, int) or p < 1:
        raise ValueError(f"mvlgamma: p must be a positive int, got {p!r}")
    arr = getattr(input, "array", None)  # graph tensors have no value to check yet
    if arr is not None and arr.size and not (arr > (p - 1) / 2).all():
        raise ValueError(f"mvlgamma: all elements of input must be greater than (p - 1) / 2 = "
                         f"{(p - 1) / 2} (got a minimum of {arr.min()})")
    out = lgamma(input)
    for i in range(1, p):
        out = E.add(out, lgamma(E.sub(input, i / 2)))
    return E.add(out, p * (p - 1) / 4 * math.log(math.pi))


def erfinv(input):  # noqa: A002
    """The inverse of erf on (-1, 1); +-inf at +-1, NaN outside."""
    return ErfInv.apply(input)


def i0(input):  # noqa: A002
    """The modified Bessel function of the first kind, order 0."""
    return Bessel.apply(input, nu=0, scaled=False)


def i0e(input):  # noqa: A002
    return Bessel.apply(input, nu=0, scaled=True)


def i1(input):  # noqa: A002
    return Bessel.apply(input, nu=1, scaled=False)


def i1e(input):  # noqa: A002
    return Bessel.apply(input, nu=1, scaled=True)


def sinc(input):  # noqa: A002
    """The normalized sinc, ``sin(pi x) / (pi x)``."""
    return Sinc.apply(input)


def ndtr(input):  # noqa: A002
    """The standard normal CDF, ``erfc(-x / sqrt 2) / 2``."""
    return E.mul(T.erfc(E.mul(input, -1 / math.sqrt(2))), 0.5)


def ndtri(input):  # noqa: A002
    """The inverse of ndtr: ``sqrt 2 erfinv(2 p - 1)``."""
    return E.mul(erfinv(E.sub(E.mul(input, 2.0), 1.0)), math.sqrt(2))


class LogNdtr(Function):
    """``log(ndtr(x))`` without underflow: below x = -20 the asymptotic series
    ``-x^2/2 - log(-x sqrt(2 pi)) + log(1 - 1/x^2 + 3/x^4 - ...)``."""

    def forward(self, x):
        self.x = x = _float(x)
        x64 = x.astype(xp.float64)
        with _errstate():
            direct = xp.log(0.5 * erfc_array(-x64 / math.sqrt(2)))
            far = xp.minimum(x64, -20.0)
            inv2, term, series = 1 / (far * far), xp.ones(far.shape), xp.ones(far.shape)
            for k in range(1, 10):
                term = -term * (2 * k - 1) * inv2
                series = series + term
            tail = -far * far / 2 - xp.log(-far * math.sqrt(2 * math.pi)) + xp.log(series)
            self.out = out = xp.where(x64 < -20, tail, direct)
        return out.astype(x.dtype, copy=False)

    def backward(self, g):
        # d log ndtr = pdf(x) / ndtr(x) = exp(log pdf(x) - log ndtr(x))
        x = self.x.astype(xp.float64)
        d = xp.exp(-x * x / 2 - 0.5 * math.log(2 * math.pi) - self.out)
        return (g * d.astype(g.dtype, copy=False),)


def log_ndtr(input):  # noqa: A002
    """``log(ndtr(x))``, accurate far into the lower tail."""
    return LogNdtr.apply(input)


def entr(input):  # noqa: A002
    """``-x log x`` for x > 0, 0 at 0, -inf below."""
    neg = E.neg(T.xlogy(input, input))
    return E.where(E.lt(input, 0), -math.inf, neg)


def expit(input):  # noqa: A002
    return E.sigmoid(input)


def xlog1py(input, other):  # noqa: A002
    """``x log(1 + y)``, 0 where x == 0."""
    return T.xlogy(input, E.add(other, 1.0))


def gammainc(input, other):  # noqa: A002
    """The regularised lower incomplete gamma function ``P(input, other)``."""
    return GammaInc.apply(input, other)
