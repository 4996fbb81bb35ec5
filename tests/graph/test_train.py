"""TF1-style training loops train to the same losses as the eager version of the model."""
import numpy as np
import pytest

import ember
import ember.graph as tf
from ember.nn.functional.linear import Linear


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


def _eager_step(net, opt, x, y) -> float:
    """One eager cross-entropy training step of ``net``; returns the loss before it."""
    loss = ember.nn.functional.cross_entropy(net(ember.tensor(x)), ember.tensor(y))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


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
            e_loss = _eager_step(eager_net, opt, xv[batch], labels[batch])
            np.testing.assert_allclose(g_loss, e_loss, rtol=1e-5)
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


def _mlp(seed=3, sizes=(12, 16, 8, 3)):
    ember.manual_seed(seed)
    layers = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [ember.nn.Linear(a, b), ember.nn.ReLU()]
    return ember.nn.Sequential(*layers[:-1])


@pytest.mark.parametrize("name", ["adam", "sgd", "momentum", "nesterov"])
def test_graph_step_matches_the_eager_step_of_ember_optim(name):
    """The graph update makes ember.optim's calls in its order: same float32 values."""
    rng = np.random.default_rng(4)
    xv = rng.random((20, 32, 12), dtype=np.float32)
    yv = rng.integers(0, 3, (20, 32))
    eager_net, graph_net = _mlp(), _mlp()
    eager_opt, graph_opt = {
        "adam": (lambda p: ember.optim.Adam(p, lr=1e-2), lambda: tf.train.AdamOptimizer(1e-2)),
        "sgd": (lambda p: ember.optim.SGD(p, lr=0.1),
                lambda: tf.train.GradientDescentOptimizer(0.1)),
        "momentum": (lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9),
                     lambda: tf.train.MomentumOptimizer(0.1, 0.9)),
        "nesterov": (lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
                     lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True)),
    }[name]
    opt = eager_opt(eager_net.parameters())
    x = tf.placeholder(tf.float32, shape=(None, 12))
    t = tf.placeholder(tf.int64, shape=(None,))
    loss = ember.nn.functional.cross_entropy(graph_net(x), t)
    train = graph_opt().minimize(loss)
    with tf.Session() as sess:
        for step in range(20):
            g_loss, _ = sess.run([loss, train], {x: xv[step], t: yv[step]})
            e_loss = _eager_step(eager_net, opt, xv[step], yv[step])
            np.testing.assert_allclose(g_loss, e_loss, rtol=1e-6)
    for pg, pe in zip(graph_net.parameters(), eager_net.parameters()):
        np.testing.assert_allclose(pg.detach().numpy(), pe.detach().numpy(), rtol=1e-6,
                                   atol=1e-9)


def test_parameters_become_views_of_one_buffer_and_stay_the_modules():
    net = _mlp()
    before = [p.detach().numpy().copy() for p in net.parameters()]
    x = tf.placeholder(tf.float32, shape=(None, 12))
    t = tf.placeholder(tf.int64, shape=(None,))
    loss = ember.nn.functional.cross_entropy(net(x), t)
    train = tf.train.GradientDescentOptimizer(0.0).minimize(loss)
    xv, yv = np.ones((4, 12), np.float32), np.zeros(4, np.int64)
    with tf.Session() as sess:
        sess.run(train, {x: xv, t: yv})
        arrays = [p.array for p in net.parameters()]
        assert len({id(a.base) for a in arrays}) == 1  # one flat buffer behind them all
        for a, b in zip(arrays, before):
            np.testing.assert_array_equal(a, b)  # values moved unchanged (lr 0)
        # the eager module reads the very arrays the graph updates
        eager_out = net(ember.tensor(xv)).detach().numpy()
        graph_out = sess.run(net(x), {x: xv})
        np.testing.assert_array_equal(eager_out, graph_out)


def test_a_replaced_parameter_array_is_trained_from_its_new_value():
    net = _mlp()
    x = tf.placeholder(tf.float32, shape=(None, 12))
    t = tf.placeholder(tf.int64, shape=(None,))
    loss = ember.nn.functional.cross_entropy(net(x), t)
    train = tf.train.GradientDescentOptimizer(0.0).minimize(loss)
    xv, yv = np.ones((4, 12), np.float32), np.zeros(4, np.int64)
    with tf.Session() as sess:
        sess.run(train, {x: xv, t: yv})
        state = {k: np.full(v.shape, 0.5, np.float32) for k, v in net.state_dict().items()}
        net.load_state_dict(state)  # rebinds every parameter's array
        sess.run(train, {x: xv, t: yv})
        for p in net.parameters():
            np.testing.assert_array_equal(p.detach().numpy(), 0.5)
        assert len({id(p.array.base) for p in net.parameters()}) == 1
        net[0].weight.array = net[0].weight.array.astype(np.float64)
        with pytest.raises(tf.InvalidArgumentError, match=r"changed from float32\[16, 12\] to "
                           r"float64\[16, 12\]"):
            sess.run(train, {x: xv, t: yv})


def test_assigned_variables_and_mixed_dtypes_train_in_their_flat_groups():
    w32 = tf.Variable(np.array([1.0, 2.0], np.float32))
    w64 = tf.Variable(np.array([3.0], np.float64))
    loss = (w32 * w32).sum() + (w64 * w64).sum().float()
    train = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)  # w <- w - 0.25 * 2w = w / 2
        np.testing.assert_array_equal(sess.run(w32), [0.5, 1.0])
        np.testing.assert_array_equal(sess.run(w64), [1.5])
        assert sess.run(w64).dtype == np.float64
        sess.run(w32.assign([4.0, 8.0]))  # a new array: the next step copies it in
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w32), [2.0, 4.0])
        sess.run(w64.assign_add([1.0]))
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w32), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run(w64), [0.875])  # 1.5 -> 0.75 -> 1.75 -> 0.875


def test_linear_weights_are_laid_out_column_major_and_stay_the_modules(tmp_path):
    """A weight only ``Linear`` reads is a column-major view (its forward GEMM then reads
    W.T row-major); training, the eager module and its state_dict see the same values."""
    rng = np.random.default_rng(5)
    xv = rng.random((6, 32, 12), dtype=np.float32)
    yv = rng.integers(0, 3, (6, 32))
    net, eager_net = _mlp(), _mlp()
    opt = ember.optim.Adam(eager_net.parameters(), lr=1e-2)
    x = tf.placeholder(tf.float32, shape=(None, 12))
    t = tf.placeholder(tf.int64, shape=(None,))
    logits = net(x)
    loss = ember.nn.functional.cross_entropy(logits, t)
    train = tf.train.AdamOptimizer(1e-2).minimize(loss)
    with tf.Session() as sess:
        for step in range(6):
            sess.run(train, {x: xv[step], t: yv[step]})
            _eager_step(eager_net, opt, xv[step], yv[step])
        for name, p in net.named_parameters():
            column_major = p.array.ndim == 2
            assert p.array.flags.f_contiguous and p.array.flags.c_contiguous != column_major
            assert p.array.base is net[0].weight.array.base, name  # still one flat buffer
        graph_out = sess.run(logits, {x: xv[0]})
        eager_out = net(ember.tensor(xv[0])).detach().numpy()
        np.testing.assert_array_equal(eager_out, graph_out)
        state = net.state_dict()
        for (key, value), p in zip(state.items(), eager_net.parameters()):
            np.testing.assert_allclose(value.numpy(), p.detach().numpy(), rtol=1e-5,
                                       atol=1e-7, err_msg=key)
        # a copy of the state loads into a fresh module that computes the same outputs
        fresh = _mlp(seed=9)
        fresh.load_state_dict({k: v.numpy().copy() for k, v in state.items()})
        np.testing.assert_array_equal(fresh(ember.tensor(xv[0])).detach().numpy(), graph_out)
        # and eager training of the module itself goes on over the column-major views
        net_opt = ember.optim.SGD(net.parameters(), lr=0.1)
        ember.nn.functional.cross_entropy(net(ember.tensor(xv[1])),
                                          ember.tensor(yv[1])).backward()
        before = net[0].weight.detach().numpy().copy()
        net_opt.step()
        assert not np.array_equal(net[0].weight.detach().numpy(), before)


def test_a_weight_read_outside_linear_keeps_the_row_major_layout():
    lin = ember.nn.Linear(4, 3)
    x = tf.placeholder(tf.float32, shape=(None, 4))
    w = lin.weight * tf.constant(1.0)  # the weight is read by a Mul too
    loss = (lin(x) ** 2).sum() + (w * w).sum()
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    xv = np.ones((2, 4), np.float32)
    w0, b0 = lin.weight.detach().numpy().copy(), lin.bias.detach().numpy().copy()
    with tf.Session() as sess:
        sess.run(train, {x: xv})
    assert lin.weight.array.flags.c_contiguous
    y = xv @ w0.T + b0
    np.testing.assert_allclose(lin.weight.detach().numpy(),
                               w0 - 0.01 * (2 * y.T @ xv + 2 * w0), rtol=1e-6)


def test_backward_writes_weight_gradients_into_the_optimizer_buffer(monkeypatch):
    """From the second step on, Linear's backward writes dW and db straight into the flat
    gradient buffer (no copy); a gradient also fetched is not aliased to that buffer."""
    net = _mlp()
    x = tf.placeholder(tf.float32, shape=(None, 12))
    t = tf.placeholder(tf.int64, shape=(None,))
    loss = ember.nn.functional.cross_entropy(net(x), t)
    opt = tf.train.GradientDescentOptimizer(0.1)
    pairs = opt.compute_gradients(loss)
    train = opt.apply_gradients(pairs)
    rng = np.random.default_rng(6)
    xv, yv = rng.random((3, 8, 12), dtype=np.float32), rng.integers(0, 3, (3, 8))
    with tf.Session() as sess:
        sess.run(train, {x: xv[0], t: yv[0]})
        buffers = sess.grad_buffers
        assert {id(g) for g, _ in pairs} == set(buffers)
        flat_grad = next(iter(buffers.values())).base
        calls = []
        real = Linear.backward

        def spy(self, g):
            calls.append(self.grad_out)
            return real(self, g)

        expected = sess.run([g for g, _ in pairs], {x: xv[1], t: yv[1]})
        monkeypatch.setattr(Linear, "backward", spy)
        sess.run(train, {x: xv[1], t: yv[1]})
        monkeypatch.undo()
        assert len(calls) == len(net) // 2 + 1 and all(set(c) == {1, 2} for c in calls)
        for c in calls:
            assert all(np.shares_memory(a, flat_grad) for a in c.values())
        # the buffer holds that step's gradients: the ones a fetch computed before it
        for (g, _), value in zip(pairs, expected):
            np.testing.assert_array_equal(buffers[id(g)], value)
        # fetched together with the update, a gradient is a value of its own
        g0 = pairs[0][0]
        first, _ = sess.run([g0, train], {x: xv[2], t: yv[2]})
        kept = first.copy()
        assert not np.shares_memory(first, flat_grad)
        sess.run(train, {x: xv[0], t: yv[0]})
        np.testing.assert_array_equal(first, kept)


def test_direct_gradient_writes_into_a_row_major_weight_match_eager(monkeypatch):
    """A weight that a graph op outside the loss also reads keeps the row-major layout;
    Linear's backward then writes dW row-major into the buffer, and training matches eager."""
    ember.manual_seed(0)
    lin, eager_lin = ember.nn.Linear(4, 3), ember.nn.Linear(4, 3)
    eager_lin.load_state_dict(lin.state_dict())
    x = tf.placeholder(tf.float32, shape=(None, 4))
    t = tf.placeholder(tf.int64, shape=(None,))
    loss = ember.nn.functional.cross_entropy(lin(x), t)
    (x.sum() * lin.weight).sum()  # a reader of W off the loss's path
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    opt = ember.optim.Adam(eager_lin.parameters(), lr=0.1)
    layouts = []
    real = Linear.backward

    def spy(self, g):
        layouts.extend(v.flags.c_contiguous for v in (self.grad_out or {}).values()
                       if v.ndim == 2)
        return real(self, g)

    monkeypatch.setattr(Linear, "backward", spy)
    rng = np.random.default_rng(8)
    xv, yv = rng.random((5, 8, 4), dtype=np.float32), rng.integers(0, 3, (5, 8))
    with tf.Session() as sess:
        for i in range(5):
            g_loss, _ = sess.run([loss, train], {x: xv[i], t: yv[i]})
            e_loss = _eager_step(eager_lin, opt, xv[i], yv[i])
            np.testing.assert_allclose(g_loss, e_loss, rtol=1e-6)
    assert layouts and all(layouts)  # row-major buffers, written from the second step on
    assert lin.weight.array.flags.c_contiguous
    np.testing.assert_allclose(lin.weight.detach().numpy(), eager_lin.weight.detach().numpy(),
                               rtol=1e-6)
