"""The multivariate normal distribution ``N(loc, Sigma)``, parameterised by exactly one of
``covariance_matrix``, ``precision_matrix`` or ``scale_tril`` (the lower Cholesky factor
``L`` with ``Sigma = L L^T``). Every method works from ``L``; a covariance or precision is
factorised by ``ember.linalg.cholesky``, so gradients reach whichever matrix was given."""
from __future__ import annotations

import math
from functools import cached_property

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.distributions.distribution import Distribution, as_param, standard_normal
from ember.linalg import cholesky
from ember.linalg_aliases import cholesky_inverse


def solve_lower(L, B):  # noqa: N803
    """X with ``L X = B``, L lower triangular."""
    return ember.linalg.solve_triangular(L, B, upper=False)


def batch_mahalanobis(L, x):  # noqa: N803
    """``x^T (L L^T)^-1 x`` over the last dim: ``|L^-1 x|^2``."""
    return (solve_lower(L, x.unsqueeze(-1)).squeeze(-1) ** 2).sum(-1)


def _eye_like(L):  # noqa: N803
    n = L.shape[-1]
    return ember.eye(n, dtype=L.dtype).expand(*L.shape[:-2], n, n)


def precision_to_scale_tril(P):  # noqa: N803
    """``L`` with ``L L^T = P^-1``: Cholesky of the flipped precision, inverted (PyTorch's
    route, which never forms ``P^-1``)."""
    lf = cholesky(ember.flip(P, (-2, -1)))
    l_inv = ember.flip(lf, (-2, -1)).transpose(-2, -1)
    return solve_lower(l_inv, _eye_like(P))


class MultivariateNormal(Distribution):
    """Gaussian over vectors: ``loc`` (*batch, n) and an (*batch, n, n) matrix.

    Example: ``MultivariateNormal(ember.zeros(2), scale_tril=ember.eye(2)).rsample((5,))``
    has shape (5, 2).
    """

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        loc = as_param(loc)
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [(n, m) for n, m in (("covariance_matrix", covariance_matrix),
                                     ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or "
                             "scale_tril may be specified.")
        name, matrix = given[0]
        matrix = as_param(matrix, loc)
        if matrix.dim() < 2:
            raise ValueError(f"{name} matrix must be at least two-dimensional, with "
                             "optional leading batch dimensions")
        if matrix.shape[-1] != matrix.shape[-2] or matrix.shape[-1] != loc.shape[-1]:
            raise ValueError(f"{name} of shape {tuple(matrix.shape)} does not match loc of "
                             f"shape {tuple(loc.shape)}: expected (..., {loc.shape[-1]}, "
                             f"{loc.shape[-1]})")
        batch = xp.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1]))
        n = loc.shape[-1]
        setattr(self, name, matrix.expand(*batch, n, n))
        self.loc = loc.expand(*batch, n)
        self._unbroadcasted = (name, matrix)
        super().__init__(batch, (n,), validate_args=validate_args)

    def _param_event_dims(self, name) -> int:
        return 1 if name == "loc" else 2

    @cached_property
    def _unbroadcasted_scale_tril(self):
        name, matrix = self._unbroadcasted
        if name == "scale_tril":
            return matrix
        if name == "covariance_matrix":
            return cholesky(matrix)
        return precision_to_scale_tril(matrix)

    def expand(self, batch_shape, _instance=None):
        new = super().expand(batch_shape)
        new.loc = self.loc.expand(*batch_shape, *self._event_shape)
        return new

    @cached_property
    def scale_tril(self):
        n = self._event_shape[0]
        return self._unbroadcasted_scale_tril.expand(*self._batch_shape, n, n)

    @cached_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril  # noqa: N806
        n = self._event_shape[0]
        return (L @ L.transpose(-2, -1)).expand(*self._batch_shape, n, n)

    @cached_property
    def precision_matrix(self):
        n = self._event_shape[0]
        return cholesky_inverse(self._unbroadcasted_scale_tril).expand(
            *self._batch_shape, n, n)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return (self._unbroadcasted_scale_tril ** 2).sum(-1).expand(
            *self._batch_shape, *self._event_shape)

    def rsample(self, sample_shape=()):
        eps = standard_normal(self._extended_shape(sample_shape), self.loc)
        L = self._unbroadcasted_scale_tril  # noqa: N806
        return self.loc + (L @ eps.unsqueeze(-1)).squeeze(-1)

    def _half_log_det(self):
        return ember.diagonal(self._unbroadcasted_scale_tril, 0, -2, -1).log().sum(-1)

    def log_prob(self, value):
        value = self._value(value)
        m = batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + m) - self._half_log_det()

    def entropy(self):
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return h.expand(*self._batch_shape) if len(self._batch_shape) else h
