"""ember.nn.init: distributions, fans, gains and orthogonality, against PyTorch's formulas."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.nn import init


def big(*shape):
    return ember.empty(*shape)


@pytest.mark.parametrize("name, param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
    ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None),
])
def test_calculate_gain_equals_pytorch(name, param):
    assert init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param), rel=1e-12)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity swish"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(3, 5), (8, 4, 3), (16, 3, 5, 5), (4, 2, 3, 3, 3)])
def test_fans_equal_pytorch_including_receptive_field(shape):
    ours = init._calculate_fan_in_and_fan_out(ember.empty(*shape))
    theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    assert ours == theirs


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ember.empty(5))


def test_constant_fills_in_place_and_returns_the_tensor():
    t = ember.empty(3, 4)
    array = t.array
    assert init.zeros_(t) is t and (array == 0).all()
    assert init.ones_(t) is t and (array == 1).all()
    assert init.constant_(t, 0.25) is t and (array == 0.25).all()
    assert t.dtype == ember.float32


def test_init_leaves_parameter_a_leaf_that_requires_grad():
    p = ember.nn.Parameter(ember.empty(4, 4))
    init.normal_(p)
    assert p.requires_grad and p.is_leaf and p.grad_fn is None


def test_uniform_bounds_and_moments():
    t = init.uniform_(big(200, 500), -2.0, 3.0)
    a = t.array
    assert a.dtype == np.float32
    assert a.min() >= -2.0 and a.max() <= 3.0
    assert a.mean() == pytest.approx(0.5, abs=0.02)
    assert a.std() == pytest.approx(5 / math.sqrt(12), rel=0.02)


def test_normal_moments():
    a = init.normal_(big(200, 500), 1.5, 0.3).array
    assert a.mean() == pytest.approx(1.5, abs=0.005)
    assert a.std() == pytest.approx(0.3, rel=0.02)


def test_trunc_normal_within_bounds():
    a = init.trunc_normal_(big(300, 300), mean=0.0, std=1.0, a=-1.0, b=1.5).array
    assert a.min() >= -1.0 and a.max() <= 1.5
    # the truncated normal's mean: (phi(a) - phi(b)) / (Phi(b) - Phi(a))
    phi = [math.exp(-v * v / 2) / math.sqrt(2 * math.pi) for v in (-1.0, 1.5)]
    cdf = [(1 + math.erf(v / math.sqrt(2))) / 2 for v in (-1.0, 1.5)]
    assert a.mean() == pytest.approx((phi[0] - phi[1]) / (cdf[1] - cdf[0]), abs=0.01)


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier(gain):
    fan_in, fan_out = 300, 200
    std = gain * math.sqrt(2 / (fan_in + fan_out))
    a = init.xavier_uniform_(big(fan_out, fan_in), gain=gain).array
    bound = math.sqrt(3) * std
    assert np.abs(a).max() <= bound and np.abs(a).max() > 0.99 * bound
    assert a.std() == pytest.approx(std, rel=0.03)
    a = init.xavier_normal_(big(fan_out, fan_in), gain=gain).array
    assert a.std() == pytest.approx(std, rel=0.03)


@pytest.mark.parametrize("mode, nonlinearity, a", [
    ("fan_in", "leaky_relu", 0.0), ("fan_out", "relu", 0.0), ("fan_in", "leaky_relu", 0.2),
    ("fan_in", "leaky_relu", math.sqrt(5)), ("fan_out", "tanh", 0.0),
])
def test_kaiming_on_conv_weights(mode, nonlinearity, a):
    shape = (64, 32, 3, 3)  # fan_in 288, fan_out 576
    fan = 32 * 9 if mode == "fan_in" else 64 * 9
    std = torch.nn.init.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    u = init.kaiming_uniform_(big(*shape), a=a, mode=mode, nonlinearity=nonlinearity).array
    assert np.abs(u).max() <= math.sqrt(3) * std
    assert u.std() == pytest.approx(std, rel=0.03)
    n = init.kaiming_normal_(big(*shape), a=a, mode=mode, nonlinearity=nonlinearity).array
    assert n.std() == pytest.approx(std, rel=0.03)
    assert abs(n.mean()) < 0.05 * std


def test_kaiming_bad_mode():
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(big(3, 3), mode="fan_avg")


@pytest.mark.parametrize("shape", [(6, 6), (4, 10), (10, 4), (8, 2, 3)])
@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_orthogonal(shape, gain):
    a = init.orthogonal_(big(*shape), gain=gain).array.reshape(shape[0], -1).astype(np.float64)
    rows, cols = a.shape
    if rows <= cols:
        np.testing.assert_allclose(a @ a.T, gain**2 * np.eye(rows), atol=1e-5)
    else:
        np.testing.assert_allclose(a.T @ a, gain**2 * np.eye(cols), atol=1e-5)


def test_orthogonal_needs_two_dims():
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions"):
        init.orthogonal_(big(5))


def test_eye_and_dirac():
    np.testing.assert_array_equal(init.eye_(big(3, 4)).array, np.eye(3, 4))
    w = init.dirac_(big(2, 2, 3, 3)).array
    x = np.random.default_rng(0).standard_normal((2, 5, 5)).astype(np.float32)
    ref = torch.nn.init.dirac_(torch.empty(2, 2, 3, 3)).numpy()
    np.testing.assert_array_equal(w, ref)
    # a dirac kernel passes its input through a same-padded convolution
    out = torch.nn.functional.conv2d(torch.tensor(x[None]), torch.tensor(w), padding=1)
    np.testing.assert_allclose(out[0].numpy(), x, rtol=1e-6)


def test_seeded_init_repeats():
    ember.manual_seed(3)
    a = init.kaiming_uniform_(big(5, 7)).array.copy()
    ember.manual_seed(3)
    b = init.kaiming_uniform_(big(5, 7)).array
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, init.kaiming_uniform_(big(5, 7)).array)
