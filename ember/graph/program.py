"""A compiled run: the steps that compute a set of fetches from a set of feeds.

``Session.run`` compiles one ``Program`` per (fetches, fed tensors) and reuses it. The
program holds only what the fetches need (pruning), after optimisation
(``ember.graph.optimize``), as a flat list of steps in creation order (a topological
order): each step is a small closure ``step(vals, saved)`` that calls an op's
``forward`` on the run's value slots. Values are freed as soon as their last reader has
run; forward instances are kept (in ``saved``) only for ops that a ``gradients`` node
will call ``backward`` on.
"""
from __future__ import annotations

from ember.autograd import Function, Symbolic
from ember.graph.gradients import Gradients
from ember.graph.graph import split_call
from ember.graph.optimize import optimize


def prune(targets, fed):
    """The ops that computing ``targets`` needs, in creation order (fed tensors cut)."""
    needed = {}
    stack = []
    for t in targets:
        if isinstance(t, Symbolic):
            if id(t) not in fed:
                stack.append(t.op)
        else:
            stack.append(t)
    while stack:
        op = stack.pop()
        if id(op) in needed:
            continue
        needed[id(op)] = op
        for t in op.inputs:
            if isinstance(t, Symbolic) and id(t) not in fed:
                stack.append(t.op)
        stack.extend(op.control_inputs)
    return sorted(needed.values(), key=lambda op: op.id)


class Program:
    """Steps computing ``targets`` (tensors and ops) given values for ``feeds``."""

    def __init__(self, session, targets, feeds):
        self.session = session
        fed = {id(t) for t in feeds}
        needed = prune(targets, fed)
        protected, barriers = set(), set()
        for op in needed:
            if op.op_class is Gradients:
                path, _ = Gradients.path(op, needed)
                protected.update(id(p) for p in path)
                barriers.update(id(x.op) for x in op.attrs["xs"])
        opt = optimize(needed, targets, fed, protected, barriers)
        self.stats = opt.stats
        self.ops = opt.ops
        self._alias, self._folded = opt.alias, opt.folded
        # fetched values are handed to the caller: never a buffer that a later run reuses
        self.fetched = {id(self.canon(t)) for t in targets if isinstance(t, Symbolic)}
        self._slots = {}
        self.template = []
        self._keep = {}
        self._uses = []
        self.feed_slots = [self.slot(t) for t in feeds]
        for op in self.ops:  # forward instances that backward will need are kept
            if op.op_class is Gradients:
                path, _ = Gradients.path(op, self.ops, self.canonical_inputs, self.canon)
                for p in path:
                    self.keep(p)
        self.steps = []
        self.names = []
        for op in self.ops:
            self._uses = []
            step = (compile_function(self, op) if issubclass(op.op_class, Function)
                    else op.op_class.compile(self, op))
            if step is not None:
                self.steps.append([step, self._uses])
                self.names.append(op.name)
        self.fetch_slots = [self.slot(t) if isinstance(t, Symbolic) else None
                            for t in targets]
        # a Variable's own array changes in place later: hand out copies of it
        self.fetch_copies = [isinstance(t, Symbolic) and self.canon(t).op.type in (
            "VariableV2", "Assign") for t in targets]
        self.n_saved = len(self._keep)
        self._plan_frees()

    # ---------------------------------------------------------------- builder API
    def canon(self, t):
        """The tensor that computes ``t``'s value in this program (after CSE)."""
        return self._alias.get(id(t), t)

    def canonical_inputs(self, op):
        return [self.canon(t) if isinstance(t, Symbolic) else t for t in op.inputs]

    def slot(self, t) -> int:
        """The value slot of graph tensor ``t`` (constants get their value in the template)."""
        t = self.canon(t)
        s = self._slots.get(id(t))
        if s is None:
            s = self._slots[id(t)] = len(self.template)
            self.template.append(self._folded.get(id(t)))
        return s

    def slots_of(self, op):
        """Slots of ``op``'s inputs; a literal input gets a template slot of its own."""
        out = []
        for t in op.inputs:
            if isinstance(t, Symbolic):
                out.append(self.slot(t))
            else:
                out.append(len(self.template))
                self.template.append(t)
        return out

    def inputs(self, op):
        """``slots_of(op)``, recorded as read by the step being compiled."""
        slots = self.slots_of(op)
        self._uses.extend(slots)
        return slots

    def use(self, slots) -> None:
        self._uses.extend(slots)

    def outputs(self, op):
        return [self.slot(t) for t in op.outputs]

    def set_constant(self, slot, value) -> None:
        self.template[slot] = value

    def keep(self, op) -> int:
        """Index in ``saved`` where ``op``'s forward instance is kept for ``backward``."""
        return self._keep.setdefault(id(op), len(self._keep))

    def saved_index(self, op):
        return self._keep.get(id(op))

    # ---------------------------------------------------------------- running
    def _plan_frees(self):
        last = {}
        for i, (_, uses) in enumerate(self.steps):
            for s in uses:
                last[s] = i
        keep = set(self.fetch_slots)
        frees = [[] for _ in self.steps]
        for s, i in last.items():
            if s not in keep:
                frees[i].append(s)
        for entry, f in zip(self.steps, frees):
            entry[1] = tuple(f)
        self.steps = [tuple(e) for e in self.steps]

    def run(self, feed_values):
        """Run every step; returns the fetched values (``None`` for fetched ops)."""
        vals = self.template.copy()
        for s, v in zip(self.feed_slots, feed_values):
            vals[s] = v
        saved = [None] * self.n_saved
        i = 0
        try:
            for i, (step, frees) in enumerate(self.steps):  # noqa: B007  (used on error)
                step(vals, saved)
                if frees:
                    for s in frees:
                        vals[s] = None
        except Exception as err:
            err.add_note(f"(while running graph node '{self.names[i]}')")
            raise
        return [None if s is None else vals[s] for s in self.fetch_slots]


def compile_function(program, op):
    """The step running an eager op's ``forward`` on value slots."""
    cls = op.op_class
    attrs = op.attrs
    k = program.saved_index(op)
    ins = program.inputs(op)
    outs = program.outputs(op)
    if op.n_lifted:  # graph tensors passed in attributes (``x[mask]``): bound per run
        def step_lifted(vals, saved):
            fn = cls()
            args, kw = split_call(op, [vals[i] for i in ins])
            out = fn.forward(*args, **kw)
            for o, v in zip(outs, (out,) if cls.n_out == 1 else out):
                vals[o] = v
            if k is not None:
                saved[k] = fn

        return step_lifted
    if cls.n_out != 1:
        def step_many(vals, saved):
            fn = cls()
            for o, v in zip(outs, fn.forward(*[vals[i] for i in ins], **attrs)):
                vals[o] = v
            if k is not None:
                saved[k] = fn

        return step_many
    (o,) = outs
    if k is not None:
        def step_saved(vals, saved):
            fn = saved[k] = cls()
            vals[o] = fn.forward(*[vals[i] for i in ins], **attrs)

        return step_saved
    if attrs:
        def step_attrs(vals, saved):
            vals[o] = cls().forward(*[vals[i] for i in ins], **attrs)

        return step_attrs
    if len(ins) == 1:
        (a,) = ins

        def step_unary(vals, saved):
            vals[o] = cls().forward(vals[a])

        return step_unary
    if len(ins) == 2:
        a, b = ins

        def step_binary(vals, saved):
            vals[o] = cls().forward(vals[a], vals[b])

        return step_binary

    def step(vals, saved):
        vals[o] = cls().forward(*[vals[i] for i in ins])

    return step
