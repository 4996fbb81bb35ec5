"""The ops and helpers added for PyTorch parity beyond the registry: their documented
errors, legacy typed constructors, ``inference_mode`` and a few exact values."""
import numpy as np
import pytest
import torch

import ember
from ember.errors import ShapeError


def _raises(exc, match, fn, *args, **kwargs):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)


def test_binary_transcendental_errors_name_op_and_shapes():
    a, b = ember.randn(2), ember.randn(3)
    for name in ("atan2", "hypot", "logaddexp", "xlogy"):
        _raises(ShapeError, rf"{name}: shapes cannot be broadcast together \(got shapes "
                r"\(2,\), \(3,\)\)", getattr(ember, name), a, b)
    _raises(ShapeError, r"clamp: min cannot be broadcast to the input \(got shapes \(2,\), "
            r"\(3,\)\)", ember.clamp, a, b)


def test_index_placement_errors():
    x = ember.zeros(3, 4)
    _raises(TypeError, "index_add: index must be a 1-D integer tensor", ember.index_add, x, 0,
            ember.tensor([[0]]), ember.ones(1, 4))
    _raises(ShapeError, r"index_copy: source must have the input's shape with dimension 0 of "
            r"size len\(index\) = 2 \(got shapes \(3, 4\), \(2,\), \(1, 4\)\)",
            ember.index_copy, x, 0, ember.tensor([0, 1]), ember.ones(1, 4))
    _raises(IndexError, "index_fill: index out of range for dimension 1 of size 4",
            ember.index_fill, x, 1, ember.tensor([4]), 1.0)
    _raises(IndexError, r"narrow: start \(5\) is out of range", ember.narrow, x, 1, 5, 1)
    _raises(ShapeError, r"narrow: start \(2\) \+ length \(3\) exceeds dimension 1 of size 4",
            x.narrow, 1, 2, 3)


def test_shape_op_errors():
    x = ember.randn(3, 4)
    _raises(ShapeError, "repeat_interleave: repeats must be an int or a 1-D integer tensor "
            r"with one count per slice \(3\)", ember.repeat_interleave, x, ember.tensor([1, 2]),
            dim=0)
    _raises(ValueError, "repeat_interleave: repeats can not be negative",
            ember.repeat_interleave, x, -1)
    _raises(ShapeError, r"diagonal: needs at least 2 dimensions \(got shapes \(4,\)\)",
            ember.diagonal, ember.randn(4))
    _raises(ValueError, "diagonal: dim1 and dim2 cannot be the same dimension",
            ember.diagonal, x, 0, 1, -1)
    _raises(ShapeError, "diag_embed: needs at least 1 dimension", ember.diag_embed,
            ember.tensor(1.0))
    _raises(ShapeError, r"trace: expected a 2-D tensor \(got shapes \(2, 3, 4\)\)",
            ember.trace, ember.randn(2, 3, 4))
    _raises(ShapeError, "meshgrid: expects 0-D or 1-D tensors", ember.meshgrid, x)
    _raises(ValueError, "meshgrid: indexing must be 'ij' or 'xy'", ember.meshgrid,
            ember.ones(2), indexing="yx")
    _raises(ShapeError, "block_diag: expects tensors of at most 2 dimensions",
            ember.block_diag, ember.ones(1, 2, 3))
    _raises(ValueError, "triu_indices: row and col must be non-negative",
            ember.triu_indices, -1, 3)


def test_product_errors():
    _raises(ShapeError, r"tensordot: contracted dimensions 1 and 0 differ in size \(got shapes "
            r"\(2, 3\), \(4, 5\)\)", ember.tensordot, ember.ones(2, 3), ember.ones(4, 5), 1)
    _raises(ValueError, "tensordot: both dims lists must have the same length",
            ember.tensordot, ember.ones(2, 3), ember.ones(3, 2), ([0, 1], [1]))
    _raises(ShapeError, "cross: no dimension of size 3", ember.cross, ember.ones(2, 4),
            ember.ones(2, 4))
    _raises(ShapeError, "cross: dimension 1 must have size 3", ember.cross, ember.ones(3, 4),
            ember.ones(3, 4), dim=1)
    _raises(ShapeError, "baddbmm: batch1 and batch2 must be 3-D tensors", ember.baddbmm,
            ember.ones(2, 2), ember.ones(2, 2), ember.ones(2, 2))
    _raises(ShapeError, "addmv: expected a 2-D matrix and a 1-D vector", ember.addmv,
            ember.ones(2), ember.ones(2, 2), ember.ones(2, 1))


def test_binning_errors():
    _raises(ShapeError, "searchsorted: sorted_sequence and values must have the same leading "
            "dimensions", ember.searchsorted, ember.ones(2, 3), ember.ones(3, 3))
    _raises(ShapeError, "bucketize: boundaries must be a 1-D tensor", ember.bucketize,
            ember.ones(3), ember.ones(2, 2))
    _raises(TypeError, "histc: expected a floating point input", ember.histc,
            ember.tensor([1, 2]))
    _raises(ValueError, r"histc: max \(0.0\) must be larger than min \(1.0\)", ember.histc,
            ember.ones(3), min=1, max=0)
    _raises(TypeError, "bincount: input must be a 1-D integer tensor", ember.bincount,
            ember.ones(3))
    _raises(ValueError, "bincount: input must be non-negative", ember.bincount,
            ember.tensor([1, -1]))
    _raises(ShapeError, "bincount: weights must have the shape of input", ember.bincount,
            ember.tensor([1, 2]), ember.ones(3))
    _raises(RuntimeError, "median: expected a non-empty input", ember.median, ember.ones(0))


def test_exact_values_match_torch():
    x = np.array([-30.0, -3.0, -0.5, 0.0, 0.9, 2.0, 5.0, 27.0], np.float64)
    for name in ("erf", "erfc"):
        e = getattr(ember, name)(ember.tensor(x)).numpy()
        t = getattr(torch, name)(torch.tensor(x)).numpy()
        np.testing.assert_allclose(e, t, rtol=1e-13, atol=0)
    v = np.array([[3.0, 1, 3, 2, 1, 5], [2, 2, 7, 7, 1, 0]], np.float32)
    for lib in (ember, torch):
        values, indices = lib.mode(lib.tensor(v), 1)
        assert values.tolist() == [1.0, 2.0] and indices.tolist() == [4, 1]
    ties = np.array([1.0, 3, 3, 2, 3], np.float32)
    assert ember.cummax(ember.tensor(ties), 0).indices.tolist() == [0, 1, 2, 2, 4]
    assert ember.tensor([1, 2, 3]).log2().dtype == ember.float32
    assert ember.atan2(ember.ones(2), 2.0).dtype == ember.float32


def test_cumprod_gradient_is_exact_with_zeros():
    x = np.array([[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 1.5, -2.0, 4.0, 0.5]])
    grads = []
    for lib in (ember, torch):
        t = lib.tensor(x, requires_grad=True)
        (lib.cumprod(t, 1) * lib.tensor(np.arange(1.0, 6.0))).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_legacy_typed_constructors():
    assert ember.FloatTensor([1, 2]).dtype == ember.float32
    assert ember.LongTensor(np.array([1.5, 2.0])).tolist() == [1, 2]
    assert ember.DoubleTensor(ember.tensor([1, 2])).dtype == ember.float64
    assert ember.BoolTensor([1, 0]).tolist() == [True, False]
    assert tuple(ember.FloatTensor(2, 3).shape) == (2, 3)
    assert tuple(ember.FloatTensor().shape) == (0,)
    assert isinstance(ember.ones(2), ember.FloatTensor)
    assert not isinstance(ember.ones(2), ember.LongTensor)
    assert ember.ones(2).type(ember.LongTensor).dtype == ember.int64
    assert ember.ones(2).type("torch.DoubleTensor").dtype == ember.float64
    _raises(TypeError, r"FloatTensor\(\): expected data \(a list, tuple, array or tensor\) or "
            r"a size \(integers\), got \(float\)", ember.FloatTensor, 2.5)
    assert ember.is_floating_point(ember.ones(1)) and not ember.is_floating_point(
        ember.tensor([1]))


def test_inference_mode_is_no_grad():
    x = ember.ones(2, requires_grad=True)
    with ember.inference_mode():
        assert not (x * 2).requires_grad

    @ember.inference_mode
    def bare():
        return (x * 2).requires_grad

    @ember.inference_mode()
    def called():
        return (x * 2).requires_grad

    @ember.inference_mode(False)
    def off():
        return (x * 2).requires_grad

    assert (bare(), called(), off()) == (False, False, True)
    assert ember.is_grad_enabled()
