"""Lazy modules: ``LazyLinear``, ``LazyConv1d/2d/3d``, ``LazyBatchNorm1d/2d/3d``.

The input size (``in_features``, ``in_channels``, ``num_features``) is read from the first
input. Until then the weights are ``UninitializedParameter`` objects; the first call
materialises them *in place* (the same objects, so an optimizer built before that call
trains them) and the module becomes the ordinary class (``LazyLinear`` -> ``Linear``), as
in PyTorch.
"""
from __future__ import annotations

import warnings

from ember.backend import xp
from ember.nn.modules.conv import Conv1d, Conv2d, Conv3d
from ember.nn.modules.linear import Linear
from ember.nn.modules.normalization import BatchNorm1d, BatchNorm2d, BatchNorm3d
from ember.nn.parameter import Parameter

__all__ = ["UninitializedParameter", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
           "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d"]


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (no data); ``materialize`` gives it one."""

    __slots__ = ()

    def __init__(self, requires_grad: bool = True, device=None, dtype=None):
        self._init_leaf(xp.empty((0,), xp.dtype(dtype) if dtype is not None else xp.float32),
                        requires_grad)

    def materialize(self, array) -> None:
        """Take ``array`` as this parameter's data; it becomes a plain ``Parameter``."""
        self.array = array
        self.__class__ = Parameter

    def __repr__(self):
        return "<UninitializedParameter>"

    __str__ = __repr__


class _LazyMixin:
    """Built with input size 0, its parameters replaced by uninitialized ones; the first
    call builds the real module with the input's size and adopts its state."""

    cls_to_become = None

    def _lazy_init(self, args, kwargs):
        self._lazy_args = (args, kwargs)
        for name, p in list(self._parameters.items()):
            if p is not None:
                self._parameters[name] = UninitializedParameter(p.requires_grad,
                                                                dtype=p.dtype)

    def has_uninitialized_params(self) -> bool:
        return any(isinstance(p, UninitializedParameter) for p in self._parameters.values())

    def _input_size(self, input) -> int:  # noqa: A002
        return input.shape[1]

    def __call__(self, input, *args, **kwargs):  # noqa: A002
        if self.has_uninitialized_params():
            self.initialize_parameters(input)
        return type(self).__call__(self, input, *args, **kwargs)

    def initialize_parameters(self, input) -> None:  # noqa: A002
        args, kwargs = self._lazy_args
        real = self.cls_to_become(self._input_size(input), *args, **kwargs)
        for name, p in real._parameters.items():
            mine = self._parameters.get(name)
            if isinstance(mine, UninitializedParameter):  # keep its dtype (``.double()``)
                mine.materialize(p.array.astype(mine.dtype, copy=False))
        for name, b in real._buffers.items():
            old = self._buffers.get(name)
            if b is not None and old is not None and b.dtype.kind == old.dtype.kind == "f":
                b.array = b.array.astype(old.dtype, copy=False)
        object.__setattr__(self, "_buffers", real._buffers)
        for key, value in real.__dict__.items():
            if key not in ("_parameters", "_buffers", "_modules", "training"):
                self.__dict__[key] = value
        del self.__dict__["_lazy_args"]
        self.__class__ = self.cls_to_become


def _quietly(init, *args, **kwargs):
    with warnings.catch_warnings():  # "initializing zero-element tensors is a no-op"
        warnings.simplefilter("ignore")
        init(*args, **kwargs)


class LazyLinear(_LazyMixin, Linear):
    """``Linear`` whose ``in_features`` is the first input's last dimension."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None):
        _quietly(Linear.__init__, self, 0, out_features, bias, device, dtype)
        self._lazy_init((out_features, bias), {"device": device, "dtype": dtype})

    def _input_size(self, input) -> int:  # noqa: A002
        return input.shape[-1]


class _LazyConv(_LazyMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None,
                 dtype=None):
        args = (out_channels, kernel_size, stride, padding, dilation, groups, bias,
                padding_mode)
        _quietly(self.cls_to_become.__init__, self, 0, *args, device=device, dtype=dtype)
        self._lazy_init(args, {"device": device, "dtype": dtype})

    def _input_size(self, input) -> int:  # noqa: A002
        nd = len(self.kernel_size)
        return input.shape[1] if input.ndim == nd + 2 else input.shape[0]


class LazyConv1d(_LazyConv, Conv1d):
    """``Conv1d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """``Conv2d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """``Conv3d`` whose ``in_channels`` is read from the first input."""

    cls_to_become = Conv3d


class _LazyBatchNorm(_LazyMixin):
    def __init__(self, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None):
        args = (eps, momentum, affine, track_running_stats)
        _quietly(self.cls_to_become.__init__, self, 0, *args, device=device, dtype=dtype)
        self._lazy_init(args, {"device": device, "dtype": dtype})

    def has_uninitialized_params(self) -> bool:
        return "_lazy_args" in self.__dict__

    def _input_size(self, input) -> int:  # noqa: A002
        unbatched_1d = self.cls_to_become is BatchNorm1d and input.ndim == 1
        return input.shape[0] if unbatched_1d else input.shape[1]


class LazyBatchNorm1d(_LazyBatchNorm, BatchNorm1d):
    """``BatchNorm1d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyBatchNorm, BatchNorm2d):
    """``BatchNorm2d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyBatchNorm, BatchNorm3d):
    """``BatchNorm3d`` whose ``num_features`` is read from the first input."""

    cls_to_become = BatchNorm3d

