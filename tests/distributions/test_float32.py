"""float32 (the default dtype): results stay float32 and match PyTorch's float32 values
and gradients, including the families built on the private float64 special functions."""
# ruff: noqa: N803  (``T`` is the library, ember or torch)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import parity

rng = np.random.default_rng(8)
A, B = rng.uniform(0.5, 3.0, (2, 3)), rng.uniform(0.5, 3.0, (2, 3))
X = rng.uniform(0.05, 0.95, (4, 2, 3))

CASES = {
    "normal": lambda T, a, b, x: T.distributions.Normal(a, b).log_prob(x),
    "normal_icdf": lambda T, a, b, x: T.distributions.Normal(a, b).icdf(x),
    "gamma": lambda T, a, b, x: T.distributions.Gamma(a, b).log_prob(x),
    "gamma_entropy": lambda T, a, b, x: T.distributions.Gamma(a, b).entropy(),
    "beta": lambda T, a, b, x: T.distributions.Beta(a, b).log_prob(x),
    "lognormal": lambda T, a, b, x: T.distributions.LogNormal(a, b).log_prob(x),
    "categorical": lambda T, a, b, x: T.distributions.Categorical(logits=a).entropy(),
    "mvn": lambda T, a, b, x: T.distributions.MultivariateNormal(
        a, scale_tril=T.diag_embed(b)).log_prob(x),
    "kl_normal": lambda T, a, b, x: T.distributions.kl_divergence(
        T.distributions.Normal(a, b), T.distributions.Normal(b, a)),
}


@pytest.mark.parametrize("name", CASES)
def test_float32_matches_torch(name):
    parity(CASES[name], A, B, X, dtype=np.float32, rtol=2e-5, atol=2e-6)


def test_float32_stays_float32():
    a = ember.tensor(A, dtype=ember.float32)
    for d in (D.Normal(a, a), D.Gamma(a, a), D.Beta(a, a), D.Poisson(a), D.Dirichlet(a),
              D.MultivariateNormal(a, scale_tril=ember.diag_embed(a))):
        x = d.sample()
        assert x.dtype == ember.float32, type(d).__name__
        assert d.log_prob(x).dtype == ember.float32, type(d).__name__
