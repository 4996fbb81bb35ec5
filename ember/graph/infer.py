"""Static shape and dtype inference by probing: run the op's own forward on small arrays.

Graph mode writes no op twice, so it has no shape functions either. Instead an op's
output shapes and dtypes are found by running its eager ``forward`` once on stand-in
arrays: zeros of the inputs' static shapes (constants use their real values). A ``None``
dimension (a batch size fed later) is probed twice, as 2 and as 3 (and zeros then
ones, which exposes value-dependent sizes such as a boolean mask's count): output
dimensions that agree are static, the others stay ``None``. With fully known shapes a shape or type
error is raised at once, naming the op, as TF1 does when a graph is built; with unknown
dimensions errors are left for feed time. Probing draws no random numbers from the
caller's point of view: the default generator's state is restored afterwards.
"""
from __future__ import annotations

import warnings

from ember.autograd import Symbolic
from ember.backend import xp
from ember.errors import ShapeError
from ember.random import default_generator

# op classes seen drawing random numbers: never folded or merged (``optimize``)
RANDOM_OPS = set()
# inputs larger than this (elements) are not probed: their outputs stay unknown
PROBE_LIMIT = 1 << 22


def infer_outputs(op_class, inputs, attrs, n_lifted=0):
    """``[(shape, dtype)]`` per output of ``op_class`` on ``inputs``; ``None`` if unknown.

    ``shape`` is a tuple whose entries may be ``None`` (an unknown dimension), or
    ``None`` when even the rank is unknown.
    """
    custom = getattr(op_class, "infer", None)
    if custom is not None:
        return custom(inputs, attrs)
    n_out = getattr(op_class, "n_out", 1)
    unknown = None if n_out < 0 else [(None, None)] * n_out
    partial = False
    for t in inputs:
        if isinstance(t, Symbolic):
            if t._shape is None or t._dtype is None:
                return unknown
            size = 1
            for d in t._shape:
                partial = partial or d is None
                size *= 3 if d is None else d
            if size > PROBE_LIMIT:
                return unknown
    # a second probe with ones: dimensions that depend on values (a boolean mask's count)
    # differ between the two probes and stay unknown
    if not partial:
        two = _probe(op_class, inputs, attrs, n_lifted, 1, 0, strict=True)
        if two is None:
            return unknown
        three = _probe(op_class, inputs, attrs, n_lifted, 1, 1, strict=False) or two
    else:
        two = _probe(op_class, inputs, attrs, n_lifted, 2, 0, strict=False)
        three = _probe(op_class, inputs, attrs, n_lifted, 3, 1, strict=False)
    if two is None or three is None or len(two) != len(three):
        return unknown
    out = []
    for (s2, d2), (s3, _) in zip(two, three):
        if len(s2) != len(s3):
            out.append((None, d2))
        else:
            out.append((tuple(a if a == b else None for a, b in zip(s2, s3)), d2))
    return out


def _stand_in(t, size, value):
    op = t.op
    if op.type == "Const":
        return op.attrs["value"]
    shape = tuple(size if d is None else d for d in t._shape)
    return (xp.ones if value else xp.zeros)(shape, t._dtype)


def _probe(op_class, inputs, attrs, n_lifted, size, value, strict):
    arrays = [_stand_in(t, size, value) if isinstance(t, Symbolic) else t for t in inputs]
    if n_lifted:
        from ember.graph.graph import bind

        attrs = bind(attrs, arrays[len(arrays) - n_lifted:])
        arrays = arrays[:len(arrays) - n_lifted]
    state = default_generator.get_state()
    try:
        with warnings.catch_warnings(), xp.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = op_class().forward(*arrays, **attrs)
            if default_generator.get_state() != state:
                RANDOM_OPS.add(op_class)
    except (ShapeError, TypeError, IndexError):
        if strict:
            raise
        return None
    except Exception:  # noqa: BLE001  (a probe that fails on stand-in values proves nothing)
        return None
    finally:
        default_generator.set_state(state)
    results = result if getattr(op_class, "n_out", 1) != 1 else (result,)
    out = []
    for r in results:
        r = xp.asarray(r)
        out.append((tuple(r.shape), r.dtype))
    return out
