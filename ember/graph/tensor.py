"""The graph tensor: an edge of the graph, a value that a ``Session`` computes later.

It carries a static shape (``None`` for dimensions known only at feed time) and a dtype,
and has every method and operator of the eager ``Tensor`` (the same table,
``ember.ops.methods``): calling them records nodes instead of computing values.
"""
from __future__ import annotations

from ember.autograd import Symbolic
from ember.tensor import CPU


class TensorShape(tuple):
    """A static shape: a tuple whose unknown dimensions are ``None``, printed ``(?, 784)``."""

    def as_list(self):
        return list(self)

    @property
    def ndims(self):
        return len(self)

    rank = ndims

    def is_fully_defined(self) -> bool:
        return all(d is not None for d in self)

    def numel(self):
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def __repr__(self):
        inner = ", ".join("?" if d is None else str(d) for d in self)
        return f"({inner},)" if len(self) == 1 else f"({inner})"


def format_shape(shape) -> str:
    """``(?, 784)`` for a static shape, ``<unknown>`` when even the rank is unknown."""
    return "<unknown>" if shape is None else repr(TensorShape(shape))


class Tensor(Symbolic):
    """Output ``value_index`` of operation ``op``; run it with ``Session.run`` or ``eval``."""

    __slots__ = ("op", "value_index", "_shape", "_dtype")
    requires_grad = False
    __array_ufunc__ = None  # ``ndarray + tensor`` defers to ``tensor.__radd__``

    def __init__(self, op, value_index, shape, dtype):
        self.op = op
        self.value_index = value_index
        self._shape = None if shape is None else tuple(shape)
        self._dtype = dtype

    @property
    def graph(self):
        return self.op.graph

    @property
    def name(self) -> str:
        return f"{self.op.name}:{self.value_index}"

    @property
    def dtype(self):
        if self._dtype is None:
            raise TypeError(f"{self.name}: dtype unknown until the graph runs")
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        """The static shape; a dimension is ``None`` where it is known only at run time."""
        if self._shape is None:
            raise ValueError(f"{self.name}: the rank of this tensor is unknown until the "
                             f"graph runs; only its run-time value has a shape")
        return TensorShape(self._shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def dim(self) -> int:
        return len(self.shape)

    def numel(self):
        return self.shape.numel()

    @property
    def device(self):
        return CPU

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def consumers(self):
        """The operations that take this tensor as an input."""
        return [op for op in self.graph.operations
                if any(t is self for t in op.inputs)]

    def eval(self, feed_dict=None, session=None):
        """This tensor's value in ``session`` (the default session when None)."""
        from ember.graph.session import default_session

        return (session or default_session("Tensor.eval")).run(self, feed_dict=feed_dict)

    def detach(self):
        """A tensor with the same value through which no gradient flows (``stop_gradient``)."""
        from ember.graph.kernels import StopGradient

        return self.graph.record(StopGradient, (self,), {})

    def __repr__(self):
        dtype = "?" if self._dtype is None else self._dtype
        return f'Tensor("{self.name}", shape={format_shape(self._shape)}, dtype={dtype})'

    __hash__ = object.__hash__

    def __bool__(self):
        raise TypeError(
            f"Using a graph tensor ({self.name}) as a Python bool is not allowed: its value "
            f"exists only when a Session runs it; use ember.where or run it first")

    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        raise TypeError(f"Tensor {self.name} is not iterable in graph mode: index it instead")

    def _no_value(self, what):
        raise TypeError(f"{what}: graph tensor {self.name} has no value until a Session runs "
                        f"it; use sess.run(tensor) or tensor.eval()")

    def numpy(self):
        self._no_value("numpy()")

    def item(self):
        self._no_value("item()")

    def tolist(self):
        self._no_value("tolist()")

    def __array__(self, dtype=None, copy=None):
        self._no_value("numpy.asarray")

    def __float__(self):
        self._no_value("float()")

    def __int__(self):
        self._no_value("int()")

    def __getattr__(self, name):
        # methods added to the eager table after ``ember.graph`` was imported
        from ember.ops.methods import METHODS

        fn = METHODS.get(name)
        if fn is None:
            raise AttributeError(f"graph Tensor has no attribute {name!r}")
        return fn.__get__(self, Tensor)


_INPLACE = {"__iadd__": "__add__", "__isub__": "__sub__", "__imul__": "__mul__",
            "__itruediv__": "__truediv__", "__ipow__": "__pow__", "__imatmul__": "__matmul__"}


def _refuse_inplace(name):
    def refuse(self, *args, **kwargs):
        raise TypeError(
            f"{name}: graph tensors are immutable, so in-place ops are not supported on "
            f"{self.name}; use the out-of-place op (e.g. x = x.add(y)) or Variable.assign")

    refuse.__name__ = name
    return refuse


def install_methods() -> None:
    """Give ``Tensor`` every method and operator of the eager table (``ember.ops.methods``).

    In-place forms rebind instead (``x += 1`` makes ``x`` a new node) or are refused
    (``add_``, ``x[i] = v``): a graph tensor's value is computed, never overwritten.
    """
    from ember.ops.methods import METHODS, install

    install(Tensor)
    for name in METHODS:
        if name in _INPLACE:
            setattr(Tensor, name, METHODS[_INPLACE[name]])
        elif name == "__setitem__" or (name.endswith("_") and not name.endswith("__")):
            setattr(Tensor, name, _refuse_inplace(name))
