"""RMSNorm, LocalResponseNorm, LPPool1d/2d/3d and the ``*_with_indices`` pooling names,
against PyTorch: values, input and parameter gradients, ``repr``, ``state_dict``."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
F = ember.nn.functional


def _check(fe, ft, a, params=()):
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ye, yt = fe(xe), ft(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-9)
    w = np.random.default_rng(5).standard_normal(tuple(yt.shape))
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-9)
    for pe, pt in params:
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-6, atol=1e-9)


rng = np.random.default_rng(1)


@pytest.mark.parametrize("shape,ns,eps,affine", [
    ((3, 4), 4, None, True), ((2, 3, 4), (3, 4), 1e-3, True), ((5, 6), [6], None, False),
    ((2, 2, 3), 3, 0.5, True),
])
def test_rms_norm_matches_pytorch(shape, ns, eps, affine):
    me = nn.RMSNorm(ns, eps=eps, elementwise_affine=affine).double()
    mt = torch.nn.RMSNorm(ns, eps=eps, elementwise_affine=affine).double()
    if affine:
        w = rng.uniform(0.5, 1.5, tuple(mt.weight.shape))
        me.weight.array[...] = w
        with torch.no_grad():
            mt.weight.copy_(torch.tensor(w))
    params = [(me.weight, mt.weight)] if affine else []
    _check(me, mt, rng.standard_normal(shape), params)
    assert repr(me) == repr(mt)
    assert list(me.state_dict()) == list(mt.state_dict())


def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon():
    x = np.full((2, 3), 1e-5, dtype=np.float32)
    ye = F.rms_norm(ember.tensor(x), (3,))
    yt = torch.nn.functional.rms_norm(torch.tensor(x), (3,))
    np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-5)
    assert abs(float(ye.numpy()[0, 0]) - 1e-5 / np.sqrt(1e-10 + np.finfo(np.float32).eps)) < 1e-6


@pytest.mark.parametrize("shape", [(2, 7, 3), (2, 5, 3, 4), (1, 6, 2, 2, 3)])
@pytest.mark.parametrize("size,alpha,beta,k", [(3, 1e-2, 0.75, 1.0), (2, 0.5, 0.6, 2.0),
                                               (5, 1.0, 1.2, 0.5), (1, 0.1, 0.75, 1.0)])
def test_local_response_norm_matches_pytorch(shape, size, alpha, beta, k):
    me, mt = nn.LocalResponseNorm(size, alpha, beta, k), torch.nn.LocalResponseNorm(size, alpha,
                                                                                  beta, k)
    _check(me, mt, rng.standard_normal(shape))
    assert repr(me) == repr(mt)


@pytest.mark.parametrize("nd,shape,p,kernel,stride,ceil", [
    (1, (2, 3, 8), 2, 3, None, False), (1, (3, 7), 1.5, 2, 1, True),
    (2, (2, 2, 6, 5), 2, 2, None, False), (2, (2, 5, 5), 3, (2, 3), (1, 2), True),
    (3, (1, 2, 4, 4, 5), 2, 2, None, False), (3, (2, 3, 4, 4), 1.0, (1, 2, 2), 2, False),
])
def test_lp_pool_matches_pytorch(nd, shape, p, kernel, stride, ceil):
    a = rng.uniform(0.1, 2.0, shape)  # positive: x^p is real for fractional p
    me = getattr(nn, f"LPPool{nd}d")(p, kernel, stride, ceil)
    mt = getattr(torch.nn, f"LPPool{nd}d")(p, kernel, stride, ceil)
    _check(me, mt, a)
    assert repr(me) == repr(mt)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_with_indices_aliases_match_pytorch(nd):
    a = rng.standard_normal((2, 3) + (6,) * nd)
    ve, ie = getattr(F, f"max_pool{nd}d_with_indices")(ember.tensor(a), 2)
    vt, it = getattr(torch.nn.functional, f"max_pool{nd}d_with_indices")(torch.tensor(a), 2)
    np.testing.assert_allclose(ve.numpy(), vt.numpy())
    np.testing.assert_array_equal(ie.numpy(), it.numpy())
    ve, ie = getattr(F, f"adaptive_max_pool{nd}d_with_indices")(ember.tensor(a), 4)
    vt, it = getattr(torch.nn.functional, f"adaptive_max_pool{nd}d_with_indices")(
        torch.tensor(a), 4)
    np.testing.assert_allclose(ve.numpy(), vt.numpy())
    np.testing.assert_array_equal(ie.numpy(), it.numpy())


def test_errors_name_the_op_argument_and_shape():
    with pytest.raises(ValueError, match=r"rms_norm: Given normalized_shape=\[4\], expected "
                                         r"input with shape \[\*, 4\], but got input of size "
                                         r"\[2, 3\]"):
        nn.RMSNorm(4)(ember.zeros(2, 3))
    with pytest.raises(ValueError, match=r"rms_norm: weight must have normalized_shape \(3,\)"):
        F.rms_norm(ember.zeros(2, 3), 3, weight=ember.ones(2))
    with pytest.raises(ValueError, match=r"local_response_norm: expected an input of 3 or more "
                                         r"dimensions \(N, C, \*\).*\(4, 5\)"):
        nn.LocalResponseNorm(2)(ember.zeros(4, 5))
    with pytest.raises(ValueError, match="local_response_norm: size must be at least 1"):
        F.local_response_norm(ember.zeros(1, 2, 3), 0)
    with pytest.raises(ValueError, match="lp_pool2d: norm_type must be positive, got 0"):
        F.lp_pool2d(ember.zeros(1, 1, 4, 4), 0, 2)
