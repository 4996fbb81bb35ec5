"""Linear, Bilinear, Identity and F.linear: parity with PyTorch, init, errors."""
import math

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn


def to_t(a, grad=True):
    return torch.tensor(a).requires_grad_(grad)


def to_e(a, grad=True):
    return ember.tensor(a).requires_grad_(grad)


def copy_params(e_mod, t_mod):
    for (ne, pe), (nt, pt) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        assert ne == nt
        pe.array[...] = pt.detach().numpy()


def check_grads(e_mod, t_mod, rtol=1e-5, atol=1e-6):
    for (name, pe), (_, pt) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("lead", [(), (5,), (2, 3)])
def test_linear_parity(bias, lead):
    rng = np.random.default_rng(0)
    tm, em = torch.nn.Linear(6, 4, bias=bias), nn.Linear(6, 4, bias=bias)
    copy_params(em, tm)
    x = rng.standard_normal(lead + (6,)).astype(np.float32)
    w = rng.standard_normal(lead + (4,)).astype(np.float32)
    xt, xe = to_t(x), to_e(x)
    yt, ye = tm(xt), em(xe)
    assert ye.dtype == ember.float32 and tuple(ye.shape) == tuple(yt.shape)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    (yt * torch.tensor(w)).sum().backward()
    (ye * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
    check_grads(em, tm)


def test_linear_init_matches_pytorch_bounds():
    m = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (m.weight.array, m.bias.array):
        assert p.dtype == np.float32
        assert np.abs(p).max() <= bound and np.abs(p).max() > 0.98 * bound
    # U(-b, b) has std b / sqrt(3)
    assert m.weight.array.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert m.weight.shape == (300, 400) and m.bias.shape == (300,)


def test_linear_seeded_and_reset_parameters():
    ember.manual_seed(7)
    a = nn.Linear(3, 2)
    ember.manual_seed(7)
    b = nn.Linear(3, 2)
    np.testing.assert_array_equal(a.weight.array, b.weight.array)
    np.testing.assert_array_equal(a.bias.array, b.bias.array)
    w = a.weight.array.copy()
    a.reset_parameters()
    assert not np.array_equal(w, a.weight.array)


def test_linear_repr_and_no_bias():
    assert repr(nn.Linear(3, 2)) == repr(torch.nn.Linear(3, 2))
    m = nn.Linear(3, 2, bias=False)
    assert m.bias is None and [n for n, _ in m.named_parameters()] == ["weight"]
    assert repr(m) == repr(torch.nn.Linear(3, 2, bias=False))


def test_linear_wrong_feature_size_names_layer_and_shapes():
    m = nn.Linear(4, 3)
    with pytest.raises(ValueError, match=r"Linear: expected input with last dimension "
                       r"in_features=4, got input of shape \(2, 5\)"):
        m(ember.randn(2, 5))
    with pytest.raises(RuntimeError, match="in_features=4"):
        m(ember.randn(2, 5))


def test_functional_linear_shape_error():
    with pytest.raises(ValueError, match=r"linear: .*\(2, 5\), \(3, 4\)"):
        F.linear(ember.randn(2, 5), ember.randn(3, 4))


def test_functional_linear_1d_input():
    rng = np.random.default_rng(1)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in [(4,), (3, 4), (3,)])
    ts = [to_t(a) for a in (x, w, b)]
    es = [to_e(a) for a in (x, w, b)]
    torch.nn.functional.linear(*ts).sum().backward()
    F.linear(*es).sum().backward()
    for e, t in zip(es, ts):
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_functional_linear_skips_unneeded_gradients():
    x = ember.randn(5, 4)
    w = ember.randn(3, 4, requires_grad=True)
    F.linear(x, w).sum().backward()
    assert x.grad is None and w.grad.shape == (3, 4)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("lead", [(5,), (2, 3)])
def test_bilinear_parity(bias, lead):
    rng = np.random.default_rng(2)
    tm, em = torch.nn.Bilinear(3, 4, 2, bias=bias), nn.Bilinear(3, 4, 2, bias=bias)
    copy_params(em, tm)
    x1 = rng.standard_normal(lead + (3,)).astype(np.float32)
    x2 = rng.standard_normal(lead + (4,)).astype(np.float32)
    t1, t2, e1, e2 = to_t(x1), to_t(x2), to_e(x1), to_e(x2)
    yt, ye = tm(t1, t2), em(e1, e2)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    yt.sum().backward()
    ye.sum().backward()
    np.testing.assert_allclose(e1.grad.numpy(), t1.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e2.grad.numpy(), t2.grad.numpy(), rtol=1e-5, atol=1e-6)
    check_grads(em, tm)
    assert repr(em) == repr(tm)


def test_bilinear_init_and_error():
    m = nn.Bilinear(25, 4, 100)
    assert np.abs(m.weight.array).max() <= 1 / 5
    with pytest.raises(ValueError, match="bilinear: inputs must be"):
        m(ember.randn(2, 25), ember.randn(2, 5))


def test_identity():
    m = nn.Identity(54, unused="x")
    x = ember.randn(2, 3)
    assert m(x) is x
    assert repr(m) == repr(torch.nn.Identity())
