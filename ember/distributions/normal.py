"""The normal (Gaussian) distribution ``N(loc, scale^2)``."""
from __future__ import annotations

import math

import ember
from ember.distributions.distribution import (
    LocScale,
    as_param,
    standard_normal,
)
from ember.ops.special_functions import erfinv


class Normal(LocScale):
    """Normal distribution with mean ``loc`` and standard deviation ``scale``.

    Example: ``Normal(ember.zeros(3), ember.ones(3)).rsample((5,))`` has shape (5, 3).
    """

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    def rsample(self, sample_shape=()):
        eps = standard_normal(self._extended_shape(sample_shape), self.loc)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        value = self._value(value)
        return (-((value - self.loc) ** 2) / (2 * self.scale ** 2) - self.scale.log()
                - math.log(math.sqrt(2 * math.pi)))

    def cdf(self, value):
        value = self._value(value)
        return 0.5 * (1 + ember.erf((value - self.loc) / (self.scale * math.sqrt(2))))

    def icdf(self, value):
        value = as_param(value, self.loc)
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
