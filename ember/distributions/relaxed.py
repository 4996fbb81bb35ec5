"""Continuous relaxations of discrete distributions (Concrete / Gumbel-softmax), with
``rsample``: ``RelaxedBernoulli`` on (0, 1) and ``RelaxedOneHotCategorical`` on the simplex.
Lower ``temperature`` makes samples closer to exact 0/1 (one-hot) values."""
from __future__ import annotations

import math
from functools import cached_property

import ember
from ember.distributions import constraints
from ember.distributions.bernoulli import BinaryParams, exactly_one
from ember.distributions.distribution import Distribution, as_param, uniform_open
from ember.distributions.logits import clamp_probs, logits_to_probs, probs_to_logits
from ember.distributions.transformed_distribution import TransformedDistribution
from ember.distributions.transforms import ExpTransform, SigmoidTransform
from ember.nn.functional import softplus


class LogitRelaxedBernoulli(BinaryParams):
    """The logit of a ``RelaxedBernoulli`` sample: ``(logits + logistic noise) / T``."""

    support = constraints.real
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        param, self.temperature = self._set_params(probs, logits, temperature)
        super().__init__(param.shape, validate_args=validate_args)

    def rsample(self, sample_shape=()):
        u = clamp_probs(uniform_open(self._extended_shape(sample_shape), self.logits))
        return (u.log() - ember.log1p(-u) + self.logits) / self.temperature

    def log_prob(self, value):
        value = self._value(value)
        diff = self.logits - value * self.temperature
        return self.temperature.log() + diff - 2 * softplus(diff)


class RelaxedBernoulli(TransformedDistribution):
    """``sigmoid`` of a ``LogitRelaxedBernoulli``: a differentiable stand-in for Bernoulli."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = LogitRelaxedBernoulli(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, SigmoidTransform(), validate_args=validate_args)

    @property
    def temperature(self):
        return self.base_dist.temperature

    @property
    def logits(self):
        return self.base_dist.logits

    @property
    def probs(self):
        return self.base_dist.probs


class ExpRelaxedCategorical(Distribution):
    """The log of a ``RelaxedOneHotCategorical`` sample (Gumbel-softmax in log space)."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        exactly_one(probs, logits, type(self).__name__)
        if probs is not None:
            probs = as_param(probs)
            self.probs = probs / probs.sum(-1, keepdim=True)
            param = self.probs
        else:
            logits = as_param(logits)
            self.logits = logits - ember.logsumexp(logits, -1, keepdim=True)
            param = self.logits
        self.temperature = as_param(temperature, param)
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], param.shape[-1:], validate_args=validate_args)

    @cached_property
    def logits(self):
        return probs_to_logits(self.probs)

    @cached_property
    def probs(self):
        return logits_to_probs(self.logits)

    def expand(self, batch_shape, _instance=None):
        new = super().expand(batch_shape)
        new.temperature = self.temperature
        return new

    def rsample(self, sample_shape=()):
        u = clamp_probs(uniform_open(self._extended_shape(sample_shape), self.logits))
        gumbels = -(-u.log()).log()
        scores = (self.logits + gumbels) / self.temperature
        return scores - ember.logsumexp(scores, -1, keepdim=True)

    def log_prob(self, value):
        value = self._value(value)
        k = self._num_events
        log_scale = math.lgamma(k) + (k - 1) * self.temperature.log()
        score = self.logits - value * self.temperature
        score = (score - ember.logsumexp(score, -1, keepdim=True)).sum(-1)
        return score + log_scale


class RelaxedOneHotCategorical(TransformedDistribution):
    """Gumbel-softmax: ``softmax((logits + Gumbel noise) / temperature)`` on the simplex."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)
        super().__init__(base, ExpTransform(), validate_args=validate_args)

    @property
    def temperature(self):
        return self.base_dist.temperature

    @property
    def logits(self):
        return self.base_dist.logits

    @property
    def probs(self):
        return self.base_dist.probs
