"""TF1-style training loops train to the same losses as the eager version of the model."""
import numpy as np
import pytest

import ember
import ember.graph as tf


def _data(n=64, d=6, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    labels = rng.integers(0, k, n)
    return x, labels, np.eye(k, dtype=np.float32)[labels]


def _init(seed=0, sizes=(6, 16, 3)):
    rng = np.random.default_rng(seed)
    return [a.astype(np.float32) for i in range(len(sizes) - 1) for a in (
        rng.uniform(-0.4, 0.4, (sizes[i], sizes[i + 1])), rng.uniform(-0.1, 0.1, sizes[i + 1]))]


def _mlp_loss(params, x, y):
    """MLP from raw ops; cross-entropy as logsumexp - logit of the label (one-hot y)."""
    w1, b1, w2, b2 = params
    logits = ember.relu(x @ w1 + b1) @ w2 + b2
    return (ember.logsumexp(logits, dim=1) - (logits * y).sum(dim=1)).mean()


def _eager_adam(params, grads, state, lr=1e-2, b1=0.9, b2=0.999, eps=1e-8):
    state["t"] = t = state.get("t", 0) + 1
    for i, (p, g) in enumerate(zip(params, grads)):
        m = state[("m", i)] = b1 * state.get(("m", i), 0) + (1 - b1) * g
        v = state[("v", i)] = b2 * state.get(("v", i), 0) + (1 - b2) * g * g
        p.array -= lr / (1 - b1 ** t) * m / (np.sqrt(v / (1 - b2 ** t)) + eps)


def test_linear_regression_matches_eager_gradient_descent():
    xs = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    ys = np.array([[0.0], [-1.0], [-2.0], [-3.0]], np.float32)
    x = tf.placeholder(tf.float32, shape=(None, 1))
    y = tf.placeholder(tf.float32, shape=(None, 1))
    W = tf.Variable([[.3]], dtype=tf.float32)
    b = tf.Variable([-.3], dtype=tf.float32)
    loss = tf.reduce_sum(tf.square(x @ W + b - y))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    ew = ember.tensor([[.3]], requires_grad=True)
    eb = ember.tensor([-.3], requires_grad=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(200):
            graph_loss, _ = sess.run([loss, train], {x: xs, y: ys})
            eager_loss = ((ember.tensor(xs) @ ew + eb - ember.tensor(ys)) ** 2).sum()
            eager_loss.backward()
            with ember.no_grad():
                for p in (ew, eb):
                    p.array -= 0.01 * p.grad.array
                    p.grad = None
            assert graph_loss == eager_loss.item()
        np.testing.assert_array_equal(sess.run(W), ew.detach().numpy())
    assert graph_loss < 0.02  # from 23.1


@pytest.mark.parametrize("opt", ["adam", "momentum"])
def test_mlp_from_raw_ops_matches_eager(opt):
    xv, _, yv = _data()
    init = _init()
    x = tf.placeholder(tf.float32, shape=(None, 6))
    y = tf.placeholder(tf.float32, shape=(None, 3))
    variables = [tf.Variable(a) for a in init]
    loss = _mlp_loss(variables, x, y)
    optimizer = (tf.train.AdamOptimizer(1e-2) if opt == "adam"
                 else tf.train.MomentumOptimizer(0.1, 0.9))
    train = optimizer.minimize(loss)
    params = [ember.tensor(a, requires_grad=True) for a in init]
    state = {}
    graph_losses, eager_losses = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(30):
            batch = slice(16 * (step % 4), 16 * (step % 4 + 1))
            value, _ = sess.run([loss, train], {x: xv[batch], y: yv[batch]})
            graph_losses.append(value)
            e = _mlp_loss(params, ember.tensor(xv[batch]), ember.tensor(yv[batch]))
            e.backward()
            grads = [p.grad.array for p in params]
            if opt == "adam":
                _eager_adam(params, grads, state)
            else:
                for i, (p, g) in enumerate(zip(params, grads)):
                    buf = state[i] = 0.9 * state.get(i, 0) + g
                    p.array -= 0.1 * buf
            for p in params:
                p.grad = None
            eager_losses.append(e.item())
    np.testing.assert_allclose(graph_losses, eager_losses, rtol=1e-5)
    assert graph_losses[-1] < 0.8 * graph_losses[0]


def test_modules_on_a_placeholder_train_their_parameters_like_eager_adam():
    xv, labels, _ = _data(seed=1)

    def model():
        ember.manual_seed(3)
        return ember.nn.Sequential(ember.nn.Linear(6, 16), ember.nn.ReLU(),
                                   ember.nn.Linear(16, 3))

    eager_net, graph_net = model(), model()
    opt = ember.optim.Adam(eager_net.parameters(), lr=1e-2)
    x = tf.placeholder(tf.float32, shape=(None, 6))
    t = tf.placeholder(tf.int64, shape=(None,))
    loss = ember.nn.functional.cross_entropy(graph_net(x), t)
    assert len(tf.trainable_variables()) == 4  # the layers' Parameters
    train = tf.train.AdamOptimizer(1e-2).minimize(loss)
    with tf.Session() as sess:
        for step in range(20):
            batch = slice(16 * (step % 4), 16 * (step % 4 + 1))
            g_loss, _ = sess.run([loss, train], {x: xv[batch], t: labels[batch]})
            e_loss = ember.nn.functional.cross_entropy(
                eager_net(ember.tensor(xv[batch])), ember.tensor(labels[batch]))
            opt.zero_grad()
            e_loss.backward()
            opt.step()
            np.testing.assert_allclose(g_loss, e_loss.item(), rtol=1e-5)
    for pg, pe in zip(graph_net.parameters(), eager_net.parameters()):
        np.testing.assert_allclose(pg.detach().numpy(), pe.detach().numpy(), rtol=1e-4,
                                   atol=1e-6)  # the module itself holds the trained weights


def test_learning_rate_placeholder_and_global_step():
    w = tf.Variable([4.0])
    lr = tf.placeholder(tf.float32, shape=())
    step = tf.Variable(0, trainable=False)
    train = tf.train.GradientDescentOptimizer(lr).minimize((w * w).sum(), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {lr: 0.25})
        sess.run(train, {lr: 0.5})
        assert sess.run(step) == 2
        np.testing.assert_allclose(sess.run(w), [0.0])  # 4 -> 2 -> 0


def test_minimize_without_a_connected_variable_is_refused():
    w = tf.Variable([1.0])
    loss = tf.constant(2.0) * 3.0
    with pytest.raises(ValueError, match="No gradients provided"):
        tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[w])
