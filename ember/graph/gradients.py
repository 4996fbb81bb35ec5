"""``gradients(ys, xs)``: symbolic derivatives, computed by the eager ops' own ``backward``.

A ``Gradients`` node stands for d(sum of ys)/d(xs). It adds no backward ops to the
graph: when a session runs it, the forward instances that this run created for the ops
between ``xs`` and ``ys`` (the *path*) are kept, and their ``backward`` methods are called
in reverse creation order, exactly as the eager engine does; gradients reaching a tensor
from several consumers are summed, and broadcast ones reduced with ``unbroadcast``.
"""
from __future__ import annotations

from ember.autograd import Function, Symbolic, unbroadcast
from ember.backend import xp
from ember.graph.kernels import Kernel
from ember.graph.tensor import Tensor
from ember.tensor import Tensor as EagerTensor

_wrap = EagerTensor._wrap


def _parents(vals, ins, wants):
    """What eager mode leaves in ``fn.parents``: the inputs as tensors, flagged with
    ``requires_grad`` where a gradient is wanted (``needs_input_grad`` reads it)."""
    out = []
    for s, w in zip(ins, wants):
        v = vals[s]
        if isinstance(v, xp.generic):  # a 0-d result can be a NumPy scalar
            v = xp.asarray(v)
        out.append(_wrap(v, w) if isinstance(v, xp.ndarray) else v)
    return tuple(out)


def _differentiable(op) -> bool:
    cls = op.op_class
    return issubclass(cls, Function) and cls.differentiable


def find_path(ops, xs, ys, inputs_of=lambda op: op.inputs):
    """The differentiable ops (in creation order) through which ``ys`` depend on ``xs``.

    Returns ``(path, reached)``: ``reached`` holds the ids of the tensors that carry a
    gradient (the connected ``xs`` and the path ops' outputs).
    """
    reach = {id(x) for x in xs}
    candidates = []
    for op in ops:
        if _differentiable(op) and any(
                isinstance(t, Symbolic) and id(t) in reach for t in inputs_of(op)):
            candidates.append(op)
            reach.update(id(t) for t in op.outputs)
    need = {id(y) for y in ys}
    path = []
    for op in reversed(candidates):
        if any(id(t) in need for t in op.outputs):
            path.append(op)
            need.update(id(t) for t in inputs_of(op) if isinstance(t, Symbolic)
                        and id(t) in reach)
    path.reverse()
    return path, need & reach


def gradients(ys, xs, grad_ys=None, name: str = "gradients"):
    """Symbolic gradients of ``sum(ys)`` with respect to each of ``xs``.

    Args:
        ys: a tensor or a list of tensors (non-scalar ones are summed, as in TF1).
        xs: a tensor or a list of tensors: Variables, placeholders or intermediates.
        grad_ys: optional tensors (one per y) to start from instead of ones.

    Returns a list with one tensor per x, ``None`` where ``ys`` do not depend on x.
    Example: ``(dw,) = gradients(loss, [w])``, then ``sess.run(dw, feed_dict=...)``.
    """
    ys = [ys] if isinstance(ys, Tensor) else list(ys)
    xs = [xs] if isinstance(xs, Tensor) else list(xs)
    for t in ys + xs:
        if not isinstance(t, Tensor):
            raise TypeError(f"gradients: expected graph tensors, got {type(t).__name__}")
        if t.graph is not ys[0].graph:
            raise ValueError(f"gradients: {t!r} must be from the same graph as {ys[0]!r}")
    graph = ys[0].graph
    if grad_ys is None:
        grad_ys = [None] * len(ys)
    grad_ys = [grad_ys] if isinstance(grad_ys, Tensor) else list(grad_ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"gradients: {len(grad_ys)} grad_ys for {len(ys)} ys")
    first = min(x.op.id for x in xs)
    _, reached = find_path(graph.operations[first:], xs, ys)
    connected = [x for x in xs if id(x) in reached]
    if not connected:
        return [None] * len(xs)
    seeded = tuple(g is not None for g in grad_ys)
    inputs = ys + [g for g in grad_ys if g is not None]
    outputs = [(x._shape, x._dtype) for x in connected]
    op = graph.add_op(Gradients, inputs, {"xs": tuple(connected), "n_ys": len(ys),
                                          "seeded": seeded}, name=name, outputs=outputs)
    grads = iter(op.outputs)
    return [next(grads) if id(x) in reached else None for x in xs]


def _direct_writes(plan, pairs, builder):
    """``{saved index: [(input position, gradient tensor id)]}``: where a path op computes
    the whole gradient of an x (``pairs`` holds (x's slot, its gradient tensor)): it is
    that x's only consumer on the path, and the gradient is not fetched. Its backward may
    then write the gradient straight into the buffer an optimizer registered for it
    (``Session.grad_buffers``, see ``Function.grad_out``) instead of a new array."""
    producers = {x: [] for x, _ in pairs}
    for k, ins, _, wants in plan:
        for pos, (slot, w) in enumerate(zip(ins, wants)):
            if w and slot in producers:
                producers[slot].append((k, pos))
    direct = {}
    for x, t in pairs:
        found = producers.get(x, [])
        if len(found) == 1 and id(t) not in builder.fetched and builder.canon(t) is t:
            k, pos = found[0]
            direct.setdefault(k, []).append((pos, id(t)))
    return direct


class Gradients(Kernel):
    """The gradients of ``ys`` (its inputs) with respect to ``xs`` (an attribute)."""

    @staticmethod
    def path(op, ops, inputs_of=lambda op: op.inputs, canon=lambda t: t):
        n = op.attrs["n_ys"]
        ys = [canon(y) for y in op.inputs[:n]]
        xs = [canon(x) for x in op.attrs["xs"]]
        before = [o for o in ops if o.id < op.id]
        return find_path(before, xs, ys, inputs_of)

    @classmethod
    def compile(cls, builder, op):
        path, reached = cls.path(op, builder.ops, builder.canonical_inputs, builder.canon)
        n = op.attrs["n_ys"]
        ys = builder.inputs(op)
        seeds = []
        given = iter(ys[n:])
        for y, seeded in zip(ys[:n], op.attrs["seeded"]):
            seeds.append((y, next(given) if seeded else None))
        xs = [builder.slot(x) for x in op.attrs["xs"]]
        builder.use(xs)
        outs = builder.outputs(op)
        plan = []
        for p in path:
            wants = tuple(isinstance(t, Symbolic) and id(t) in reached
                          for t in builder.canonical_inputs(p))
            ins = builder.slots_of(p)
            builder.use(ins)  # backward may read its inputs (``parents``) and their shapes
            plan.append((builder.keep(p), ins, builder.outputs(p), wants))
        plan.reverse()
        wanted = set(xs)
        seeded_slots = {y for y, _ in seeds}
        direct = _direct_writes(plan, [(x, t) for x, t in zip(xs, op.outputs)
                                       if x not in seeded_slots], builder)
        buffers = builder.session.grad_buffers

        def backward(vals, saved):
            grads, owned, found = {}, set(), {}

            def add(slot, g):
                prev = grads.get(slot)
                if prev is None:
                    grads[slot] = g
                elif slot in owned:
                    prev += g  # a NumPy scalar (the sum of 0-d arrays) rebinds: store it
                    grads[slot] = prev
                else:
                    grads[slot] = prev + g
                    owned.add(slot)

            for y, gy in seeds:
                add(y, xp.ones_like(vals[y]) if gy is None else vals[gy])
            for k, ins, outs_p, wants in plan:
                gs = [grads.pop(o, None) for o in outs_p]
                for o, g in zip(outs_p, gs):
                    if o in wanted and g is not None:
                        found[o] = g
                if all(g is None for g in gs):
                    continue
                fn = saved[k]
                fn.parents = _parents(vals, ins, wants)
                into = direct.get(k)
                if into is not None and buffers:
                    fn.grad_out = {pos: buffers[key] for pos, key in into
                                   if key in buffers}
                in_grads = fn.backward(*gs)
                for slot, g, w in zip(ins, in_grads, wants):
                    if g is None or not w:
                        continue
                    shape = vals[slot].shape
                    if g.shape != shape:
                        g = unbroadcast(g, shape)
                    add(slot, g)
            for x, o in zip(xs, outs):
                g = found.get(x)
                if g is None:
                    g = grads.get(x)
                v = vals[x]
                if g is None:
                    g = xp.zeros_like(v)
                elif g.dtype != v.dtype:
                    g = g.astype(v.dtype)
                vals[o] = g

        return backward
