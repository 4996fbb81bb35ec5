"""Variables: initialisation, assign ops, Parameters as Variables, graphs and names."""
import numpy as np
import pytest

import ember
import ember.graph as tf


def test_assign_ops_update_the_variable():
    counter = tf.Variable(0, name="counter")
    inc = counter.assign_add(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [sess.run(inc) for _ in range(3)] == [1, 2, 3]
        assert sess.run(counter.assign_sub(2)) == 1
        assert sess.run(counter.assign(10)) == 10
        assert sess.run(counter) == 10
        counter.load(7, sess)
        assert sess.run(counter) == 7


def test_each_session_has_its_own_variable_values():
    v = tf.Variable(1.0)
    bump = v.assign_add(1.0)
    s1, s2 = tf.Session(), tf.Session()
    for s in (s1, s2):
        s.run(v.initializer)
    s1.run(bump)
    assert s1.run(v) == 2.0 and s2.run(v) == 1.0


def test_initializer_from_a_graph_tensor_and_collections():
    a = tf.Variable(tf.ones((2, 2)) * 3.0, name="a")
    b = tf.Variable([1.0], trainable=False, name="b")
    assert tf.global_variables() == [a, b] or all(
        x is y for x, y in zip(tf.global_variables(), [a, b]))
    assert len(tf.trainable_variables()) == 1 and tf.trainable_variables()[0] is a
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a]))
        np.testing.assert_array_equal(sess.run(a), np.full((2, 2), 3.0, np.float32))
        with pytest.raises(tf.FailedPreconditionError):
            sess.run(b)


def test_fetched_values_are_not_changed_by_later_updates():
    w = tf.Variable([1.0, 2.0])
    train = tf.train.GradientDescentOptimizer(1.0).minimize((w * w).sum())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w)
        sess.run(train)
        np.testing.assert_array_equal(before, [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(w), [-1.0, -2.0])


def test_parameters_become_trainable_variables_updated_in_place():
    p = ember.tensor([1.0, -2.0], requires_grad=True)
    x = tf.placeholder(tf.float32, shape=(2,))
    loss = ((x * p) ** 2).sum()
    assert [v.op.attrs["param"] for v in tf.trainable_variables()] == [p]
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # a no-op for parameters
        sess.run(train, {x: [1.0, 1.0]})
    np.testing.assert_allclose(p.detach().numpy(), [0.5, -1.0])  # p - 0.25 * 2p


def test_names_are_unique_and_scoped():
    a = tf.constant(1.0, name="c")
    b = tf.constant(1.0, name="c")
    with tf.name_scope("layer"):
        d = tf.constant(1.0, name="c")
    assert (a.name, b.name, d.name) == ("c:0", "c_1:0", "layer/c:0")
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("c_1:0") is b
    assert g.get_operation_by_name("layer/c") is d.op


def test_default_graph_stack_and_reset():
    outer = tf.get_default_graph()
    g = tf.Graph()
    with g.as_default():
        assert tf.get_default_graph() is g
        c = tf.constant(1.0)
        with pytest.raises(AssertionError):
            tf.reset_default_graph()
    assert c.graph is g and tf.get_default_graph() is outer
    tf.reset_default_graph()
    assert tf.get_default_graph() is not outer
    assert tf.get_default_graph().get_operations() == []
