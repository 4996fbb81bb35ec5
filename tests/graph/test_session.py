"""Session.run: fetch structures, feeds, pruning, freeing, default session, close."""
import collections
import weakref

import numpy as np
import pytest

import ember
import ember.graph as tf
from ember.autograd import Function


def test_fetches_keep_their_structure():
    a, b = tf.constant(1.0), tf.constant(2.0)
    init = tf.group(a, b)
    Pair = collections.namedtuple("Pair", "x y")
    with tf.Session() as sess:
        out = sess.run({"a": a, "rest": [b, (a + b, init)], "pair": Pair(a, b)})
    assert out["a"] == 1.0
    assert isinstance(out["rest"], list) and out["rest"][0] == 2.0
    assert out["rest"][1] == (3.0, None)
    assert isinstance(out["pair"], Pair) and out["pair"].y == 2.0


def test_fetching_an_op_returns_none():
    tf.Variable(1.0)
    with tf.Session() as sess:
        assert sess.run(tf.global_variables_initializer()) is None


def test_only_the_needed_part_runs():
    x = tf.placeholder(tf.float32, shape=(2,))
    unrelated = tf.placeholder(tf.float32)
    v = tf.Variable(0.0)
    bump = v.assign_add(1.0)
    y = x * 3.0
    _ = unrelated + bump  # another branch: neither fed nor fetched
    with tf.Session() as sess:
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(y, {x: [1.0, 2.0]}), [3.0, 6.0])
        assert sess.run(v) == 0.0  # the assign_add was not run
        program = sess.program(y, {x: [1.0, 2.0]})
    assert program.names == ["Mul"]


class _Counting(Function):
    calls = 0

    def forward(self, x):
        type(self).calls += 1
        return x + 1

    def backward(self, g):
        return (g,)


def test_each_node_runs_once_per_run():
    x = tf.placeholder(tf.float32, shape=(2,))
    shared = _Counting.apply(x)
    outs = [shared * 2, shared * 3, shared + shared]
    _Counting.calls = 0  # building may have probed it for static shapes
    with tf.Session() as sess:
        for _ in range(2):
            got = sess.run(outs, {x: [1.0, 2.0]})
            np.testing.assert_array_equal(got[2], [4.0, 6.0])
    assert _Counting.calls == 2


class _Remember(Function):
    """Keeps weak references to its outputs, so a test can see when they are freed."""

    refs = []

    def forward(self, x):
        out = x * 2
        type(self).refs.append(weakref.ref(out))
        return out

    def backward(self, g):
        return (g * 2,)


class _Check(Function):
    seen = []

    def forward(self, x):
        type(self).seen.append([r() is None for r in _Remember.refs])
        return x + 0


def test_intermediates_are_freed_after_their_last_use():
    x = tf.placeholder(tf.float32, shape=(1000,))
    a = _Remember.apply(x)  # used only by the next op
    b = ember.tanh(a)
    c = _Check.apply(b)
    _Remember.refs.clear()
    _Check.seen.clear()
    with tf.Session() as sess:
        sess.run(c, {x: np.ones(1000)})
    assert _Check.seen == [[True]]  # ``a`` was gone before ``c`` ran


def test_default_session_for_eval_and_run():
    a = tf.constant(5.0)
    with tf.Session():
        assert a.eval() == 5.0
        (a * 2).op.run()
    sess = tf.Session()
    assert (a + 1).eval(session=sess) == 6.0
    with pytest.raises(ValueError, match="no default session"):
        a.eval()


def test_closed_session_refuses_to_run():
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(tf.constant(1.0))


def test_feeding_an_intermediate_overrides_it():
    x = tf.placeholder(tf.float32)
    y = x * 2
    z = y + 1
    with tf.Session() as sess:
        assert sess.run(z, {y: 10.0}) == 11.0  # x need not be fed


def test_python_floats_fed_as_float32_and_ints_as_placeholder_dtype():
    a = tf.placeholder(tf.float32)
    i = tf.placeholder(tf.int64, shape=(None,))
    with tf.Session() as sess:
        assert sess.run(a, {a: 3}).dtype == np.float32
        assert sess.run(a * 1.5, {a: 2.0}).dtype == np.float32
        assert sess.run(i, {i: [1, 2]}).dtype == np.int64


def test_eager_tensors_in_a_graph_are_constants():
    c = ember.tensor([1.0, 2.0])
    x = tf.placeholder(tf.float32, shape=(2,))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(x * c, {x: [3.0, 4.0]}), [3.0, 8.0])


def test_graph_tensor_methods_and_operators():
    x = tf.placeholder(tf.float32, shape=(None, 3))
    y = (x.T @ x).sum(dim=0).relu() + x.mean() - abs(-x).max()
    assert y.shape == (3,)
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        got = sess.run(y, {x: v})
    want = np.maximum((v.T @ v).sum(0), 0) + v.mean() - np.abs(v).max()
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_augmented_assignment_rebinds_and_in_place_methods_are_refused():
    x = tf.placeholder(tf.float32)
    y = x
    y += 1
    assert y is not x
    with tf.Session() as sess:
        assert sess.run(y, {x: 1.0}) == 2.0
    with pytest.raises(TypeError, match="in-place"):
        x.add_(1)
    with pytest.raises(TypeError, match="Python bool"):
        bool(x > 0)
    with pytest.raises(TypeError, match="no value until a Session runs"):
        x.numpy()


def test_static_shapes_are_inferred_with_unknown_batch():
    x = tf.placeholder(tf.float32, shape=(None, 784))
    w = tf.Variable(np.zeros((784, 10), np.float32))
    logits = x @ w
    assert logits.shape == (None, 10) and repr(logits.shape) == "(?, 10)"
    assert logits.shape.as_list() == [None, 10]
    assert (x[x > 0]).shape == (None,)  # a boolean mask's count depends on the values
    with pytest.raises(ValueError, match="matmul"):
        tf.placeholder(tf.float32, shape=(2, 3)) @ tf.placeholder(tf.float32, shape=(4, 5))


def test_like_functions_on_a_placeholder_build_nodes():
    """``zeros_like``/``full_like``/``randn_like``... of a graph tensor read its shape at run
    time; random ones draw anew at every run and are never merged into one."""
    x = tf.placeholder(tf.float32, shape=(None, 3))
    z, o = ember.zeros_like(x), ember.ones_like(x, dtype=ember.int64)
    f = ember.full_like(x, 2.5)
    r1, r2 = ember.randn_like(x), ember.randn_like(x)
    u, k = ember.rand_like(x), ember.randint_like(x, 3, 7)
    feed = {x: np.zeros((4, 3), np.float32)}
    with tf.Session() as sess:
        zv, ov, fv, a, b, uv, kv = sess.run([z, o, f, r1, r2, u, k], feed)
        again = sess.run(r1, feed)
    np.testing.assert_array_equal(zv, np.zeros((4, 3), np.float32))
    assert ov.dtype == np.int64 and (ov == 1).all() and ov.shape == (4, 3)
    np.testing.assert_array_equal(fv, np.full((4, 3), 2.5, np.float32))
    assert a.shape == b.shape == (4, 3) and not np.array_equal(a, b)
    assert not np.array_equal(a, again)
    assert ((uv >= 0) & (uv < 1)).all() and ((kv >= 3) & (kv < 7)).all()
