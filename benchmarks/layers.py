"""``layers``: the Transformer building blocks one at a time, Ember against PyTorch, in ms.

A supplementary workload, not one of WORKLOADS.md's: it isolates the ops around the GEMMs
of a BERT-family encoder (all-MiniLM-L6-v2: hidden 384, 12 heads, intermediate 1536,
LayerNorm eps 1e-12, batch 32, sequence 64) so that each can be compared with PyTorch
on its own: LayerNorm over the last dimension, exact (erf) and tanh GELU, softmax and
log_softmax over the last dimension of attention scores.

One row per (op, shape, mode). ``fwd`` runs under ``no_grad`` (inference); ``fwd+bwd`` runs
the forward pass and the backward pass of a fixed random output gradient, with the
LayerNorm's weight and bias learning too. float32, PyTorch on 2 threads, the same inputs
and weights in both; Ember's and PyTorch's repeats are interleaved in one process (the
machine is shared), each timed call preceded by an untimed one of the same library (its
worker threads awake, its data in the cache, as between the ops of a model); rounds during
which other processes kept a core busy are left out when enough quiet ones come (PyTorch's
two threads wait for each other, so such rounds time the neighbours: 8 ms instead of 1);
each figure is the median of the repeats, Ember's min..max beside (with a note of the
rounds left out).

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks.run layers``.
"""
from __future__ import annotations

import importlib

# Ember before NumPy, as a script that starts with ``import ember`` would (see
# ``ember.backend.shorten_openblas_spin``).
importlib.import_module("ember.backend")

import numpy as np  # noqa: E402

from benchmarks.common import Row, interleaved, load_torch  # noqa: E402

REPEATS, WARMUP = 21, 3
HIDDEN, INTERMEDIATE, HEADS, BATCH, SEQ = 384, 1536, 12, 32, 64

# (name, shape, op(lib) -> a callable of one tensor)
CASES = [
    ("layer_norm", (128, 64, 256), lambda lib: lib.nn.LayerNorm(256, eps=1e-12)),
    ("layer_norm", (BATCH, SEQ, HIDDEN), lambda lib: lib.nn.LayerNorm(HIDDEN, eps=1e-12)),
    ("gelu", (128, 1024), lambda lib: lib.nn.GELU()),
    ("gelu", (BATCH, SEQ, INTERMEDIATE), lambda lib: lib.nn.GELU()),
    ("gelu_tanh", (128, 1024), lambda lib: lib.nn.GELU(approximate="tanh")),
    ("gelu_tanh", (BATCH, SEQ, INTERMEDIATE), lambda lib: lib.nn.GELU(approximate="tanh")),
    ("softmax", (BATCH, HEADS, SEQ, SEQ), lambda lib: lambda x: lib.softmax(x, -1)),
    ("log_softmax", (BATCH, HEADS, SEQ, SEQ), lambda lib: lambda x: lib.log_softmax(x, -1)),
]


def _same_weights(e_op, t_op, torch, rng):
    """Random (not 1/0) affine weights, the same in both libraries."""
    if not hasattr(e_op, "parameters"):
        return
    with torch.no_grad():
        for p, q in zip(e_op.parameters(), t_op.parameters()):
            values = rng.standard_normal(tuple(p.shape)).astype(np.float32)
            p.array[...] = values
            q.copy_(torch.from_numpy(values))


def _forward(lib, op, x):
    def fwd():
        with lib.no_grad():
            op(x)

    return fwd


def _forward_backward(lib, op, x, g):
    params = list(op.parameters()) if hasattr(op, "parameters") else []

    def step():
        op(x).backward(g)
        x.grad = None
        for p in params:
            p.grad = None

    return step


def _fns(lib, op, xs, gs):
    x = lib.tensor(xs)
    x_grad = lib.tensor(xs).requires_grad_(True)
    return _forward(lib, op, x), _forward_backward(lib, op, x_grad, lib.tensor(gs))


def run(repeats: int = REPEATS) -> list[Row]:
    import ember

    torch = load_torch()
    rng = np.random.default_rng(0)
    rows = []
    for name, shape, make in CASES:
        xs = (rng.standard_normal(shape) * 2).astype(np.float32)
        gs = rng.standard_normal(shape).astype(np.float32)
        e_op = make(ember)
        fns = list(_fns(ember, e_op, xs, gs))
        if torch is not None:
            t_op = make(torch)
            _same_weights(e_op, t_op, torch, rng)
            fns += _fns(torch, t_op, xs, gs)
        stats, note = interleaved(fns, repeats, WARMUP, settle=1, drop_busy=True)
        stats += [None, None]
        label = f"{name} {'x'.join(map(str, shape))}"
        note = f" ({note})" if note else ""
        for mode, e, t in (("fwd", stats[0], stats[2]), ("fwd+bwd", stats[1], stats[3])):
            med, lo, hi = (s * 1e3 for s in e)
            rows.append(Row(f"{label} {mode}", med, None if t is None else t[0] * 1e3, "ms",
                            spread=f"{lo:.3g}..{hi:.3g}{note}"))
    return rows


if __name__ == "__main__":
    from benchmarks.common import blas_info, print_rows

    print("BLAS:", blas_info())
    print_rows(run())
