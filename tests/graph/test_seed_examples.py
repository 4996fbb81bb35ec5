"""Seed question 26's TF1 snippets, run with only the import changed."""
import numpy as np

import ember.graph as tf


def test_two_constants_print_as_graph_tensors_and_run_to_values():
    a = tf.constant(2.0, tf.float32)
    b = tf.constant(3.0)
    assert str(a) == 'Tensor("Const:0", shape=(), dtype=float32)'
    assert str(b) == 'Tensor("Const_1:0", shape=(), dtype=float32)'
    with tf.Session() as sess:
        assert sess.run([a, b]) == [2.0, 3.0]


def test_variables_need_initialising_then_hold_their_values():
    W = tf.Variable([.3], dtype=tf.float32)
    b = tf.Variable([-.3], dtype=tf.float32)
    assert W.dtype == tf.float32 and W.shape == (1,)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w_value, b_value = sess.run([W, b])
    np.testing.assert_array_equal(w_value, np.array([0.3], np.float32))
    np.testing.assert_array_equal(b_value, np.array([-0.3], np.float32))


def test_placeholder_doubled_with_feed_dict():
    a = tf.placeholder(tf.float32)
    b = a * 2
    with tf.Session() as sess:
        result = sess.run(b, feed_dict={a: 3.0})
    assert result == 6.0 and result.dtype == np.float32


def test_session_evaluates_a_plus_b():
    a = tf.constant(2.0)
    b = tf.constant(4.0)
    c = a + b
    sess = tf.Session()
    assert sess.run(c) == 6.0
    sess.close()
