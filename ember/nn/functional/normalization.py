"""Normalisation as functions: ``batch_norm``, ``layer_norm``, ``group_norm``.

Each is one fused primitive of ``ember.ops.normalization`` (forward and analytic
backward together).
"""
from __future__ import annotations

from ember.errors import shape_error
from ember.ops.normalization import BatchNorm, GroupNorm, LayerNorm

__all__ = ["batch_norm", "group_norm", "layer_norm"]


def batch_norm(input, running_mean, running_var, weight=None, bias=None,  # noqa: A002
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    """Normalise each channel of ``input`` (N, C, *) by batch or running statistics.

    Args:
        running_mean, running_var: (C,) buffers; updated in place when ``training``
            (``r = (1 - momentum) r + momentum * batch_stat``, unbiased variance). May be
            None when ``training`` (the batch's statistics are used and nothing is stored).
        weight, bias: (C,) affine parameters or None.
        training: normalise by the batch's statistics (True) or the running ones (False).
    """
    return BatchNorm.apply(input, weight, bias, running_mean, running_var,
                           training=bool(training), momentum=float(momentum), eps=float(eps))


def layer_norm(input, normalized_shape, weight=None, bias=None,  # noqa: A002
               eps: float = 1e-5):
    """Normalise over the trailing dimensions ``normalized_shape`` of each sample.

    Shape: input (*, *normalized_shape); weight and bias have ``normalized_shape``.
    """
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = tuple(input.shape)
    if len(ns) == 0 or len(shape) < len(ns) or shape[len(shape) - len(ns):] != ns:
        raise shape_error(
            "layer_norm", f"Given normalized_shape={list(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size {list(shape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != ns:
            raise shape_error("layer_norm", f"{name} must have normalized_shape {ns}",
                              tuple(p.shape))
    return LayerNorm.apply(input, weight, bias, ndim=len(ns), eps=float(eps))


def group_norm(input, num_groups: int, weight=None, bias=None,  # noqa: A002
               eps: float = 1e-5):
    """Normalise ``input`` (N, C, *) over groups of C / num_groups channels per sample."""
    shape = tuple(input.shape)
    if len(shape) < 2 or shape[1] % num_groups != 0:
        raise shape_error("group_norm", f"expected input (N, C, *) with C divisible by "
                          f"num_groups={num_groups}", shape)
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != (shape[1],):
            raise shape_error("group_norm", f"{name} must have one entry per channel "
                              f"({shape[1]})", shape, tuple(p.shape))
    return GroupNorm.apply(input, weight, bias, num_groups=int(num_groups), eps=float(eps))
