"""Poisson, Binomial and Geometric: PyTorch parity, sampling statistics, shapes, errors."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import check_shapes, check_statistics, parity

rng = np.random.default_rng(6)
RATE = rng.uniform(0.2, 8.0, (2, 3))
PROBS, LOGITS = rng.uniform(0.05, 0.95, (2, 3)), rng.standard_normal((2, 3))
COUNTS = rng.integers(0, 10, (4, 2, 3)).astype(np.float64)


def test_poisson_matches_torch():
    for attr in ("mean", "variance", "mode"):
        parity(lambda T, r: getattr(T.distributions.Poisson(r), attr), RATE)
    parity(lambda T, r, k: T.distributions.Poisson(r).log_prob(k.detach()), RATE, COUNTS)


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_binomial_matches_torch(kind):
    param = PROBS if kind == "probs" else LOGITS
    n = np.array([[10.0, 12.0, 15.0]])

    def make(T, p, n):
        return T.distributions.Binomial(n.detach(), **{kind: p})

    for attr in ("mean", "variance", "mode"):
        parity(lambda T, p, n: getattr(make(T, p, n), attr), param, n)
    parity(lambda T, p, n, k: make(T, p, n).log_prob(k.detach()), param, n, COUNTS)
    parity(lambda T, p: make(T, p, T.tensor(7.0)).entropy(), param)
    parity(lambda T, p: make(T, p, T.tensor(4.0)).enumerate_support(), param)


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_geometric_matches_torch(kind):
    param = PROBS if kind == "probs" else LOGITS

    def make(T, p):
        return T.distributions.Geometric(**{kind: p})

    for attr in ("mean", "variance", "mode"):
        parity(lambda T, p: getattr(make(T, p), attr), param)
    parity(lambda T, p: make(T, p).entropy(), param)
    parity(lambda T, p, k: make(T, p).log_prob(k.detach()), param, COUNTS)
    certain = D.Geometric(probs=ember.tensor([1.0]))
    assert certain.log_prob(ember.tensor([0.0])).item() == 0.0


@pytest.mark.parametrize("dist", [
    D.Poisson(ember.tensor([0.5, 3.0, 20.0])),
    D.Binomial(ember.tensor([5.0, 20.0, 100.0]), probs=ember.tensor([0.5, 0.1, 0.9])),
    D.Geometric(probs=ember.tensor([0.2, 0.5, 0.9])),
], ids=["poisson", "binomial", "geometric"])
def test_sampling_statistics_and_shapes(dist):
    check_statistics(dist)
    check_shapes(dist, (4, 2))
    x = dist.sample((1000,)).numpy()
    assert (x == np.round(x)).all() and (x >= 0).all()


def test_validate_args_errors():
    with pytest.raises(ValueError, match="Expected parameter rate"):
        D.Poisson(ember.tensor([-1.0]))
    with pytest.raises(ValueError, match="support"):
        D.Poisson(ember.tensor([1.0])).log_prob(ember.tensor([1.5]))
    with pytest.raises(ValueError, match="support"):
        D.Binomial(3, probs=ember.tensor([0.5])).log_prob(ember.tensor([4.0]))
    with pytest.raises(ValueError, match="Expected parameter total_count"):
        D.Binomial(ember.tensor([2.5]), probs=ember.tensor([0.5]))
    with pytest.raises(ValueError, match="Expected parameter probs"):
        D.Geometric(probs=ember.tensor([0.0]))
    with pytest.raises(ValueError, match="either `probs` or `logits`"):
        D.Binomial(3)
    with pytest.raises(NotImplementedError, match="Inhomogeneous"):
        D.Binomial(ember.tensor([2.0, 3.0]), probs=ember.tensor([0.5, 0.5])).entropy()
