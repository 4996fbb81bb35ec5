"""The errors TF1 users know: each names what went wrong and the tensors involved."""
import numpy as np
import pytest

import ember.graph as tf


def test_unfed_placeholder_is_named():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="images")
    y = x * 2
    with tf.Session() as sess, pytest.raises(tf.InvalidArgumentError) as err:
        sess.run(y)
    msg = str(err.value)
    assert "You must feed a value for placeholder tensor 'images'" in msg
    assert "float32" in msg and "(?, 3)" in msg


def test_wrong_feed_shape_names_both_shapes():
    x = tf.placeholder(tf.float32, shape=(None, 3), name="x")
    with tf.Session() as sess, pytest.raises(ValueError) as err:
        sess.run(x * 2, {x: np.zeros((4, 2))})
    assert str(err.value) == ("Cannot feed value of shape (4, 2) for Tensor 'x:0', which has "
                              "shape (?, 3)")


def test_wrong_feed_rank_is_refused():
    x = tf.placeholder(tf.float32, shape=(3,), name="x")
    with tf.Session() as sess, pytest.raises(ValueError, match=r"shape \(1, 3\).*shape \(3,\)"):
        sess.run(x, {x: np.zeros((1, 3))})


def test_wrong_feed_dtype_names_both_dtypes():
    i = tf.placeholder(tf.int64, shape=(2,), name="labels")
    with tf.Session() as sess, pytest.raises(TypeError) as err:
        sess.run(i, {i: [0.5, 1.5]})
    assert str(err.value) == ("Cannot feed value of dtype float64 for Tensor 'labels:0', "
                              "which has dtype int64")


def test_uninitialised_variable_says_so():
    w = tf.Variable([1.0, 2.0], name="weights")
    with tf.Session() as sess, pytest.raises(tf.FailedPreconditionError) as err:
        sess.run(w * 2)
    assert "Attempting to use uninitialized value weights" in str(err.value)


def test_uninitialised_variable_in_a_training_op():
    w = tf.Variable([1.0, 2.0], name="w")
    loss = (w * w).sum()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess, pytest.raises(tf.FailedPreconditionError, match="value w"):
        sess.run(train)


def test_tensors_from_two_graphs_cannot_be_mixed():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0, name="a")
    with g2.as_default():
        b = tf.constant(2.0, name="b")
    with pytest.raises(ValueError, match="must be from the same graph"):
        _ = a + b
    with tf.Session(graph=g1) as sess, pytest.raises(ValueError, match="not an element of this"):
        sess.run(b)
    with tf.Session(graph=g1) as sess, pytest.raises(ValueError, match="not an element of this"):
        sess.run(a, {b: 3.0})


def test_runtime_errors_name_the_node():
    x = tf.placeholder(tf.float32, shape=(None, 3))
    y = tf.placeholder(tf.float32, shape=(None, 3))
    z = x + y
    with tf.Session() as sess, pytest.raises(ValueError) as err:
        sess.run(z, {x: np.zeros((2, 3)), y: np.zeros((4, 3))})
    assert "add" in str(err.value)
    assert "while running graph node 'Add'" in "".join(err.value.__notes__)


def test_fetch_of_a_wrong_type():
    with tf.Session() as sess, pytest.raises(TypeError, match="invalid type"):
        sess.run(3.0)
