"""Normal, Uniform, Exponential and Laplace: PyTorch parity of every method, samples."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from tests.distributions.parity import check_shapes, check_statistics, parity

rng = np.random.default_rng(0)
LOC, SCALE = rng.standard_normal((2, 3)), rng.uniform(0.5, 2.0, (3,))
X = rng.standard_normal((4, 2, 3))
P = rng.uniform(0.05, 0.95, (4, 2, 3))
POS = rng.uniform(0.1, 3.0, (4, 2, 3))


def _methods(make, value):
    """The value-free statistics of ``make(T, *params)`` plus its log_prob/cdf at value."""
    return [
        lambda T, *a: make(T, *a).mean,
        lambda T, *a: make(T, *a).variance,
        lambda T, *a: make(T, *a).stddev,
        lambda T, *a: make(T, *a).entropy(),
    ]


FAMILIES = {
    "normal": (lambda T, a, b: T.distributions.Normal(a, b), (LOC, SCALE), X),
    "laplace": (lambda T, a, b: T.distributions.Laplace(a, b), (LOC, SCALE), X),
    "exponential": (lambda T, r: T.distributions.Exponential(r), (SCALE,), POS),
    "uniform": (lambda T, a, b: T.distributions.Uniform(a, a + b), (LOC, SCALE), None),
}


@pytest.mark.parametrize("name", FAMILIES)
def test_statistics_match_torch(name):
    make, params, _ = FAMILIES[name]
    for fn in _methods(make, None):
        parity(fn, *params)
    parity(lambda T, *a: make(T, *a).mode if name != "uniform" else make(T, *a).mean, *params)


@pytest.mark.parametrize("name", ["normal", "laplace", "exponential"])
def test_log_prob_cdf_icdf_match_torch(name):
    make, params, value = FAMILIES[name]
    parity(lambda T, *a: make(T, *a[:-1]).log_prob(a[-1]), *params, value)
    parity(lambda T, *a: make(T, *a[:-1]).cdf(a[-1]), *params, value)
    parity(lambda T, *a: make(T, *a[:-1]).icdf(a[-1]), *params, P, rtol=1e-6, atol=1e-7)


def test_uniform_log_prob_cdf_icdf_match_torch():
    low, width = LOC, SCALE
    inside = low + P * width
    parity(lambda T, a, b, x: T.distributions.Uniform(a, a + b).log_prob(x), low, width, inside)
    outside = inside + np.where(P > 0.5, 2.0, 0.0) * width  # some values beyond high
    parity(lambda T, a, b, x: T.distributions.Uniform(a, a + b, validate_args=False).cdf(x),
           low, width, outside)
    parity(lambda T, a, b, x: T.distributions.Uniform(a, a + b).icdf(x), low, width, P)
    d = D.Uniform(ember.tensor(0.0), ember.tensor(1.0), validate_args=False)
    assert d.log_prob(ember.tensor(1.5)).item() == -np.inf
    assert np.isnan(d.mode.item())


def test_icdf_inverts_cdf():
    for d in (D.Normal(ember.tensor(LOC), ember.tensor(SCALE)),
              D.Laplace(ember.tensor(LOC), ember.tensor(SCALE))):
        x = ember.tensor(X)
        np.testing.assert_allclose(d.icdf(d.cdf(x)).numpy(), X, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("dist", [
    D.Normal(ember.tensor([0.0, 3.0]), ember.tensor([1.0, 0.5])),
    D.Laplace(ember.tensor([-1.0, 2.0]), ember.tensor([0.7, 2.0])),
    D.Exponential(ember.tensor([0.5, 4.0])),
    D.Uniform(ember.tensor([-1.0, 2.0]), ember.tensor([1.0, 7.0])),
], ids=["normal", "laplace", "exponential", "uniform"])
def test_sampling_statistics_and_shapes(dist):
    check_statistics(dist)
    check_shapes(dist)
    assert dist.support.check(dist.sample((1000,))).numpy().all()


def test_manual_seed_makes_samples_repeat():
    d = D.Normal(ember.zeros(5), ember.ones(5))
    ember.manual_seed(3)
    a = d.sample((2,))
    ember.manual_seed(3)
    np.testing.assert_array_equal(a.numpy(), d.sample((2,)).numpy())


def test_parameters_broadcast():
    d = D.Normal(ember.zeros(4, 1), ember.ones(3))
    assert tuple(d.batch_shape) == (4, 3) and tuple(d.event_shape) == ()
    assert tuple(D.Normal(0.0, 1.0).sample((5, 2)).shape) == (5, 2)
    assert tuple(d.log_prob(ember.zeros(2, 1, 1)).shape) == (2, 4, 3)
    assert D.Normal(0.0, 1.0).mean.dtype == ember.float32


@pytest.mark.parametrize("make", [
    lambda x: D.Normal(x, x.exp()),
    lambda x: D.Laplace(x, x.exp()),
    lambda x: D.Exponential(x.exp()),
    lambda x: D.Uniform(x, x + x.exp()),
], ids=["normal", "laplace", "exponential", "uniform"])
def test_rsample_is_differentiable(make):
    x = ember.tensor([0.3, -0.2], requires_grad=True)
    make(x).rsample((7,)).sum().backward()
    assert x.grad is not None and np.all(np.isfinite(x.grad.numpy()))
    assert np.abs(x.grad.numpy()).sum() > 0


def test_rsample_gradient_matches_torch_with_fixed_noise():
    # rsample is loc + scale * eps: with eps fixed, the loss and gradients equal torch's
    eps = rng.standard_normal((5, 2, 3))

    def loss(T, loc, scale, e):
        d = T.distributions.Normal(loc, scale)
        z = d.loc + d.scale * e
        return (z ** 2).sum() + d.log_prob(z).sum()

    parity(loss, LOC, SCALE, eps)
    ember.manual_seed(0)
    z = D.Normal(ember.tensor(LOC), ember.tensor(SCALE)).rsample((5,))
    ember.manual_seed(0)
    e = D.Normal(ember.zeros(2, 3, dtype=ember.float64), ember.ones(2, 3,
                 dtype=ember.float64)).rsample((5,))
    np.testing.assert_allclose(z.numpy(), LOC + SCALE * e.numpy(), rtol=1e-12)


def test_validate_args_errors():
    with pytest.raises(ValueError, match="Expected parameter scale .* constraint"):
        D.Normal(ember.zeros(2), ember.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="Expected parameter rate"):
        D.Exponential(ember.tensor([0.0]))
    with pytest.raises(ValueError, match="LessThan"):
        D.Uniform(ember.tensor([1.0]), ember.tensor([0.0]))
    with pytest.raises(ValueError, match="support"):
        D.Exponential(ember.tensor([1.0])).log_prob(ember.tensor([-1.0]))
    with pytest.raises(ValueError, match="support"):
        D.Uniform(0.0, 1.0).log_prob(ember.tensor(2.0))
    with pytest.raises(ValueError, match="must be a Tensor"):
        D.Normal(0.0, 1.0).log_prob(0.5)
    with pytest.raises(ValueError, match="broadcastable"):
        D.Normal(ember.zeros(3), 1.0).log_prob(ember.zeros(2))
    # validation off: invalid parameters are accepted, as in PyTorch
    D.Normal(ember.zeros(2), ember.tensor([1.0, -1.0]), validate_args=False)


def test_set_default_validate_args_turns_validation_off_and_on():
    D.Distribution.set_default_validate_args(False)
    try:
        d = D.Normal(ember.zeros(1), ember.tensor([-1.0]))  # accepted without validation
        with np.errstate(invalid="ignore"):
            assert np.isnan(d.log_prob(ember.zeros(1)).numpy()).all()
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Normal(ember.zeros(1), ember.tensor([-1.0]))
