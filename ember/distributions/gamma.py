"""The gamma family: ``Gamma``, ``Dirichlet`` and ``Beta`` (a 2-category Dirichlet).

Sampling draws ``xp.random.Generator.standard_gamma`` (Marsaglia and Tsang's method) from
Ember's generator. ``rsample`` uses implicit reparameterisation, as PyTorch does: a gamma
draw ``x`` has ``dx/da = -(dP(a, x)/da) / p(x; a)`` (``P`` the regularised incomplete gamma,
its ``a``-derivative taken by a float64 central difference, relative error ~1e-9); Beta and
Dirichlet samples are normalised gamma draws, so their ``rsample`` is differentiable too.
``Gamma.cdf`` (``ember.special.gammainc``) has no gradient w.r.t. the concentration (as in
PyTorch).
"""
from __future__ import annotations

import ember
from ember.autograd import Function
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.distribution import Distribution, as_param, broadcast_all
from ember.ops.special_functions import (
    digamma,
    gammainc,
    gammainc_array,
    lgamma,
    lgamma_array,
)
from ember.random import rng_of
from ember.tensor import Tensor


def _standard_gamma(concentration, shape):
    c = xp.broadcast_to(concentration.array, shape)
    g = rng_of().standard_gamma(c.astype(xp.float64))
    # a tiny concentration underflows to 0; keep samples strictly inside the support
    return xp.maximum(g, xp.finfo(c.dtype).tiny).astype(c.dtype)


class StandardGamma(Function):
    """Draws ``Gamma(a, 1)`` of ``shape``; backward is the implicit reparameterisation
    gradient ``dx/da = -(dP(a, x)/da) / p(x; a)``."""

    def forward(self, a, shape):
        self.a = xp.broadcast_to(a, shape).astype(xp.float64)
        self.x = _standard_gamma(Tensor._wrap(a), shape)
        return self.x

    def backward(self, g):
        a, x = self.a, self.x.astype(xp.float64)
        h = 1e-5 * a
        dp = (gammainc_array(a + h, x) - gammainc_array(a - h, x)) / (2 * h)
        density = xp.exp((a - 1) * xp.log(x) - x - lgamma_array(a))
        dxda = xp.nan_to_num(-dp / density, nan=0.0, posinf=0.0, neginf=0.0)
        return (g * dxda.astype(g.dtype),)


def standard_gamma(concentration, shape):
    """Differentiable ``Gamma(concentration, 1)`` draws of ``shape``."""
    return StandardGamma.apply(concentration, shape=tuple(shape))


class Gamma(Distribution):
    """Gamma distribution with shape ``concentration`` and inverse scale ``rate``."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate ** 2

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        x = standard_gamma(self.concentration, shape) / self.rate
        return x.clamp(min=float(xp.finfo(x.array.dtype).tiny))

    def log_prob(self, value):
        value = self._value(value)
        c, r = self.concentration, self.rate
        return ember.xlogy(c, r) + ember.xlogy(c - 1, value) - r * value - lgamma(c)

    def cdf(self, value):
        value = self._value(value)
        return gammainc(self.concentration, self.rate * value)

    def entropy(self):
        c = self.concentration
        return c - self.rate.log() + lgamma(c) + (1.0 - c) * digamma(c)


class Dirichlet(Distribution):
    """Dirichlet distribution on the simplex; ``concentration`` (*batch, K)."""

    arg_constraints = {"concentration": constraints.independent_positive}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        concentration = as_param(concentration)
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:],
                         validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def mode(self):
        c = self.concentration
        excess = (c - 1).clamp(min=0)
        below = (c < 1).all(-1, keepdim=True)
        total = excess.sum(-1, keepdim=True)
        mode = excess / ember.where(below, ember.ones_like(total), total)  # no 0/0 gradient
        # every concentration below 1: the density is unbounded at every vertex; take the
        # first one, as PyTorch does
        vertex = ember.one_hot(ember.zeros(c.shape[:-1], dtype=ember.int64),
                               c.shape[-1]).to(c.dtype)
        return ember.where(below, vertex, mode)

    @property
    def variance(self):
        c = self.concentration
        total = c.sum(-1, keepdim=True)
        return c * (total - c) / (total ** 2 * (total + 1))

    def rsample(self, sample_shape=()):
        g = standard_gamma(self.concentration, self._extended_shape(sample_shape))
        return g / g.sum(-1, keepdim=True)

    def log_prob(self, value):
        value = self._value(value)
        c = self.concentration
        return (ember.xlogy(c - 1.0, value).sum(-1) + lgamma(c.sum(-1))
                - lgamma(c).sum(-1))

    def entropy(self):
        c = self.concentration
        k = c.shape[-1]
        total = c.sum(-1)
        return (lgamma(c).sum(-1) - lgamma(total) - (k - total) * digamma(total)
                - ((c - 1.0) * digamma(c)).sum(-1))


class Beta(Distribution):
    """Beta distribution on [0, 1] with ``concentration1`` (alpha) and ``concentration0``
    (beta): ``x^(alpha - 1) (1 - x)^(beta - 1) / B(alpha, beta)``."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1,
                                                                 concentration0)
        super().__init__(self.concentration1.shape, validate_args=validate_args)

    @property
    def _total(self):
        return self.concentration1 + self.concentration0

    @property
    def mean(self):
        return self.concentration1 / self._total

    @property
    def mode(self):
        # the mode of Dirichlet([alpha, beta]) in its first coordinate
        a, b = self.concentration1, self.concentration0
        excess1, excess0 = (a - 1).clamp(min=0), (b - 1).clamp(min=0)
        below = (a < 1) & (b < 1)
        total = excess1 + excess0
        mode = excess1 / ember.where(below, ember.ones_like(total), total)
        return ember.where(below, ember.ones_like(mode), mode)

    @property
    def variance(self):
        total = self._total
        return self.concentration1 * self.concentration0 / (total ** 2 * (total + 1))

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        a = standard_gamma(self.concentration1, shape)
        b = standard_gamma(self.concentration0, shape)
        return a / (a + b)

    def log_prob(self, value):
        value = self._value(value)
        a, b = self.concentration1, self.concentration0
        return (ember.xlogy(a - 1.0, value) + ember.xlogy(b - 1.0, 1.0 - value)
                + lgamma(a + b) - lgamma(a) - lgamma(b))

    def entropy(self):
        a, b = self.concentration1, self.concentration0
        total = a + b
        return (lgamma(a) + lgamma(b) - lgamma(total) - (a - 1) * digamma(a)
                - (b - 1) * digamma(b) + (total - 2) * digamma(total))
