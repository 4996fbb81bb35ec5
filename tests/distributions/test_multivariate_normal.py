"""MultivariateNormal from covariance, precision or scale_tril: PyTorch parity of values
and gradients (through ember.linalg's Cholesky and triangular solve, gradchecked),
KL, rsample statistics, shapes, errors."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import numpy as np
import pytest

import ember
import ember.distributions as D
from ember.autograd import gradcheck
from ember.distributions.multivariate_normal import solve_lower
from ember.linalg import cholesky
from ember.linalg_aliases import cholesky_inverse
from tests.distributions.parity import check_shapes, check_statistics, parity

rng = np.random.default_rng(7)
N = 3
LOC = rng.standard_normal((2, N))
_M = rng.standard_normal((2, N, N))
COV = _M @ _M.transpose(0, 2, 1) + np.eye(N)
TRIL = np.tril(rng.standard_normal((2, N, N)), -1) + np.diag(rng.uniform(0.5, 2.0, N))
X = rng.standard_normal((4, 2, N))


def test_linalg_functions_used_gradcheck():
    a = ember.tensor(COV, requires_grad=True)
    assert gradcheck(lambda x: cholesky((x + x.transpose(-2, -1)) / 2), (a,))
    L = ember.tensor(TRIL, requires_grad=True)
    b = ember.tensor(rng.standard_normal((4, 2, N, 2)), requires_grad=True)
    assert gradcheck(solve_lower, (L, b))
    # PyTorch's formula also returns a gradient for the (unread) upper triangle: check
    # the lower one, through tril
    assert gradcheck(lambda m: cholesky_inverse(ember.tril(m)), (L,))
    parity(lambda T, a: cholesky(a) if T is ember else T.linalg.cholesky(a), COV)
    with pytest.raises(ValueError, match="not positive-definite"):
        cholesky(ember.tensor([[1.0, 2.0], [2.0, 1.0]]))


def _make(kind):
    def make(T, loc, m):
        if kind == "covariance_matrix":
            m = (m + m.transpose(-2, -1)) / 2  # a symmetric input, as the oracle needs
        if kind == "scale_tril":
            # the factor's upper triangle is never read: Ember's gradient there is 0,
            # PyTorch's cholesky_inverse formula gives one; compare through tril
            m = T.tril(m)
        return T.distributions.MultivariateNormal(loc, **{kind: m})
    return make


MATRICES = {"covariance_matrix": COV, "precision_matrix": COV, "scale_tril": TRIL}


@pytest.mark.parametrize("kind", MATRICES)
def test_matches_torch(kind):
    make, m = _make(kind), MATRICES[kind]
    parity(lambda T, a, s, x: make(T, a, s).log_prob(x), LOC, m, X)
    parity(lambda T, a, s: make(T, a, s).entropy(), LOC, m)
    for attr in ("mean", "variance", "covariance_matrix", "precision_matrix", "scale_tril"):
        parity(lambda T, a, s: getattr(make(T, a, s), attr), LOC, m, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kinds", [("scale_tril", "covariance_matrix"),
                                   ("precision_matrix", "scale_tril")])
def test_kl_matches_torch(kinds):
    mp, mq = _make(kinds[0]), _make(kinds[1])

    def kl(T, a, s, b, r):
        return T.distributions.kl_divergence(mp(T, a, s), mq(T, b, r))

    parity(kl, LOC, MATRICES[kinds[0]], LOC[::-1] + 0.3, MATRICES[kinds[1]][:1])
    p = D.MultivariateNormal(ember.zeros(2), scale_tril=ember.eye(2))
    q = D.MultivariateNormal(ember.zeros(3), scale_tril=ember.eye(3))
    with pytest.raises(ValueError, match="different event shapes"):
        D.kl_divergence(p, q)


def test_rsample_statistics_shapes_and_fixed_noise_gradients():
    cov = ember.tensor([[2.0, 0.6], [0.6, 0.5]])
    d = D.MultivariateNormal(ember.tensor([1.0, -1.0]), covariance_matrix=cov)
    check_statistics(d)
    ember.manual_seed(0)
    x = d.sample((20000,)).numpy()
    np.testing.assert_allclose(np.cov(x.T), cov.numpy(), atol=0.05)
    check_shapes(D.MultivariateNormal(ember.zeros(4, 2), scale_tril=ember.eye(2)))
    big = D.MultivariateNormal(ember.zeros(2), scale_tril=ember.eye(2)).expand((3,))
    assert tuple(big.batch_shape) == (3,) and tuple(big.sample((5,)).shape) == (5, 3, 2)
    # rsample is loc + L eps: with eps fixed the loss and gradients equal torch's
    eps = rng.standard_normal((5, 2, N))

    def loss(T, loc, s, e):
        d = T.distributions.MultivariateNormal(loc, scale_tril=s)
        z = d.loc + (d.scale_tril @ e.detach().unsqueeze(-1)).squeeze(-1)
        return (z ** 2).sum() - d.log_prob(z).sum()

    parity(loss, LOC, TRIL, eps)


def test_broadcasting_of_loc_and_matrix():
    d = D.MultivariateNormal(ember.zeros(4, 1, 2), scale_tril=ember.eye(2).expand(3, 2, 2))
    assert tuple(d.batch_shape) == (4, 3) and tuple(d.event_shape) == (2,)
    assert tuple(d.log_prob(ember.zeros(2)).shape) == (4, 3)


def test_validate_args_errors():
    with pytest.raises(ValueError, match="Exactly one of"):
        D.MultivariateNormal(ember.zeros(2))
    with pytest.raises(ValueError, match="Exactly one of"):
        D.MultivariateNormal(ember.zeros(2), scale_tril=ember.eye(2),
                             covariance_matrix=ember.eye(2))
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.MultivariateNormal(ember.tensor(0.0), scale_tril=ember.eye(1))
    with pytest.raises(ValueError, match="at least two-dimensional"):
        D.MultivariateNormal(ember.zeros(2), scale_tril=ember.ones(2))
    with pytest.raises(ValueError, match="does not match loc"):
        D.MultivariateNormal(ember.zeros(2), scale_tril=ember.eye(3))
    with pytest.raises(ValueError, match="Expected parameter covariance_matrix"):
        D.MultivariateNormal(ember.zeros(2), covariance_matrix=ember.tensor([[1.0, 2.0],
                                                                             [2.0, 1.0]]))
    with pytest.raises(ValueError, match="Expected parameter scale_tril"):
        D.MultivariateNormal(ember.zeros(2), scale_tril=ember.tensor([[1.0, 1.0],
                                                                     [0.0, 1.0]]))
    with pytest.raises(ValueError, match="event_shape"):
        D.MultivariateNormal(ember.zeros(2), scale_tril=ember.eye(2)).log_prob(ember.zeros(3))
