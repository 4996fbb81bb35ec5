"""The dataflow graph: operations (nodes) and the tensors (edges) between them.

A ``Graph`` is built first and run later by a ``Session``. Every eager op records itself
here when one of its inputs is a graph tensor (``Function.apply`` calls
``graph.record``), so graph mode runs the very op classes that eager mode runs: the node
keeps the op class and its attributes, and the session calls ``forward`` and ``backward``
of fresh instances of that class.
"""
from __future__ import annotations

import contextlib
import threading

from ember.autograd import Symbolic
from ember.graph.infer import infer_outputs
from ember.tensor import Tensor as EagerTensor

GLOBAL_VARIABLES = "variables"
TRAINABLE_VARIABLES = "trainable_variables"


class Operation:
    """A node of the graph: an op class applied to inputs, with attributes.

    ``inputs`` holds graph tensors and literals (Python scalars, arrays), exactly as
    passed to the op, so that a literal keeps its Python type (``x * 2.0`` stays
    float32, as in eager mode). ``op_class`` is an ``ember.autograd.Function`` subclass
    or a graph-only ``Kernel`` (constants, placeholders, variables, assignments).
    """

    __slots__ = ("graph", "name", "op_class", "inputs", "attrs", "outputs", "id",
                 "control_inputs", "n_lifted", "__weakref__")

    def __init__(self, graph, name, op_class, inputs, attrs, control_inputs=(), n_lifted=0):
        self.graph = graph
        self.n_lifted = n_lifted
        self.name = name
        self.op_class = op_class
        self.inputs = tuple(inputs)
        self.attrs = attrs
        self.control_inputs = tuple(control_inputs)
        self.outputs = ()
        self.id = -1

    @property
    def type(self) -> str:
        """The op's type name (``"MatMul"``, ``"Placeholder"``, ...)."""
        return getattr(self.op_class, "type_name", self.op_class.__name__)

    def input_tensors(self):
        """The inputs that are graph tensors (the edges into this node)."""
        return [t for t in self.inputs if isinstance(t, Symbolic)]

    def values(self):
        return tuple(self.outputs)

    def run(self, feed_dict=None, session=None) -> None:
        """Run this op in ``session`` (the default session when None)."""
        from ember.graph.session import default_session

        (session or default_session("Operation.run")).run(self, feed_dict=feed_dict)

    def __repr__(self):
        return f'<ember.graph.Operation "{self.name}" type={self.type}>'


class Graph:
    """A dataflow graph: ``with Graph().as_default(): ...`` builds into it.

    Ops are kept in creation order, which is a topological order (an op is always
    created after its inputs); sessions run them in that order.
    """

    def __init__(self):
        self.operations = []
        self._names = {}
        self._scope = []
        self._collections = {}
        self._captured = {}  # id(eager tensor) -> (eager tensor, graph tensor)
        self._lock = threading.Lock()
        self.finalized = False

    # ------------------------------------------------------------------ building
    def unique_name(self, name: str) -> str:
        """``name`` under the current name scope, suffixed ``_1``, ``_2``... if taken."""
        if self._scope:
            name = "/".join(self._scope) + "/" + name
        n = self._names.get(name, 0)
        self._names[name] = n + 1
        if n == 0:
            return name
        while f"{name}_{n}" in self._names:
            n += 1
        self._names[f"{name}_{n}"] = 1
        return f"{name}_{n}"

    @contextlib.contextmanager
    def name_scope(self, name: str):
        """Prefix the names of the ops created inside with ``name/``."""
        self._scope.append(name)
        try:
            yield name
        finally:
            self._scope.pop()

    def add_op(self, op_class, inputs=(), attrs=None, name=None, outputs=None,
               control_inputs=(), n_lifted=0):
        """Create an op and its output tensors.

        ``outputs`` is a list of ``(shape, dtype)`` per output; when None they are
        inferred by running the op on small arrays (``ember.graph.infer``).
        """
        from ember.graph.tensor import Tensor

        if self.finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        attrs = {} if attrs is None else attrs
        if outputs is None:
            outputs = infer_outputs(op_class, inputs, attrs, n_lifted)
            if outputs is None:
                raise ValueError(
                    f"{op_class.__name__}: the number of outputs depends on input shapes that "
                    f"are unknown until run time; give the placeholders full shapes")
        with self._lock:
            op = Operation(self, self.unique_name(name or getattr(
                op_class, "type_name", op_class.__name__)), op_class, inputs, attrs,
                control_inputs, n_lifted)
            op.id = len(self.operations)
            op.outputs = tuple(Tensor(op, i, shape, dtype)
                               for i, (shape, dtype) in enumerate(outputs))
            self.operations.append(op)
        return op

    def record(self, op_class, inputs, attrs):
        """Record ``op_class`` applied to ``inputs`` (what ``Function.apply`` calls)."""
        ins = []
        first = None
        for t in inputs:
            if isinstance(t, Symbolic):
                if t.graph is not self:
                    raise ValueError(
                        f"{op_class.__name__}: {t!r} must be from the same graph as "
                        f"{first!r}; tensors from two graphs cannot be mixed")
                if first is None:
                    first = t
                ins.append(t)
            elif isinstance(t, EagerTensor):
                ins.append(self.capture(t))
            else:
                ins.append(t)
        lifted = []
        attrs = _lift(attrs, lifted)
        for t in lifted:
            if t.graph is not self:
                raise ValueError(f"{op_class.__name__}: {t!r} must be from the same graph as "
                                 f"{first!r}; tensors from two graphs cannot be mixed")
        op = self.add_op(op_class, ins + lifted, attrs, n_lifted=len(lifted))
        return op.outputs[0] if op_class.n_out == 1 else op.outputs

    def capture(self, tensor):
        """The graph tensor standing for an eager tensor used in this graph.

        A tensor that requires grad (an ``nn.Parameter``) becomes a trainable Variable
        that reads and updates that tensor's array in place; any other one a constant.
        """
        hit = self._captured.get(id(tensor))
        if hit is not None and hit[0] is tensor:
            return hit[1]
        from ember.graph.variables import constant, variable_from_parameter

        if tensor.requires_grad:
            if tensor._ctx is not None:
                raise ValueError(
                    f"graph: an eager tensor computed from parameters (made by "
                    f"{type(tensor._ctx).__name__}, shape {tuple(tensor.shape)}) was used in "
                    f"a graph; compute it from the parameter inside the graph instead")
            captured = variable_from_parameter(tensor, graph=self)
        else:
            captured = constant(tensor.array, graph=self)
        self._captured[id(tensor)] = (tensor, captured)
        return captured

    # ------------------------------------------------------------------ looking up
    def get_operations(self):
        return list(self.operations)

    def get_operation_by_name(self, name: str) -> Operation:
        for op in self.operations:
            if op.name == name:
                return op
        raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")

    def get_tensor_by_name(self, name: str):
        op_name, _, index = name.partition(":")
        return self.get_operation_by_name(op_name).outputs[int(index or 0)]

    def add_to_collection(self, key: str, value) -> None:
        self._collections.setdefault(key, []).append(value)

    def get_collection(self, key: str):
        return list(self._collections.get(key, []))

    def finalize(self) -> None:
        """Make the graph read-only (any later op creation raises)."""
        self.finalized = True

    # ------------------------------------------------------------------ default graph
    @contextlib.contextmanager
    def as_default(self):
        """``with g.as_default():`` makes ``g`` the graph new ops are created in."""
        _stack.append(self)
        try:
            yield self
        finally:
            _stack.pop()

    # ------------------------------------------------------------------ seeing it
    def to_dot(self, fetches=None) -> str:
        """The graph as Graphviz DOT text (ops as nodes, tensor shapes on edges)."""
        from ember.graph.dot import to_dot

        return to_dot(self, fetches)

    def render(self, path: str, fetches=None) -> str:
        """Write the graph as an image (``.svg``, ``.png``, ``.pdf``) with Graphviz ``dot``."""
        from ember.graph.dot import render

        return render(self, path, fetches)

    def __repr__(self):
        return f"<ember.graph.Graph with {len(self.operations)} operations>"


class Lifted:
    """Stands in an op's attributes for a graph tensor passed there (``x[mask]``)."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return f"<input {self.index}>"


def _lift(value, lifted):
    """``value`` with graph tensors replaced by ``Lifted`` markers (appended to ``lifted``)."""
    if isinstance(value, Symbolic):
        lifted.append(value)
        return Lifted(len(lifted) - 1)
    if isinstance(value, dict):
        return {k: _lift(v, lifted) for k, v in value.items()}
    if isinstance(value, (tuple, list)) and any(isinstance(v, (Symbolic, tuple, list))
                                                for v in value):
        return type(value)(_lift(v, lifted) for v in value)
    return value


def bind(attrs, values):
    """Attributes with each ``Lifted`` marker replaced by its run-time value."""
    if isinstance(attrs, Lifted):
        return values[attrs.index]
    if isinstance(attrs, dict):
        return {k: bind(v, values) for k, v in attrs.items()}
    if isinstance(attrs, (tuple, list)) and any(isinstance(v, (Lifted, tuple, list))
                                                for v in attrs):
        return type(attrs)(bind(v, values) for v in attrs)
    return attrs


def split_call(op, arrays):
    """``(positional arrays, attrs)`` for calling ``op``'s forward on its input values."""
    if not op.n_lifted:
        return arrays, op.attrs
    n = len(arrays) - op.n_lifted
    return arrays[:n], bind(op.attrs, arrays[n:])


_stack = []
_default = [Graph()]


def get_default_graph() -> Graph:
    """The graph that new ops go into: the innermost ``as_default()``, else the global one."""
    return _stack[-1] if _stack else _default[0]


def reset_default_graph() -> None:
    """Replace the global default graph by a new, empty one."""
    if _stack:
        raise AssertionError("Do not use reset_default_graph() inside a graph.as_default() "
                             "block: the nested graph would be left in place")
    _default[0] = Graph()
