"""Transforms, TransformedDistribution, LogNormal and the relaxed (Gumbel-softmax)
distributions: PyTorch parity of values and gradients, rsample, shapes."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import check_shapes, check_statistics, parity

rng = np.random.default_rng(4)
LOC, SCALE = rng.standard_normal((2, 3)) * 0.5, rng.uniform(0.3, 1.0, (2, 3))
X = rng.standard_normal((4, 2, 3))
POS = rng.uniform(0.1, 4.0, (4, 2, 3))
UNIT = rng.uniform(0.02, 0.98, (4, 2, 3))
SIGNED = rng.uniform(-0.95, 0.95, (4, 2, 3))

TRANSFORMS = {
    "exp": (lambda T, a: T.distributions.transforms.ExpTransform(), X),
    "affine": (lambda T, a: T.distributions.transforms.AffineTransform(a, -2.0 * a), X),
    "affine_event": (lambda T, a: T.distributions.transforms.AffineTransform(1.0, a, 1), X),
    "sigmoid": (lambda T, a: T.distributions.transforms.SigmoidTransform(), X),
    "tanh": (lambda T, a: T.distributions.transforms.TanhTransform(), X),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transforms_match_torch(name):
    make, x = TRANSFORMS[name]

    def forward(T, a, x):
        t = make(T, a)
        y = t(x)
        return y, t.log_abs_det_jacobian(x, y), t.inv(y)

    parity(forward, LOC, x, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", TRANSFORMS)
def test_transformed_distribution_log_prob_matches_torch(name):
    make, x = TRANSFORMS[name]

    def log_prob(T, loc, scale, a, x):
        t = make(T, a)
        d = T.distributions.TransformedDistribution(T.distributions.Normal(loc, scale), [t])
        return d.log_prob(t(x).detach())

    parity(log_prob, LOC, SCALE, LOC + 1.5, x, rtol=1e-6, atol=1e-7)


def test_transformed_distribution_cdf_icdf_and_shapes_match_torch():
    def make(T, loc, scale):
        return T.distributions.TransformedDistribution(
            T.distributions.Normal(loc, scale),
            [T.distributions.transforms.AffineTransform(0.5, -2.0),
             T.distributions.transforms.ExpTransform()])

    parity(lambda T, a, s, y: make(T, a, s).cdf(y), LOC, SCALE, POS)
    parity(lambda T, a, s, u: make(T, a, s).icdf(u), LOC, SCALE, UNIT)
    parity(lambda T, a, s, y: make(T, a, s).log_prob(y), LOC, SCALE, POS)
    d = D.TransformedDistribution(D.Normal(ember.zeros(2, 3), 1.0),
                                  D.AffineTransform(0.0, ember.ones(3), event_dim=1))
    assert tuple(d.batch_shape) == (2,) and tuple(d.event_shape) == (3,)
    check_shapes(d)


def test_lognormal_matches_torch():
    def make(T, a, s):
        return T.distributions.LogNormal(a, s)

    for attr in ("mean", "variance", "stddev", "mode"):
        parity(lambda T, a, s: getattr(make(T, a, s), attr), LOC, SCALE)
    parity(lambda T, a, s: make(T, a, s).entropy(), LOC, SCALE)
    parity(lambda T, a, s, y: make(T, a, s).log_prob(y), LOC, SCALE, POS)
    parity(lambda T, a, s, y: make(T, a, s).cdf(y), LOC, SCALE, POS)
    parity(lambda T, a, s, u: make(T, a, s).icdf(u), LOC, SCALE, UNIT)
    d = D.LogNormal(ember.tensor([0.0, 0.5]), ember.tensor([0.25, 0.3]))
    check_statistics(d)
    check_shapes(d)
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.LogNormal(0.0, -1.0)
    with pytest.raises(ValueError, match="support"):
        d.log_prob(ember.tensor([-1.0, 1.0]))


def test_relaxed_bernoulli_matches_torch():
    def make(T, t, p):
        return T.distributions.RelaxedBernoulli(t, logits=p)

    parity(lambda T, t, p, y: make(T, t, p).log_prob(y), SCALE, LOC, UNIT)
    parity(lambda T, t, p, y: T.distributions.RelaxedBernoulli(t, probs=p).log_prob(y),
           SCALE, UNIT[0], UNIT)
    d = make(ember, ember.tensor(0.5), ember.zeros(4))
    s = d.rsample((1000,))
    assert ((s.numpy() > 0) & (s.numpy() < 1)).all()
    check_shapes(d)
    # low temperature: samples near 0 or 1, with P(> 0.5) = sigmoid(logits)
    ember.manual_seed(0)
    cold = D.RelaxedBernoulli(ember.tensor(0.05), logits=ember.tensor([1.0])).sample((20000,))
    np.testing.assert_allclose((cold.numpy() > 0.5).mean(), 1 / (1 + np.exp(-1.0)), atol=0.015)
    assert np.mean(np.minimum(cold.numpy(), 1 - cold.numpy()) < 0.01) > 0.8


def test_relaxed_one_hot_categorical_matches_torch():
    logits = rng.standard_normal((2, 4))
    value = rng.dirichlet(np.ones(4), (3, 2))

    def make(T, t, p):
        return T.distributions.RelaxedOneHotCategorical(t, logits=p)

    parity(lambda T, t, p, y: make(T, t, p).log_prob(y), np.array(0.7), logits, value)
    parity(lambda T, t, p, y: T.distributions.RelaxedOneHotCategorical(t, probs=p).log_prob(y),
           np.array(1.3), np.exp(logits), value)
    d = make(ember, ember.tensor(0.7), ember.tensor(logits))
    s = d.rsample((5,))
    assert tuple(s.shape) == (5, 2, 4)
    np.testing.assert_allclose(s.numpy().sum(-1), 1.0, rtol=1e-6)
    check_shapes(d)
    # argmax of a Gumbel-softmax sample is distributed as Categorical(logits)
    ember.manual_seed(0)
    probs = np.array([0.1, 0.2, 0.7])
    cold = D.RelaxedOneHotCategorical(ember.tensor(0.3), probs=ember.tensor(probs))
    counts = np.bincount(cold.sample((20000,)).numpy().argmax(-1), minlength=3)
    np.testing.assert_allclose(counts / 20000, probs, atol=0.015)


def test_gumbel_softmax_rsample_gradients_reach_logits():
    logits = ember.zeros(2, 3, requires_grad=True)
    temperature = ember.tensor(0.5, requires_grad=True)
    z = D.RelaxedOneHotCategorical(temperature, logits=logits).rsample((8,))
    (z * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert np.abs(logits.grad.numpy()).sum() > 0 and temperature.grad is not None
