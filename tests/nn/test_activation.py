"""Activations: values and input gradients against PyTorch, modules, erf accuracy, errors."""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, as in tests/ops/cases.py)
import math

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn
from tests.ops.cases import OpCase
from tests.ops.harness import run

TF = torch.nn.functional


def parity(fn, *arrays, rtol=1e-5, atol=1e-6):
    """Run ``fn(lib, *tensors)`` in Ember and PyTorch (float32): same values and gradients."""
    case = OpCase("parity", fn, None)
    e_vals, e_grads = run(ember, case, arrays, np.float32)
    t_vals, t_grads = run(torch, case, arrays, np.float32)
    for e, t in zip(e_vals, t_vals, strict=True):
        assert e.shape == t.shape and e.dtype == t.dtype
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol)
    for e, t in zip(e_grads, t_grads, strict=True):
        assert (e is None) == (t is None)
        if e is not None:
            np.testing.assert_allclose(e, t, rtol=rtol, atol=atol)


def sample(shape=(4, 6, 5), scale=3.0, gap=1e-3, seed=0):
    """Normal values, kept ``gap`` away from the kinks at 0, +-3, +-1 and 6."""
    x = np.random.default_rng(seed).standard_normal(shape) * scale
    for kink in (0.0, 1.0, -1.0, 3.0, -3.0, 6.0, 0.5, -0.5):
        near = np.abs(x - kink) < gap
        x = np.where(near, kink + gap * 2, x)
    return x


# name, function(lib, x), sample scale: every function and option of ember.nn.functional
FUNCTIONS = [
    ("sigmoid", lambda T, x: T.nn.functional.sigmoid(x), 3.0),
    ("tanh", lambda T, x: T.nn.functional.tanh(x), 3.0),
    ("relu", lambda T, x: T.nn.functional.relu(x), 3.0),
    ("relu6", lambda T, x: T.nn.functional.relu6(x), 5.0),
    ("leaky_relu", lambda T, x: T.nn.functional.leaky_relu(x), 3.0),
    ("leaky_relu_0.2", lambda T, x: T.nn.functional.leaky_relu(x, negative_slope=0.2), 3.0),
    ("elu", lambda T, x: T.nn.functional.elu(x), 3.0),
    ("elu_alpha", lambda T, x: T.nn.functional.elu(x, alpha=0.7), 3.0),
    ("selu", lambda T, x: T.nn.functional.selu(x), 3.0),
    ("celu", lambda T, x: T.nn.functional.celu(x, alpha=1.5), 3.0),
    ("gelu", lambda T, x: T.nn.functional.gelu(x), 3.0),
    ("gelu_tanh", lambda T, x: T.nn.functional.gelu(x, approximate="tanh"), 3.0),
    ("silu", lambda T, x: T.nn.functional.silu(x), 3.0),
    ("mish", lambda T, x: T.nn.functional.mish(x), 3.0),
    ("softplus", lambda T, x: T.nn.functional.softplus(x), 3.0),
    ("softplus_beta", lambda T, x: T.nn.functional.softplus(x, beta=2.0, threshold=4.0), 3.0),
    ("softmax", lambda T, x: T.nn.functional.softmax(x, dim=1), 3.0),
    ("softmax_last", lambda T, x: T.nn.functional.softmax(x, dim=-1), 3.0),
    ("log_softmax", lambda T, x: T.nn.functional.log_softmax(x, dim=1), 3.0),
    ("softmin", lambda T, x: T.nn.functional.softmin(x, dim=0), 3.0),
    ("hardtanh", lambda T, x: T.nn.functional.hardtanh(x), 2.0),
    ("hardtanh_range", lambda T, x: T.nn.functional.hardtanh(x, min_val=-0.5, max_val=3.0),
     2.0),
    ("hardsigmoid", lambda T, x: T.nn.functional.hardsigmoid(x), 4.0),
    ("hardswish", lambda T, x: T.nn.functional.hardswish(x), 4.0),
    ("softsign", lambda T, x: T.nn.functional.softsign(x), 3.0),
    ("tanhshrink", lambda T, x: T.nn.functional.tanhshrink(x), 3.0),
    ("logsigmoid", lambda T, x: T.nn.functional.logsigmoid(x), 3.0),
]


@pytest.mark.parametrize("name,fn,scale", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_function_matches_torch(name, fn, scale):
    parity(fn, sample(scale=scale))


@pytest.mark.parametrize("name,fn,scale", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_function_on_extreme_inputs(name, fn, scale):
    # saturated regions and overflow-prone magnitudes: finite, and equal to PyTorch
    x = np.array([[-1000.0, -80.0, -30.0, -12.0, 12.0, 30.0, 80.0, 1000.0]])
    e = fn(ember, ember.tensor(x.astype(np.float32))).numpy()
    t = fn(torch, torch.tensor(x.astype(np.float32))).numpy()
    np.testing.assert_array_equal(np.isfinite(e), np.isfinite(t))
    np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_prelu_function_shared_and_per_channel():
    x = sample((3, 4, 5))
    parity(lambda T, a, w: T.nn.functional.prelu(a, w), x, np.array([0.3]))
    parity(lambda T, a, w: T.nn.functional.prelu(a, w), x, np.array([0.1, -0.2, 0.5, 0.25]))
    parity(lambda T, a, w: T.nn.functional.prelu(a, w), sample((4,)), np.array([0.2]))


def test_swish_fixed_and_learnable_beta_match_the_formula():
    x = sample((5, 7))
    formula = lambda T, a, b: a * T.sigmoid(a * b)  # noqa: E731
    ours = lambda T, a, b: (F.swish(a, b) if T is ember else formula(T, a, b))  # noqa: E731
    parity(ours, x, np.array([1.7]))  # beta a tensor: its gradient is checked too
    fixed = F.swish(ember.tensor(x.astype(np.float32)), 0.5).numpy()
    ref = formula(torch, torch.tensor(x.astype(np.float32)), 0.5).numpy()
    np.testing.assert_allclose(fixed, ref, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(F.swish(ember.tensor(x.astype(np.float32))).numpy(),
                               TF.silu(torch.tensor(x.astype(np.float32))).numpy(), rtol=1e-6)


def test_step_is_heaviside_with_zero_gradient():
    x = ember.tensor([-2.0, -0.0, 0.0, 1e-30, 3.0], requires_grad=True)
    y = F.step(x)
    np.testing.assert_array_equal(y.detach().numpy(), [0, 0, 0, 1, 1])
    assert y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(5))
    np.testing.assert_array_equal(nn.Step()(x).detach().numpy(), y.detach().numpy())


def test_float64_stays_float64_and_float32_stays_float32():
    for fn in (F.gelu, F.silu, F.mish, F.softplus, F.elu, F.selu, F.hardswish, F.step):
        for dtype in (np.float32, np.float64):
            x = ember.tensor(np.linspace(-4, 4, 9).astype(dtype), requires_grad=True)
            y = fn(x)
            y.sum().backward()
            assert y.dtype == dtype and x.grad.dtype == dtype, fn.__name__


def test_gelu_float64_gradient_is_exact():
    x = ember.tensor(np.linspace(-5, 5, 41), dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: F.gelu(a), (x,))
    assert ember.autograd.gradcheck(lambda a: F.gelu(a, approximate="tanh"), (x,))


# ----------------------------------------------------------------------------- erf
def test_erf_matches_math_erf_to_double_precision():
    from ember.ops.activation import erf_array

    x = np.concatenate([
        np.linspace(-7, 7, 20001), [0.0, -0.0, 1e-300, -1e-30, 1e-9, 0.84375, -0.84375,
                                    1.25, -1.25, 1 / 0.35, 6.0, -6.0, 27.0],
        np.random.default_rng(0).standard_normal(5000) * 2,
    ])
    ref = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf_array(x), ref, rtol=2e-16 * 8, atol=1e-300)
    assert np.isnan(erf_array(np.array([np.nan])))[0]
    np.testing.assert_array_equal(erf_array(np.array([np.inf, -np.inf])), [1.0, -1.0])


def test_erf_float32_is_accurate_to_float32():
    from ember.ops.activation import erf_array

    x = np.linspace(-6, 6, 100001)
    got = erf_array(x.astype(np.float32))
    assert got.dtype == np.float32
    ref = np.array([math.erf(v) for v in x.astype(np.float32).astype(np.float64)])
    # a few units in the last place of float32
    assert np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-30)) < 4e-7


def test_erf_float32_fast_path_is_within_2e7_of_math_erf():
    # the single rational used for float32 (clamped, evaluated in float64): absolute error
    # on a dense grid, exactly +-1 past the clamp, NaN kept, 0-d and strided inputs
    from ember.ops.activation import erf_array

    x = np.linspace(-6, 6, 1_200_001).astype(np.float32)
    got = erf_array(x)
    assert got.dtype == np.float32
    ref = np.array([math.erf(v) for v in x.astype(np.float64)])
    assert np.max(np.abs(got - ref)) < 2e-7
    edges = np.array([np.nan, np.inf, -np.inf, 3.85, -4.0, 0.0], np.float32)
    np.testing.assert_array_equal(erf_array(edges), [np.nan, 1, -1, 1, -1, 0])
    assert float(erf_array(np.array(0.5, np.float32))) == pytest.approx(math.erf(0.5), abs=2e-7)
    grid = x[:4000].reshape(40, 100)
    np.testing.assert_array_equal(erf_array(grid.T), erf_array(grid).T)


def test_gelu_float32_cdf_is_within_2e7_of_the_normal_cdf():
    # float32 GELU's Phi (tanh of a degree-6 polynomial): absolute error on a dense grid,
    # values and gradients close to the exact ones, exact 0 and 1 in the tails
    from ember.ops.activation import Gelu

    x = np.linspace(-12, 12, 2_400_001).astype(np.float32)
    op = Gelu()
    y = op.forward(x)
    x64 = x.astype(np.float64)
    cdf = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in x64[::50]])
    assert np.max(np.abs(op.cdf[::50] - cdf)) < 2e-7
    assert op.cdf[0] == 0 and op.cdf[-1] == 1
    np.testing.assert_allclose(y[::50], x64[::50] * cdf, rtol=2e-6, atol=2e-7)
    g = op.backward(np.ones_like(x))[0][::50]
    pdf = np.exp(-x64[::50] ** 2 / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(g, cdf + x64[::50] * pdf, rtol=2e-6, atol=2e-7)
    edges = np.array([-np.inf, -3e38, -1e7, 1e7, 3e38, np.inf, np.nan], np.float32)
    with np.errstate(invalid="ignore"):  # -inf * 0
        np.testing.assert_array_equal(Gelu().forward(edges),
                                      np.array([np.nan, 0, 0, 1e7, 3e38, np.inf, np.nan],
                                               np.float32))


def test_gelu_exact_matches_torch_over_a_wide_range():
    x = np.linspace(-10, 10, 4001).astype(np.float32)
    e = F.gelu(ember.tensor(x)).numpy()
    t = TF.gelu(torch.tensor(x)).numpy()
    np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- modules
MODULES = [
    ("ReLU", {}), ("ReLU6", {}), ("LeakyReLU", {"negative_slope": 0.1}), ("ELU", {"alpha": 0.5}),
    ("SELU", {}), ("CELU", {"alpha": 2.0}), ("GELU", {}), ("GELU", {"approximate": "tanh"}),
    ("SiLU", {}), ("Mish", {}), ("Softplus", {"beta": 2.0, "threshold": 5.0}),
    ("Softmax", {"dim": 1}), ("LogSoftmax", {"dim": -1}), ("Softmin", {"dim": 1}),
    ("Hardtanh", {"min_val": -2.0, "max_val": 1.5}), ("Sigmoid", {}), ("Tanh", {}),
    ("Hardsigmoid", {}), ("Hardswish", {}), ("Softsign", {}), ("Tanhshrink", {}),
    ("LogSigmoid", {}), ("ReLU", {"inplace": True}), ("LeakyReLU", {"inplace": True}),
]


@pytest.mark.parametrize("name,kw", MODULES, ids=[f"{n}{kw}" for n, kw in MODULES])
def test_module_matches_torch_and_prints_like_it(name, kw):
    # (x * 1: PyTorch refuses in-place ops on a leaf that requires grad)
    parity(lambda T, x: getattr(T.nn, name)(**kw)(x * 1.0), sample((3, 4, 5)))
    assert repr(getattr(nn, name)(**kw)) == repr(getattr(torch.nn, name)(**kw))


def test_inplace_is_accepted_and_leaves_the_input_unchanged():
    x = ember.tensor([-1.0, 2.0, -3.0])
    before = x.numpy().copy()
    for fn in (lambda a: F.relu6(a, inplace=True), lambda a: F.leaky_relu(a, inplace=True),
               lambda a: F.elu(a, inplace=True), lambda a: F.hardtanh(a, inplace=True),
               lambda a: nn.ReLU(inplace=True)(a), lambda a: nn.SiLU(inplace=True)(a)):
        fn(x)
        np.testing.assert_array_equal(x.numpy(), before)


def test_prelu_module_matches_torch_including_weight_gradient():
    for n in (1, 4):
        tm, em = torch.nn.PReLU(n, init=0.2), nn.PReLU(n, init=0.2)
        x = sample((3, 4, 6)).astype(np.float32)
        xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        w = np.random.default_rng(1).standard_normal(x.shape).astype(np.float32)
        (em(xe) * ember.tensor(w)).sum().backward()
        (tm(xt) * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-5,
                                   atol=1e-5)
        assert [k for k, _ in em.named_parameters()] == ["weight"]
        assert repr(em) == repr(tm)


def test_swish_module_learnable_beta_is_a_parameter_that_trains():
    m = nn.Swish(beta=1.5, learnable=True)
    assert [p.shape for p in m.parameters()] == [(1,)]
    x = ember.tensor(sample((8,)).astype(np.float32))
    m(x).sum().backward()
    xt = torch.tensor(x.numpy())
    bt = torch.tensor([1.5], requires_grad=True)
    (xt * torch.sigmoid(bt * xt)).sum().backward()
    np.testing.assert_allclose(m.beta.grad.numpy(), bt.grad.numpy(), rtol=1e-5)
    fixed = nn.Swish(beta=2.0)
    assert list(fixed.parameters()) == []
    assert repr(fixed) == "Swish(beta=2.0, learnable=False)"


# ----------------------------------------------------------------------------- errors
def test_errors_name_the_function_and_the_argument():
    x = ember.randn(2, 3)
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh'"):
        F.gelu(x, approximate="fast")
    with pytest.raises(ValueError, match="GELU: approximate"):
        nn.GELU("erf")
    with pytest.raises(ValueError, match=r"hardtanh: min_val \(2\) cannot be greater"):
        F.hardtanh(x, 2, 1)
    with pytest.raises(ValueError, match="Hardtanh: min_val"):
        nn.Hardtanh(1.0, 0.0)
    with pytest.raises(ValueError, match="prelu: weight has 4 slopes but the input's channel "
                                         r"dimension 1 has size 3 \(input shape \(2, 3\)\)"):
        nn.PReLU(4)(x)
    with pytest.raises(ValueError, match="use one slope for inputs of fewer than 2 dim"):
        nn.PReLU(3)(ember.randn(3))
    with pytest.raises(ValueError, match="PReLU: num_parameters must be at least 1"):
        nn.PReLU(0)
    with pytest.raises(ValueError, match="celu: alpha must not be 0"):
        F.celu(x, alpha=0.0)
