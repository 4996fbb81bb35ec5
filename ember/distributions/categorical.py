"""Categorical distributions over ``{0, ..., K-1}``: ``Categorical`` (integer samples) and
``OneHotCategorical`` (one-hot vectors), parameterised by ``probs`` or ``logits`` whose
last dimension indexes the ``K`` categories."""
from __future__ import annotations

from functools import cached_property

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.bernoulli import exactly_one
from ember.distributions.distribution import Distribution, as_param
from ember.distributions.logits import logits_to_probs, probs_to_logits
from ember.random import rng_of
from ember.tensor import Tensor


class Categorical(Distribution):
    """Category ``i`` with probability ``probs[..., i]``; ``probs`` need not sum to 1
    (it is normalised), ``logits`` are unnormalised log probabilities.

    Shape: ``probs`` (*batch, K) gives batch_shape ``batch`` and event_shape ``()``.
    """

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        exactly_one(probs, logits, type(self).__name__)
        if probs is not None:
            probs = as_param(probs)
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            param = self.probs
        else:
            logits = as_param(logits)
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - ember.logsumexp(logits, -1, keepdim=True)
            param = self.logits
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], validate_args=validate_args)

    @cached_property
    def logits(self):
        return probs_to_logits(self.probs)

    @cached_property
    def probs(self):
        return logits_to_probs(self.logits)

    @property
    def param_shape(self):
        return (self.probs if "probs" in self.__dict__ else self.logits).shape

    @property
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def mean(self):
        return ember.full(tuple(self._batch_shape), float("nan"), dtype=self.probs.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return self.mean

    def sample(self, sample_shape=()):
        # inverse cdf: the number of cumulative probabilities below a uniform draw
        shape = self._extended_shape(sample_shape)
        cdf = xp.cumsum(self.probs.array.astype(xp.float64), -1)
        u = rng_of().random(shape + (1,)) * cdf[..., -1:]
        index = (u >= cdf).sum(-1)
        return Tensor._wrap(xp.minimum(index, self._num_events - 1).astype(xp.int64))

    def log_prob(self, value):
        value = self._value(value)
        index = value.long().unsqueeze(-1)
        shape = xp.broadcast_shapes(tuple(index.shape[:-1]), tuple(self.logits.shape[:-1]))
        logits = self.logits.expand(*shape, self._num_events)
        return logits.gather(-1, index.expand(*shape, 1)).squeeze(-1)

    def entropy(self):
        min_real = float(xp.finfo(self.logits.array.dtype).min)
        return -(self.logits.clamp(min=min_real) * self.probs).sum(-1)

    def enumerate_support(self, expand: bool = True):
        values = ember.arange(self._num_events).reshape(-1, *([1] * len(self._batch_shape)))
        return values.expand(self._num_events, *self._batch_shape) if expand else values


class OneHotCategorical(Distribution):
    """A ``Categorical`` whose samples are one-hot vectors of length ``K`` (event_shape (K,))."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        super().__init__(self._categorical.batch_shape, self._categorical.param_shape[-1:],
                         validate_args=False)
        self._validate_args = self._categorical._validate_args

    def expand(self, batch_shape, _instance=None):
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._categorical = self._categorical.expand(batch_shape)
        new._batch_shape = ember.Size(batch_shape)
        return new

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        return ember.one_hot(self.probs.argmax(-1), self._event_shape[0]).to(self.probs.dtype)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        index = self._categorical.sample(sample_shape)
        return ember.one_hot(index, self._event_shape[0]).to(self.probs.dtype)

    def log_prob(self, value):
        value = self._value(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand: bool = True):
        n = self._event_shape[0]
        values = ember.eye(n, dtype=self.probs.dtype).reshape(
            n, *([1] * len(self._batch_shape)), n)
        return values.expand(n, *self._batch_shape, n) if expand else values
