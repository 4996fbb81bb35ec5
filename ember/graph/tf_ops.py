"""TF1's function names over Ember's ops, so ``import ember.graph as tf`` reads like TF1.

Each is a thin call of the ``ember`` function that computes the same thing: the op is
the eager one, recording a node on graph tensors (and computing on eager ones).
``tf.nn`` is the namespace ``nn`` here.
"""
from __future__ import annotations

import types

import ember
from ember.creation import to_array
from ember.graph.variables import constant

__all__ = [
    "abs", "add", "argmax", "cast", "concat", "divide", "equal", "exp", "identity", "log",
    "matmul", "maximum", "minimum", "multiply", "nn", "ones", "random_normal",
    "random_uniform", "reduce_max", "reduce_mean", "reduce_min", "reduce_sum", "reshape",
    "sigmoid", "sqrt", "square", "stop_gradient", "subtract", "tanh", "transpose", "zeros",
]

add, subtract, multiply, divide = ember.add, ember.sub, ember.mul, ember.div
abs, exp, log, sqrt, tanh, sigmoid = (ember.abs, ember.exp, ember.log,  # noqa: A001
                                      ember.sqrt, ember.tanh, ember.sigmoid)
maximum, minimum, matmul, reshape = ember.maximum, ember.minimum, ember.matmul, ember.reshape


def square(x):
    return x * x


def reduce_sum(input_tensor, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None)."""
    return ember.sum(input_tensor, dim=axis, keepdim=keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False):
    return ember.mean(input_tensor, dim=axis, keepdim=keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False):
    return ember.amax(input_tensor, dim=() if axis is None else axis, keepdim=keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False):
    return ember.amin(input_tensor, dim=() if axis is None else axis, keepdim=keepdims)


def argmax(input, axis=None):  # noqa: A002
    return ember.argmax(input, dim=axis)


def equal(x, y):
    return ember.eq(x, y)


def cast(x, dtype):
    return x.to(dtype)


def transpose(a, perm=None):
    return a.permute(*(reversed(range(a.ndim)) if perm is None else perm))


def concat(values, axis):
    return ember.cat(list(values), dim=axis)


def identity(x):
    return x * 1


def stop_gradient(x):
    """``x``'s value, through which no gradient flows."""
    return x.detach()


def zeros(shape, dtype=ember.float32, name="zeros"):
    return constant(0, dtype, shape=shape, name=name)


def ones(shape, dtype=ember.float32, name="ones"):
    return constant(1, dtype, shape=shape, name=name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=ember.float32, seed=None, name=None):
    """Normal samples, drawn once from Ember's generator when the graph is built."""
    value = ember.randn(*shape, dtype=dtype) * stddev + mean
    return constant(to_array(value), dtype, name=name or "random_normal")


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=ember.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval), drawn once when the graph is built."""
    value = ember.rand(*shape, dtype=dtype) * (maxval - minval) + minval
    return constant(to_array(value), dtype, name=name or "random_uniform")


def _softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    """Per-example ``-sum(labels * log_softmax(logits))`` (labels: probabilities)."""
    return -(labels * ember.log_softmax(logits, dim=axis)).sum(dim=axis)


def _sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Per-example cross-entropy with integer class ``labels``."""
    return ember.nn.functional.cross_entropy(logits, labels, reduction="none")


nn = types.SimpleNamespace(
    relu=ember.relu, sigmoid=ember.sigmoid, tanh=ember.tanh,
    softmax=lambda logits, axis=-1, name=None: ember.softmax(logits, dim=axis),
    log_softmax=lambda logits, axis=-1, name=None: ember.log_softmax(logits, dim=axis),
    softmax_cross_entropy_with_logits=_softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2=_softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits=_sparse_softmax_cross_entropy_with_logits,
)
