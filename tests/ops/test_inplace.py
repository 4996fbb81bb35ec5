"""In-place ops: values, the leaf rule, graph rebasing and version checks, against PyTorch."""
import numpy as np
import pytest
import torch

import ember


def test_inplace_arithmetic_matches_torch():
    a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal(3).astype(np.float32)
    results = []
    for lib in (ember, torch):
        x = lib.tensor(a)
        x.add_(lib.tensor(b), alpha=2.0).sub_(0.5).mul_(lib.tensor(b)).div_(3.0)
        x += 1.0
        x -= lib.tensor(b)
        x *= 2.0
        x /= 4.0
        x.clamp_(-0.3, 0.4)
        results.append(x.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-7)


def test_fill_zero_copy_masked_fill_setitem_match_torch():
    a = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    results = []
    for lib in (ember, torch):
        x = lib.tensor(a)
        x[0] = 7.0
        x[1, 1:3] = lib.tensor([1.5, 2.5])
        x[x < 0] = -1.0
        x.masked_fill_(x > 6, 0.25)
        y = lib.zeros(3, 4)
        y.copy_(x[2])
        z = lib.empty(2).fill_(3.0)
        w = lib.ones(2).zero_()
        results.append([x.numpy(), y.numpy(), z.numpy(), w.numpy()])
    for e, t in zip(*results):
        np.testing.assert_array_equal(e, t)


def test_inplace_keeps_memory_shared_with_detach():
    x = ember.zeros(3)
    alias = x.detach()
    x.add_(2.0)
    assert alias.tolist() == [2.0, 2.0, 2.0]


def test_uniform_and_normal_fill_with_samples():
    x = ember.empty(1000).uniform_(-2.0, 3.0)
    assert x.dtype == ember.float32
    assert -2.0 <= x.min().item() and x.max().item() < 3.0
    y = ember.empty(4000).normal_(1.0, 0.5)
    assert abs(y.mean().item() - 1.0) < 0.05 and abs(y.std().item() - 0.5) < 0.05


def test_leaf_requiring_grad_is_refused():
    w = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation."):
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w += 1.0
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 2.0


def test_leaf_can_be_updated_under_no_grad():
    w = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        w.sub_(0.5)
        w *= 2.0
        w[0] = 5.0
    assert w.tolist() == [5.0, 1.0, 1.0]
    assert w.requires_grad and w.is_leaf


def _rebased_grad(lib):
    a = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    b = lib.tensor([0.5, 0.25, -1.0], requires_grad=True)
    h = a * 2
    h.mul_(b)
    h[1] = 0.0
    h += a
    h.clamp_(min=-3.0)
    c = lib.zeros(3)
    c.copy_(h)  # c now depends on h
    c.masked_fill_(c > 4, 4.0)
    (c * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
    return c.detach().numpy(), a.grad.numpy(), b.grad.numpy()


def test_rebase_gives_torch_gradients():
    for e, t in zip(_rebased_grad(ember), _rebased_grad(torch)):
        np.testing.assert_allclose(e, t, rtol=1e-6)


def test_setitem_with_value_requiring_grad():
    v = ember.tensor([2.0, 3.0], requires_grad=True)
    x = ember.zeros(4)
    x[1:3] = v
    (x * ember.tensor([1.0, 10.0, 100.0, 1000.0])).sum().backward()
    assert x.requires_grad and not x.is_leaf
    assert v.grad.tolist() == [10.0, 100.0]


def test_modified_saved_tensor_raises_at_backward():
    w = ember.randn(3, requires_grad=True)
    x = ember.ones(3)
    y = w * x
    x.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_version_counts_inplace_ops():
    x = ember.zeros(2)
    assert x._version == 0
    x.add_(1)
    x[0] = 3
    x.zero_()
    assert x._version == 3


def test_inplace_errors_teach():
    i = ember.tensor([1, 2])
    with pytest.raises(RuntimeError, match="add_: result type can't be cast.*int64"):
        i.add_(0.5)
    x = ember.zeros(2, 3)
    with pytest.raises(ValueError, match=r"add_: .*cannot be broadcast.*\(2, 3\)"):
        x.add_(ember.ones(4))
    e = ember.ones(1).expand(3)
    with pytest.raises(RuntimeError, match="expanded tensor.*clone"):
        e.zero_()
    with pytest.raises(ValueError, match="clamp_: at least one"):
        x.clamp_()
    with pytest.raises(TypeError, match="masked_fill_: mask must be a bool"):
        x.masked_fill_(ember.zeros(2, 3), 1.0)


def test_element_update_and_scalar_results_are_writable():
    """``conf[i, j] += 1`` (a confusion matrix) and ``total = x.sum(); total += ...``."""
    results = []
    for lib in (ember, torch):
        conf = lib.zeros(3, 3, dtype=lib.long)
        for t, p in zip(lib.tensor([0, 2, 2, 1]), lib.tensor([0, 2, 1, 1])):
            conf[t, p] += 1
        x = lib.zeros(3)
        x[0] += 1.5
        x[1].add_(2.0)  # x[1] is a view: the write reaches x
        total = x.sum()
        total += 1.0
        total.mul_(2)
        results.append([conf.numpy(), x.numpy(), total.numpy()])
    for e, t in zip(*results):
        np.testing.assert_array_equal(e, t)


def test_scatter_inplace_matches_torch():
    index = np.array([[2, 0], [1, 3], [0, 2]])
    results = []
    for lib in (ember, torch):
        idx = lib.tensor(index)
        src = lib.arange(1.0, 7.0).reshape(3, 2)
        smooth = lib.full((3, 4), 0.1).scatter_(1, idx[:, :1], 0.7)
        x = lib.zeros(3, 4).scatter_(1, idx, src)
        y = lib.ones(3, 4).scatter_add_(0, lib.tensor([[0, 1, 0, 0]]), lib.ones(1, 4))
        w = lib.ones(3, 4, requires_grad=True)
        s = lib.tensor([[5.0, 6.0]] * 3, requires_grad=True)
        z = w * 2
        z.scatter_(1, idx, s)
        (z * lib.arange(12.0).reshape(3, 4)).sum().backward()
        results.append([smooth.numpy(), x.numpy(), y.numpy(), z.detach().numpy(),
                        w.grad.numpy(), s.grad.numpy()])
    for e, t in zip(*results):
        np.testing.assert_allclose(e, t, rtol=1e-6)
    with pytest.raises(TypeError, match="scatter_: give exactly one of src"):
        ember.zeros(2).scatter_(0, ember.tensor([0]))
    with pytest.raises(ValueError, match="scatter_.*as many dimensions"):
        ember.zeros(2, 2).scatter_(0, ember.tensor([0]), 1.0)


def test_unary_inplace_methods_match_torch():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([-1.5, 0.5, 2.0])
        w = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        y = w * 2
        y.relu_()
        (y * y).sum().backward()
        with lib.no_grad():
            v = x.clone()
            v.abs_().sqrt_().clamp_max_(1.1).exp_()
        results.append([x.clone().relu_().numpy(), x.clone().sigmoid_().numpy(),
                        x.clone().clamp_min_(0.1).numpy(), x.clamp_max(1.0).numpy(),
                        v.numpy(), w.grad.numpy(), lib.Tensor([1, 2]).numpy(),
                        lib.nn.functional.relu(x, inplace=False).numpy()])
    for e, t in zip(*results):
        assert e.dtype == t.dtype
        np.testing.assert_allclose(e, t, rtol=1e-6)


def test_new_inplace_forms_match_torch():
    rng = np.random.default_rng(2)
    a, b, c = (rng.standard_normal((2, 3)).astype(np.float32) for _ in range(3))
    results = []
    for lib in (ember, torch):
        x = lib.tensor(a)
        x.addcmul_(lib.tensor(b), lib.tensor(c), value=0.5)
        x.addcdiv_(lib.tensor(b), 2.0 + lib.tensor(c).abs())
        x.lerp_(lib.tensor(c), 0.25).clamp_(lib.tensor(b), lib.tensor(b) + 1.0)
        x.index_add_(0, lib.tensor([1, 1]), lib.tensor(a)).index_fill_(1, lib.tensor([0]), -1.0)
        x.index_copy_(1, lib.tensor([2]), lib.tensor(c[:, :1]))
        y = lib.tensor(np.abs(a) + 0.5)
        y.reciprocal_().log2_().erf_().atan2_(lib.tensor(b)).cumprod_(1)
        z = lib.tensor(a).unsqueeze_(0).squeeze_(0).t_()
        results.append([x.numpy(), y.numpy(), z.numpy()])
    for e, t in zip(*results):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_new_inplace_forms_record_gradients_like_torch():
    rng = np.random.default_rng(3)
    a, b = (rng.standard_normal((2, 3)).astype(np.float32) for _ in range(2))
    grads = []
    for lib in (ember, torch):
        x, w = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        y = x * 1.0
        y.addcmul_(w, w).index_add_(1, lib.tensor([0, 0]), w[:, :2]).unsqueeze_(0).squeeze_(0).t_()
        base = lib.zeros(2, 3)
        base.clamp_(min=w)  # a plain tensor written with a bound that requires grad
        (y.sum() * 2 + (y * y).sum() + (base * x).sum()).backward()
        grads.append([x.grad.numpy(), w.grad.numpy(), tuple(y.shape)])
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-5, atol=1e-6)
    assert grads[0][2] == grads[1][2]


def test_view_inplace_refuses_a_leaf_that_requires_grad():
    x = ember.ones(1, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.squeeze_(0)
    with ember.no_grad():
        x.squeeze_(0)
    assert x.shape == (3,) and x.requires_grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("cols", [2, 4, 8])
def test_neg_in_place_on_a_strided_column(dtype, cols):
    """A column view of a (5, cols) tensor: NumPy 2.4's in-place ``negative`` got some of
    these wrong (it read the first elements of the row, not the column's)."""
    a = np.arange(5 * cols).reshape(5, cols).astype(dtype)
    t = ember.tensor(a.copy())
    t[:, 1].neg_()
    expected = a.copy()
    expected[:, 1] *= -1
    np.testing.assert_array_equal(t.numpy(), expected)
