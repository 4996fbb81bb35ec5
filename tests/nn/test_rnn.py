"""RNN, LSTM, GRU and their cells: parity with PyTorch (outputs, final states and the
gradients of the input, the initial states and every weight), packed sequences, float64
gradient checks, graph mode, a learning task and every error message."""
import math

import numpy as np
import pytest

import ember
import ember.graph as tf
from ember import nn
from ember.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch = pytest.importorskip("torch")

KINDS = {"rnn_tanh": ("RNN", {}), "rnn_relu": ("RNN", {"nonlinearity": "relu"}),
         "lstm": ("LSTM", {}), "gru": ("GRU", {})}
IN, HID = 5, 6
T, B = 7, 3


def pair(kind, **kw):
    """The same layer in PyTorch and Ember: Ember loads PyTorch's state dict by key."""
    name, extra = KINDS[kind]
    torch.manual_seed(0)
    tm = getattr(torch.nn, name)(IN, HID, **extra, **kw)
    em = getattr(nn, name)(IN, HID, **extra, **kw)
    em.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    return tm, em


def state_shapes(kind, tm, batch):
    """Shapes of h_0 (and c_0), with a leading batch dimension unless ``batch`` is None."""
    dirs = 2 if tm.bidirectional else 1
    lead = (tm.num_layers * dirs,) + (() if batch is None else (batch,))
    shapes = [lead + (tm.proj_size or HID,) if kind == "lstm" else lead + (HID,)]
    if kind == "lstm":
        shapes.append(lead + (HID,))
    return shapes


def leaves(lib, arrays):
    return [lib.tensor(a).requires_grad_(True) for a in arrays]


def flat_outputs(kind, result):
    out, state = result
    return [out] + (list(state) if kind == "lstm" else [state])


def run(lib, module, kind, x, states, make_input=None):
    """Forward, then backward of sum(w * output) over every output (w drawn from a fixed
    seed, so both libraries use the same); returns the output values and the gradients
    of x, the states and every parameter."""
    xs = leaves(lib, [x])[0]
    hs = leaves(lib, states)
    hx = None if not hs else (tuple(hs) if kind == "lstm" else hs[0])
    inp = xs if make_input is None else make_input(lib, xs)
    outs = flat_outputs(kind, module(inp, hx))
    if make_input is not None:  # a packed output: compare it padded
        mod = torch.nn.utils.rnn if lib is torch else ember.nn.utils.rnn
        outs[0] = mod.pad_packed_sequence(outs[0], batch_first=module.batch_first)[0]
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(tuple(o.shape)).astype(np.float32) for o in outs]
    sum((o * lib.tensor(w)).sum() for o, w in zip(outs, weights)).backward()
    values = [o.detach().numpy() for o in outs]
    grads = [xs.grad.numpy()] + [h.grad.numpy() for h in hs]
    grads += [p.grad.numpy() for _, p in module.named_parameters()]
    return values, grads


def check_parity(kind, tm, em, x, states, make_input=None, tol=2e-5):
    t_vals, t_grads = run(torch, tm, kind, x, states, make_input)
    e_vals, e_grads = run(ember, em, kind, x, states, make_input)
    for name, e, t in zip(["output", "h_n", "c_n"], e_vals, t_vals):
        assert e.shape == t.shape and e.dtype == np.float32, (name, e.shape, t.shape)
        np.testing.assert_allclose(e, t, rtol=tol, atol=tol, err_msg=name)
    names = ["input", "h_0", "c_0"][:1 + len(states)] + [n for n, _ in em.named_parameters()]
    assert len(e_grads) == len(t_grads) == len(names)
    for name, e, t in zip(names, e_grads, t_grads):
        np.testing.assert_allclose(e, t, rtol=tol, atol=tol, err_msg=f"gradient of {name}")


CONFIGS = [{}, {"num_layers": 2}, {"bidirectional": True},
           {"num_layers": 2, "bidirectional": True, "batch_first": True}, {"bias": False}]


@pytest.mark.parametrize("given_h0", [True, False], ids=["h0", "default_h0"])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(c) or "1layer")
@pytest.mark.parametrize("kind", KINDS)
def test_layer_matches_torch(kind, config, given_h0):
    tm, em = pair(kind, **config)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((B, T, IN) if tm.batch_first else (T, B, IN)).astype(np.float32)
    states = [rng.standard_normal(s).astype(np.float32) for s in state_shapes(kind, tm, B)]
    check_parity(kind, tm, em, x, states if given_h0 else [])


@pytest.mark.parametrize("given_h0", [True, False], ids=["h0", "default_h0"])
@pytest.mark.parametrize("batch_first", [False, True], ids=["time_major", "batch_first"])
@pytest.mark.parametrize("kind", KINDS)
def test_unbatched_input_matches_torch(kind, batch_first, given_h0):
    tm, em = pair(kind, num_layers=2, bidirectional=True, batch_first=batch_first)
    rng = np.random.default_rng(2)
    x = rng.standard_normal((T, IN)).astype(np.float32)
    states = [rng.standard_normal(s).astype(np.float32) for s in state_shapes(kind, tm, None)]
    check_parity(kind, tm, em, x, states if given_h0 else [])


@pytest.mark.parametrize("config", [{}, {"num_layers": 2, "bidirectional": True},
                                    {"batch_first": True, "bias": False}],
                         ids=["1layer", "2layers-bidirectional", "batch_first-nobias"])
def test_lstm_projection_matches_torch(config):
    tm, em = pair("lstm", proj_size=4, **config)
    assert em.weight_hr_l0.shape == (4, HID) and em.weight_hh_l0.shape == (4 * HID, 4)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((B, T, IN) if tm.batch_first else (T, B, IN)).astype(np.float32)
    states = [rng.standard_normal(s).astype(np.float32) for s in state_shapes("lstm", tm, B)]
    check_parity("lstm", tm, em, x, states)


LENGTHS = [3, 7, 1, 5]  # unsorted, different lengths, the longest in the middle


def packer(lengths, batch_first, enforce_sorted=False):
    def make_input(lib, x):
        mod = torch.nn.utils.rnn if lib is torch else ember.nn.utils.rnn
        return mod.pack_padded_sequence(x, lengths, batch_first=batch_first,
                                        enforce_sorted=enforce_sorted)

    return make_input


@pytest.mark.parametrize("given_h0", [True, False], ids=["h0", "default_h0"])
@pytest.mark.parametrize("config", [{}, {"num_layers": 2, "bidirectional": True},
                                    {"bidirectional": True, "batch_first": True}],
                         ids=["1layer", "2layers-bidirectional", "bidirectional-batch_first"])
@pytest.mark.parametrize("kind", KINDS)
def test_packed_unsorted_lengths_match_torch(kind, config, given_h0):
    tm, em = pair(kind, **config)
    rng = np.random.default_rng(4)
    n = len(LENGTHS)
    x = rng.standard_normal((n, T, IN) if tm.batch_first else (T, n, IN)).astype(np.float32)
    states = [rng.standard_normal(s).astype(np.float32) for s in state_shapes(kind, tm, n)]
    check_parity(kind, tm, em, x, states if given_h0 else [],
                 make_input=packer(LENGTHS, tm.batch_first))


def test_packed_sorted_lstm_with_projection_matches_torch():
    tm, em = pair("lstm", proj_size=2, bidirectional=True)
    rng = np.random.default_rng(5)
    lengths = [7, 7, 4, 2]
    x = rng.standard_normal((T, 4, IN)).astype(np.float32)
    states = [rng.standard_normal(s).astype(np.float32) for s in state_shapes("lstm", tm, 4)]
    check_parity("lstm", tm, em, x, states, make_input=packer(lengths, False, True))


@pytest.mark.parametrize("kind", KINDS)
def test_packed_h_n_is_each_sequence_at_its_own_last_step(kind):
    """Without PyTorch: h_n of a packed batch equals running each sequence alone."""
    _, em = pair(kind, num_layers=2, bidirectional=True)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((T, len(LENGTHS), IN)).astype(np.float32)
    packed = pack_padded_sequence(ember.tensor(x), LENGTHS, enforce_sorted=False)
    out, state = em(packed)
    h_n = (state[0] if kind == "lstm" else state).detach().numpy()
    padded, lengths = pad_packed_sequence(out)
    assert lengths.tolist() == LENGTHS
    for j, n in enumerate(LENGTHS):
        alone_out, alone = em(ember.tensor(x[:n, j]))
        alone_h = (alone[0] if kind == "lstm" else alone).detach().numpy()
        np.testing.assert_allclose(h_n[:, j], alone_h, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(padded.detach().numpy()[:n, j], alone_out.detach().numpy(),
                                   rtol=1e-5, atol=1e-6)
        assert not padded.detach().numpy()[n:, j].any()  # padding stays zero


CELLS = {"rnn_tanh": ("RNNCell", {}), "rnn_relu": ("RNNCell", {"nonlinearity": "relu"}),
         "lstm": ("LSTMCell", {}), "gru": ("GRUCell", {})}


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("given_hx", [True, False], ids=["hx", "default_hx"])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("kind", CELLS)
def test_cell_matches_torch(kind, batched, given_hx, bias):
    name, extra = CELLS[kind]
    torch.manual_seed(0)
    tc = getattr(torch.nn, name)(IN, HID, bias=bias, **extra)
    ec = getattr(nn, name)(IN, HID, bias=bias, **extra)
    ec.load_state_dict({k: v.detach().numpy() for k, v in tc.state_dict().items()})
    rng = np.random.default_rng(7)
    lead = (B,) if batched else ()
    x = rng.standard_normal(lead + (IN,)).astype(np.float32)
    states = [rng.standard_normal(lead + (HID,)).astype(np.float32)
              for _ in range(2 if kind == "lstm" else 1)] if given_hx else []
    w = [rng.standard_normal(lead + (HID,)).astype(np.float32) for _ in range(2)]
    results = []
    for lib, cell in ((torch, tc), (ember, ec)):
        xs, hs = leaves(lib, [x])[0], leaves(lib, states)
        out = cell(xs, None if not hs else (tuple(hs) if kind == "lstm" else hs[0]))
        outs = list(out) if kind == "lstm" else [out]
        sum((o * lib.tensor(wk)).sum() for o, wk in zip(outs, w)).backward()
        results.append(([o.detach().numpy() for o in outs],
                        [xs.grad.numpy()] + [h.grad.numpy() for h in hs]
                        + [p.grad.numpy() for p in cell.parameters()]))
    (t_vals, t_grads), (e_vals, e_grads) = results
    for e, t in zip(e_vals + e_grads, t_vals + t_grads):
        assert e.shape == t.shape
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_inputs_states_and_weights_are_never_written(kind):
    """With batch 1 and hidden size 1 a transposed state is already contiguous: the op
    must still copy it, not update the caller's h_0 in place."""
    name, extra = KINDS[kind]
    module = getattr(nn, name)(2, 1, bidirectional=True, **extra)
    rng = np.random.default_rng(11)
    x = ember.tensor(rng.standard_normal((4, 1, 2)).astype(np.float32), requires_grad=True)
    states = [ember.tensor(rng.standard_normal((2, 1, 1)).astype(np.float32),
                           requires_grad=True) for _ in range(2 if kind == "lstm" else 1)]
    before = [t.detach().numpy().copy() for t in [x, *states, *module.parameters()]]
    out, state = module(x, tuple(states) if kind == "lstm" else states[0])
    finals = list(state) if kind == "lstm" else [state]
    sum((o * o).sum() for o in [out, *finals]).backward()
    for a, t in zip(before, [x, *states, *module.parameters()]):
        np.testing.assert_array_equal(t.detach().numpy(), a)


# ----------------------------------------------------------------------------- float64
@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_packed_bidirectional_two_layers(kind):
    name, extra = KINDS[kind]
    module = getattr(nn, name)(3, 2, num_layers=2, bidirectional=True, **extra).double()
    rng = np.random.default_rng(8)
    x = ember.tensor(rng.standard_normal((3, 3, 3)), requires_grad=True)
    shapes = [(4, 3, 2)] * (2 if kind == "lstm" else 1)
    states = [ember.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]

    def fn(x, *rest):
        hx = tuple(rest[:2]) if kind == "lstm" else rest[0]
        out, state = module(pack_padded_sequence(x, [2, 3, 1], enforce_sorted=False), hx)
        finals = list(state) if kind == "lstm" else [state]
        return (pad_packed_sequence(out)[0],) + tuple(finals)

    assert ember.autograd.gradcheck(fn, (x, *states, *module.parameters()), atol=1e-6,
                                     rtol=1e-5)


# ----------------------------------------------------------------------------- modes
def test_dropout_between_layers_only_in_training():
    tm, em = pair("lstm", num_layers=3, dropout=0.5)
    x = np.random.default_rng(9).standard_normal((T, B, IN)).astype(np.float32)
    tm.eval()
    em.eval()
    reference = tm(torch.tensor(x))[0].detach().numpy()
    evaluated = em(ember.tensor(x))[0].detach().numpy()
    np.testing.assert_allclose(evaluated, reference, rtol=1e-5, atol=1e-6)
    em.train()
    ember.manual_seed(1)
    first = em(ember.tensor(x))[0].detach().numpy()
    ember.manual_seed(1)
    again = em(ember.tensor(x))[0].detach().numpy()
    np.testing.assert_array_equal(first, again)  # masks come from the seeded generator
    assert np.abs(first - evaluated).max() > 1e-2  # dropout changed the last layer's input
    em.dropout = 0.0
    np.testing.assert_allclose(em(ember.tensor(x))[0].detach().numpy(), evaluated, rtol=1e-6)


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


def test_parameters_names_shapes_init_and_repr_match_torch():
    for kind, config in [("lstm", {"num_layers": 2, "bidirectional": True, "proj_size": 3}),
                         ("gru", {"bias": False, "batch_first": True}),
                         ("rnn_relu", {"num_layers": 3, "dropout": 0.25})]:
        tm, em = pair(kind, **config)
        assert [(n, tuple(p.shape)) for n, p in em.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in tm.named_parameters()]
        assert repr(em) == repr(tm)
        assert [[tuple(p.shape) for p in g] for g in em.all_weights] == [
            [tuple(p.shape) for p in g] for g in tm.all_weights]
    ember.manual_seed(0)
    m = nn.LSTM(10, 400)
    bound = 1 / math.sqrt(400)
    w = m.weight_hh_l0.detach().numpy().copy()
    assert w.dtype == np.float32 and np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    m.reset_parameters()
    assert not np.array_equal(w, m.weight_hh_l0.detach().numpy())
    m.flatten_parameters()  # a no-op that PyTorch code calls
    for name in ("RNNCell", "LSTMCell", "GRUCell"):
        args = {"bias": False} if name == "GRUCell" else {}
        assert repr(getattr(nn, name)(4, 5, **args)) == repr(getattr(torch.nn, name)(4, 5,
                                                                                    **args))
    assert repr(nn.RNNCell(4, 5, nonlinearity="relu")) == repr(
        torch.nn.RNNCell(4, 5, nonlinearity="relu"))


def test_rnn_takes_nonlinearity_as_fourth_positional_argument():
    m = nn.RNN(3, 4, 2, "relu", False)
    assert m.nonlinearity == "relu" and m.num_layers == 2 and m.bias is False
    out, h = m(ember.randn(5, 2, 3))
    assert (out.detach().numpy() >= 0).all() and tuple(h.shape) == (2, 2, 4)


def test_graph_mode_lstm_matches_eager_values_and_training():
    """An LSTM called on a placeholder builds a graph; the session's output, states and
    Adam-trained weights equal eager mode's."""
    rng = np.random.default_rng(10)
    xv = rng.standard_normal((6, 4, 3)).astype(np.float32)
    yv = rng.standard_normal((4, 1)).astype(np.float32)

    def model():
        ember.manual_seed(2)
        return nn.LSTM(3, 5, num_layers=2, bidirectional=True), nn.Linear(10, 1)

    (g_lstm, g_head), (e_lstm, e_head) = model(), model()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, shape=(None, 4, 3))
        out, (h, c) = g_lstm(x)
        loss = ember.nn.functional.mse_loss(g_head(out[-1]), ember.tensor(yv))
        train = tf.train.AdamOptimizer(1e-2).minimize(loss)
        opt = ember.optim.Adam(list(e_lstm.parameters()) + list(e_head.parameters()), lr=1e-2)
        with tf.Session() as sess:
            values = sess.run([out, h, c], {x: xv})
            e_out, (e_h, e_c) = e_lstm(ember.tensor(xv))
            for v, e in zip(values, (e_out, e_h, e_c)):
                assert v.shape == tuple(e.shape)
                np.testing.assert_allclose(v, e.detach().numpy(), rtol=1e-6, atol=1e-7)
            for _ in range(3):
                g_loss, _ = sess.run([loss, train], {x: xv})
                e_loss = ember.nn.functional.mse_loss(e_head(e_lstm(ember.tensor(xv))[0][-1]),
                                                      ember.tensor(yv))
                opt.zero_grad()
                e_loss.backward()
                opt.step()
                np.testing.assert_allclose(g_loss, e_loss.item(), rtol=1e-5)
    for (name, pg), (_, pe) in zip(g_lstm.named_parameters(), e_lstm.named_parameters()):
        np.testing.assert_allclose(pg.detach().numpy(), pe.detach().numpy(), rtol=1e-4,
                                   atol=1e-6, err_msg=name)


def test_lstm_learns_to_predict_the_next_value_of_sine_waves():
    """Next-step prediction on held-out waves: training beats both the untrained model
    and the best trivial guess (repeating the current value) by far."""
    from ember.data.synthetic import sine_waves

    F = ember.nn.functional
    x, y = sine_waves(128, 40, seed=0)
    x_val, y_val = sine_waves(64, 40, seed=1)
    ember.manual_seed(0)
    lstm, head = nn.LSTM(1, 16, batch_first=True), nn.Linear(16, 1)
    opt = ember.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.02)

    def loss_on(x, y):  # the first steps are left out: the model must see the wave first
        return F.mse_loss(head(lstm(x)[0])[:, 5:], y[:, 5:])

    with ember.no_grad():
        untrained = loss_on(x_val, y_val).item()
    repeat_input = F.mse_loss(x_val[:, 5:], y_val[:, 5:]).item()
    for _ in range(100):
        loss = loss_on(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with ember.no_grad():
        trained = loss_on(x_val, y_val).item()
    assert untrained > 0.2 and repeat_input > 0.005
    assert trained < 0.002, (untrained, repeat_input, trained)


# ----------------------------------------------------------------------------- errors
def test_layer_errors_name_the_layer_argument_and_shapes():
    lstm, gru = nn.LSTM(5, 6, num_layers=2), nn.GRU(5, 6)
    x = ember.randn(7, 3, 5)
    with pytest.raises(ValueError, match=r"LSTM: expected input to be 2-D \(unbatched\) or "
                       r"3-D \(batched\), got 4-D input \(got shapes \(2, 7, 3, 5\)\)"):
        lstm(ember.randn(2, 7, 3, 5))
    with pytest.raises(RuntimeError, match=r"GRU: input.size\(-1\) must be equal to "
                       r"input_size=5 \(got shapes \(7, 3, 4\)\)"):
        gru(ember.randn(7, 3, 4))
    with pytest.raises(ValueError, match=r"GRU: expected hx of shape \(num_layers \* "
                       r"num_directions, batch, hidden\) = \(1, 3, 6\) \(got shapes "
                       r"\(1, 2, 6\)\)"):
        gru(x, ember.zeros(1, 2, 6))
    with pytest.raises(ValueError, match=r"LSTM: expected c_0 of shape .* = \(2, 3, 6\) "
                       r"\(got shapes \(1, 3, 6\)\)"):
        lstm(x, (ember.zeros(2, 3, 6), ember.zeros(1, 3, 6)))
    with pytest.raises(ValueError, match=r"GRU: for batched 3-D input, hx should also be 3-D"
                       r" \(got shapes \(3, 6\)\)"):
        gru(x, ember.zeros(3, 6))
    with pytest.raises(ValueError, match=r"GRU: for unbatched 2-D input, hx should also be "
                       r"2-D \(got shapes \(1, 1, 6\)\)"):
        gru(ember.randn(7, 5), ember.zeros(1, 1, 6))
    with pytest.raises(TypeError, match=r"LSTM: hx must be a tuple \(h_0, c_0\), got Tensor"):
        lstm(x, ember.zeros(2, 3, 6))
    with pytest.raises(ValueError, match=r"GRU: input dtype \(float64\) does not match weight "
                       r"dtype \(float32\)"):
        gru(x.double())


def test_constructor_errors():
    cases = [
        (lambda: nn.LSTM(5, 6, dropout=1.5), ValueError, r"LSTM: dropout should be a number "
         r"in range \[0, 1\].*got 1.5"),
        (lambda: nn.GRU(5, 6, bias=1), TypeError, "GRU: bias should be of type bool, got: int"),
        (lambda: nn.RNN(5.0, 6), TypeError, "RNN: input_size should be of type int, got: "
         "float"),
        (lambda: nn.LSTM(5, 0), ValueError, "LSTM: hidden_size must be greater than zero, "
         "got 0"),
        (lambda: nn.LSTM(5, 6, num_layers=0), ValueError, "num_layers must be greater than "
         "zero"),
        (lambda: nn.LSTM(5, 6, proj_size=6), ValueError, "LSTM: proj_size has to be smaller "
         "than hidden_size, got proj_size=6 and hidden_size=6"),
        (lambda: nn.LSTM(5, 6, proj_size=-1), ValueError, "proj_size should be a positive "
         "integer or zero"),
        (lambda: nn.GRU(5, 6, proj_size=2), ValueError, "proj_size argument is only supported "
         "for LSTM"),
        (lambda: nn.RNN(5, 6, nonlinearity="sigmoid"), ValueError, "Unknown nonlinearity "
         "'sigmoid'"),
        (lambda: nn.RNNCell(5, 6, nonlinearity="gelu"), ValueError, "RNNCell: unknown "
         "nonlinearity 'gelu'"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=message):
            make()


def test_cell_errors():
    cell = nn.LSTMCell(5, 6)
    with pytest.raises(ValueError, match=r"LSTMCell: expected input to be 1-D or 2-D, got 3-D"
                       r" \(got shapes \(1, 3, 5\)\)"):
        cell(ember.randn(1, 3, 5))
    with pytest.raises(ValueError, match=r"GRUCell: input.size\(-1\) must be equal to "
                       r"input_size=5 \(got shapes \(3, 4\)\)"):
        nn.GRUCell(5, 6)(ember.randn(3, 4))
    with pytest.raises(ValueError, match=r"RNNCell: expected hidden state of shape \(3, 6\) "
                       r"for input of shape \(3, 5\) \(got shapes \(2, 6\)\)"):
        nn.RNNCell(5, 6)(ember.randn(3, 5), ember.zeros(2, 6))
    with pytest.raises(ValueError, match=r"LSTMCell: expected hidden state of shape \(6,\)"):
        cell(ember.randn(5), (ember.zeros(6), ember.zeros(1, 6)))
    with pytest.raises(TypeError, match=r"LSTMCell: hx must be a tuple \(h, c\)"):
        cell(ember.randn(3, 5), ember.zeros(3, 6))


def test_functional_errors_name_the_op():
    x, h = ember.randn(4, 2, 3), ember.zeros(1, 2, 5)
    w = [ember.randn(20, 3), ember.randn(20, 5)]
    with pytest.raises(ValueError, match=r"lstm: weight_ih must be \(4 \* hidden_size, "
                       r"input_size\) and weight_hh .* \(got shapes \(20, 3\), \(15, 5\)\)"):
        ember.lstm(x, None, [w[0], ember.randn(15, 5)], False, 1, 0.0, False, False, False)
    with pytest.raises(ValueError, match=r"gru: expected 1 groups of 4 weights \(weight_ih, "
                       r"weight_hh, bias_ih, bias_hh\), got 2 tensors"):
        ember.gru(x, h, [ember.randn(15, 3), ember.randn(15, 5)], True, 1, 0.0, False, False,
                  False)
    with pytest.raises(ValueError, match=r"lstm: input's last dimension must equal input_size"
                       r" \(3\) of weight_ih \(got shapes \(4, 2, 7\), \(20, 3\)\)"):
        ember.lstm(ember.randn(4, 2, 7), None, w, False, 1, 0.0, False, False, False)
    with pytest.raises(ValueError, match=r"lstm: hx must be \(batch, 5\) = \(2, 5\) \(got "
                       r"shapes \(3, 5\), \(4, 2, 3\)\)"):
        ember.lstm(x, (ember.zeros(1, 3, 5), ember.zeros(1, 2, 5)), w, False, 1, 0.0, False,
                   False, False)
    with pytest.raises(TypeError, match=r"lstm: input dtype \(float64\) must be the weights' "
                       r"floating dtype \(float32\)"):
        ember.lstm(x.double(), None, w, False, 1, 0.0, False, False, False)
    with pytest.raises(ValueError, match=r"lstm: expected a sequence length and a batch "
                       r"larger than 0 \(got shapes \(0, 2, 3\)\)"):
        ember.lstm(ember.randn(0, 2, 3), None, w, False, 1, 0.0, False, False, False)
    with pytest.raises(ValueError, match=r"rnn_tanh: batch_sizes must be positive, "
                       r"non-increasing and sum to the input's 5 rows, got \[2, 3\]"):
        ember.rnn_tanh(ember.randn(5, 3), None, [ember.randn(5, 3), ember.randn(5, 5)], False,
                       1, 0.0, False, False, False, batch_sizes=[2, 3])
    with pytest.raises(ValueError, match="gru: weight_hr .proj_size. is only supported for "
                       "LSTM"):
        ember.gru(x, None, [ember.randn(15, 3), ember.randn(15, 2), ember.randn(2, 5)], False,
                  1, 0.0, False, False, False)
