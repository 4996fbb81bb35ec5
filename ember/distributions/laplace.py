"""The Laplace (double exponential) distribution."""
from __future__ import annotations

import math

import ember
from ember.distributions.distribution import (
    LocScale,
    as_param,
    uniform_open,
)


class Laplace(LocScale):
    """Laplace distribution: density ``exp(-|x - loc| / scale) / (2 scale)``."""

    @property
    def stddev(self):
        return math.sqrt(2) * self.scale

    @property
    def variance(self):
        return 2 * self.scale ** 2

    def rsample(self, sample_shape=()):
        # inverse cdf with u uniform on (-1, 1)
        u = 2 * uniform_open(self._extended_shape(sample_shape), self.loc) - 1
        return self.loc - self.scale * u.sign() * ember.log1p(-u.abs())

    def log_prob(self, value):
        value = self._value(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        value = self._value(value)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * ember.expm1(-z.abs() / self.scale)

    def icdf(self, value):
        term = as_param(value, self.loc) - 0.5
        return self.loc - self.scale * term.sign() * ember.log1p(-2 * term.abs())

    def entropy(self):
        return 1 + (2 * self.scale).log()
