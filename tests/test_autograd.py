"""The autograd engine: accumulation, grad modes, autograd.grad, hooks, gradcheck, depth."""
import numpy as np
import pytest

import ember
from ember.autograd import Function, gradcheck
from ember.errors import GradcheckError


def test_backward_accumulates_into_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (3 * x).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0]


def test_a_tensor_used_twice_gets_both_gradients():
    x = ember.tensor(3.0, requires_grad=True)
    y = x * x + ember.sin(x) * x
    y.backward()
    expected = 2 * 3.0 + np.cos(3.0) * 3.0 + np.sin(3.0)
    assert x.grad.item() == pytest.approx(expected, rel=1e-6)


def test_no_grad_context_and_decorator():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        y = x * 2
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled() and not y.requires_grad

    @ember.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad


def test_enable_grad_inside_no_grad_and_set_grad_enabled():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        with ember.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_autograd_grad_with_grad_outputs_and_retain_graph():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x ** 2
    (g,) = ember.autograd.grad(y, x, grad_outputs=ember.tensor([1.0, 0.5, 2.0]),
                               retain_graph=True)
    assert g.tolist() == [2.0, 2.0, 12.0]
    assert x.grad is None  # autograd.grad leaves .grad alone
    (g2,) = ember.autograd.grad(y.sum(), x)
    assert g2.tolist() == [2.0, 4.0, 6.0]


def test_autograd_grad_of_intermediate_and_unused():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    z = ember.tensor([1.0], requires_grad=True)
    h = x * 3
    out = (h * h).sum()
    gh, gz = ember.autograd.grad(out, [h, z], allow_unused=True)
    assert gh.tolist() == [6.0, 12.0] and gz is None
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        ember.autograd.grad((x * 2).sum(), [x, z])


def test_second_backward_through_freed_graph_raises():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second "
                                           "time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).exp().sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp(2.0) * np.ones(2), rtol=1e-6)


def test_hooks_on_leaf_and_non_leaf():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    h = x * 3
    h.register_hook(lambda g: g * 10)  # replaces the gradient flowing into h
    h.sum().backward()
    assert seen == [[30.0, 30.0]] and x.grad.tolist() == [30.0, 30.0]


def test_hook_handle_removes_the_hook():
    x = ember.tensor([1.0], requires_grad=True)
    handle = x.register_hook(lambda g: g * 100)
    handle.remove()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0]


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    (h * h).sum().backward()
    assert h.grad.tolist() == [4.0, 8.0]


class WrongSquare(Function):
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return (g * self.x,)  # wrong on purpose: should be 2 * x * g


def test_gradcheck_passes_a_correct_op_and_catches_a_wrong_backward():
    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: ember.tanh(t) * t, (x,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for input 0"):
        gradcheck(lambda t: WrongSquare.apply(t), (x,))
    assert gradcheck(lambda t: WrongSquare.apply(t), (x,), raise_exception=False) is False


def test_gradcheck_requires_float64():
    x = ember.randn(3, requires_grad=True)
    with pytest.raises(ValueError, match="use float64"):
        gradcheck(lambda t: t * 2, (x,))


def test_non_scalar_backward_needs_a_gradient():
    x = ember.ones(3, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar "
                                           "outputs"):
        y.backward()
    y.backward(ember.tensor([1.0, 2.0, 3.0]))
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_backward_of_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.ones(2).sum().backward()


def test_deep_chain_needs_no_recursion():
    x = ember.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.sum().backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000, rel=1e-3)


def test_multi_output_op_gradients_flow_to_used_outputs_only():
    x = ember.arange(6.0).requires_grad_()
    a, b, c = x.split(2)
    (a * 2 + c).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 0.0, 0.0, 1.0, 1.0]
