"""Normalisation layers: ``BatchNorm1d/2d/3d``, ``InstanceNorm1d/2d/3d``, ``LayerNorm``,
``GroupNorm``."""
from __future__ import annotations

import warnings

from ember.creation import empty, ones, tensor, zeros
from ember.dtypes import int64
from ember.errors import shape_error
from ember.nn import init
from ember.nn.functional.normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
)
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "GroupNorm", "InstanceNorm1d",
           "InstanceNorm2d", "InstanceNorm3d", "LayerNorm"]


def _register_affine(module, shape, affine, bias, dtype, device=None) -> None:
    """The learned scale ``weight`` and shift ``bias`` of shape ``shape`` (None when off)."""
    def make():
        return Parameter(empty(*shape, dtype=dtype, device=device))

    module.register_parameter("weight", make() if affine else None)
    module.register_parameter("bias", make() if affine and bias else None)


def _reset_affine(module) -> None:
    """Scale 1, shift 0: a norm layer starts as a plain normalisation."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """Per-channel norm layers (batch and instance norm): the affine parameters, the
    running statistics and their printout."""

    _ranks: tuple = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _register_affine(self, (num_features,), affine, bias, dtype, device)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.array[...] = 0
            self.running_var.array[...] = 1
            self.num_batches_tracked.array[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self)

    def _check_rank(self, input) -> None:  # noqa: A002
        if input.ndim not in self._ranks:
            dims = " or ".join(f"{r}D" for r in self._ranks)
            raise shape_error(type(self).__name__, f"expected {dims} input (got {input.ndim}D "
                              f"input)", tuple(input.shape))

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Shared by BatchNorm1d/2d/3d, which differ only in the input ranks they accept."""

    def _check_input(self, input) -> None:  # noqa: A002
        self._check_rank(input)
        if input.shape[1] != self.num_features:
            raise shape_error(type(self).__name__, f"expected {self.num_features} channels "
                              f"(num_features) in dimension 1, got input of shape "
                              f"{tuple(input.shape)}")

    def forward(self, input):  # noqa: A002
        self._check_input(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.array += 1
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked.array)
        # without running statistics, eval mode normalises by the batch's too
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return batch_norm(input, self.running_mean if track else None,
                          self.running_var if track else None, self.weight, self.bias,
                          use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C.

    Args:
        num_features: C.
        eps: added to the variance for stability.
        momentum: weight of the new batch in the running statistics; None for a
            cumulative average over all batches.
        affine: learn a per-channel scale (``weight``, ones) and shift (``bias``, zeros).
        bias: learn the shift (when ``affine``).
        track_running_stats: keep ``running_mean``/``running_var`` for eval mode; if
            False, the batch's statistics are used in both modes.

    Shape: input and output (N, C) or (N, C, L).
    """

    _ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs per channel (see ``BatchNorm1d``)."""

    _ranks = (4,)


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of (N, C, D, H, W) inputs per channel (see ``BatchNorm1d``)."""

    _ranks = (5,)


class _InstanceNorm(_NormBase):
    """Shared by InstanceNorm1d/2d/3d: ``_ranks`` is (unbatched, batched)."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input):  # noqa: A002
        self._check_rank(input)
        batched = input.ndim == self._ranks[1]
        dim = 1 if batched else 0
        if input.shape[dim] != self.num_features:
            message = (f"expected {self.num_features} channels (num_features) in dimension "
                       f"{dim}, got input of shape {tuple(input.shape)}")
            if self.affine or self.track_running_stats:
                raise shape_error(type(self).__name__, message)
            # as PyTorch: without per-channel parameters or statistics it is not used
            warnings.warn(f"{type(self).__name__}: {message}; num_features is not used "
                          "(affine=False, track_running_stats=False)", stacklevel=2)
        # PyTorch's rule: a momentum of None leaves the running statistics unchanged here
        momentum = 0.0 if self.momentum is None else self.momentum
        x = input if batched else input.unsqueeze(0)
        y = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                          self.training or not self.track_running_stats, momentum, self.eps)
        return y if batched else y.squeeze(0)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation: each channel of each sample over its own length.

    Args:
        num_features: C.
        eps: added to the variance for stability.
        momentum: weight of the new batch in the running statistics (None: not updated).
        affine: learn a per-channel scale (``weight``, ones) and shift (``bias``, zeros).
        bias: learn the shift (when ``affine``).
        track_running_stats: keep ``running_mean``/``running_var`` (the batch's mean of
            the per-sample statistics) in training and normalise by them in eval mode;
            if False (the default), each sample's own statistics are used in both modes.

    Shape: input and output (N, C, L) or unbatched (C, L).
    """

    _ranks = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or unbatched (C, H, W) inputs, each channel
    of each sample over its H x W values (see ``InstanceNorm1d``)."""

    _ranks = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or unbatched (C, D, H, W) inputs (see
    ``InstanceNorm1d``)."""

    _ranks = (4, 5)


class LayerNorm(Module):
    """Normalise each sample over its trailing ``normalized_shape`` dimensions.

    Args:
        normalized_shape: an int or a shape: the trailing dims to normalise over.
        eps: added to the variance.
        elementwise_affine: learn ``weight`` (ones) and ``bias`` (zeros) of that shape.
        bias: learn the bias (when ``elementwise_affine``).

    Shape: input and output (*, *normalized_shape).
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _register_affine(self, self.normalized_shape, elementwise_affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input):  # noqa: A002
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalise each sample over groups of channels (and the spatial dims).

    Args:
        num_groups: G, which must divide num_channels.
        num_channels: C.
        eps: added to the variance.
        affine: learn a per-channel ``weight`` (ones) and ``bias`` (zeros).
        bias: learn the bias (when ``affine``).

    Shape: input and output (N, C, *).
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by "
                             f"num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _register_affine(self, (num_channels,), affine, bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _reset_affine(self)

    def forward(self, input):  # noqa: A002
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise shape_error("GroupNorm", f"expected input (N, {self.num_channels}, *), got "
                              f"input of shape {tuple(input.shape)}")
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
