"""GLU, Hardshrink, Softshrink, Threshold, RReLU, Softmax2d and the in-place functional
activations, against PyTorch."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
F = ember.nn.functional


def _pair(shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape) * 2
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _check(fe, ft, shape, seed=0):
    xe, xt = _pair(shape, seed)
    ye, yt = fe(xe), ft(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-8)
    w = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape))
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name,args,shape", [
    ("GLU", (), (3, 4)), ("GLU", (0,), (4, 3)), ("GLU", (1,), (2, 6, 3)),
    ("Hardshrink", (), (4, 5)), ("Hardshrink", (1.2,), (4, 5)),
    ("Softshrink", (), (4, 5)), ("Softshrink", (0.1,), (2, 3, 4)),
    ("Threshold", (0.1, 20.0), (4, 5)), ("Threshold", (-0.5, 0.0), (3, 3)),
    ("RReLU", (), (4, 5)), ("RReLU", (0.2, 0.5), (4, 5)),
    ("Softmax2d", (), (2, 3, 4, 4)), ("Softmax2d", (), (3, 2, 2)),
])
def test_modules_match_pytorch(name, args, shape):
    me, mt = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    me.eval(), mt.eval()  # RReLU: the deterministic mean slope
    _check(me, mt, shape)
    assert repr(me) == repr(mt)


@pytest.mark.parametrize("name,kwargs", [
    ("glu", {"dim": -1}), ("hardshrink", {"lambd": 0.3}), ("softshrink", {"lambd": 0.8}),
    ("threshold", {"threshold": 0.3, "value": 1.5}),
    ("rrelu", {"lower": 0.05, "upper": 0.25, "training": False}),
])
def test_functionals_match_pytorch(name, kwargs):
    _check(lambda x: getattr(F, name)(x, **kwargs),
           lambda x: getattr(torch.nn.functional, name)(x, **kwargs), (3, 6))


IN_PLACE = [("relu_", {}), ("elu_", {"alpha": 0.7}), ("leaky_relu_", {"negative_slope": 0.2}),
            ("hardtanh_", {"min_val": -0.5, "max_val": 0.8}), ("selu_", {}),
            ("celu_", {"alpha": 1.3}), ("threshold_", {"threshold": 0.2, "value": -1.0}),
            ("rrelu_", {"lower": 0.1, "upper": 0.3, "training": False})]


@pytest.mark.parametrize("name,kwargs", IN_PLACE)
def test_in_place_functionals_write_into_the_tensor(name, kwargs):
    a = np.random.default_rng(3).standard_normal((3, 4))
    xe, xt = ember.tensor(a.copy()), torch.tensor(a.copy())
    ye = getattr(F, name)(xe, **kwargs)
    getattr(torch.nn.functional, name)(xt, **kwargs)
    assert ye is xe
    np.testing.assert_allclose(xe.numpy(), xt.numpy(), rtol=1e-6)
    with ember.no_grad():  # under no_grad the array itself is written (views see it)
        ve = ember.tensor(a.copy())
        view = ve.detach()
        getattr(F, name)(ve, **kwargs)
    np.testing.assert_allclose(view.numpy(), xt.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name,kwargs", IN_PLACE)
def test_in_place_functionals_backpropagate_like_pytorch(name, kwargs):
    a = np.random.default_rng(4).standard_normal((3, 4))
    le, lt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    he, ht = le * 1.5, lt * 1.5
    getattr(F, name)(he, **kwargs)
    getattr(torch.nn.functional, name)(ht, **kwargs)
    (he * he).sum().backward()
    (ht * ht).sum().backward()
    np.testing.assert_allclose(le.grad.numpy(), lt.grad.numpy(), rtol=1e-6, atol=1e-9)


def test_in_place_on_a_leaf_that_requires_grad_is_refused_like_pytorch():
    with pytest.raises(RuntimeError, match="leaf Variable"):
        F.relu_(ember.ones(3, requires_grad=True))
    with pytest.raises(RuntimeError, match="leaf Variable"):
        torch.nn.functional.relu_(torch.ones(3, requires_grad=True))


def test_rrelu_training_draws_slopes_in_range_from_embers_generator():
    x = ember.tensor(-np.ones((200, 50)), requires_grad=True)
    m = nn.RReLU(0.1, 0.3)
    ember.manual_seed(7)
    y = m(x)
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3
    assert abs(slopes.mean() - 0.2) < 0.005 and slopes.std() > 0.05  # U(0.1, 0.3): std 0.058
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)  # gradient: the drawn slope
    ember.manual_seed(7)
    np.testing.assert_array_equal(m(x).detach().numpy(), y.detach().numpy())
    pos = ember.tensor(np.abs(np.random.default_rng(0).standard_normal(20)) + 0.1)
    np.testing.assert_array_equal(m(pos).numpy(), pos.numpy())  # positives pass through
    m.eval()
    np.testing.assert_allclose(m(ember.tensor([-2.0])).numpy(), [-0.4])


def test_inplace_flag_is_shown_in_repr_like_pytorch():
    for name, args in [("Threshold", (0.1, 2)), ("RReLU", (0.1, 0.2))]:
        assert repr(getattr(nn, name)(*args, True)) == repr(getattr(torch.nn, name)(*args, True))


def test_activation_errors_name_the_op_argument_and_shape():
    with pytest.raises(ValueError, match=r"glu: the halved dimension -1 must have an even "
                                         r"size, got 3.*\(2, 3\)"):
        F.glu(ember.zeros(2, 3))
    with pytest.raises(ValueError, match="glu: dim 2 is out of range for a 2-D input"):
        F.glu(ember.zeros(2, 4), dim=2)
    with pytest.raises(ValueError, match="softshrink: lambd must be non-negative, got -1"):
        F.softshrink(ember.zeros(2), -1)
    with pytest.raises(ValueError, match=r"rrelu: lower \(0.5\) cannot be greater than upper"):
        F.rrelu(ember.zeros(2), 0.5, 0.1, training=True)
    with pytest.raises(ValueError, match=r"RReLU: lower \(0.5\) cannot be greater than upper"):
        nn.RReLU(0.5, 0.1)
    with pytest.raises(ValueError, match=r"Softmax2d: expected a 3-D \(C, H, W\) or 4-D "
                                         r"\(N, C, H, W\) input.*\(2, 3\)"):
        nn.Softmax2d()(ember.zeros(2, 3))
