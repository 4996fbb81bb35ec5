"""Bijective transforms for ``TransformedDistribution`` (torch.distributions.transforms).

A transform maps ``x`` to ``y = t(x)``; ``t.inv(y)`` inverts it and
``t.log_abs_det_jacobian(x, y)`` is ``log |dy/dx|`` (summed over the transform's own
``event_dim`` rightmost dims), which is what the change of variables needs:
``log p_Y(y) = log p_X(t^-1(y)) - log |det J_t(x)|``.
"""
from __future__ import annotations

import math

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.distribution import as_param
from ember.distributions.logits import clamp_probs
from ember.nn.functional import softplus


class Transform:
    """Base class: subclasses define ``_call``, ``_inverse`` and ``log_abs_det_jacobian``."""

    domain = constraints.real
    codomain = constraints.real
    bijective = True
    sign = 1
    event_dim = 0

    def __call__(self, x):
        return self._call(x)

    @property
    def inv(self) -> Transform:
        return _InverseTransform(self)

    def _call(self, x):
        raise NotImplementedError

    def _inverse(self, y):
        raise NotImplementedError(f"{type(self).__name__} has no inverse")

    def log_abs_det_jacobian(self, x, y):
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class _InverseTransform(Transform):
    def __init__(self, transform):
        self._inv = transform
        self.domain, self.codomain = transform.codomain, transform.domain
        self.sign, self.event_dim = transform.sign, transform.event_dim

    @property
    def inv(self) -> Transform:
        return self._inv

    def _call(self, x):
        return self._inv._inverse(x)

    def _inverse(self, y):
        return self._inv._call(y)

    def log_abs_det_jacobian(self, x, y):
        return -self._inv.log_abs_det_jacobian(y, x)


class ExpTransform(Transform):
    """``y = exp(x)``."""

    codomain = constraints.positive

    def _call(self, x):
        return x.exp()

    def _inverse(self, y):
        return y.log()

    def log_abs_det_jacobian(self, x, y):
        return x


class AffineTransform(Transform):
    """``y = loc + scale * x``; ``event_dim`` dims of the jacobian are summed."""

    def __init__(self, loc, scale, event_dim: int = 0):
        self.loc, self.scale, self.event_dim = loc, scale, event_dim

    @property
    def sign(self):
        if isinstance(self.scale, (int, float)):
            return 1 if self.scale > 0 else -1
        return self.scale.sign()

    def _call(self, x):
        return self.loc + self.scale * x

    def _inverse(self, y):
        return (y - self.loc) / self.scale

    def log_abs_det_jacobian(self, x, y):
        if isinstance(self.scale, (int, float)):
            result = ember.full_like(x, math.log(abs(self.scale)))
        else:
            result = self.scale.abs().log().expand(
                *xp.broadcast_shapes(tuple(x.shape), tuple(self.scale.shape)))
        if self.event_dim:
            result = result.sum(tuple(range(-self.event_dim, 0)))
        return result

    def __repr__(self) -> str:
        return f"AffineTransform(event_dim={self.event_dim})"


class SigmoidTransform(Transform):
    """``y = sigmoid(x)``, clamped inside (0, 1) so that the inverse stays finite."""

    codomain = constraints.unit_interval

    def _call(self, x):
        return clamp_probs(ember.sigmoid(x))

    def _inverse(self, y):
        y = clamp_probs(as_param(y))
        return y.log() - ember.log1p(-y)

    def log_abs_det_jacobian(self, x, y):
        # log sigmoid'(x) = log sigmoid(x) + log sigmoid(-x)
        return -softplus(-x) - softplus(x)


class TanhTransform(Transform):
    """``y = tanh(x)``."""

    codomain = constraints.interval(-1.0, 1.0)

    def _call(self, x):
        return x.tanh()

    def _inverse(self, y):
        return ember.atanh(y)

    def log_abs_det_jacobian(self, x, y):
        # log(1 - tanh(x)^2) = 2 (log 2 - x - softplus(-2x)), stable for large |x|
        return 2.0 * (math.log(2.0) - x - softplus(-2.0 * x))


class ComposeTransform(Transform):
    """Apply ``parts`` in order."""

    def __init__(self, parts):
        self.parts = list(parts)
        self.event_dim = max((p.event_dim for p in self.parts), default=0)
        if self.parts:
            self.domain, self.codomain = self.parts[0].domain, self.parts[-1].codomain

    @property
    def sign(self):
        sign = 1
        for p in self.parts:
            sign = sign * p.sign
        return sign

    def _call(self, x):
        for p in self.parts:
            x = p(x)
        return x

    def _inverse(self, y):
        for p in reversed(self.parts):
            y = p.inv(y)
        return y

    def log_abs_det_jacobian(self, x, y):
        total = 0.0
        for p in self.parts:
            y = p(x)
            term = p.log_abs_det_jacobian(x, y)
            extra = self.event_dim - p.event_dim
            total = total + (term.sum(tuple(range(-extra, 0))) if extra else term)
            x = y
        return total
