"""Functions that create tensors: ``tensor``, ``zeros``, ``arange``, ``randn``, ...

Dtypes follow PyTorch: Python floats become float32 (the default dtype), Python ints
int64, NumPy arrays keep their dtype.
"""
from __future__ import annotations

import math

import numpy

from ember.autograd import Function, Symbolic
from ember.backend import xp
from ember.dtypes import as_dtype, get_default_dtype, int64
from ember.random import rng_of
from ember.tensor import Size, Tensor, check_device


def to_array(data, dtype=None):
    """``data`` (nested lists, scalars, arrays, tensors) as a fresh array of ``dtype``."""
    dtype = as_dtype(dtype)
    if isinstance(data, Tensor):
        a = data.array
        return a.astype(dtype) if dtype is not None else a.copy()
    if isinstance(data, (list, tuple)) and any(isinstance(d, Tensor) for d in _flat(data)):
        data = _untensor(data)
    if isinstance(data, numpy.ndarray) or hasattr(data, "__cuda_array_interface__"):
        a = xp.array(data, dtype=dtype)
        return a
    a = numpy.asarray(data)
    if dtype is None:
        if a.dtype.kind == "f":
            dtype = get_default_dtype()
        elif a.dtype.kind in "iu":
            dtype = int64
        elif a.dtype.kind == "b":
            dtype = a.dtype
        elif a.dtype.kind == "c":
            dtype = a.dtype
        else:
            raise TypeError(f"tensor: cannot make a tensor from data of type {type(data).__name__}")
    return xp.asarray(a, dtype=dtype).copy() if xp is numpy else xp.asarray(a, dtype=dtype)


def _flat(data):
    for d in data:
        if isinstance(d, (list, tuple)):
            yield from _flat(d)
        else:
            yield d


def _untensor(data):
    if isinstance(data, Tensor):
        return data.array
    if isinstance(data, (list, tuple)):
        return [_untensor(d) for d in data]
    return data


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, numpy.integer)) or s < 0:
            raise ValueError(f"size: expected non-negative integers, got {tuple(size)}")
    return tuple(int(s) for s in size)


def _make(array, requires_grad, device):
    check_device(device)
    t = Tensor._wrap(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A new tensor holding a copy of ``data``: ``ember.tensor([[1., 2.], [3., 4.]])``."""
    return _make(to_array(data, dtype), requires_grad, device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array of the right dtype."""
    if isinstance(data, Tensor) and (dtype is None or as_dtype(dtype) == data.dtype):
        return data
    if isinstance(data, numpy.ndarray) and (dtype is None or as_dtype(dtype) == data.dtype):
        return _make(xp.asarray(data), False, device)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array) -> Tensor:
    """A tensor sharing memory with the NumPy ``array`` (dtype kept)."""
    if not isinstance(array, numpy.ndarray):
        raise TypeError(f"from_numpy: expected numpy.ndarray, got {type(array).__name__}")
    return Tensor._wrap(xp.asarray(array))


def _float_dtype(dtype):
    return as_dtype(dtype) or get_default_dtype()


def zeros(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.zeros(_shape(size), _float_dtype(dtype)), requires_grad, device)


def ones(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.ones(_shape(size), _float_dtype(dtype)), requires_grad, device)


def empty(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.empty(_shape(size), _float_dtype(dtype)), requires_grad, device)


def full(size, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    if dtype is None:
        dtype = to_array(fill_value).dtype
    return _make(xp.full(_shape((size,)), fill_value, as_dtype(dtype)), requires_grad, device)


def eye(n, m=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``arange(5)`` is [0, 1, 2, 3, 4]; int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    args = [float(v) if isinstance(v, Tensor) else v for v in (start, end, step)]
    if dtype is None:
        dtype = get_default_dtype() if any(isinstance(v, float) for v in args) else int64
    n = max(0, math.ceil((args[1] - args[0]) / args[2]))
    array = (args[0] + args[2] * xp.arange(n, dtype=numpy.float64)).astype(as_dtype(dtype))
    return _make(array, requires_grad, device)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.linspace(start, end, int(steps)).astype(_float_dtype(dtype)),
                 requires_grad, device)


def logspace(start, end, steps, base=10.0, dtype=None, device=None) -> Tensor:
    return _make(xp.logspace(start, end, int(steps), base=base).astype(_float_dtype(dtype)),
                 False, device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Uniform samples in [0, 1)."""
    a = rng_of(generator).random(_shape(size), dtype=numpy.float64).astype(_float_dtype(dtype))
    return _make(a, requires_grad, device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Standard normal samples."""
    a = rng_of(generator).standard_normal(_shape(size)).astype(_float_dtype(dtype))
    return _make(a, requires_grad, device)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None) -> Tensor:
    """Integers uniform in [low, high): ``randint(10, (3,))`` or ``randint(0, 10, (3,))``."""
    if size is None:
        if isinstance(high, (tuple, list)):
            low, high, size = 0, low, high
        else:
            raise TypeError("randint: missing the size argument")
    if high is None:
        low, high = 0, low
    a = rng_of(generator).integers(low, high, size=_shape((size,)))
    return _make(a.astype(as_dtype(dtype) or int64), False, device)


def randperm(n, generator=None, dtype=None, device=None) -> Tensor:
    return _make(rng_of(generator).permutation(int(n)).astype(as_dtype(dtype) or int64),
                 False, device)


def normal(mean=0.0, std=1.0, size=None, generator=None) -> Tensor:
    m = mean.array if isinstance(mean, Tensor) else mean
    s = std.array if isinstance(std, Tensor) else std
    shape = _shape((size,)) if size is not None else xp.broadcast_shapes(xp.shape(m), xp.shape(s))
    a = rng_of(generator).normal(m, s, size=shape)
    return Tensor._wrap(a.astype(getattr(m, "dtype", get_default_dtype()) if
                                 getattr(m, "dtype", numpy.dtype("f8")).kind == "f"
                                 else get_default_dtype()))


def bernoulli(p, generator=None) -> Tensor:
    probs = p.array if isinstance(p, Tensor) else xp.asarray(p)
    return Tensor._wrap((rng_of(generator).random(probs.shape) < probs).astype(probs.dtype))


def multinomial(probs, num_samples, replacement=False, generator=None) -> Tensor:
    """Draw category indices with probabilities proportional to rows of ``probs``."""
    p = probs.array if isinstance(probs, Tensor) else xp.asarray(probs)
    rows = p.reshape(-1, p.shape[-1]).astype(numpy.float64)
    rng = rng_of(generator)
    out = xp.stack([rng.choice(rows.shape[1], size=num_samples, replace=replacement,
                               p=r / r.sum()) for r in rows])
    return Tensor._wrap(out.reshape(p.shape[:-1] + (num_samples,)).astype(int64))


class FullLike(Function):
    """An array of ``input``'s shape filled with ``fill_value`` (uninitialised if None).

    A primitive (not differentiable), so that ``zeros_like(x)`` on a graph tensor records a
    node that reads x's shape at run time."""

    differentiable = False

    def forward(self, a, fill_value, dtype=None):
        dtype = dtype or a.dtype
        return xp.empty(a.shape, dtype) if fill_value is None else xp.full(a.shape, fill_value,
                                                                            dtype)


class RandomLike(Function):
    """Random numbers of ``input``'s shape from Ember's generator: ``kind`` "rand"
    (uniform [0, 1)), "randn" (standard normal) or "randint" (in [low, high))."""

    differentiable = False
    stateful = True  # draws anew at every run: never folded or merged in a graph

    def forward(self, a, kind, dtype=None, low=0, high=None):
        rng = rng_of()
        if kind == "rand":
            out = rng.random(a.shape)
        elif kind == "randn":
            out = rng.standard_normal(a.shape)
        else:
            out = rng.integers(low, high, size=a.shape)
        return out.astype(dtype or a.dtype)


def _source(input):  # noqa: A002
    return input if isinstance(input, (Tensor, Symbolic)) else xp.asarray(input)


def _finish(out, requires_grad, device):
    check_device(device)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _like(fill_value):
    def like(input, dtype=None, device=None, requires_grad=False):  # noqa: A002
        out = FullLike.apply(_source(input), fill_value=fill_value, dtype=as_dtype(dtype))
        return _finish(out, requires_grad, device)

    return like


def _random_like(kind):
    def like(input, dtype=None, device=None, requires_grad=False):  # noqa: A002
        out = RandomLike.apply(_source(input), kind=kind, dtype=as_dtype(dtype))
        return _finish(out, requires_grad, device)

    return like


zeros_like = _like(0)
ones_like = _like(1)
empty_like = _like(None)
rand_like = _random_like("rand")
randn_like = _random_like("randn")


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):  # noqa: A002
    out = FullLike.apply(_source(input), fill_value=fill_value, dtype=as_dtype(dtype))
    return _finish(out, requires_grad, device)


def randint_like(input, low, high=None, dtype=None):  # noqa: A002
    if high is None:
        low, high = 0, low
    return RandomLike.apply(_source(input), kind="randint", dtype=as_dtype(dtype), low=low,
                            high=high)


# ----------------------------------------------------------------------------- new_*
def _new_dtype(self, dtype):
    return as_dtype(dtype) or self.array.dtype


def new_tensor(self, data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A tensor of ``data`` with ``self``'s dtype unless ``dtype`` is given."""
    return _make(to_array(data, _new_dtype(self, dtype)), requires_grad, device)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.zeros(_shape(size), _new_dtype(self, dtype)), requires_grad, device)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.ones(_shape(size), _new_dtype(self, dtype)), requires_grad, device)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.empty(_shape(size), _new_dtype(self, dtype)), requires_grad, device)


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False) -> Tensor:
    return _make(xp.full(_shape((size,)), fill_value, _new_dtype(self, dtype)), requires_grad,
                 device)


def is_tensor(obj) -> bool:
    """Whether ``obj`` is an Ember ``Tensor``."""
    return isinstance(obj, Tensor)


def numel(input) -> int:  # noqa: A002
    """The number of elements of ``input``."""
    return input.numel()


def is_floating_point(input) -> bool:  # noqa: A002
    """Whether ``input`` has a floating point dtype."""
    return input.is_floating_point()


# ----------------------------------------------------------------------------- legacy types
class _LegacyType(type):
    """``isinstance(t, ember.FloatTensor)`` checks the dtype, as in PyTorch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype == cls.dtype

    def __repr__(cls):
        return f"<class 'ember.{cls.__name__}'>"


def _is_size(args) -> bool:
    return bool(args) and all(isinstance(a, (int, numpy.integer)) and not isinstance(a, bool)
                              for a in args)


class _LegacyTensor(metaclass=_LegacyType):
    """PyTorch's legacy typed constructors: ``FloatTensor([1, 2])`` (data: a list, tuple,
    array or tensor), ``FloatTensor(2, 3)`` (a size, filled with zeros), ``FloatTensor()``."""

    dtype = None

    def __new__(cls, *args, device=None):
        check_device(device)
        if not args:
            return Tensor._wrap(xp.zeros((0,), cls.dtype))
        if len(args) == 1 and isinstance(args[0], Size):
            args = tuple(args[0])
        if _is_size(args):
            return Tensor._wrap(xp.zeros(tuple(int(a) for a in args), cls.dtype))
        if len(args) == 1 and isinstance(args[0], (list, tuple, numpy.ndarray, Tensor)):
            return Tensor._wrap(to_array(args[0], cls.dtype))
        kinds = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"{cls.__name__}(): expected data (a list, tuple, array or tensor) or "
                        f"a size (integers), got ({kinds})")


def _legacy(name, dtype):
    return _LegacyType(name, (_LegacyTensor,), {"dtype": numpy.dtype(dtype), "__doc__":
                       f"``ember.{name}(data)``: a {dtype} tensor (PyTorch's legacy "
                       "constructor)."})


FloatTensor = _legacy("FloatTensor", "float32")
DoubleTensor = _legacy("DoubleTensor", "float64")
HalfTensor = _legacy("HalfTensor", "float16")
LongTensor = _legacy("LongTensor", "int64")
IntTensor = _legacy("IntTensor", "int32")
ShortTensor = _legacy("ShortTensor", "int16")
ByteTensor = _legacy("ByteTensor", "uint8")
BoolTensor = _legacy("BoolTensor", "bool")
LEGACY_TYPES = {cls.__name__: cls for cls in (FloatTensor, DoubleTensor, HalfTensor,
                                              LongTensor, IntTensor, ShortTensor, ByteTensor,
                                              BoolTensor)}
