"""The Bernoulli distribution over {0, 1}, parameterised by ``probs`` or ``logits``."""
from __future__ import annotations

from functools import cached_property

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.distribution import Distribution, broadcast_all
from ember.distributions.logits import logits_to_probs, probs_to_logits
from ember.nn.functional import softplus
from ember.random import rng_of
from ember.tensor import Tensor


def exactly_one(probs, logits, name):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: either `probs` or `logits` must be specified, but not both.")


class BinaryParams(Distribution):
    """Shared ``probs``/``logits`` handling of the two-outcome distributions (Bernoulli,
    Binomial, Geometric, LogitRelaxedBernoulli): one is given, the other derived."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}

    def _set_params(self, probs, logits, *others):
        """Store ``probs`` or ``logits`` broadcast with ``others``; returns them all."""
        exactly_one(probs, logits, type(self).__name__)
        name = "probs" if probs is not None else "logits"
        values = broadcast_all(probs if probs is not None else logits, *others)
        setattr(self, name, values[0])
        return values

    @cached_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @cached_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)


class Bernoulli(BinaryParams):
    """1 with probability ``probs`` (or ``sigmoid(logits)``), else 0."""

    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        (param,) = self._set_params(probs, logits)
        super().__init__(param.shape, validate_args=validate_args)

    @property
    def param_shape(self):
        return self._batch_shape

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return ember.where(self.probs == 0.5, ember.full_like(mode, float("nan")), mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        p = xp.broadcast_to(self.probs.array, shape)
        return Tensor._wrap((rng_of().random(shape) < p).astype(p.dtype))

    def log_prob(self, value):
        value = self._value(value)
        logits, value = broadcast_all(self.logits, value)
        # -binary_cross_entropy_with_logits(logits, value)
        return logits * value - softplus(logits)

    def entropy(self):
        return softplus(self.logits) - self.logits * self.probs

    def enumerate_support(self, expand: bool = True):
        values = ember.arange(2, dtype=self.probs.dtype if "probs" in self.__dict__
                              else self.logits.dtype)
        values = values.reshape(-1, *([1] * len(self._batch_shape)))
        return values.expand(2, *self._batch_shape) if expand else values



