"""Tensor creation, attributes, conversions and devices, with PyTorch's conventions."""
import numpy as np
import pytest
import torch

import ember


@pytest.mark.parametrize("data", [1.5, [1.0, 2.0], [[1, 2], [3, 4]], True, [True, False], 3])
def test_dtypes_from_python_data_match_torch(data):
    assert str(ember.tensor(data).dtype) == str(torch.tensor(data).dtype).replace("torch.", "")


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "int64", "uint8", "bool"])
def test_numpy_arrays_keep_their_dtype(dtype):
    a = np.zeros(3, dtype=dtype)
    assert ember.tensor(a).dtype == np.dtype(dtype)
    assert ember.from_numpy(a).dtype == np.dtype(dtype)


def test_creation_functions_default_to_float32_and_int64():
    for t in [ember.zeros(2, 3), ember.ones((2, 3)), ember.empty(2), ember.rand(2),
              ember.randn(2, 2), ember.full((2,), 1.5), ember.eye(3), ember.linspace(0, 1, 5),
              ember.arange(0.0, 1.0, 0.25)]:
        assert t.dtype == ember.float32
    assert ember.arange(5).dtype == ember.int64
    assert ember.randint(0, 5, (3,)).dtype == ember.int64
    assert ember.full((2,), 7).dtype == ember.int64
    assert ember.zeros(2, dtype=ember.float64).dtype == ember.float64
    assert ember.arange(5).tolist() == torch.arange(5).tolist()
    assert ember.zeros_like(ember.ones(2, 3, dtype=ember.int64)).dtype == ember.int64


def test_new_creation_methods_follow_the_source_tensor():
    x = ember.zeros(2, dtype=ember.float64)
    assert x.new_zeros(3).dtype == ember.float64 and x.new_zeros(3).shape == (3,)
    assert x.new_ones((2, 2)).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert x.new_full((2,), 4.0).tolist() == [4.0, 4.0]
    assert x.new_tensor([1, 2]).dtype == ember.float64
    assert x.new_empty(4).shape == (4,)
    assert x.new_zeros(2, dtype=ember.int64).dtype == ember.int64


def test_attributes():
    x = ember.arange(6.0).reshape(2, 3)
    assert x.shape == (2, 3) and x.size() == (2, 3) and x.size(1) == 3 and x.size(-1) == 3
    assert x.ndim == 2 and x.dim() == 2 and x.numel() == 6 and len(x) == 2
    assert repr(x.shape) == "ember.Size([2, 3])"
    assert x.T.shape == (3, 2) and x.T.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert x.grad is None and not x.requires_grad and x.is_leaf
    assert x.is_floating_point() and not ember.tensor([1]).is_floating_point()


def test_requires_grad_and_leaves():
    x = ember.ones(2)
    assert x.requires_grad_() is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    c = y.clone()
    assert c.requires_grad and not c.is_leaf
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        y.requires_grad_(False)


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require "
                                           "gradients"):
        ember.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ember.arange(3).requires_grad_()


def test_conversions():
    x = ember.tensor([[1.5, -2.0]])
    assert isinstance(x.numpy(), np.ndarray) and x.numpy().dtype == np.float32
    assert ember.tensor(3.5).item() == 3.5 and isinstance(ember.tensor(3).item(), int)
    assert x.tolist() == [[1.5, -2.0]]
    assert float(ember.tensor([2.0])) == 2.0 and int(ember.tensor(7)) == 7
    assert x.to(ember.float64).dtype == ember.float64
    assert x.double().dtype == ember.float64 and x.double().float().dtype == ember.float32
    assert x.long().tolist() == [[1, -2]] and x.long().dtype == ember.int64
    assert x.int().dtype == ember.int32 and (x > 0).dtype == ember.bool
    assert x.type_as(ember.tensor([1])).dtype == ember.int64
    with pytest.raises(RuntimeError, match="Use tensor.detach\\(\\).numpy\\(\\)"):
        x.requires_grad_().numpy()
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        x.item()


def test_clone_is_a_differentiable_copy():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.array is not x.array
    (c * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    assert x.contiguous() is x


def test_devices():
    assert ember.device("cpu") == "cpu" and str(ember.device("cpu")) == "cpu"
    assert ember.cuda.is_available() is False
    x = ember.zeros(2, device="cpu")
    assert x.device == ember.device("cpu") and x.device.type == "cpu"
    assert x.to("cpu") is x and x.cpu() is x and x.to(ember.device("cpu")) is x
    assert x.to("cpu", ember.float64).dtype == ember.float64
    assert ember.tensor([1.0], device=ember.device("cpu")).device.type == "cpu"
    with pytest.raises(RuntimeError, match="ember.cuda.is_available\\(\\) is False"):
        ember.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="device: expected one of"):
        ember.device("tpu")


def test_repr_like_torch():
    assert repr(ember.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(ember.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(ember.tensor([1.0], dtype=ember.float64)) == "tensor([1.], dtype=ember.float64)"
    assert repr(ember.tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    assert "grad_fn=<MulBackward>" in repr(ember.tensor([1.0], requires_grad=True) * 2)


def test_iteration_and_bool():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert [row.tolist() for row in x] == [[1.0, 2.0], [3.0, 4.0]]
    assert bool(ember.tensor([1.0])) and not bool(ember.tensor(0.0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(x)


def test_manual_seed_repeats_random_draws():
    ember.manual_seed(3)
    a = ember.randn(4).tolist()
    ember.manual_seed(3)
    assert ember.randn(4).tolist() == a


def test_is_tensor_and_numel_functions():
    x = ember.zeros(2, 3)
    assert ember.is_tensor(x) and not ember.is_tensor([1.0])
    assert ember.numel(x) == 6 == x.nelement()


def test_memory_layout_queries_match_torch():
    for lib in (ember, torch):
        x = lib.arange(6.0).reshape(2, 3)
        assert x.is_contiguous() and not x.t().is_contiguous()
        assert x.stride() == (3, 1) and x.t().stride() == (1, 3) and x.stride(-1) == 1
        assert x.t().contiguous().is_contiguous()
        assert x.data_ptr() == x.view(-1).data_ptr() == x.detach().data_ptr()
        assert x.data_ptr() != x.clone().data_ptr()
    with pytest.raises(ValueError, match="t: expects a tensor with <= 2 dimensions"):
        ember.zeros(2, 3, 4).t()
