"""``Independent``: reinterpret some batch dims of a distribution as event dims."""
from __future__ import annotations

from ember.distributions import constraints
from ember.distributions.distribution import Distribution


def sum_rightmost(value, n: int):
    """Sum over the ``n`` rightmost dims (none when ``n == 0``)."""
    return value.sum(tuple(range(-n, 0))) if n > 0 else value


class _IndependentSupport(constraints.Constraint):
    def __init__(self, base, n):
        self.base, self.n = base, n
        self.event_dim = base.event_dim + n
        self.is_discrete = base.is_discrete

    def _check(self, a):
        ok = self.base._check(a)
        return ok.all(tuple(range(-self.n, 0))) if self.n else ok

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base!r}, {self.n})"


class Independent(Distribution):
    """Treat the ``reinterpreted_batch_ndims`` rightmost batch dims as one event, so that
    ``log_prob`` sums over them: ``Independent(Normal(loc, scale), 1)`` with ``loc`` of
    shape (B, D) is a diagonal Gaussian with batch_shape (B,) and event_shape (D,)."""

    arg_constraints: dict = {}

    def __init__(self, base_distribution, reinterpreted_batch_ndims: int, validate_args=None):
        n = int(reinterpreted_batch_ndims)
        batch = tuple(base_distribution.batch_shape)
        if n > len(batch):
            raise ValueError(f"Expected reinterpreted_batch_ndims <= len(base_distribution."
                             f"batch_shape), actual {n} vs {len(batch)}")
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = n
        cut = len(batch) - n
        super().__init__(batch[:cut], batch[cut:] + tuple(base_distribution.event_shape),
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        n = self.reinterpreted_batch_ndims
        kept = tuple(self.base_dist.batch_shape)[len(self.base_dist.batch_shape) - n:]
        return Independent(self.base_dist.expand(tuple(batch_shape) + kept), n,
                           validate_args=self._validate_args)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def has_enumerate_support(self):
        return self.reinterpreted_batch_ndims == 0 and self.base_dist.has_enumerate_support

    @property
    def support(self):
        support = self.base_dist.support
        return _IndependentSupport(support, self.reinterpreted_batch_ndims) if support \
            is not None else None

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def mode(self):
        return self.base_dist.mode

    @property
    def variance(self):
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self) -> str:
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
