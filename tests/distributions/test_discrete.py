"""Bernoulli, Categorical and OneHotCategorical: PyTorch parity, samples, shapes, errors."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import check_shapes, check_statistics, parity

rng = np.random.default_rng(1)
PROBS = rng.uniform(0.05, 0.95, (2, 3))
LOGITS = rng.standard_normal((2, 3))
BITS = (rng.random((4, 2, 3)) < 0.5).astype(np.float64)
CAT_LOGITS = rng.standard_normal((2, 5))
CAT_PROBS = rng.uniform(0.1, 1.0, (2, 5))  # unnormalised: Categorical normalises
INDEX = rng.integers(0, 5, (4, 2))


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_bernoulli_matches_torch(kind):
    param = PROBS if kind == "probs" else LOGITS

    def make(T, p):
        return T.distributions.Bernoulli(**{kind: p})

    for attr in ("mean", "variance", "stddev", "probs", "logits"):
        parity(lambda T, p: getattr(make(T, p), attr), param)
    parity(lambda T, p: make(T, p).entropy(), param)
    parity(lambda T, p, x: make(T, p).log_prob(x.detach()), param, BITS)
    parity(lambda T, p: make(T, p).mode, param)


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_categorical_matches_torch(kind):
    param = CAT_PROBS if kind == "probs" else CAT_LOGITS

    def make(T, p):
        return T.distributions.Categorical(**{kind: p})

    for attr in ("probs", "logits"):
        parity(lambda T, p: getattr(make(T, p), attr), param)
    parity(lambda T, p: make(T, p).entropy(), param)
    parity(lambda T, p: make(T, p).log_prob(T.tensor(INDEX)), param)
    parity(lambda T, p: make(T, p).mode, param)
    parity(lambda T, p: make(T, p).enumerate_support(), param)
    for attr in ("mean", "variance"):  # NaN: undefined for categories
        assert np.isnan(getattr(make(ember, ember.tensor(param)), attr).numpy()).all()


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_one_hot_categorical_matches_torch(kind):
    param = CAT_PROBS if kind == "probs" else CAT_LOGITS
    value = np.eye(5)[INDEX]

    def make(T, p):
        return T.distributions.OneHotCategorical(**{kind: p})

    for attr in ("mean", "variance", "mode"):
        parity(lambda T, p: getattr(make(T, p), attr), param)
    parity(lambda T, p: make(T, p).entropy(), param)
    parity(lambda T, p, v: make(T, p).log_prob(v.detach()), param, value)


def test_extreme_probabilities_stay_finite_like_torch():
    p = np.array([0.0, 1e-12, 0.5, 1.0])
    parity(lambda T, q: T.distributions.Bernoulli(probs=q).logits, p, rtol=1e-6)
    parity(lambda T, q: T.distributions.Bernoulli(probs=q).entropy(), p[1:3], rtol=1e-6)
    parity(lambda T, q: T.distributions.Categorical(probs=q).entropy(),
           np.array([0.0, 0.3, 0.7]))


def test_sampling_statistics():
    check_statistics(D.Bernoulli(probs=ember.tensor([0.1, 0.5, 0.9])))
    check_statistics(D.OneHotCategorical(probs=ember.tensor([[0.1, 0.2, 0.7],
                                                              [0.5, 0.25, 0.25]])))
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    ember.manual_seed(0)
    x = D.Categorical(probs=ember.tensor(probs)).sample((20000,)).numpy()
    assert x.dtype == np.int64
    np.testing.assert_allclose(np.bincount(x, minlength=4) / 20000, probs, atol=0.015)


@pytest.mark.parametrize("dist", [
    D.Bernoulli(logits=ember.zeros(2, 3)),
    D.Categorical(logits=ember.zeros(2, 4)),
    D.OneHotCategorical(probs=ember.ones(2, 4)),
], ids=["bernoulli", "categorical", "onehot"])
def test_shapes(dist):
    check_shapes(dist, (5, 2))


def test_categorical_shapes_and_broadcast_log_prob():
    d = D.Categorical(logits=ember.zeros(3, 4))
    assert tuple(d.batch_shape) == (3,) and tuple(d.event_shape) == ()
    assert tuple(d.log_prob(ember.tensor([[0], [1]])).shape) == (2, 3)
    o = D.OneHotCategorical(logits=ember.zeros(3, 4))
    assert tuple(o.batch_shape) == (3,) and tuple(o.event_shape) == (4,)


def test_score_function_gradient_flows_to_logits():
    logits = ember.zeros(3, requires_grad=True)
    d = D.Categorical(logits=logits)
    a = d.sample((16,))
    (-(d.log_prob(a) * 1.0).mean()).backward()
    assert logits.grad is not None and abs(logits.grad.numpy().sum()) < 1e-6


def test_validate_args_errors():
    with pytest.raises(ValueError, match="either `probs` or `logits`"):
        D.Bernoulli()
    with pytest.raises(ValueError, match="either `probs` or `logits`"):
        D.Categorical(probs=ember.ones(2), logits=ember.ones(2))
    with pytest.raises(ValueError, match="Expected parameter probs"):
        D.Bernoulli(probs=ember.tensor([1.5]))
    with pytest.raises(ValueError, match="Expected parameter probs"):
        D.Categorical(probs=ember.tensor([-1.0, 2.0]))
    with pytest.raises(ValueError, match="support"):
        D.Bernoulli(probs=ember.tensor([0.5])).log_prob(ember.tensor([0.5]))
    with pytest.raises(ValueError, match="support"):
        D.Categorical(logits=ember.zeros(3)).log_prob(ember.tensor(3))
    with pytest.raises(ValueError, match="support"):
        D.OneHotCategorical(logits=ember.zeros(3)).log_prob(ember.tensor([1.0, 1.0, 0.0]))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.Categorical(probs=ember.tensor(1.0))
