"""More activations (``torch.nn.functional``'s names): ``glu``, ``hardshrink``,
``softshrink``, ``threshold``, ``rrelu``, and the in-place variants ``relu_``, ``elu_``,
``leaky_relu_``, ``hardtanh_``, ``selu_``, ``celu_``, ``threshold_``, ``rrelu_``.

All are compositions of primitives (their gradients come from those). The in-place
variants follow Ember's in-place rules (``ember.ops.inplace``): the array itself is written
under ``no_grad`` or when nothing requires grad, else the tensor is rebased onto the graph
(and a leaf that requires grad is refused, as in PyTorch).
"""
from __future__ import annotations

from ember.errors import shape_error
from ember.nn.functional import activation as A
from ember.ops import elementwise as E
from ember.ops.inplace import inplace_variant
from ember.random import rng_of
from ember.tensor import Tensor

__all__ = [
    "glu", "hardshrink", "softshrink", "threshold", "rrelu", "relu_", "elu_", "leaky_relu_",
    "hardtanh_", "selu_", "celu_", "threshold_", "rrelu_",
]


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: split ``input`` in halves ``a, b`` along ``dim``, return
    ``a * sigmoid(b)``. Shape: ``(*, 2n, *)`` to ``(*, n, *)``."""
    if input.ndim == 0:
        raise shape_error("glu", "a 0-D tensor cannot be split in halves", input.shape)
    d = dim % input.ndim if -input.ndim <= dim < input.ndim else None
    if d is None:
        raise ValueError(f"glu: dim {dim} is out of range for a {input.ndim}-D input")
    if input.shape[d] % 2:
        raise shape_error("glu", f"the halved dimension {dim} must have an even size, got "
                          f"{input.shape[d]}", input.shape)
    a, b = input.chunk(2, d)
    return E.mul(a, E.sigmoid(b))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x`` where ``|x| > lambd``, else 0."""
    return E.where(E.gt(E.abs(input), float(lambd)), input, 0.0)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0:
    ``x - clamp(x, -lambd, lambd)``."""
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got {lambd}")
    return E.sub(input, E.clamp(input, -lambd, lambd))


def threshold(input: Tensor, threshold: float, value: float,  # noqa: A002
              inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``."""
    return (threshold_ if inplace else _threshold)(input, threshold, value)


def _threshold(input, threshold, value):  # noqa: A002
    return E.where(E.gt(input, float(threshold)), input, float(value))


def rrelu(input: Tensor, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0,  # noqa: A002
          training: bool = False, inplace: bool = False, *, generator=None) -> Tensor:
    """Randomized leaky ReLU (Xu et al., 2015): negative inputs are scaled by a slope drawn
    uniformly from ``[lower, upper]`` per element in training (from Ember's generator, so
    ``ember.manual_seed`` repeats it), by the mean slope ``(lower + upper) / 2`` in eval."""
    return (rrelu_ if inplace else _rrelu)(input, lower, upper, training,
                                           generator=generator)


def _rrelu(input, lower=1.0 / 8.0, upper=1.0 / 3.0, training=False, *,  # noqa: A002
           generator=None):
    if lower > upper:
        raise ValueError(f"rrelu: lower ({lower}) cannot be greater than upper ({upper})")
    if not training:
        return A.leaky_relu(input, (lower + upper) / 2.0)
    slope = rng_of(generator).uniform(lower, upper, input.shape)
    return E.where(E.ge(input, 0.0), input,
                   E.mul(input, Tensor._wrap(slope.astype(input.dtype))))


relu_ = inplace_variant("relu", A.relu)
elu_ = inplace_variant("elu", A.elu)
leaky_relu_ = inplace_variant("leaky_relu", A.leaky_relu)
hardtanh_ = inplace_variant("hardtanh", A.hardtanh)
selu_ = inplace_variant("selu", A.selu)
celu_ = inplace_variant("celu", A.celu)
threshold_ = inplace_variant("threshold", _threshold)
rrelu_ = inplace_variant("rrelu", _rrelu)
