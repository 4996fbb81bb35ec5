"""Reverse-mode automatic differentiation: ``Function``, recording, ``backward``.

Every differentiable primitive is a subclass of ``Function`` with a ``forward`` and a
``backward`` on raw arrays, side by side. ``Function.apply`` is the one path that runs an
op: if any input is a graph-mode tensor it records a graph node instead of computing;
otherwise it computes now and, when gradients are wanted, makes the ``Function`` instance
the node of the autograd graph that links the output to its inputs.

The engine (``run_backward``) visits the nodes reachable from the outputs in reverse order
of creation (a valid reverse topological order, since a node is always created after its
inputs), iteratively, so that deep or long-unrolled graphs need no recursion.
"""
from __future__ import annotations

import functools
import itertools
import weakref
from heapq import heappop, heappush

from ember.backend import xp
from ember.errors import GradcheckError, shape_error
from ember.tensor import Tensor

_grad_enabled = True
_sequence = itertools.count()
# Set by the first in-place op on a tensor: from then on nodes record their inputs'
# versions and backward checks them (before it, every version is 0).
_inplace_seen = False


def bump_version(tensor) -> None:
    """Mark ``tensor`` as modified in place (called by every in-place op)."""
    global _inplace_seen
    _inplace_seen = True
    tensor._version += 1


class Symbolic:
    """Marker base class of graph-mode tensors (``ember.graph``).

    An op applied to any ``Symbolic`` input records a node in that tensor's graph
    (``input.graph.record(op, inputs, attrs)``) instead of computing a value.
    """

    graph = None


class Function:
    """Base class of every differentiable primitive.

    Subclasses define ``forward(self, *arrays, **attrs)`` returning an array (or a tuple
    of arrays for several outputs) and ``backward(self, *grads)`` returning one gradient
    per positional input (``None`` where an input has no gradient). Anything backward
    needs is stored on ``self`` by forward. Gradients for broadcast inputs may keep the
    broadcast shape: the engine reduces them (``unbroadcast``), so backward is just math.

    ``differentiable = False`` marks ops whose outputs never carry gradients
    (comparisons, argmax): nothing is recorded for them. An op with several outputs sets
    ``n_out``; its backward receives one gradient per output, ``None`` for an output that
    received none.
    """

    differentiable = True
    n_out = 1
    parents = None  # the inputs, once recorded; None again after the graph is freed
    versions = None  # the inputs' versions at record time, kept once in-place ops exist
    out_hooks = None  # {output index: [hooks]} from register_hook on non-leaf outputs
    captured = None  # [(output index, key)] that autograd.grad wants returned
    seq = -1  # creation order, set when recorded
    # {input index: array}, optionally set by the caller before ``backward``: the op may
    # write that input's gradient into the array and return it, instead of allocating
    # one (a graph session hands its optimizer's flat gradient buffer this way). Ops that
    # ignore it stay correct: the caller copies what they return.
    grad_out = None

    def forward(self, *arrays, **attrs):
        raise NotImplementedError

    def backward(self, *grads):
        raise NotImplementedError(f"{type(self).__name__} has no backward")

    def needs_input_grad(self, i: int) -> bool:
        """Whether positional input ``i`` wants a gradient (skip costly unused ones)."""
        p = self.parents[i]
        return isinstance(p, Tensor) and p.requires_grad

    @classmethod
    def apply(cls, *inputs, **attrs):
        """Run the op on ``inputs`` (tensors, arrays or Python scalars)."""
        arrays = []
        requires = False
        for t in inputs:
            if isinstance(t, Tensor):
                arrays.append(t.array)
                if t.requires_grad:
                    requires = True
            elif isinstance(t, Symbolic):
                return t.graph.record(cls, inputs, attrs)
            else:
                arrays.append(t)
        fn = cls()
        out = fn.forward(*arrays, **attrs)
        if requires and _grad_enabled and cls.differentiable:
            fn.parents = inputs
            fn.seq = next(_sequence)
            if _inplace_seen:
                fn.versions = [t._version if isinstance(t, Tensor) else 0 for t in inputs]
            if cls.n_out == 1:
                return _new_tensor(out, True, fn, 0)
            return tuple(_new_tensor(o, True, fn, i) for i, o in enumerate(out))
        if cls.n_out == 1:
            return _new_tensor(out, False, None, 0)
        return tuple(_new_tensor(o, False, None, 0) for o in out)


_new = object.__new__


def _new_tensor(array, requires_grad, ctx, idx):
    t = _new(Tensor)
    t.array = array
    t.grad = None
    t.requires_grad = requires_grad
    t._ctx = ctx
    t._idx = idx
    t._version = 0
    t._hooks = None
    return t


def unbroadcast(grad, shape):
    """Sum ``grad`` over the dimensions that broadcasting added or stretched to ``shape``."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1
    )
    if axes:
        grad = grad.sum(axis=axes)
    if grad.shape != shape:
        grad = grad.reshape(shape)
    return grad


# ----------------------------------------------------------------------------- grad mode
class _GradMode:
    """Context manager and decorator that sets whether ops record gradients."""

    enabled = True

    def __enter__(self):
        global _grad_enabled
        self._prev = _grad_enabled
        _grad_enabled = self.enabled

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._prev

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with type(self)():
                return func(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):  # noqa: N801  (PyTorch's name)
    """Ops inside do not record a graph: ``with ember.no_grad(): ...`` or ``@no_grad()``."""

    enabled = False


class inference_mode(_GradMode):  # noqa: N801
    """``no_grad`` under PyTorch's faster-inference name: ``with ember.inference_mode():``,
    ``@inference_mode()`` or bare ``@inference_mode``; ``inference_mode(False)`` records."""

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):  # used as a bare decorator
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.enabled = not mode

    def __call__(self, func):
        mode = not self.enabled

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return func(*args, **kwargs)

        return wrapper


class enable_grad(_GradMode):  # noqa: N801
    """Turn recording back on inside a ``no_grad`` block."""

    enabled = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """``with set_grad_enabled(flag):`` records gradients if ``flag`` is true."""

    def __init__(self, mode: bool = True):
        self.enabled = bool(mode)
        global _grad_enabled
        self._prev = _grad_enabled
        _grad_enabled = self.enabled

    def __enter__(self):
        pass

    def __call__(self, func):
        mode = self.enabled

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        global _grad_enabled
        _grad_enabled = self._prev
        return wrapper


def is_grad_enabled() -> bool:
    return _grad_enabled


# ----------------------------------------------------------------------------- the engine
_FREED = (
    "Trying to backward through the graph a second time (or directly access saved "
    "tensors after they have already been freed). Saved intermediate values of the graph "
    "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
    "you need to backward through the graph a second time."
)


def _run_hooks(hooks, grad_array):
    for hook in hooks:
        result = hook(Tensor._wrap(grad_array))
        if result is not None:
            grad_array = result.array if isinstance(result, Tensor) else xp.asarray(result)
    return grad_array


def _check_versions(fn):
    versions = fn.versions or [0] * len(fn.parents)
    for p, v in zip(fn.parents, versions):
        if isinstance(p, Tensor) and p._version != v:
            raise RuntimeError(
                f"one of the variables needed for gradient computation has been modified by "
                f"an inplace operation: {type(fn).__name__} saw a tensor of shape "
                f"{tuple(p.array.shape)} at version {v}; it is now at version {p._version}"
            )


def run_backward(outputs, grad_outputs, retain_graph=False, capture=None):
    """Propagate ``grad_outputs`` (arrays) from ``outputs`` (tensors) to the leaves.

    Nodes are processed newest first (a max-heap on creation order): every consumer of a
    tensor is newer than its producer, so a node's gradient is complete when it is popped.
    With ``capture`` (a dict id(tensor) -> None), the gradients of those tensors are
    stored in it and leaves' ``.grad`` is left untouched (``autograd.grad``); otherwise
    gradients accumulate into the ``.grad`` of every leaf that requires grad.
    """
    pending = {}  # node -> its output's gradient (a list of them for several outputs)
    heap = []
    for t, g in zip(outputs, grad_outputs):
        if not t.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn"
            )
        if t._ctx is None:  # a leaf: its gradient is the seed itself
            _accumulate_leaf(t, g, capture)
        else:
            _add_pending(pending, heap, t._ctx, t._idx, g)
    check = _inplace_seen
    while heap:
        fn = heappop(heap)[1]
        grads = pending.pop(fn)
        parents = fn.parents
        if parents is None:
            raise RuntimeError(_FREED)
        if fn.n_out == 1:
            grads = [grads]
        if fn.out_hooks is not None:
            for i, hooks in fn.out_hooks.items():
                if grads[i] is not None:
                    grads[i] = _run_hooks(hooks, grads[i])
        if capture is not None and fn.captured is not None:
            for i, key in fn.captured:
                capture[key] = grads[i]
        if check:
            _check_versions(fn)
        in_grads = fn.backward(*grads)
        for p, g in zip(parents, in_grads):
            if g is None or not isinstance(p, Tensor) or not p.requires_grad:
                continue
            if g.shape != p.array.shape:
                g = unbroadcast(g, p.array.shape)
            ctx = p._ctx
            if ctx is None:
                _accumulate_leaf(p, g, capture)
            elif ctx.n_out == 1:
                prev = pending.get(ctx)
                if prev is None:
                    pending[ctx] = g
                    heappush(heap, (-ctx.seq, ctx))
                else:
                    pending[ctx] = prev + g
            else:
                _add_pending(pending, heap, ctx, p._idx, g)
        if not retain_graph:
            fn.__dict__.clear()  # frees saved arrays; ``parents`` falls back to None


def _add_pending(pending, heap, fn, idx, g):
    if fn.parents is None:
        raise RuntimeError(_FREED)
    slot = pending.get(fn)
    if fn.n_out == 1:
        if slot is None:
            heappush(heap, (-fn.seq, fn))
        pending[fn] = g if slot is None else slot + g
        return
    if slot is None:
        slot = pending[fn] = [None] * fn.n_out
        heappush(heap, (-fn.seq, fn))
    slot[idx] = g if slot[idx] is None else slot[idx] + g


def _accumulate_leaf(t, g, capture):
    if t._hooks:
        g = _run_hooks(t._hooks, g)
    if capture is not None:
        key = id(t)
        if key in capture:
            capture[key] = g if capture[key] is None else capture[key] + g
        return
    if g.dtype != t.array.dtype:
        g = g.astype(t.array.dtype)
    if t.grad is None:
        if not g.flags.writeable:  # a broadcast view: give the leaf its own array
            g = g.copy()
        t.grad = Tensor._wrap(g)
    else:
        t.grad.array = t.grad.array + g


def backward(tensor, gradient=None, retain_graph=False):
    """Backpropagate from ``tensor`` (what ``Tensor.backward`` calls)."""
    if gradient is None:
        if tensor.array.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        g = xp.ones_like(tensor.array)
    else:
        g = gradient.array if isinstance(gradient, Tensor) else xp.asarray(gradient)
        if g.shape != tensor.array.shape:
            raise shape_error("backward", "gradient must have the tensor's shape",
                              tensor.array.shape, g.shape)
        g = g.astype(tensor.array.dtype, copy=False)
    run_backward([tensor], [g], retain_graph=bool(retain_graph))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned without touching ``.grad``.

    Args:
        outputs: a tensor or a sequence of tensors.
        inputs: a tensor or a sequence of tensors (leaves or intermediate results).
        grad_outputs: the vector of the vector-Jacobian product, one per output; may be
            omitted for scalar outputs.
        retain_graph: keep the graph for another backward (default: ``create_graph``).
        allow_unused: return ``None`` for an input the outputs do not depend on instead of
            raising.

    Example: ``(dx,) = ember.autograd.grad((x ** 2).sum(), x)`` gives ``2 * x``.
    """
    if create_graph:
        raise NotImplementedError(
            "autograd.grad: create_graph=True (higher-order gradients) is not supported; "
            "Ember's backward functions work on raw arrays"
        )
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    seeds = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out.array.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seeds.append(xp.ones_like(out.array))
        else:
            seeds.append(g.array if isinstance(g, Tensor) else xp.asarray(g))
    capture = {}
    registered = []
    for x in inputs:
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        capture[id(x)] = None
        if x._ctx is not None:
            if x._ctx.captured is None:
                x._ctx.captured = []
                registered.append(x._ctx)
            x._ctx.captured.append((x._idx, id(x)))
    try:
        run_backward(outputs, seeds, retain_graph=bool(retain_graph), capture=capture)
    finally:
        for fn in registered:
            fn.captured = None
    result = []
    for x in inputs:
        g = capture[id(x)]
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
            result.append(None)
        else:
            result.append(Tensor._wrap(g))
    return tuple(result)


def register_hook(tensor, hook):
    """Attach ``hook(grad) -> grad or None`` to ``tensor`` (see ``Tensor.register_hook``)."""
    if not tensor.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if tensor._ctx is None:
        if tensor._hooks is None:
            tensor._hooks = []
        tensor._hooks.append(hook)
        hooks = tensor._hooks
    else:
        if tensor._ctx.out_hooks is None:
            tensor._ctx.out_hooks = {}
        hooks = tensor._ctx.out_hooks.setdefault(tensor._idx, [])
        hooks.append(hook)
    return _RemovableHandle(hooks, hook)


class _RemovableHandle:
    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def retain_grad(tensor):
    """Make a non-leaf tensor keep its ``.grad`` after backward."""
    if tensor._ctx is None:
        return
    ref = weakref.ref(tensor)

    def keep(g):
        t = ref()
        if t is not None:
            t.grad = g if t.grad is None else Tensor._wrap(t.grad.array + g.array)

    register_hook(tensor, keep)


# ----------------------------------------------------------------------------- gradcheck
def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare ``fn``'s analytical gradients with float64 central differences.

    Args:
        fn: a function of tensors returning a tensor (or a tuple of tensors).
        inputs: a tensor or a tuple of tensors; those with ``requires_grad`` are checked
            and must be float64.

    Returns ``True`` when every entry agrees within ``atol + rtol * |numerical|``; raises
    ``GradcheckError`` naming the input and the worst entry otherwise.
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in checked:
        if inputs[i].array.dtype != xp.float64:
            raise ValueError(f"gradcheck: input {i} is {inputs[i].array.dtype}; use float64")

    def scalar_outputs():
        out = fn(*inputs)
        return (out,) if isinstance(out, Tensor) else tuple(out)

    with enable_grad():
        outs = scalar_outputs()
    rng = xp.random.default_rng(0)
    # project every output on a fixed random vector: one backward checks the full Jacobian
    weights = [xp.asarray(rng.standard_normal(o.array.shape)) for o in outs]
    diff = [o for o in outs if o.requires_grad]
    analytic = {}
    if diff:
        live = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
        grads = grad([o for o, _ in live], [inputs[i] for i in checked],
                      grad_outputs=[w for _, w in live], allow_unused=True)
        for i, g in zip(checked, grads):
            analytic[i] = xp.zeros_like(inputs[i].array) if g is None else g.array
    for i in checked:
        x = inputs[i].array
        numeric = xp.zeros_like(x)
        flat, nflat = x.reshape(-1), numeric.reshape(-1)
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            with no_grad():
                plus = sum(float((o.array * w).sum()) for o, w in zip(scalar_outputs(), weights))
            flat[k] = orig - eps
            with no_grad():
                minus = sum(float((o.array * w).sum()) for o, w in zip(scalar_outputs(), weights))
            flat[k] = orig
            nflat[k] = (plus - minus) / (2 * eps)
        a = analytic.get(i, xp.zeros_like(x))
        bad = xp.abs(a - numeric) > atol + rtol * xp.abs(numeric)
        if bad.any():
            k = int(xp.argmax(xp.abs(a - numeric) * bad))
            message = (
                f"gradcheck: Jacobian mismatch for input {i} (shape {x.shape}) at flat index "
                f"{k}: analytical {a.reshape(-1)[k]!r}, numerical {numeric.reshape(-1)[k]!r}"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True
