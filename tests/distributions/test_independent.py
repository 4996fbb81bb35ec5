"""Independent: shapes, log_prob/entropy sums against PyTorch, expand, errors."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import check_shapes, parity

rng = np.random.default_rng(3)
LOC, SCALE, X = rng.standard_normal((2, 3, 4)), rng.uniform(0.5, 2, (2, 3, 4)), \
    rng.standard_normal((5, 2, 3, 4))


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_independent_matches_torch(n):
    def make(T, a, s):
        return T.distributions.Independent(T.distributions.Normal(a, s), n)

    parity(lambda T, a, s, x: make(T, a, s).log_prob(x), LOC, SCALE, X)
    parity(lambda T, a, s: make(T, a, s).entropy(), LOC, SCALE)
    parity(lambda T, a, s: make(T, a, s).variance, LOC, SCALE)
    d = make(ember, ember.tensor(LOC), ember.tensor(SCALE))
    assert tuple(d.batch_shape) == (2, 3, 4)[:3 - n]
    assert tuple(d.event_shape) == (2, 3, 4)[3 - n:]
    check_shapes(d)


def test_independent_support_and_errors():
    d = D.Independent(D.Bernoulli(probs=ember.full((2, 3), 0.5)), 1)
    with pytest.raises(ValueError, match="support"):
        d.log_prob(ember.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]))
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims <= "):
        D.Independent(D.Normal(ember.zeros(3), 1.0), 2)
