"""Normalisation as functions: ``batch_norm``, ``layer_norm``, ``group_norm``,
``instance_norm``.

Each is one fused primitive of ``ember.ops.normalization`` (forward and analytic
backward together); ``instance_norm`` is group norm with one group per channel, or batch
norm's evaluation mode when it normalises by running statistics.
"""
from __future__ import annotations

from ember.errors import shape_error
from ember.ops.normalization import BatchNorm, GroupNorm, LayerNorm

__all__ = ["batch_norm", "group_norm", "instance_norm", "layer_norm"]


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


def instance_norm(input, running_mean=None, running_var=None, weight=None,  # noqa: A002
                  bias=None, use_input_stats: bool = True, momentum: float = 0.1,
                  eps: float = 1e-5):
    """Normalise each channel of each sample of ``input`` (N, C, *) over its spatial dims.

    Args:
        running_mean, running_var: (C,) buffers or None. With ``use_input_stats`` they are
            updated in place, when given, by the batch's mean of the per-sample statistics
            (``r = (1 - momentum) r + momentum * stat``, unbiased variance); without, they
            normalise instead of the input's statistics.
        weight, bias: (C,) affine parameters or None.
        use_input_stats: normalise by each sample's own statistics (True) or the running
            ones (False).

    Shape: input and output (N, C, *), with more than one spatial element when
    ``use_input_stats``. Example: ``F.instance_norm(images)`` for images (N, C, H, W).
    """
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise shape_error("instance_norm", "expected input (N, C, *)", shape)
    c = shape[1]
    for name, p in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if p is not None and tuple(p.shape) != (c,):
            raise shape_error("instance_norm", f"{name} must have one entry per channel "
                              f"({c} channels in the input)", shape, tuple(p.shape))
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: running_mean and running_var are needed when "
                             "use_input_stats=False")
        return BatchNorm.apply(input, weight, bias, running_mean, running_var,
                               training=False, eps=float(eps))
    spatial = 1
    for n in shape[2:]:
        spatial *= n
    if spatial <= 1:
        raise ValueError("instance_norm: Expected more than 1 spatial element when training, "
                         f"got input size {list(shape)}")
    return GroupNorm.apply(input, weight, bias, running_mean, running_var, num_groups=c,
                           momentum=float(momentum), eps=float(eps))
