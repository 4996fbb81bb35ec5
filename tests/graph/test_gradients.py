"""``gradients``: symbolic derivatives from the eager ops' own backward."""
import numpy as np

import ember
import ember.graph as tf


def test_gradients_of_a_polynomial():
    x = tf.placeholder(tf.float32, shape=(3,))
    y = (x ** 3).sum() + (2.0 * x).sum()
    (dx,) = tf.gradients(y, [x])
    v = np.array([1.0, -2.0, 0.5], np.float32)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(dx, {x: v}), 3 * v ** 2 + 2, rtol=1e-6)


def test_unconnected_xs_give_none_and_ys_are_summed():
    x = tf.placeholder(tf.float32, shape=(2,))
    z = tf.placeholder(tf.float32, shape=(2,))
    ys = [x * 2.0, x * x]
    dx, dz = tf.gradients(ys, [x, z])
    assert dz is None
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(dx, {x: [1.0, 3.0]}), [4.0, 8.0])


def test_grad_ys_and_intermediate_xs():
    x = tf.placeholder(tf.float32, shape=(2,))
    h = x * 3.0
    y = h * h
    seed = tf.constant([1.0, 10.0])
    dh, dx = tf.gradients(y, [h, x], grad_ys=[seed])
    with tf.Session() as sess:
        got_dh, got_dx = sess.run([dh, dx], {x: [1.0, 2.0]})
    np.testing.assert_allclose(got_dh, [6.0, 120.0])  # 2h * seed
    np.testing.assert_allclose(got_dx, [18.0, 360.0])  # 2h * 3 * seed


def test_broadcast_inputs_get_reduced_gradients():
    x = tf.placeholder(tf.float32, shape=(None, 3))
    b = tf.Variable(np.zeros(3, np.float32))
    (db,) = tf.gradients((x + b).sum(), [b])
    assert db.shape == (3,)
    with tf.Session() as sess:
        sess.run(b.initializer)
        np.testing.assert_array_equal(sess.run(db, {x: np.ones((5, 3))}), [5.0, 5.0, 5.0])


def test_stop_gradient_blocks_the_gradient():
    x = tf.placeholder(tf.float32)
    y = x * tf.stop_gradient(x * 2.0)
    (dx,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        assert sess.run(dx, {x: 3.0}) == 6.0  # only through the first factor


def test_gradients_match_eager_for_an_mlp_built_from_modules():
    ember.manual_seed(0)
    net = ember.nn.Sequential(ember.nn.Linear(5, 7), ember.nn.Tanh(), ember.nn.Linear(7, 2))
    xv = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    loss = net(ember.tensor(xv)).pow(2).mean()
    loss.backward()
    eager = [p.grad.numpy() for p in net.parameters()]
    x = tf.placeholder(tf.float32, shape=(None, 5))
    g_loss = net(x).pow(2).mean()
    params = tf.trainable_variables()
    grads = tf.gradients(g_loss, params)
    with tf.Session() as sess:
        got = sess.run(grads, {x: xv})
        assert sess.run(g_loss, {x: xv}) == loss.item()
    for e, g in zip(eager, got):
        np.testing.assert_array_equal(e, g)
