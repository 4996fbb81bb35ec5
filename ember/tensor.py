"""``Tensor``: an array, its gradient, and the node of the autograd graph that made it.

This file holds the data side of a tensor (attributes, conversions, printing). The math
methods (``+``, ``sum``, ``reshape``, ...) are the functions of ``ember.ops``, installed
on the class by ``ember.ops.methods`` so that each op is written in one place.
"""
from __future__ import annotations

import numpy

from ember.backend import to_numpy, xp
from ember.dtypes import as_dtype, bool_, float32, int64  # noqa: F401


class device:  # noqa: N801  (PyTorch's name)
    """Where a tensor lives. Ember computes on ``cpu`` (``cuda`` with the CuPy backend)."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, idx = str(type).partition(":")
        if name not in ("cpu", "cuda", "mps"):
            raise RuntimeError(f"device: expected one of cpu, cuda, mps, got {type!r}")
        self.type = name
        self.index = int(idx) if idx else index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type

    def __hash__(self):
        return hash(self.type)

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else (
            f"device(type='{self.type}', index={self.index})")

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"


CPU = device("cpu")


def check_device(dev) -> None:
    """Refuse a device this build cannot compute on, with the reason."""
    if dev is None:
        return
    d = device(dev)
    if d.type != "cpu":
        raise RuntimeError(
            f"device {d}: Ember computes on the CPU with the NumPy backend; "
            f"ember.cuda.is_available() is False"
        )


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    Create tensors with ``ember.tensor(data)``, ``ember.zeros(shape)``, ... The raw array
    is ``t.array`` (a NumPy array); ``t.grad`` is a ``Tensor`` after ``backward``.
    """

    __slots__ = ("array", "grad", "requires_grad", "_ctx", "_idx", "_version", "_hooks",
                 "__weakref__")

    def __init__(self, data=None, dtype=None, requires_grad=False):
        """``Tensor(data)`` builds a float tensor (the default dtype, as PyTorch's legacy
        constructor does, even from integers); ``ember.tensor`` infers the dtype instead."""
        from ember.creation import to_array
        from ember.dtypes import get_default_dtype

        self._init_leaf(to_array([] if data is None else data,
                                  get_default_dtype() if dtype is None else dtype),
                        requires_grad)

    def _init_leaf(self, array, requires_grad) -> None:
        """Make ``self`` a fresh leaf holding ``array`` (what constructors share)."""
        self.array = array
        self.grad = None
        self._ctx = None
        self._idx = 0
        self._version = 0
        self._hooks = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, array, requires_grad=False):
        """A leaf tensor around ``array`` (no copy)."""
        t = object.__new__(Tensor)
        t.array = array
        t.grad = None
        t.requires_grad = requires_grad
        t._ctx = None
        t._idx = 0
        t._version = 0
        t._hooks = None
        return t

    # ------------------------------------------------------------------- attributes
    @property
    def shape(self):
        return Size(self.array.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self.array.shape)
        return self.array.shape[dim]

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def ndim(self):
        return self.array.ndim

    def dim(self):
        return self.array.ndim

    def numel(self):
        return self.array.size

    nelement = numel

    def element_size(self):
        return self.array.itemsize

    def is_contiguous(self, memory_format=None):
        """Whether the elements lie in row-major order without gaps (a transpose does not)."""
        return bool(self.array.flags.c_contiguous)

    def stride(self, dim=None):
        """Steps in elements (not bytes) between neighbours along each dimension."""
        steps = tuple(s // self.array.itemsize for s in self.array.strides)
        return steps if dim is None else steps[dim]

    def data_ptr(self):
        """The address of the first element: equal for tensors that share memory."""
        return self.array.__array_interface__["data"][0]

    @property
    def device(self):
        return CPU

    @property
    def is_leaf(self):
        return self._ctx is None

    @property
    def grad_fn(self):
        return self._ctx

    @property
    def is_cuda(self):
        return False

    def is_floating_point(self):
        return self.array.dtype.kind == "f"

    @property
    def data(self):
        """A tensor sharing this tensor's array, cut from the graph (PyTorch's ``.data``)."""
        return Tensor._wrap(self.array)

    @data.setter
    def data(self, value):
        self.array = value.array if isinstance(value, Tensor) else xp.asarray(value)

    def requires_grad_(self, requires_grad=True):
        if requires_grad and self.array.dtype.kind not in "fc":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients "
                f"(got {self.array.dtype})"
            )
        if not requires_grad and self._ctx is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self.requires_grad = requires_grad
        return self

    # ------------------------------------------------------------------- conversion
    def numpy(self, force=False):
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return to_numpy(self.array)

    def __array__(self, dtype=None, copy=None):
        a = to_numpy(self.array)
        return a if dtype is None else a.astype(dtype)

    def item(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"a Tensor with {self.array.size} elements cannot be converted to Scalar"
            )
        return self.array.reshape(()).item()

    def tolist(self):
        return to_numpy(self.array).tolist()

    def detach(self):
        return Tensor._wrap(self.array)

    def detach_(self):
        self._ctx = None
        self.requires_grad = False
        return self

    def cpu(self):
        return self

    def cuda(self, device=None):
        check_device("cuda")

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.array.dtype.kind not in "iu" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self.array.size} values is ambiguous"
            )
        return bool(self.array.reshape(()).item())

    def __len__(self):
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __iter__(self):
        if self.array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.array.shape[0]))

    __hash__ = object.__hash__

    # ------------------------------------------------------------------- autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is required unless ``self`` has a single element. The graph is freed
        afterwards unless ``retain_graph=True``.
        """
        from ember.autograd import backward

        if create_graph:
            raise NotImplementedError("backward: create_graph=True is not supported")
        backward(self, gradient, retain_graph=bool(retain_graph))

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle with ``remove()``."""
        from ember.autograd import register_hook

        return register_hook(self, hook)

    def retain_grad(self):
        from ember.autograd import retain_grad

        retain_grad(self)

    # ------------------------------------------------------------------- printing
    def __repr__(self):
        a = to_numpy(self.array)
        mode = "maxprec_equal"
        if a.dtype.kind == "f":
            finite = a[numpy.isfinite(a)]
            if finite.size and (finite != numpy.round(finite)).any():
                mode = "fixed"  # PyTorch prints 4 decimals unless every value is whole
        body = numpy.array2string(a, separator=", ", prefix="tensor(", precision=4,
                                  floatmode=mode)
        extras = []
        if a.dtype not in (float32, int64, bool_) or a.size == 0:
            extras.append(f"dtype=ember.{a.dtype}")
        if self._ctx is not None:
            extras.append(f"grad_fn=<{type(self._ctx).__name__}Backward>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    __str__ = __repr__


class Size(tuple):
    """A tensor's shape: a tuple, printed as ``ember.Size([2, 3])``, with ``numel()``."""

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"ember.Size({list(self)})"
