"""Numerical care: extreme inputs give PyTorch's finite values and gradients, not NaN."""
import numpy as np
import pytest
import torch

import ember

EXTREME = [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0], [88.0, 89.0, -104.0]]


def _value_and_grad(lib, fn, data):
    x = lib.tensor(data, requires_grad=True)
    y = fn(lib, x)
    (y * lib.tensor(np.linspace(0.5, 1.5, y.numel()).reshape(tuple(y.shape)),
                    dtype=y.dtype)).sum().backward()
    return y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("name,fn", [
    ("sigmoid", lambda lib, x: lib.sigmoid(x)),
    ("softmax", lambda lib, x: lib.softmax(x, dim=-1)),
    ("log_softmax", lambda lib, x: lib.log_softmax(x, dim=-1)),
    ("logsumexp", lambda lib, x: lib.logsumexp(x, dim=-1)),
    ("softmax_dim0", lambda lib, x: lib.softmax(x, dim=0)),
    ("tanh", lambda lib, x: lib.tanh(x)),
])
def test_extreme_inputs_match_torch(name, fn):
    e_val, e_grad = _value_and_grad(ember, fn, EXTREME)
    t_val, t_grad = _value_and_grad(torch, fn, EXTREME)
    assert np.isfinite(e_val).all() and np.isfinite(e_grad).all(), name
    np.testing.assert_allclose(e_val, t_val, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e_grad, t_grad, rtol=1e-5, atol=1e-6)


def test_logsumexp_of_infinities_matches_torch():
    data = [[-np.inf, -np.inf], [np.inf, 1.0], [-np.inf, 2.0]]
    e = ember.logsumexp(ember.tensor(data), dim=1).numpy()
    t = torch.logsumexp(torch.tensor(data), dim=1).numpy()
    np.testing.assert_array_equal(e, t)


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.norm(),
    lambda lib, x: x.norm(dim=1).sum(),
    lambda lib, x: x.norm(p=1),
    lambda lib, x: x.norm(p=float("inf")),
    lambda lib, x: x.norm(p=3),
    lambda lib, x: x.std(dim=1).sum(),
    lambda lib, x: x.std(),
])
def test_zero_norm_and_std_have_finite_gradients(fn):
    grads = []
    for lib in (ember, torch):
        x = lib.zeros(2, 3, requires_grad=True)
        fn(lib, x).backward()
        grads.append(x.grad.numpy())
    assert np.isfinite(grads[0]).all()
    np.testing.assert_array_equal(grads[0], grads[1])


def test_prod_with_zeros_has_exact_gradient():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]], requires_grad=True)
        (x.prod(dim=1).sum() + x.prod()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_float32_stays_float32():
    x = ember.randn(3, 4, requires_grad=True)
    outs = [x.softmax(-1), x.log_softmax(-1), x.logsumexp(-1), x.var(), x.std(0), x.norm(),
            x.prod(), x.amax(0), x.cumsum(1), ember.pad(x, (1, 1), mode="reflect"),
            ember.einsum("ij,kj->ik", x, x), x * 2.5, x / 3, 2 ** x]
    for out in outs:
        assert out.dtype == ember.float32
    sum(o.sum() for o in outs).backward()
    assert x.grad.dtype == ember.float32
