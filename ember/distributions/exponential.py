"""The exponential distribution with rate ``rate`` (mean ``1 / rate``)."""
from __future__ import annotations

import ember
from ember.distributions import constraints
from ember.distributions.distribution import (
    Distribution,
    as_param,
    broadcast_all,
    uniform_open,
)


class Exponential(Distribution):
    """Exponential distribution: density ``rate * exp(-rate * x)`` on ``x >= 0``."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return ember.zeros_like(self.rate)

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate ** -2

    def rsample(self, sample_shape=()):
        # inverse cdf: -log(U) / rate is Exp(rate) for U uniform on (0, 1)
        u = uniform_open(self._extended_shape(sample_shape), self.rate)
        return -u.log() / self.rate

    def log_prob(self, value):
        value = self._value(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        value = self._value(value)
        return 1 - ember.exp(-self.rate * value)

    def icdf(self, value):
        value = as_param(value, self.rate)
        return -ember.log1p(-value) / self.rate

    def entropy(self):
        return 1.0 - self.rate.log()
