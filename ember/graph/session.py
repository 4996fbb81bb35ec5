"""``Session``: runs parts of a graph, holding the values of its Variables.

``sess.run(fetches, feed_dict)`` takes what TF1 takes: a tensor, an operation, or a
list, tuple or dict of them (nested), and returns the values in the same structure
(NumPy arrays; NumPy scalars for 0-d values; ``None`` for operations).
"""
from __future__ import annotations

from ember.backend import xp
from ember.graph.errors import InvalidArgumentError
from ember.graph.graph import Operation, get_default_graph
from ember.graph.program import Program
from ember.graph.tensor import Tensor, format_shape
from ember.tensor import Tensor as EagerTensor

_sessions = []


def get_default_session():
    """The innermost session entered with ``with Session() as sess:``, or None."""
    return _sessions[-1] if _sessions else None


def default_session(what: str):
    s = get_default_session()
    if s is None:
        raise ValueError(f"{what}: no default session is registered. Use `with Session():` "
                         f"or pass session=sess")
    return s


class Session:
    """Runs a graph (the default graph unless given): ``with Session() as sess: ...``."""

    def __init__(self, target: str = "", graph=None, config=None):
        self.graph = graph or get_default_graph()
        self.variables = {}  # Variable op -> its current array
        self.slots = {}  # optimizer state, per apply op
        # gradient tensor id -> the buffer its optimizer reads it from: a backward may
        # write the gradient there directly (``Function.grad_out``)
        self.grad_buffers = {}
        self._programs = {}
        self._closed = False

    # ------------------------------------------------------------------ lifecycle
    def close(self) -> None:
        """Free the Variables' values and compiled programs; the session can't run again."""
        self.variables.clear()
        self.slots.clear()
        self.grad_buffers.clear()
        self._programs.clear()
        self._closed = True

    def __enter__(self):
        _sessions.append(self)
        return self

    def __exit__(self, *exc):
        if _sessions and _sessions[-1] is self:
            _sessions.pop()
        self.close()

    def as_default(self):
        return _DefaultSession(self)

    # ------------------------------------------------------------------ running
    def run(self, fetches, feed_dict=None):
        """Compute ``fetches`` (tensors, ops, lists, tuples, dicts) given ``feed_dict``.

        Only the ops the fetches need run, each once. Example:
        ``loss_value, _ = sess.run([loss, train_op], feed_dict={x: xb, y: yb})``.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        targets = []
        structure = _flatten(fetches, targets, self.graph)
        feeds, values = [], []
        for key, value in (feed_dict or {}).items():
            if not isinstance(key, Tensor):
                raise TypeError(f"feed_dict: keys must be graph tensors, got "
                                f"{type(key).__name__}")
            if key.graph is not self.graph:
                raise ValueError(f"feed_dict: {key!r} is not an element of this graph")
            feeds.append(key)
            values.append(convert_feed(key, value))
        cache_key = (tuple(map(id, targets)), tuple(map(id, feeds)))
        program = self._programs.get(cache_key)
        if program is None:
            program = self._programs[cache_key] = Program(self, targets, feeds)
        results = program.run(values)
        return _rebuild(structure, iter([_result(r, c) for r, c in zip(
            results, program.fetch_copies)]))

    def program(self, fetches, feed_dict=None) -> Program:
        """The compiled program for ``fetches`` (its ``stats`` give node counts)."""
        targets = []
        _flatten(fetches, targets, self.graph)
        feeds = list(feed_dict or {})
        return Program(self, targets, feeds)


class _DefaultSession:
    def __init__(self, session):
        self.session = session

    def __enter__(self):
        _sessions.append(self.session)
        return self.session

    def __exit__(self, *exc):
        _sessions.pop()


class InteractiveSession(Session):
    """A session that makes itself the default one as soon as it is created."""

    def __init__(self, target: str = "", graph=None, config=None):
        super().__init__(target, graph, config)
        _sessions.append(self)

    def close(self) -> None:
        if self in _sessions:
            _sessions.remove(self)
        super().close()


def _flatten(fetches, targets, graph):
    """Collect the tensors and ops of ``fetches`` into ``targets``; return its structure."""
    if isinstance(fetches, (Tensor, Operation)):
        if fetches.graph is not graph:
            raise ValueError(f"Fetch argument {fetches!r} cannot be interpreted as a Tensor: "
                             f"it is not an element of this graph")
        targets.append(fetches)
        return None
    if isinstance(fetches, dict):
        return (type(fetches), [(k, _flatten(v, targets, graph)) for k, v in fetches.items()])
    if isinstance(fetches, (list, tuple)):
        return (type(fetches), [_flatten(v, targets, graph) for v in fetches])
    raise TypeError(f"Fetch argument {fetches!r} has invalid type {type(fetches).__name__}; "
                    f"must be a graph tensor, an operation, or a list, tuple or dict of them")


def _rebuild(structure, values):
    if structure is None:
        return next(values)
    kind, items = structure
    if issubclass(kind, dict):
        return kind((k, _rebuild(s, values)) for k, s in items)
    out = [_rebuild(s, values) for s in items]
    return kind(*out) if hasattr(kind, "_fields") else kind(out)


def _result(r, copy):
    if r is None:
        return None
    if copy or r.base is not None:  # it may alias a Variable that runs update in place
        r = r.copy()
    return r[()] if r.ndim == 0 else r


def _feedable(have, want) -> bool:
    """Whether values of dtype ``have`` may be fed for dtype ``want`` (no loss of kind)."""
    if have == want:
        return True
    if want.kind == "f":
        return have.kind in "fiu"
    if want.kind in "iu":
        return have.kind in "iu"
    return want.kind == "c" and have.kind in "fiuc"


def convert_feed(t: Tensor, value):
    """``value`` as an array of ``t``'s dtype, after checking dtype and shape."""
    if isinstance(value, Tensor):
        raise TypeError(f"The value of a feed cannot be a graph tensor ({value.name}); feed "
                        f"arrays, numbers or eager tensors to {t.name}")
    array = value.array if isinstance(value, EagerTensor) else xp.asarray(value)
    want = t._dtype
    if want is not None and array.dtype != want:
        if not _feedable(array.dtype, want):
            raise TypeError(f"Cannot feed value of dtype {array.dtype} for Tensor "
                            f"'{t.name}', which has dtype {want}")
        array = array.astype(want)
    shape = t._shape
    if shape is not None and (len(shape) != array.ndim or any(
            d is not None and d != n for d, n in zip(shape, array.shape))):
        raise InvalidArgumentError(
            f"Cannot feed value of shape {tuple(array.shape)} for Tensor '{t.name}', "
            f"which has shape {format_shape(shape)}")
    return array
