"""Graph optimisation before a run: constant folding, CSE and dead-node removal.

It works on the ops a run needs (already pruned to the fetches' ancestors) and changes
nothing in the user's graph: it returns which tensors stand for which (``alias``), which
have values known before any run (``folded``), and the ops left to execute.

- Constant folding: an op whose inputs are all constants runs once, now, with its own
  ``forward``; its outputs become constants.
- Common-subexpression elimination: two ops of the same class with the same inputs and
  attributes compute the same thing; the later one is replaced by the earlier.
- Dead-node removal: ops whose outputs nothing uses any more (after the two passes
  above) are dropped.

Ops that are random or stateful (``stateful = True`` on the class) are never folded or
merged, nor are ops a ``gradients`` node differentiates through (``protected``): their
``forward`` instances must exist at run time for ``backward``.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from ember.autograd import Function, Symbolic
from ember.backend import xp
from ember.graph.graph import split_call
from ember.graph.infer import RANDOM_OPS
from ember.random import default_generator

# constants up to this many elements take part in CSE (compared by their bytes)
CSE_CONST_LIMIT = 4096


@dataclass
class Optimized:
    ops: list
    alias: dict  # id(tensor) -> the tensor computing the same value
    folded: dict  # id(tensor) -> its value, known before any run
    stats: dict = field(default_factory=dict)


class _Unhashable(Exception):
    pass


def _freeze(v):
    """A hashable key for an attribute or literal value (type included: 1 != 1.0 here)."""
    if isinstance(v, (tuple, list)):
        return (type(v).__name__,) + tuple(_freeze(x) for x in v)
    if isinstance(v, dict):
        return ("dict",) + tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, xp.ndarray):
        if v.size > CSE_CONST_LIMIT:
            raise _Unhashable
        return ("array", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, slice):
        return ("slice", _freeze(v.start), _freeze(v.stop), _freeze(v.step))
    try:
        hash(v)
    except TypeError:
        raise _Unhashable from None
    return (type(v).__name__, v)


def _is_pure_function(cls) -> bool:
    return (issubclass(cls, Function) and not getattr(cls, "stateful", False)
            and cls not in RANDOM_OPS)


def optimize(ops, targets, fed, protected=frozenset(), barriers=frozenset()) -> Optimized:
    """Fold, merge and prune ``ops`` (in creation order) for computing ``targets``.

    Args:
        ops: the needed operations, in creation order.
        targets: the fetched tensors and operations.
        fed: ids of tensors that are fed (their producers are not run).
        protected: ids of ops that must run (gradient paths): not folded.
        barriers: ids of ops that are never merged (the ``xs`` of gradients).
    """
    alias, folded, seen = {}, {}, {}
    n_folded = n_merged = 0

    def canon(t):
        return alias.get(id(t), t)

    for op in ops:
        cls = op.op_class
        ins = [canon(t) if isinstance(t, Symbolic) else t for t in op.inputs]
        if cls.__name__ == "Const":
            folded[id(op.outputs[0])] = op.attrs["value"]
        elif (_is_pure_function(cls) and id(op) not in protected
              and all(not isinstance(t, Symbolic) or id(t) in folded for t in ins)
              and not any(id(t) in fed for t in op.outputs)):
            values = _fold(op, [folded[id(t)] if isinstance(t, Symbolic) else t for t in ins])
            if values is not None:
                for t, v in zip(op.outputs, values):
                    folded[id(t)] = v
                n_folded += 1
                continue
        if id(op) in barriers or not (_is_pure_function(cls) or cls.__name__ in (
                "Const", "StopGradient")):
            continue
        try:
            key = (cls, tuple(("t", id(t)) if isinstance(t, Symbolic) else _freeze(t)
                              for t in ins), _freeze(op.attrs))
        except _Unhashable:
            continue
        first = seen.setdefault(key, op)
        if first is not op:
            for a, b in zip(op.outputs, first.outputs):
                alias[id(a)] = b
            n_merged += 1

    kept = _live_ops(ops, targets, alias, folded, fed)
    stats = {"graph": len(ops[0].graph.operations) if ops else 0, "needed": len(ops),
             "folded": n_folded, "merged": n_merged, "after": len(kept)}
    return Optimized(kept, alias, folded, stats)


def _fold(op, arrays):
    args, attrs = split_call(op, arrays)
    state = default_generator.get_state()
    try:
        with warnings.catch_warnings(), xp.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = op.op_class().forward(*args, **attrs)
    except Exception:  # noqa: BLE001  (left to run time, where the error names the node)
        return None
    if default_generator.get_state() != state:  # random: must draw at every run
        default_generator.set_state(state)
        RANDOM_OPS.add(op.op_class)
        return None
    return out if op.op_class.n_out != 1 else (out,)


def _live_ops(ops, targets, alias, folded, fed):
    """The ops still needed: reachable from the targets, neither folded nor merged away."""
    live = set()
    stack = []
    for t in targets:
        if isinstance(t, Symbolic):
            t = alias.get(id(t), t)
            if id(t) not in folded and id(t) not in fed:
                stack.append(t.op)
        else:
            stack.append(t)
    while stack:
        op = stack.pop()
        if id(op) in live:
            continue
        if op.op_class.__name__ != "Const" and all(id(t) in folded for t in op.outputs) and (
                op.outputs):
            continue
        live.add(id(op))
        for t in op.inputs:
            if isinstance(t, Symbolic):
                t = alias.get(id(t), t)
                if id(t) not in fed:
                    stack.append(t.op)
        stack.extend(op.control_inputs)
    return [op for op in ops if id(op) in live]
