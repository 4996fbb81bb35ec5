"""Registry cases for the recurrent primitives (``ember.nn.functional.rnn``), called
through the functions that PyTorch has under the same names and signatures
(``torch.lstm``, ``torch.gru_cell``, ...): each case runs in gradcheck, torch parity and
graph-vs-eager. Weights are drawn like inputs (the registry differentiates them all)."""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

from tests.ops.cases import case, normal

GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def _dims(rng):
    return tuple(int(rng.integers(1, n)) for n in (5, 4, 4, 4))  # T, B, I, H


def _weights(rng, gates, n_in, hidden, bias, out=None):
    out = out or hidden
    ws = [normal(rng, (gates * hidden, n_in)), normal(rng, (gates * hidden, out))]
    if bias:
        ws += [normal(rng, (gates * hidden,)), normal(rng, (gates * hidden,))]
    return ws


def _cell(kind, bias=True):
    def sample(rng):
        _, b, n_in, hidden = _dims(rng)
        states = [normal(rng, (b, hidden)) for _ in range(2 if kind == "lstm" else 1)]
        return ([normal(rng, (b, n_in))] + states
                + _weights(rng, GATES[kind], n_in, hidden, bias))

    return sample


def _layers(kind, layers=1, dirs=1, bias=True, batch_first=False, proj=False):
    def sample(rng):
        t, b, n_in, hidden = _dims(rng)
        hidden += proj  # a projection needs proj_size < hidden_size
        out = int(rng.integers(1, hidden)) if proj else hidden
        x = normal(rng, (b, t, n_in) if batch_first else (t, b, n_in))
        states = [normal(rng, (layers * dirs, b, out))]
        if kind == "lstm":
            states.append(normal(rng, (layers * dirs, b, hidden)))
        ws = []
        for layer in range(layers):
            for _ in range(dirs):
                ws += _weights(rng, GATES[kind], n_in if layer == 0 else out * dirs, hidden,
                               bias, out)
                if proj:
                    ws.append(normal(rng, (out, hidden)))
        return [x] + states + ws

    return sample


def _call_layers(kind, layers, dirs, bias, batch_first):
    def fn(T, x, *rest):
        n = 2 if kind == "lstm" else 1
        hx = list(rest[:n]) if kind == "lstm" else rest[0]
        return tuple(getattr(T, kind)(x, hx, list(rest[n:]), bias, layers, 0.0, False,
                                      dirs == 2, batch_first))

    return fn


def _layer_case(name, kind, layers=1, dirs=1, bias=True, batch_first=False, proj=False):
    case(name, _call_layers(kind, layers, dirs, bias, batch_first),
         _layers(kind, layers, dirs, bias, batch_first, proj), rtol=1e-4, atol=1e-5)


# cells: torch.rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih, b_hh), ...
case("rnn_tanh_cell", lambda T, x, h, *w: T.rnn_tanh_cell(x, h, *w), _cell("rnn_tanh"),
     rtol=1e-4, atol=1e-5)
case("rnn_relu_cell", lambda T, x, h, *w: T.rnn_relu_cell(x, h, *w), _cell("rnn_relu"),
     rtol=1e-4, atol=1e-5)
case("lstm_cell", lambda T, x, h, c, *w: tuple(T.lstm_cell(x, [h, c], *w)), _cell("lstm"),
     rtol=1e-4, atol=1e-5)
case("lstm_cell_nobias", lambda T, x, h, c, *w: tuple(T.lstm_cell(x, [h, c], *w)),
     _cell("lstm", bias=False), rtol=1e-4, atol=1e-5)
case("gru_cell", lambda T, x, h, *w: T.gru_cell(x, h, *w), _cell("gru"), rtol=1e-4,
     atol=1e-5)
case("gru_cell_nobias", lambda T, x, h, *w: T.gru_cell(x, h, *w), _cell("gru", bias=False),
     rtol=1e-4, atol=1e-5)

# whole sequences: torch.lstm(input, hx, params, has_biases, num_layers, dropout, train,
# bidirectional, batch_first), ...
_layer_case("rnn_tanh_seq", "rnn_tanh")
_layer_case("rnn_relu_seq_2layers", "rnn_relu", layers=2)
_layer_case("rnn_tanh_seq_bidirectional_nobias", "rnn_tanh", dirs=2, bias=False)
_layer_case("lstm_seq", "lstm")
_layer_case("lstm_seq_2layers_bidirectional", "lstm", layers=2, dirs=2)
_layer_case("lstm_seq_batch_first_nobias", "lstm", bias=False, batch_first=True)
_layer_case("lstm_seq_proj", "lstm", dirs=2, proj=True)
_layer_case("gru_seq", "gru")
_layer_case("gru_seq_2layers_bidirectional_batch_first", "gru", layers=2, dirs=2,
            batch_first=True)
