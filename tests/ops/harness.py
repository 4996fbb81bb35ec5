"""Run one registry case in Ember and PyTorch (or in float64 for gradcheck)."""
from __future__ import annotations

import numpy as np

import ember


def to_inputs(lib, arrays, dtype, requires_grad=True):
    """Arrays as tensors of ``lib``: floats in ``dtype`` (differentiated), others as they are."""
    out = []
    for a in arrays:
        a = np.asarray(a)
        if a.dtype.kind == "f":
            t = lib.tensor(a.astype(dtype))
            out.append(t.requires_grad_(requires_grad))
        else:
            out.append(lib.tensor(a))
    return out


def outputs(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _is_float(t):
    dt = t.dtype
    return dt.is_floating_point if hasattr(dt, "is_floating_point") else dt.kind == "f"


def run(lib, case, arrays, dtype, weights=None):
    """Forward values and, for differentiable cases, input gradients of sum(w * out)."""
    xs = to_inputs(lib, arrays, dtype, requires_grad=case.grad)
    res = case.fn(lib, *xs)
    values = [_np(o) for o in outputs(res)]
    grads = []
    if case.grad:
        outs = [o for o in outputs(res) if _is_float(o) and o.requires_grad]
        if outs:
            if weights is None:
                rng = np.random.default_rng(1)
                weights = [rng.standard_normal(tuple(o.shape)) for o in outs]
            total = None
            for o, w in zip(outs, weights):
                term = (o * lib.tensor(w.astype(dtype))).sum()
                total = term if total is None else total + term
            total.backward()
        grads = [None if not _is_float(x) or x.grad is None else _np(x.grad)
                 for x in xs]
    return values, grads


def _np(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def gradcheck_case(case, arrays):
    xs = to_inputs(ember, arrays, np.float64)
    return ember.autograd.gradcheck(lambda *t: case.fn(ember, *t), xs, eps=1e-6, atol=1e-5,
                                    rtol=1e-4)
