"""The continuous uniform distribution on ``[low, high)``."""
from __future__ import annotations

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.distribution import (
    Distribution,
    as_param,
    broadcast_all,
    uniform_open,
)


class Uniform(Distribution):
    """Uniform distribution on the half-open interval ``[low, high)``."""

    arg_constraints = {"low": constraints.dependent, "high": constraints.dependent}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, validate_args=validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            raise ValueError(
                f"Expected parameter low (Tensor of shape {tuple(self.low.shape)}) of "
                f"distribution {self!r} to satisfy the constraint LessThan(upper_bound=high), "
                f"but found invalid values:\n{self.low}")

    @property
    def support(self):
        return constraints.half_open_interval(self.low.array, self.high.array)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return ember.full_like(self.high, float("nan"))

    @property
    def stddev(self):
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    def rsample(self, sample_shape=()):
        u = uniform_open(self._extended_shape(sample_shape), self.low)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        value = self._value(value)
        inside = ((self.low <= value) & (self.high > value)).to(self.low.dtype)
        with xp.errstate(divide="ignore"):  # log 0 = -inf outside the support
            return inside.log() - (self.high - self.low).log()

    def cdf(self, value):
        value = self._value(value)
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def icdf(self, value):
        value = as_param(value, self.low)
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return (self.high - self.low).log()
