"""Gamma, Beta, Dirichlet and the lgamma/digamma/erfinv/gammainc they rest on: float64
gradchecks, PyTorch parity of values and gradients, sampling statistics, errors."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from ember.autograd import gradcheck
from tests.distributions.parity import check_shapes, check_statistics, parity

rng = np.random.default_rng(5)
CONC, RATE = rng.uniform(0.2, 5.0, (2, 3)), rng.uniform(0.5, 3.0, (3,))
POS = rng.uniform(0.05, 6.0, (4, 2, 3))
UNIT = rng.uniform(0.02, 0.98, (4, 2, 3))
SIMPLEX = rng.dirichlet(np.ones(4), (3, 2))


@pytest.mark.parametrize("name", ["lgamma", "digamma", "erfinv"])
def test_special_functions_match_torch_and_gradcheck(name):
    x = (np.concatenate([rng.uniform(-0.99, 0.99, 12), [0.0, 0.999]]) if name == "erfinv"
         else np.concatenate([rng.uniform(1e-3, 30.0, 20), [0.1, 0.5, 1.0, 5.9, 6.1, 200.0]]))
    fn = getattr(ember, name)
    parity(lambda T, a: fn(a) if T is ember else getattr(T, name)(a), x, rtol=1e-9, atol=1e-9)
    big = np.array([2.5, 40.0]) if name != "erfinv" else np.array([0.3, -0.7])
    assert gradcheck(fn, (ember.tensor(big, dtype=ember.float64, requires_grad=True),))
    parity(lambda T, a: fn(a) if T is ember else getattr(T, name)(a), x.astype(np.float32),
           dtype=np.float32, rtol=2e-6, atol=1e-6)


def test_lgamma_and_digamma_reflection_for_negative_arguments():
    x = np.array([-0.5, -1.5, -2.3, 0.25])
    parity(lambda T, a: ember.lgamma(a) if T is ember else T.lgamma(a), x, rtol=1e-9)
    parity(lambda T, a: ember.digamma(a) if T is ember else T.digamma(a), x, rtol=1e-9)


def test_gamma_matches_torch():
    def make(T, c, r):
        return T.distributions.Gamma(c, r)

    for attr in ("mean", "variance", "stddev", "mode"):
        parity(lambda T, c, r: getattr(make(T, c, r), attr), CONC, RATE)
    parity(lambda T, c, r: make(T, c, r).entropy(), CONC, RATE)
    parity(lambda T, c, r, x: make(T, c, r).log_prob(x), CONC, RATE, POS)


def test_beta_matches_torch():
    def make(T, a, b):
        return T.distributions.Beta(a, b)

    for attr in ("mean", "variance", "stddev", "mode"):
        parity(lambda T, a, b: getattr(make(T, a, b), attr), CONC + 1, RATE)
    parity(lambda T, a, b: make(T, a, b).entropy(), CONC, RATE)
    parity(lambda T, a, b, x: make(T, a, b).log_prob(x), CONC, RATE, UNIT)


def test_dirichlet_matches_torch():
    conc = rng.uniform(0.3, 4.0, (2, 4))
    conc[1] = [0.5, 0.8, 0.3, 0.9]  # all below 1: the mode is a vertex

    def make(T, c):
        return T.distributions.Dirichlet(c)

    for attr in ("mean", "variance", "mode"):
        parity(lambda T, c: getattr(make(T, c), attr), conc)
    parity(lambda T, c: make(T, c).entropy(), conc)
    parity(lambda T, c, x: make(T, c).log_prob(x), conc, SIMPLEX)


@pytest.mark.parametrize("dist", [
    D.Gamma(ember.tensor([0.3, 2.0, 9.0]), ember.tensor([1.0, 0.5, 3.0])),
    D.Beta(ember.tensor([0.5, 2.0, 5.0]), ember.tensor([0.5, 3.0, 1.0])),
    D.Dirichlet(ember.tensor([[0.5, 1.0, 2.0], [3.0, 3.0, 0.2]])),
], ids=["gamma", "beta", "dirichlet"])
def test_sampling_statistics_and_shapes(dist):
    check_statistics(dist)
    check_shapes(dist)
    assert dist.support.check(dist.sample((1000,))).numpy().all()
    assert dist.has_rsample


def test_gamma_rsample_gradient_matches_torch_implicit_reparameterisation():
    torch = pytest.importorskip("torch")
    conc = ember.tensor([0.05, 0.5, 2.0, 10.0, 150.0], dtype=ember.float64, requires_grad=True)
    rate = ember.tensor([1.0, 2.0, 0.5, 3.0, 1.5], dtype=ember.float64, requires_grad=True)
    weights = np.array([1.0, -2.0, 0.5, 3.0, -1.0])
    x = D.Gamma(conc, rate).rsample()
    (x * ember.tensor(weights)).sum().backward()
    # PyTorch: x = g / rate with dg/dconc = _standard_gamma_grad(conc, g)
    g = torch.tensor(x.detach().numpy() * rate.detach().numpy())
    dg = torch._standard_gamma_grad(torch.tensor(conc.detach().numpy()), g).numpy()
    # torch's _standard_gamma_grad is an approximation (relative error ~5e-5 here)
    np.testing.assert_allclose(conc.grad.numpy(), weights * dg / rate.detach().numpy(),
                               rtol=2e-4)
    np.testing.assert_allclose(rate.grad.numpy(), -weights * x.detach().numpy()
                               / rate.detach().numpy(), rtol=1e-10)


def test_beta_and_dirichlet_rsample_gradients_of_the_mean_are_unbiased():
    a = ember.tensor([2.0, 0.7], requires_grad=True)
    b = ember.tensor([3.0, 1.5], requires_grad=True)
    ember.manual_seed(0)
    D.Beta(a, b).rsample((20000,)).mean(0).sum().backward()
    av, bv = np.array([2.0, 0.7]), np.array([3.0, 1.5])
    # d/da a/(a+b) = b/(a+b)^2, d/db = -a/(a+b)^2
    np.testing.assert_allclose(a.grad.numpy(), bv / (av + bv) ** 2, rtol=0.06)
    np.testing.assert_allclose(b.grad.numpy(), -av / (av + bv) ** 2, rtol=0.06)
    c = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    ember.manual_seed(0)
    (D.Dirichlet(c).rsample((20000,)).mean(0) * ember.tensor([1.0, 0.0, 0.0])).sum().backward()
    # d/dc_j c_0 / sum(c) = (delta_0j sum(c) - c_0) / sum(c)^2
    np.testing.assert_allclose(c.grad.numpy(), np.array([5.0, -1.0, -1.0]) / 36, rtol=0.06,
                               atol=0.003)


def test_validate_args_errors():
    with pytest.raises(ValueError, match="Expected parameter concentration"):
        D.Gamma(ember.tensor([-1.0]), 1.0)
    with pytest.raises(ValueError, match="Expected parameter concentration0"):
        D.Beta(1.0, ember.tensor([0.0]))
    with pytest.raises(ValueError, match="Expected parameter concentration"):
        D.Dirichlet(ember.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="support"):
        D.Dirichlet(ember.ones(3)).log_prob(ember.tensor([0.5, 0.6, 0.1]))
    with pytest.raises(ValueError, match="support"):
        D.Beta(1.0, 1.0).log_prob(ember.tensor(1.5))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.Dirichlet(ember.tensor(1.0))


def test_gamma_cdf_matches_torch():
    def cdf(T, c, r, x):
        return T.distributions.Gamma(c.detach(), r).cdf(x)

    parity(cdf, CONC, RATE, POS, rtol=1e-8, atol=1e-10)
    a = np.array([0.05, 0.7, 3.0, 40.0, 400.0])
    x = np.array([0.01, 2.0, 2.5, 45.0, 380.0])
    parity(lambda T, a, x: ember.special.gammainc(a.detach(), x) if T is ember
           else T.special.gammainc(a.detach(), x), a, x, rtol=1e-8, atol=1e-10)
    xt = ember.tensor(x, requires_grad=True)
    assert gradcheck(lambda t: ember.special.gammainc(ember.tensor(a), t), (xt,))
    c = ember.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="first argument"):
        D.Gamma(c, 1.0).cdf(ember.tensor([1.0])).sum().backward()


def test_gamma_rsample_gradient_is_exact_to_1e_8():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    conc = ember.tensor([0.3, 2.0, 10.0, 150.0], dtype=ember.float64, requires_grad=True)
    x = D.Gamma(conc, 1.0).rsample()
    x.sum().backward()
    for a, v, grad in zip(conc.detach().numpy(), x.detach().numpy(), conc.grad.numpy()):
        a, v = mp.mpf(float(a)), mp.mpf(float(v))
        dp = mp.diff(lambda s: mp.gammainc(s, 0, v, regularized=True), a)
        exact = -dp / (v ** (a - 1) * mp.exp(-v) / mp.gamma(a))
        assert abs(grad - float(exact)) <= 1e-8 * abs(float(exact)), (a, v, grad, exact)
