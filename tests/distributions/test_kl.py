"""kl_divergence: the registered table against PyTorch (values and gradients), dispatch."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import parity

rng = np.random.default_rng(2)
A, B = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
SA, SB = rng.uniform(0.3, 2.0, (2, 3)), rng.uniform(0.3, 2.0, (3,))


def _kl(make_p, make_q):
    return lambda T, a, sa, b, sb: T.distributions.kl_divergence(make_p(T, a, sa),
                                                                 make_q(T, b, sb))


PAIRS = {
    "normal": lambda T, a, s: T.distributions.Normal(a, s),
    "laplace": lambda T, a, s: T.distributions.Laplace(a, s),
    "exponential": lambda T, a, s: T.distributions.Exponential(s + a.abs()),
    "bernoulli": lambda T, a, s: T.distributions.Bernoulli(logits=a * s),
    "bernoulli_probs": lambda T, a, s: T.distributions.Bernoulli(probs=T.sigmoid(a * s)),
    "categorical": lambda T, a, s: T.distributions.Categorical(logits=a * s),
    "categorical_probs": lambda T, a, s: T.distributions.Categorical(probs=s),
    "onehot": lambda T, a, s: T.distributions.OneHotCategorical(logits=a * s),
    "independent": lambda T, a, s: T.distributions.Independent(T.distributions.Normal(a, s), 1),
    "gamma": lambda T, a, s: T.distributions.Gamma(s, a.exp()),
    "beta": lambda T, a, s: T.distributions.Beta(s, a.exp()),
    "dirichlet": lambda T, a, s: T.distributions.Dirichlet(s * a.exp()),
    "poisson": lambda T, a, s: T.distributions.Poisson(s * a.exp()),
    "geometric": lambda T, a, s: T.distributions.Geometric(logits=a * s),
}


@pytest.mark.parametrize("name", PAIRS)
def test_kl_matches_torch(name):
    make = PAIRS[name]
    parity(_kl(make, make), A, SA, B, SB)


def test_uniform_kl_matches_torch_and_is_infinite_outside():
    def make(T, a, s):
        return T.distributions.Uniform(a, a + s)

    # q contains p: finite values and gradients
    def kl(T, a, s, w):
        return T.distributions.kl_divergence(make(T, a, s), make(T, a - w, s + 2 * w))

    parity(kl, A, SA, SB[None].repeat(2, 0))
    p = D.Uniform(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 1.0]))
    q = D.Uniform(ember.tensor([0.5, -1.0]), ember.tensor([2.0, 3.0]))
    kl = D.kl_divergence(p, q).numpy()
    assert kl[0] == np.inf and np.isclose(kl[1], np.log(4.0))


def test_kl_of_identical_distributions_is_zero():
    p = D.Normal(ember.tensor(A), ember.tensor(SA))
    np.testing.assert_allclose(D.kl_divergence(p, p).numpy(), 0.0, atol=1e-12)


def test_bernoulli_kl_with_degenerate_probabilities_matches_torch():
    p, q = np.array([0.0, 1.0, 0.3, 0.0]), np.array([0.5, 0.2, 0.0, 0.0])
    def kl(T, a, b):
        return T.distributions.kl_divergence(T.distributions.Bernoulli(probs=a.detach()),
                                             T.distributions.Bernoulli(probs=b.detach()))

    parity(kl, p, q)


def test_unregistered_pair_raises_and_register_kl_extends_the_table():
    with pytest.raises(NotImplementedError, match="Normal.*Laplace|Laplace"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Laplace(0.0, 1.0))

    class MyNormal(D.Normal):
        pass

    # a subclass uses its parent's closed form until one is registered for it
    p = MyNormal(ember.tensor(0.0), ember.tensor(1.0))
    assert D.kl_divergence(p, D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)

    @D.register_kl(MyNormal, D.Normal)
    def _constant(p, q):
        return ember.tensor(42.0)

    assert D.kl_divergence(p, D.Normal(1.0, 1.0)).item() == 42.0
    with pytest.raises(TypeError, match="subclasses of Distribution"):
        D.register_kl(int, D.Normal)


def test_independent_kl_needs_equal_reinterpreted_dims():
    base = D.Normal(ember.zeros(2, 3), ember.ones(2, 3))
    with pytest.raises(NotImplementedError, match="reinterpreted_batch_ndims"):
        D.kl_divergence(D.Independent(base, 1), D.Independent(base, 2))
