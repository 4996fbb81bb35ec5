"""Count distributions on the non-negative integers: ``Poisson``, ``Binomial`` and
``Geometric`` (number of failures before the first success). Samples are float tensors of
whole numbers, as in PyTorch."""
from __future__ import annotations

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.bernoulli import BinaryParams
from ember.distributions.distribution import Distribution, broadcast_all, uniform_open
from ember.nn.functional import softplus
from ember.ops.special_functions import lgamma
from ember.random import rng_of
from ember.tensor import Tensor


class Poisson(Distribution):
    """Poisson distribution: ``rate^k exp(-rate) / k!``."""

    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        rate = xp.broadcast_to(self.rate.array, shape)
        return Tensor._wrap(rng_of().poisson(rate).astype(rate.dtype))

    def log_prob(self, value):
        value = self._value(value)
        return ember.xlogy(value, self.rate) - self.rate - lgamma(value + 1)


def _clamp_by_zero(x):
    # max(x, 0) whose gradient at 0 is 1/2, as PyTorch's Binomial uses
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(BinaryParams):
    """Number of successes in ``total_count`` Bernoulli trials of probability ``probs``."""

    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        _, self.total_count = self._set_params(probs, logits, total_count)
        self.total_count = self.total_count.to(
            (self.probs if probs is not None else self.logits).dtype)
        super().__init__(self.total_count.shape, validate_args=validate_args)

    @property
    def support(self):
        return constraints.integer_interval(0, self.total_count.array)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp_max(self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        n = xp.broadcast_to(self.total_count.array, shape).astype(xp.int64)
        p = xp.broadcast_to(self.probs.array, shape)
        return Tensor._wrap(rng_of().binomial(n, p).astype(p.dtype))

    def log_prob(self, value):
        value = self._value(value)
        n, logits = self.total_count, self.logits
        log_norm = (n * _clamp_by_zero(logits) + n * ember.log1p(ember.exp(-logits.abs()))
                    - lgamma(n + 1))
        return value * logits - log_norm - lgamma(value + 1) - lgamma(n - value + 1)

    def entropy(self):
        n = int(self.total_count.max().item())
        if not bool((self.total_count == n).all()):
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand: bool = True):
        n = int(self.total_count.max().item())
        if not bool((self.total_count == n).all()):
            raise NotImplementedError("Inhomogeneous total count not supported by "
                                      "`enumerate_support`.")
        values = ember.arange(n + 1, dtype=self.total_count.dtype).reshape(
            -1, *([1] * len(self._batch_shape)))
        return values.expand(n + 1, *self._batch_shape) if expand else values


class Geometric(BinaryParams):
    """Number of failures before the first success, each trial succeeding with ``probs``."""

    support = constraints.nonnegative_integer

    def __init__(self, probs=None, logits=None, validate_args=None):
        (param,) = self._set_params(probs, logits)
        super().__init__(param.shape, validate_args=validate_args)
        if self._validate_args and probs is not None and not bool((self.probs > 0).all()):
            raise ValueError(f"Expected parameter probs (Tensor of shape "
                             f"{tuple(self.probs.shape)}) of distribution {self!r} to be "
                             f"positive but found invalid values:\n{self.probs}")

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def mode(self):
        return ember.zeros_like(self.probs)

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=()):
        # inverse cdf: floor(log U / log(1 - p))
        with ember.no_grad():
            u = uniform_open(self._extended_shape(sample_shape), self.probs)
            return (u.log() / ember.log1p(-self.probs)).floor()

    def log_prob(self, value):
        value = self._value(value)
        value, probs = broadcast_all(value, self.probs)
        # p = 1 and k = 0: log(1 - p) * 0 must be 0, not nan
        safe = ember.where((probs == 1) & (value == 0), ember.zeros_like(probs), probs)
        return value * ember.log1p(-safe) + self.probs.log()

    def entropy(self):
        return (softplus(self.logits) - self.logits * self.probs) / self.probs



