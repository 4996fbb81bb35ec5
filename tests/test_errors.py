"""Errors that teach: each names the op, the argument and the shapes it saw."""
import pytest

import ember
from ember.errors import ShapeError


def test_add_of_unbroadcastable_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\), \(4,\)") as info:
        ember.ones(2, 3) + ember.ones(4)
    assert isinstance(info.value, RuntimeError) and isinstance(info.value, ShapeError)


@pytest.mark.parametrize("op,name", [
    (lambda a, b: a - b, "sub"), (lambda a, b: a * b, "mul"), (lambda a, b: a / b, "div"),
    (lambda a, b: ember.maximum(a, b), "maximum"),
    (lambda a, b: ember.where(a > 0, a, b), "where"),
])
def test_every_binary_op_names_itself(op, name):
    with pytest.raises(RuntimeError, match=rf"{name}: .*\(2, 3\).*\(4,\)"):
        op(ember.ones(2, 3), ember.ones(4))


def test_matmul_inner_dimension_mismatch():
    with pytest.raises(ValueError, match=r"matmul: inner dimensions differ \(3 vs 4\).*"
                                         r"\(2, 3\), \(4, 5\)") as info:
        ember.ones(2, 3) @ ember.ones(4, 5)
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(ValueError, match="matmul: both arguments need at least 1 dimension"):
        ember.matmul(ember.tensor(1.0), ember.ones(2))


def test_reshape_invalid():
    with pytest.raises(ValueError, match=r"reshape: shape \(4, 2\) is invalid for input of "
                                         r"size 6 .*\(2, 3\)") as info:
        ember.ones(2, 3).reshape(4, 2)
    assert isinstance(info.value, RuntimeError)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        ember.zeros(2, dtype=ember.int64, requires_grad=True)


def test_shape_ops_errors():
    x = ember.ones(2, 3)
    with pytest.raises(ValueError, match=r"cat: sizes must match except in dimension 0.*"
                                         r"\(2, 3\), \(2, 4\)"):
        ember.cat([x, ember.ones(2, 4)])
    with pytest.raises(ValueError, match=r"stack: expects each tensor to be equal size"):
        ember.stack([x, ember.ones(3, 2)])
    with pytest.raises(TypeError, match="cat: expected a sequence of tensors"):
        ember.cat(x)
    with pytest.raises(ValueError, match=r"expand: cannot expand to \(4, 3\)"):
        x.expand(4, 3)
    with pytest.raises(ValueError, match=r"split: split sizes \[1, 1\] must sum"):
        x.split([1, 1], dim=1)
    with pytest.raises(ValueError, match="permute: dims .* are not a permutation"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match="flatten: start_dim .* cannot come after end_dim"):
        ember.ones(2, 3, 4).flatten(2, 1)
    with pytest.raises(IndexError, match=r"squeeze: Dimension out of range"):
        x.squeeze(5)
    with pytest.raises(ValueError, match="repeat: number of repeat dims"):
        x.repeat(2)


def test_reduction_errors():
    with pytest.raises(IndexError, match=r"sum: Dimension out of range \(expected to be in "
                                         r"range of \[-2, 1\], but got 2\)"):
        ember.ones(2, 3).sum(2)
    with pytest.raises(TypeError, match="mean: input dtype should be floating point"):
        ember.arange(3).mean()
    with pytest.raises(RuntimeError, match="amax: expected a non-empty input"):
        ember.zeros(0).amax()


def test_selection_errors():
    x = ember.ones(2, 3)
    with pytest.raises(TypeError, match="gather: index must be an integer tensor"):
        x.gather(1, ember.zeros(2, 1))
    with pytest.raises(ValueError, match="gather: index must have as many dimensions"):
        x.gather(1, ember.tensor([0]))
    with pytest.raises(TypeError, match="masked_fill: mask must be a bool tensor"):
        x.masked_fill(ember.ones(2, 3), 0.0)
    with pytest.raises(IndexError, match=r"index: .*\(input shape \(2, 3\)\)"):
        x[5]
    with pytest.raises(RuntimeError, match=r"one_hot: class values must be in \[0, 3\)"):
        ember.one_hot(ember.tensor([0, 3]), 3)
    with pytest.raises(ValueError, match=r"topk: k \(4\) is out of range"):
        x.topk(4)
    with pytest.raises(ValueError, match="tril: input must have at least 2 dimensions"):
        ember.ones(3).tril()


def test_pad_errors():
    x = ember.ones(1, 2, 3)
    with pytest.raises(ValueError, match="pad: padding .* must have an even length"):
        ember.pad(x, (1,))
    with pytest.raises(ValueError, match="pad: mode must be one of"):
        ember.pad(x, (1, 1), mode="wrap")
    with pytest.raises(ValueError, match=r"pad: reflect padding \(3, 0\) must be smaller"):
        ember.pad(x, (3, 0), mode="reflect")


def test_misc_argument_errors():
    with pytest.raises(ValueError, match="clamp: at least one of min and max"):
        ember.ones(2).clamp()
    with pytest.raises(ValueError, match="chunk: chunks must be positive"):
        ember.ones(2).chunk(0)
    with pytest.raises(ValueError, match="norm: unsupported p='nucl'"):
        ember.ones(2, 2).norm("nucl")
    with pytest.raises(ValueError, match="einsum: the equation 'ij,jk->ik' names 2 operands"):
        ember.einsum("ij,jk->ik", ember.ones(2, 2))
    with pytest.raises(ValueError, match=r"outer: expected two 1-D tensors"):
        ember.outer(ember.ones(2, 2), ember.ones(2))
    with pytest.raises(TypeError, match="softmax: expected a floating point input"):
        ember.softmax(ember.arange(3), 0)
