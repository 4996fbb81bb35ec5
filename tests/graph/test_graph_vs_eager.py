"""Graph mode and eager mode agree on every op of the registry (``tests.ops.cases``).

Each case's function is built once on placeholders fed the case's arrays and once on
eager tensors; forward values and the gradients of ``sum(w * out)`` must be the same
(the same op classes run in both modes, so they agree to the last bit or nearly).
A new op in the registry is covered here with no new line.
"""
import numpy as np
import pytest

import ember
import ember.graph as tf
from tests.ops.cases import CASES
from tests.ops.harness import to_inputs

SEEDS = (0, 1, 2)


def outputs(result):
    """The tensors of a result, nested tuples (``nonzero(as_tuple=True)``) flattened."""
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in outputs(r)]
    return [result]


def _eager(case, arrays):
    xs = to_inputs(ember, arrays, np.float32, requires_grad=case.grad)
    outs = outputs(case.fn(ember, *xs))
    values = [o.detach().numpy() for o in outs]
    live = [i for i, o in enumerate(outs) if o.dtype.kind == "f" and o.requires_grad]
    rng = np.random.default_rng(1)
    weights = {i: rng.standard_normal(tuple(outs[i].shape)).astype(np.float32) for i in live}
    grads = []
    if case.grad and live:
        total = sum((outs[i] * ember.tensor(weights[i])).sum() for i in live)
        total.backward()
        grads = [None if x.grad is None else x.grad.numpy() for x in xs
                 if x.dtype.kind == "f"]
    return values, live, weights, grads


def _graph(case, arrays, live, weights):
    graph = tf.Graph()
    with graph.as_default():
        feed, phs = {}, []
        for a in arrays:
            a = np.asarray(a)
            if a.dtype.kind != "f" and a.ndim == 0:
                phs.append(ember.tensor(a))  # an int argument (a dim, a count): config
                continue
            a = a.astype(np.float32) if a.dtype.kind == "f" else a
            p = tf.placeholder(a.dtype, shape=a.shape)
            feed[p] = a
            phs.append(p)
        outs = outputs(case.fn(ember, *phs))
        grads = []
        if case.grad and live:
            total = sum((outs[i] * weights[i]).sum() for i in live)
            grads = tf.gradients(total, [p for p in phs if p.dtype.kind == "f"])
        with tf.Session(graph=graph) as sess:
            values = sess.run(outs, feed)
            fetched = sess.run([g for g in grads if g is not None], feed)
    it = iter(fetched)
    return [np.asarray(v) for v in values], [None if g is None else next(it) for g in grads]


def _same(a, b, what):
    a = np.asarray(a)
    b = np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (what, a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=1e-6,
                               atol=1e-7, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_graph_matches_eager(case):
    for seed in SEEDS:
        arrays = case.sample(np.random.default_rng(seed))
        values, live, weights, grads = _eager(case, arrays)
        g_values, g_grads = _graph(case, arrays, live, weights)
        assert len(values) == len(g_values)
        for k, (v, gv) in enumerate(zip(values, g_values)):
            _same(v, gv, f"{case.name} seed {seed} output {k}")
        assert len(grads) == len(g_grads)
        for k, (g, gg) in enumerate(zip(grads, g_grads)):
            if g is None and gg is None:
                continue
            ref = np.zeros_like(gg) if g is None else g
            got = np.zeros_like(g) if gg is None else gg
            _same(ref, got, f"{case.name} seed {seed} grad of input {k}")
