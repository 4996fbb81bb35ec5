"""``graph_mlp_mnist``: one ``mlp_mnist`` training step in TF1 graph mode vs eager mode.

MLP 784-256-128-10, ReLU, softmax cross-entropy, Adam lr 1e-3, batch 128, on random data
of MNIST's shape. The eager step is ``net(x)``, ``cross_entropy``, ``backward``,
``optim.Adam.step``; the graph step is one ``sess.run([loss, train_op])`` of the same
model built on placeholders (``ember.graph``). Milliseconds per step: the median of
25 repeats of 20 steps each, min and max beside; PyTorch's eager step alongside. Each
step written by hand in NumPy (no autograd, no dispatch: the same GEMMs in the graph's
layout, the ReLUs in place, the weight gradients written by the GEMMs straight into one
flat buffer, one flat Adam update) is timed beside them as the floor that any Python
front end over NumPy can approach: how close the graph gets to it is what is left to
gain. Each figure is given in wall time and in CPU time of the process (``time.process_time``): on a
shared machine the wall time of a multithreaded BLAS swings with the other processes'
load, while CPU time stays comparable between Ember's two modes (PyTorch's is left out
there: its two threads' CPU time is not a step's duration).

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks.graph_mlp_mnist``
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.common import Row, load_torch

BATCH, STEPS, REPEATS = 128, 20, 25


def _model(lib):
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def _data(n_batches=8):
    rng = np.random.default_rng(0)
    x = rng.random((n_batches, BATCH, 784), dtype=np.float32)
    y = rng.integers(0, 10, (n_batches, BATCH))
    return x, y


def _time(steps, repeats):
    """(wall, cpu) ms per step of each step function; repeats interleaved, so that the
    machine's load (it is shared) weighs on every contender alike."""
    for step in steps:
        step(0)  # warm-up: compiles the graph program, allocates optimizer state
    wall = [[] for _ in steps]
    cpu = [[] for _ in steps]
    for _ in range(repeats):
        for step, w, c in zip(steps, wall, cpu):
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(STEPS):
                step(i)
            w.append((time.perf_counter() - t0) / STEPS * 1e3)
            c.append((time.process_time() - c0) / STEPS * 1e3)
            # let thread pools that spin after their work (PyTorch's OpenMP) go idle, or
            # their spinning is counted in the next contender's CPU time
            time.sleep(0.02)
    return wall, cpu


def eager_step():
    import ember

    x, y = _data()
    xs, ys = [ember.tensor(b) for b in x], [ember.tensor(b) for b in y]
    net = _model(ember)
    opt = ember.optim.Adam(net.parameters(), lr=1e-3)

    def step(i):
        k = i % len(xs)
        loss = ember.nn.functional.cross_entropy(net(xs[k]), ys[k])
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def graph_step():
    import ember
    import ember.graph as tf

    x, y = _data()
    graph = tf.Graph()
    with graph.as_default():
        images = tf.placeholder(tf.float32, shape=(None, 784))
        labels = tf.placeholder(tf.int64, shape=(None,))
        loss = ember.nn.functional.cross_entropy(_model(ember)(images), labels)
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    sess = tf.Session(graph=graph)

    def step(i):
        k = i % len(x)
        sess.run([loss, train], {images: x[k], labels: y[k]})

    return step


def numpy_step():
    """The step by hand in NumPy: the floor for a NumPy framework (see the docstring)."""
    import math

    x, y = _data()
    rng = np.random.default_rng(0)
    shapes = [(256, 784), (256,), (128, 256), (128,), (10, 128), (10,)]
    sizes = [math.prod(s) for s in shapes]
    flat, gflat = np.empty(sum(sizes), np.float32), np.zeros(sum(sizes), np.float32)
    m, v, tmp = np.zeros_like(flat), np.zeros_like(flat), np.empty_like(flat)

    def split(buf):  # 2-D weights column-major, as the graph lays them out
        edges = np.cumsum([0] + sizes)
        return [buf[a:b].reshape(s[::-1]).T if len(s) == 2 else buf[a:b]
                for a, b, s in zip(edges[:-1], edges[1:], shapes)]

    (w1, b1, w2, b2, w3, b3), grads = split(flat), split(gflat)
    for p, s in zip((w1, b1, w2, b2, w3, b3), shapes):
        bound = 1 / math.sqrt(s[-1] if len(s) == 2 else p.size)
        p[...] = rng.uniform(-bound, bound, s)
    gw1, gb1, gw2, gb2, gw3, gb3 = grads
    rows = np.arange(BATCH)
    t = [0]

    def step(i):
        k = i % len(x)
        xb, yb = x[k], y[k]
        h1 = xb @ w1.T
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ w2.T
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z = h2 @ w3.T
        z += b3
        z -= z.max(1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(1, keepdims=True)
        z[rows, yb] -= 1
        z /= BATCH
        np.matmul(h2.T, z, out=gw3.T)
        np.sum(z, 0, out=gb3)
        d2 = z @ w3
        d2 *= h2 > 0
        np.matmul(h1.T, d2, out=gw2.T)
        np.sum(d2, 0, out=gb2)
        d1 = d2 @ w2
        d1 *= h1 > 0
        np.matmul(xb.T, d1, out=gw1.T)
        np.sum(d1, 0, out=gb1)
        t[0] += 1
        np.subtract(gflat, m, out=tmp)
        np.multiply(tmp, 0.1, out=tmp)
        np.add(m, tmp, out=m)
        np.multiply(v, 0.999, out=v)
        np.multiply(gflat, gflat, out=tmp)
        np.multiply(tmp, 0.001, out=tmp)
        np.add(v, tmp, out=v)
        np.sqrt(v, out=tmp)
        np.divide(tmp, math.sqrt(1 - 0.999 ** t[0]), out=tmp)
        np.add(tmp, 1e-8, out=tmp)
        np.divide(m, tmp, out=tmp)
        np.multiply(tmp, 1e-3 / (1 - 0.9 ** t[0]), out=tmp)
        np.subtract(flat, tmp, out=flat)

    return step


def torch_step():
    torch = load_torch()
    if torch is None:
        return None
    torch.manual_seed(0)
    x, y = _data()
    xs, ys = [torch.tensor(b) for b in x], [torch.tensor(b) for b in y]
    net = _model(torch)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step(i):
        k = i % len(xs)
        loss = torch.nn.functional.cross_entropy(net(xs[k]), ys[k])
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def node_counts():
    """Node counts of the training step's graph before and after optimisation."""
    import ember
    import ember.graph as tf

    graph = tf.Graph()
    with graph.as_default():
        images = tf.placeholder(tf.float32, shape=(None, 784))
        labels = tf.placeholder(tf.int64, shape=(None,))
        logits = _model(ember)(images)
        loss = ember.nn.functional.cross_entropy(logits, labels)
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        accuracy = (logits.argmax(dim=1) == labels).float().mean()  # not part of the step
        tf.global_variables_initializer()
    feed = {images: np.zeros((BATCH, 784), np.float32), labels: np.zeros(BATCH, np.int64)}
    del accuracy
    return tf.Session(graph=graph).program([loss, train], feed).stats


def _spread(times):
    return statistics.median(times), f"{min(times):.3g}..{max(times):.3g}"


def run(repeats: int = REPEATS) -> list[Row]:
    steps = [eager_step(), graph_step(), numpy_step(), torch_step()]
    wall, cpu = _time([s for s in steps if s is not None], repeats)
    eager, eager_spread = _spread(wall[0])
    graph, graph_spread = _spread(wall[1])
    floor, floor_spread = _spread(wall[2])
    torch_med = statistics.median(wall[3]) if len(wall) > 3 else None
    eager_cpu, eager_cpu_spread = _spread(cpu[0])
    graph_cpu, graph_cpu_spread = _spread(cpu[1])
    return [
        Row("graph_mlp_mnist step: eager (vs PyTorch)", eager, torch_med, "ms",
            spread=eager_spread),
        Row("graph_mlp_mnist step: graph (vs PyTorch)", graph, torch_med, "ms",
            spread=graph_spread),
        Row("graph_mlp_mnist step: NumPy by hand (vs PyTorch)", floor, torch_med, "ms",
            spread=floor_spread),
        Row("graph_mlp_mnist step: graph / eager", graph / eager, None, "ratio"),
        Row("graph_mlp_mnist step: graph / NumPy by hand", graph / floor, None, "ratio"),
        Row("graph_mlp_mnist step: eager, CPU time", eager_cpu, None, "CPU ms",
            spread=eager_cpu_spread),
        Row("graph_mlp_mnist step: graph, CPU time", graph_cpu, None, "CPU ms",
            spread=graph_cpu_spread),
        Row("graph_mlp_mnist step: graph / eager, CPU", graph_cpu / eager_cpu, None, "ratio"),
    ]


if __name__ == "__main__":
    from benchmarks.common import blas_info

    print(f"BLAS: {blas_info()}")
    rows = run()
    for r in rows:
        other = "" if r.torch is None else f"  PyTorch {r.torch:.3f}  ratio {r.ratio:.2f}"
        spread = f"  ({r.spread})" if r.spread else ""
        print(f"{r.name:44s} {r.ember:8.3f} {r.unit}{spread}{other}")
    print("MLP training-step graph, node counts:", node_counts())
