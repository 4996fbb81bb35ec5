"""The graph's sources of values: ``constant``, ``placeholder`` and ``Variable``.

A constant's value is fixed when the graph is built, a placeholder's is fed at run time
(``feed_dict``), and a Variable's lives in the session (from its initializer on) or, for
an ``nn.Parameter`` used in a graph, in the parameter itself, which training updates in
place so that the eager module sees the trained weights.
"""
from __future__ import annotations

from ember.creation import to_array
from ember.dtypes import as_dtype
from ember.graph.graph import GLOBAL_VARIABLES, TRAINABLE_VARIABLES, get_default_graph
from ember.graph.kernels import Assign, Const, NoOp, Placeholder, VariableV2
from ember.graph.tensor import Tensor
from ember.tensor import Tensor as EagerTensor


def constant(value, dtype=None, shape=None, name: str = "Const", graph=None) -> Tensor:
    """A tensor with a fixed value: ``constant(2.0)``, ``constant([1, 2], float32)``.

    Python floats become float32, ints int64; ``shape`` fills or reshapes the value.
    """
    if isinstance(value, Tensor):
        raise TypeError(f"constant: value is already a graph tensor ({value.name})")
    array = to_array(value.array if isinstance(value, EagerTensor) else value, dtype)
    if shape is not None:
        shape = tuple(shape)
        array = (array.reshape(shape) if array.size != 1 else
                 array.reshape(()).repeat(_numel(shape)).reshape(shape))
    graph = graph or get_default_graph()
    return graph.add_op(Const, (), {"value": array}, name=name).outputs[0]


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def placeholder(dtype, shape=None, name: str = "Placeholder") -> Tensor:
    """A tensor fed at run time: ``x = placeholder(float32, shape=(None, 784))``.

    ``shape=None`` accepts any shape; ``None`` entries accept any size in that dimension.
    The fed value's shape and dtype are checked against these.
    """
    dtype = as_dtype(dtype)
    if dtype is None:
        raise TypeError("placeholder: dtype is required, e.g. placeholder(float32)")
    if shape is not None:
        shape = tuple(None if d is None or d == -1 else int(d) for d in shape)
    attrs = {"dtype": dtype, "shape": shape}
    return get_default_graph().add_op(Placeholder, (), attrs, name=name).outputs[0]


class Variable(Tensor):
    """A tensor whose value persists across runs and that training updates.

    ``W = Variable([.3], dtype=float32)``; run ``global_variables_initializer()`` (or
    ``W.initializer``) in a session before reading it. ``W.assign(v)``,
    ``W.assign_add(v)`` and ``W.assign_sub(v)`` return tensors that update it when run.
    """

    __slots__ = ("initializer", "initial_value", "trainable")

    def __init__(self, initial_value=None, dtype=None, trainable: bool = True,
                 name: str | None = None, graph=None):
        if initial_value is None:
            raise ValueError("Variable: initial_value must be specified")
        dtype = as_dtype(dtype)
        if isinstance(initial_value, Tensor):
            graph = initial_value.graph
            init = initial_value if dtype is None or initial_value.dtype == dtype else (
                initial_value.to(dtype))
        else:
            graph = graph or get_default_graph()
            init = constant(initial_value, dtype, name=f"{name or 'Variable'}/initial_value",
                            graph=graph)
        op = graph.add_op(VariableV2, (), {"shape": init._shape, "dtype": init._dtype,
                                           "param": None}, name=name or "Variable")
        super().__init__(op, 0, init._shape, init._dtype)
        op.outputs = (self,)
        self.initial_value = init
        self.trainable = trainable
        self.initializer = graph.add_op(Assign, (init,), {"var": self, "mode": "set"},
                                        name=f"{op.name}/Assign")
        graph.add_to_collection(GLOBAL_VARIABLES, self)
        if trainable:
            graph.add_to_collection(TRAINABLE_VARIABLES, self)

    def _assign(self, value, mode, name):
        if not isinstance(value, Tensor):
            value = constant(value, self._dtype, graph=self.graph)
        elif value.graph is not self.graph:
            raise ValueError(f"{name}: {value!r} must be from the same graph as {self!r}")
        op = self.graph.add_op(Assign, (value,), {"var": self, "mode": mode},
                               name=f"{self.op.name}/{name}")
        return op.outputs[0]

    def assign(self, value) -> Tensor:
        """A tensor that, when run, sets this variable to ``value`` and gives the new value."""
        return self._assign(value, "set", "Assign")

    def assign_add(self, delta) -> Tensor:
        """A tensor that, when run, adds ``delta`` to this variable."""
        return self._assign(delta, "add", "AssignAdd")

    def assign_sub(self, delta) -> Tensor:
        """A tensor that, when run, subtracts ``delta`` from this variable."""
        return self._assign(delta, "sub", "AssignSub")

    def value(self) -> Tensor:
        return self

    read_value = value

    def load(self, value, session=None) -> None:
        """Set the value now, in ``session`` (the default session when None)."""
        from ember.graph.session import default_session

        (session or default_session("Variable.load")).run(self.assign(value))

    def __repr__(self):
        return (f"<ember.graph.Variable '{self.op.name}:0' shape={self.shape!r} "
                f"dtype={self._dtype}>")

    __hash__ = Tensor.__hash__


def variable_from_parameter(param: EagerTensor, graph) -> Variable:
    """A trainable Variable backed by an eager tensor's array (an ``nn.Parameter``)."""
    var = Variable.__new__(Variable)
    shape, dtype = tuple(param.array.shape), param.array.dtype
    op = graph.add_op(VariableV2, (), {"shape": shape, "dtype": dtype, "param": param},
                      name="Parameter")
    Tensor.__init__(var, op, 0, shape, dtype)
    op.outputs = (var,)
    var.initial_value = None
    var.trainable = True
    var.initializer = graph.add_op(NoOp, (), name=f"{op.name}/initialized")
    graph.add_to_collection(GLOBAL_VARIABLES, var)
    graph.add_to_collection(TRAINABLE_VARIABLES, var)
    return var


def global_variables(graph=None):
    return (graph or get_default_graph()).get_collection(GLOBAL_VARIABLES)


def trainable_variables(graph=None):
    return (graph or get_default_graph()).get_collection(TRAINABLE_VARIABLES)


def group(*inputs, name: str = "group_deps"):
    """An op that runs all ``inputs`` (ops or tensors) and outputs nothing."""
    ops = [t.op if isinstance(t, Tensor) else t for t in inputs]
    graph = ops[0].graph if ops else get_default_graph()
    return graph.add_op(NoOp, (), name=name, control_inputs=ops)


def variables_initializer(var_list, name: str = "init"):
    """An op that initialises the Variables of ``var_list``."""
    var_list = list(var_list)
    graph = var_list[0].graph if var_list else get_default_graph()
    return graph.add_op(NoOp, (), name=name, control_inputs=[v.initializer for v in var_list])


def global_variables_initializer():
    """An op that initialises every Variable of the default graph (run it first)."""
    return variables_initializer(global_variables(), name="init")
