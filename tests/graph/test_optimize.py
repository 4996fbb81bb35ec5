"""Graph optimisation before the first run: constant folding, CSE, dead-node removal."""
import numpy as np

import ember
import ember.graph as tf


def _program(fetch, feed):
    return tf.Session().program(fetch, feed)


def test_constant_folding_computes_constant_subgraphs_once():
    x = tf.placeholder(tf.float32, shape=(3,))
    scale = tf.constant(2.0) * tf.constant(3.0) + 1.0  # known before any run
    y = x * scale
    p = _program(y, {x: np.ones(3)})
    assert p.stats["folded"] == 2  # Mul and Add
    assert p.names == ["Mul_1"]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0, 3.0]}), [7.0, 14.0, 21.0])


def test_common_subexpressions_are_merged():
    x = tf.placeholder(tf.float32, shape=(4,))
    a = ember.tanh(x) * 2.0
    b = ember.tanh(x) * 2.0  # the same computation, built twice
    y = a + b
    p = _program(y, {x: np.ones(4)})
    assert p.stats["merged"] == 2
    assert p.names == ["Tanh", "Mul", "Add"]
    with tf.Session() as sess:
        v = np.linspace(-1, 1, 4).astype(np.float32)
        np.testing.assert_allclose(sess.run(y, {x: v}), 4 * np.tanh(v), rtol=1e-6)


def test_literal_types_keep_ops_apart():
    i = tf.placeholder(tf.int64, shape=(2,))
    y = [i * 2, i * 2.0]  # int and float results: not the same op
    p = _program(y, {i: [1, 2]})
    assert p.stats["merged"] == 0
    with tf.Session() as sess:
        a, b = sess.run(y, {i: [1, 2]})
    assert a.dtype == np.int64 and b.dtype == np.float32


def test_dead_nodes_are_removed_and_counted():
    x = tf.placeholder(tf.float32, shape=(2,))
    y = x + 1.0
    for _ in range(5):
        _ = ember.exp(y) * 3.0  # unused branches
    p = _program(y, {x: np.ones(2)})
    assert p.stats["graph"] == 12 and p.stats["after"] == 1
    assert p.names == ["Add"]


def test_random_ops_are_neither_merged_nor_folded():
    x = tf.placeholder(tf.float32, shape=(2000,))
    a = ember.nn.functional.dropout(x, 0.5)
    b = ember.nn.functional.dropout(x, 0.5)
    c = ember.nn.functional.dropout(tf.ones((2000,)), 0.5)
    p = _program([a, b, c], {x: np.ones(2000)})
    assert p.stats["merged"] == 0 and p.stats["folded"] == 0
    with tf.Session() as sess:
        va, vb, vc = sess.run([a, b, c], {x: np.ones(2000)})
        vc2 = sess.run(c)
    assert not np.array_equal(va, vb)
    assert not np.array_equal(vc, vc2)  # drawn at every run
