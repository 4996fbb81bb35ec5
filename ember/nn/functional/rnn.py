"""Recurrent layers as fused primitives: one ``Function`` per layer and direction.

``RNNLayer``, ``LSTMLayer`` and ``GRULayer`` each run a whole sequence in one op. The
input projection of every timestep is one GEMM, ``G = X W_ih^T + b``; a loop over
timesteps then adds the hidden GEMM ``h W_hh^T`` to that step's rows of ``G`` and applies
the gates in place, so ``G`` ends up holding the gate activations that backward needs.
Backward runs through time in the opposite order and writes every step's pre-activation
gradients into one array ``dG``, so that each weight gradient is one GEMM over all
timesteps: ``dW_ih = dG^T X``, ``dW_hh = dG^T H_prev``, ``dX = dG W_ih``.

Rows are time-major: step t owns rows ``[start_t, start_t + b_t)``. A padded batch
(T, B, I) is B rows per step; a packed one (``PackedSequence``, sorted by decreasing
length) holds the first ``batch_sizes[t]`` sequences at step t, so each step works on a
prefix of the batch. The state arrays (B, H) keep the rows of sequences that have ended
(forward direction) or not started yet (reverse direction) untouched: after the loop
they hold each sequence's state at its true last step, its ``h_n``. A cell is a layer run
for one step (a 2-D input), so cells and layers share the gate math.

``rnn_tanh``, ``rnn_relu``, ``lstm``, ``gru`` (stacked, optionally bidirectional) and
``rnn_tanh_cell``, ``rnn_relu_cell``, ``lstm_cell``, ``gru_cell`` have the signatures of
PyTorch's ``torch.lstm``, ``torch.lstm_cell``, ... (what ``nn.LSTM`` calls).
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error

__all__ = ["gru", "gru_cell", "lstm", "lstm_cell", "rnn_relu", "rnn_relu_cell", "rnn_tanh",
           "rnn_tanh_cell"]


def _sigmoid_(a):
    """``a = 1 / (1 + exp(-a))`` in place (under ``errstate(over="ignore")``: exp(-a)
    overflows for a < -88 in float32, and 1 / inf = 0 is the right answer)."""
    # not xp.negative(a, out=a): NumPy 2.4's in-place float32 negative reads a (n, 1)
    # column view as if it were contiguous (the gates of hidden_size 1)
    xp.multiply(a, -1, out=a)
    xp.exp(a, out=a)
    a += 1
    xp.reciprocal(a, out=a)


def _steps(x, batch_sizes, reverse):
    """``(rows, B, steps)``: x as (total, I) rows, the batch size and, in the order the
    loop runs, ``(slice of step t's rows, b_t)`` per step."""
    if batch_sizes is None:
        t, b = (1, x.shape[0]) if x.ndim == 2 else x.shape[:2]
        sizes = (b,) * t
    else:
        sizes = batch_sizes
    steps, start = [], 0
    for b in sizes:
        steps.append((slice(start, start + b), b))
        start += b
    if reverse:
        steps.reverse()
    return x.reshape(-1, x.shape[-1]), sizes[0], steps


def _check(op, gates, x, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes):
    """Shapes and dtypes of one layer's operands, with errors naming ``op``."""
    if w_ih.ndim != 2 or w_hh.ndim != 2 or w_ih.shape[0] % gates or w_hh.shape[0] != (
            w_ih.shape[0]):
        raise shape_error(op, f"weight_ih must be ({gates} * hidden_size, input_size) and "
                          f"weight_hh ({gates} * hidden_size, hidden_size)", w_ih.shape,
                          w_hh.shape)
    hidden = w_ih.shape[0] // gates
    out = hidden if w_hr is None else w_hr.shape[0]
    if w_hh.shape[1] != out or (w_hr is not None and w_hr.shape != (out, hidden)):
        raise shape_error(op, f"weight_hh must be ({gates * hidden}, {out})"
                          + ("" if w_hr is None else f" and weight_hr ({out}, {hidden})"),
                          w_hh.shape, *(() if w_hr is None else (w_hr.shape,)))
    for name, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
        if b is not None and b.shape != (gates * hidden,):
            raise shape_error(op, f"{name} must be ({gates * hidden},)", b.shape)
    if x.ndim != 2 and (batch_sizes is not None or x.ndim != 3):
        raise shape_error(op, "input must be (seq_len, batch, input_size), (batch, "
                          "input_size) for one step, or packed (sum(batch_sizes), "
                          "input_size) with batch_sizes", x.shape)
    if x.shape[-1] != w_ih.shape[1]:
        raise shape_error(op, f"input's last dimension must equal input_size "
                          f"({w_ih.shape[1]}) of weight_ih", x.shape, w_ih.shape)
    if x.shape[0] == 0 or (x.ndim == 3 and x.shape[1] == 0):
        raise shape_error(op, "expected a sequence length and a batch larger than 0",
                          x.shape)
    if batch_sizes is not None and (not batch_sizes or sum(batch_sizes) != x.shape[0]
                                    or batch_sizes[-1] < 1
                                    or any(b > a for a, b in zip(batch_sizes,
                                                                 batch_sizes[1:]))):
        raise ValueError(f"{op}: batch_sizes must be positive, non-increasing and sum to "
                         f"the input's {x.shape[0]} rows, got {list(batch_sizes)}")
    if x.dtype != w_ih.dtype or x.dtype.kind != "f":
        raise TypeError(f"{op}: input dtype ({x.dtype}) must be the weights' floating dtype "
                        f"({w_ih.dtype})")
    batch = x.shape[0] if x.ndim == 2 and batch_sizes is None else (
        x.shape[1] if batch_sizes is None else batch_sizes[0])
    for name, state, size in (("hx", hx, out), ("cx", cx, hidden)):
        if state is not None and state.shape != (batch, size):
            raise shape_error(op, f"{name} must be (batch, {size}) = {(batch, size)}",
                              state.shape, x.shape)


class _Recurrence(Function):
    """The time loop shared by the three layers; subclasses write one step's gate math
    (``step`` forward, ``step_back`` backward) and say how many gate blocks they have.

    Positional inputs: ``x, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr`` (``cx`` and ``w_hr``
    are LSTM's; None elsewhere, as are absent biases and a zero initial state). Outputs:
    the sequence of hidden states, ``h_n`` (and LSTM's ``c_n``).
    """

    n_out = 2
    gates = 1
    op = "rnn"

    def forward(self, x, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None,
                batch_sizes=None, reverse=False):
        if batch_sizes is not None:
            batch_sizes = tuple(int(b) for b in batch_sizes)
        _check(self.op, self.gates, x, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes)
        self.x_shape, self.has_h0, self.has_bias = x.shape, hx is not None, b_ih is not None
        self.x, self.w_ih, self.w_hh, self.w_hr = x, w_ih, w_hh, w_hr
        rows, batch, self.steps = _steps(x, batch_sizes, reverse)
        self.rows, self.batch = rows, batch
        hidden = w_ih.shape[0] // self.gates
        # the input projection of every step at once, biases folded in where they can be
        self.G = rows @ w_ih.T
        if b_ih is not None:
            self.G += self.fold_bias(b_ih, b_hh, hidden)
        self.Hp = xp.empty((rows.shape[0], w_hh.shape[1]), x.dtype)  # h_{t-1} of each row
        h = xp.zeros((batch, w_hh.shape[1]), x.dtype) if hx is None else hx.copy()
        out = self.start(rows.shape[0], batch, hidden, cx, b_hh)
        scratch = xp.empty((batch, w_hh.shape[0]), x.dtype)
        w_hh_t = w_hh.T
        with xp.errstate(over="ignore"):
            for r, b in self.steps:
                hp = self.Hp[r]
                hp[...] = h[:b]
                gh = xp.matmul(hp, w_hh_t, out=scratch[:b])
                h[:b] = self.step(r, b, hp, gh)
        shape = self.x_shape[:-1] + (out.shape[1],)
        return (out.reshape(shape), h) + self.final_states()

    def backward(self, g_out, g_hn, *g_cn):
        batch, size = self.batch, self.Hp.shape[1]
        dh = xp.zeros((batch, size), self.G.dtype) if g_hn is None else g_hn.copy()
        g_rows = None if g_out is None else g_out.reshape(-1, g_out.shape[-1])
        self.begin_back(batch, g_cn[0] if g_cn else None)
        w_hh = self.w_hh
        for r, b in reversed(self.steps):
            dh_t = dh[:b]  # the carry from step t+1 (or from h_n), plus dL/d output_t
            if g_rows is not None:
                dh_t += g_rows[r]
            d_gh, direct = self.step_back(r, b, dh_t)
            if direct is None:
                xp.matmul(d_gh, w_hh, out=dh_t)
            else:
                dh_t[...] = direct
                dh_t += d_gh @ w_hh
        return self.input_grads(dh)

    # ------------------------------------------------------------ weight gradients
    def weight_grads(self, d_gx, d_gh):
        """``(dx, dw_ih, dw_hh, db_ih, db_hh)`` from the pre-activation gradients of the
        input side ``d_gx`` and the hidden side ``d_gh`` (the same array except in GRU)."""
        gx = gw_ih = gw_hh = gb_ih = gb_hh = None
        if self.needs_input_grad(0):
            gx = (d_gx @ self.w_ih).reshape(self.x_shape)
        if self.needs_input_grad(3):
            gw_ih = d_gx.T @ self.rows
        if self.needs_input_grad(4):
            gw_hh = d_gh.T @ self.Hp
        if self.has_bias:
            ones = xp.ones(d_gx.shape[0], d_gx.dtype)
            if self.needs_input_grad(5):
                gb_ih = ones @ d_gx
            if self.needs_input_grad(6):
                gb_hh = ones @ d_gh
        return gx, gw_ih, gw_hh, gb_ih, gb_hh

    def input_grads(self, dh):
        gx, gw_ih, gw_hh, gb_ih, gb_hh = self.weight_grads(*self.gate_grads())
        return (gx, dh if self.has_h0 else None, None, gw_ih, gw_hh, gb_ih, gb_hh, None)

    # ------------------------------------------------------------ per-cell hooks
    def fold_bias(self, b_ih, b_hh, hidden):
        return b_ih + b_hh

    def final_states(self):
        return ()

    def begin_back(self, batch, g_cn):
        self.dG = xp.empty_like(self.G)

    def gate_grads(self):
        return self.dG, self.dG


class RNNLayer(_Recurrence):
    """Elman RNN: ``h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``, act tanh or
    relu; ``G`` holds the h_t themselves, which are the output."""

    def forward(self, x, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None,
                batch_sizes=None, reverse=False, nonlinearity="tanh"):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"rnn: unknown nonlinearity {nonlinearity!r}; 'tanh' or 'relu'")
        self.relu = nonlinearity == "relu"
        self.op = "rnn_" + nonlinearity
        return super().forward(x, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes, reverse)

    def start(self, total, batch, hidden, cx, b_hh):
        return self.G

    def step(self, r, b, hp, gh):
        g = self.G[r]
        g += gh
        if self.relu:
            xp.maximum(g, 0, out=g)
        else:
            xp.tanh(g, out=g)
        return g

    def step_back(self, r, b, dh):
        h = self.G[r]
        d = self.dG[r]
        if self.relu:
            xp.multiply(dh, h > 0, out=d)
        else:  # d tanh = 1 - h^2
            xp.multiply(h, h, out=d)
            xp.subtract(1, d, out=d)
            d *= dh
        return d, None


class LSTMLayer(_Recurrence):
    """LSTM, gates i, f, g, o in PyTorch's order:
    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)`` (times ``W_hr^T`` with a
    projection). ``G`` holds the four activations of every step."""

    n_out = 3
    gates = 4
    op = "lstm"

    def start(self, total, batch, hidden, cx, b_hh):
        dtype = self.G.dtype
        self.hidden = hidden
        self.c = xp.zeros((batch, hidden), dtype) if cx is None else cx.copy()
        self.has_c0 = cx is not None
        self.Cp = xp.empty((total, hidden), dtype)  # c_{t-1} of each row
        self.TC = xp.empty((total, hidden), dtype)  # tanh(c_t)
        self.Hfull = xp.empty((total, hidden), dtype)  # o * tanh(c_t)
        self.ig = xp.empty((batch, hidden), dtype)
        if self.w_hr is None:
            self.out = self.Hfull
        else:
            self.out = xp.empty((total, self.w_hr.shape[0]), dtype)
        return self.out

    def step(self, r, b, hp, gh):
        n = self.hidden
        g = self.G[r]
        g += gh
        _sigmoid_(g[:, :2 * n])
        xp.tanh(g[:, 2 * n:3 * n], out=g[:, 2 * n:3 * n])
        _sigmoid_(g[:, 3 * n:])
        i, f, gg, o = g[:, :n], g[:, n:2 * n], g[:, 2 * n:3 * n], g[:, 3 * n:]
        c = self.c[:b]
        self.Cp[r] = c
        c *= f
        ig = xp.multiply(i, gg, out=self.ig[:b])
        c += ig
        tc = self.TC[r]
        xp.tanh(c, out=tc)
        h = xp.multiply(o, tc, out=self.Hfull[r])
        if self.w_hr is not None:
            h = xp.matmul(h, self.w_hr.T, out=self.out[r])
        return h

    def final_states(self):
        return (self.c,)

    def begin_back(self, batch, g_cn):
        self.dG = xp.empty_like(self.G)
        self.dc = xp.zeros((batch, self.hidden), self.G.dtype) if g_cn is None else g_cn.copy()
        self.dH = None if self.w_hr is None else xp.empty_like(self.out)
        self.tmp = xp.empty((batch, self.hidden), self.G.dtype)

    def step_back(self, r, b, dh):
        n = self.hidden
        if self.w_hr is not None:
            self.dH[r] = dh
            dh = dh @ self.w_hr
        g, d = self.G[r], self.dG[r]
        i, f, gg, o = g[:, :n], g[:, n:2 * n], g[:, 2 * n:3 * n], g[:, 3 * n:]
        di, df, dg, do = d[:, :n], d[:, n:2 * n], d[:, 2 * n:3 * n], d[:, 3 * n:]
        tc, tmp, dc = self.TC[r], self.tmp[:b], self.dc[:b]
        # h = o tanh(c): do_pre = dh tanh(c) o (1 - o); dc += dh o (1 - tanh(c)^2)
        xp.multiply(dh, o, out=tmp)
        xp.multiply(tmp, tc, out=do)
        xp.subtract(1, o, out=df)
        do *= df
        xp.multiply(tc, tc, out=df)
        xp.subtract(1, df, out=df)
        tmp *= df
        dc += tmp
        # c = f c_prev + i g: di_pre = dc g i (1 - i), df_pre = dc c_prev f (1 - f),
        # dg_pre = dc i (1 - g^2); the carry to step t-1 is dc f
        xp.subtract(1, i, out=di)
        di *= i
        xp.multiply(dc, i, out=tmp)
        di *= gg
        di *= dc
        xp.multiply(gg, gg, out=dg)
        xp.subtract(1, dg, out=dg)
        dg *= tmp
        xp.subtract(1, f, out=df)
        df *= f
        df *= self.Cp[r]
        df *= dc
        dc *= f
        return d, None

    def input_grads(self, dh):
        grads = list(super().input_grads(dh))
        grads[2] = self.dc if self.has_c0 else None
        if self.w_hr is not None and self.needs_input_grad(7):
            grads[7] = self.dH.T @ self.Hfull
        return tuple(grads)


class GRULayer(_Recurrence):
    """GRU, gates r, z, n in PyTorch's order:
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h_t = (1 - z) n + z h_{t-1}``.
    ``G`` holds r, z, n; ``Ghn`` the hidden side of n, ``W_hn h + b_hn``."""

    gates = 3
    op = "gru"

    def fold_bias(self, b_ih, b_hh, hidden):
        b = b_ih.copy()
        b[:2 * hidden] += b_hh[:2 * hidden]  # b_hn stays inside r * (...)
        return b

    def start(self, total, batch, hidden, cx, b_hh):
        self.hidden = hidden
        self.b_hn = None if b_hh is None else b_hh[2 * hidden:]
        self.Ghn = xp.empty((total, hidden), self.G.dtype)
        self.out = xp.empty((total, hidden), self.G.dtype)
        return self.out

    def step(self, r, b, hp, gh):
        n = self.hidden
        g = self.G[r]
        rz = g[:, :2 * n]
        rz += gh[:, :2 * n]
        _sigmoid_(rz)
        ghn = self.Ghn[r]
        if self.b_hn is None:
            ghn[...] = gh[:, 2 * n:]
        else:
            xp.add(gh[:, 2 * n:], self.b_hn, out=ghn)
        nn = g[:, 2 * n:]
        h = self.out[r]
        xp.multiply(g[:, :n], ghn, out=h)
        nn += h
        xp.tanh(nn, out=nn)
        # h_t = n + z (h_{t-1} - n)
        xp.subtract(hp, nn, out=h)
        h *= g[:, n:2 * n]
        h += nn
        return h

    def begin_back(self, batch, g_cn):
        self.dGx = xp.empty_like(self.G)
        self.dGh = xp.empty_like(self.G)
        self.tmp = xp.empty((batch, self.hidden), self.G.dtype)

    def step_back(self, r, b, dh):
        k = self.hidden
        g, dx, dgh = self.G[r], self.dGx[r], self.dGh[r]
        rr, z, nn = g[:, :k], g[:, k:2 * k], g[:, 2 * k:]
        dr, dz, dn = dx[:, :k], dx[:, k:2 * k], dx[:, 2 * k:]
        tmp = self.tmp[:b]
        # dn_pre = dh (1 - z) (1 - n^2)
        xp.multiply(nn, nn, out=dn)
        xp.subtract(1, dn, out=dn)
        xp.subtract(1, z, out=tmp)
        dn *= tmp
        dn *= dh
        # dz_pre = dh (h_{t-1} - n) z (1 - z)
        xp.subtract(self.Hp[r], nn, out=dz)
        dz *= dh
        xp.subtract(1, z, out=tmp)
        tmp *= z
        dz *= tmp
        # d(W_hn h + b_hn) = dn_pre r; dr_pre = dn_pre (W_hn h + b_hn) r (1 - r)
        xp.multiply(dn, rr, out=dgh[:, 2 * k:])
        xp.subtract(1, rr, out=dr)
        dr *= rr
        dr *= self.Ghn[r]
        dr *= dn
        dgh[:, :2 * k] = dx[:, :2 * k]
        xp.multiply(dh, z, out=tmp)
        return dgh, tmp

    def gate_grads(self):
        return self.dGx, self.dGh


# ----------------------------------------------------------------------------- functions
def _layer_weights(params, k, per, has_biases, proj):
    w = params[k * per:(k + 1) * per]
    b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
    return w[0], w[1], b_ih, b_hh, (w[-1] if proj else None)


def _run(cls, input, hx, cx, params, has_biases, num_layers, dropout, train,  # noqa: A002
         bidirectional, batch_first, batch_sizes=None, **attrs):
    """The stacked, optionally bidirectional recurrence behind ``lstm``, ``gru``, ...

    ``input`` is (T, B, I) ((B, T, I) with ``batch_first``) or packed rows with
    ``batch_sizes``; ``hx``/``cx`` are (layers * directions, B, size) or None. Returns
    the output and the stacked final states ``h_n`` (and ``c_n``).
    """
    from ember.nn.functional.dropout import dropout as _dropout
    from ember.ops.join import cat, stack
    from ember.ops.shape import transpose

    dirs = 2 if bidirectional else 1
    per = len(params) // (num_layers * dirs) if params else 0
    if per * num_layers * dirs != len(params) or per not in (2 + 2 * has_biases,
                                                              3 + 2 * has_biases):
        raise ValueError(f"{cls.op}: expected {num_layers * dirs} groups of "
                         f"{2 + 2 * has_biases} weights (weight_ih, weight_hh"
                         f"{', bias_ih, bias_hh' if has_biases else ''}), got "
                         f"{len(params)} tensors")
    proj = per == 3 + 2 * has_biases
    if proj and cls is not LSTMLayer:
        raise ValueError(f"{cls.op}: weight_hr (proj_size) is only supported for LSTM")
    if batch_first and batch_sizes is None:
        input = transpose(input, 0, 1)
    finals = [[] for _ in range(cls.n_out - 1)]
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            res = cls.apply(input, None if hx is None else hx[k], None if cx is None else cx[k],
                            *_layer_weights(params, k, per, has_biases, proj),
                            batch_sizes=batch_sizes, reverse=d == 1, **attrs)
            outs.append(res[0])
            for acc, state in zip(finals, res[1:]):
                acc.append(state)
        input = outs[0] if dirs == 1 else cat(outs, -1)
        if dropout and train and layer < num_layers - 1:
            input = _dropout(input, dropout, True)
    if batch_first and batch_sizes is None:
        input = transpose(input, 0, 1)
    return (input,) + tuple(stack(acc) for acc in finals)


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train,  # noqa: A002
             bidirectional, batch_first, batch_sizes=None):
    """Elman RNN with tanh over a sequence (``torch.rnn_tanh``): ``(output, h_n)``.

    Args:
        input: (L, N, H_in), or (N, L, H_in) with ``batch_first``; packed rows
            (sum(batch_sizes), H_in) when ``batch_sizes`` is given.
        hx: (num_layers * directions, N, H_out) or None for zeros.
        params: per layer and direction ``weight_ih, weight_hh[, bias_ih, bias_hh]``.
        dropout, train: dropout on the outputs of all layers but the last, in training.

    Shape: output (L, N, directions * H_out); h_n like ``hx``.
    """
    return _run(RNNLayer, input, hx, None, params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first, batch_sizes, nonlinearity="tanh")


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train,  # noqa: A002
             bidirectional, batch_first, batch_sizes=None):
    """Elman RNN with ReLU over a sequence (``torch.rnn_relu``); see ``rnn_tanh``."""
    return _run(RNNLayer, input, hx, None, params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first, batch_sizes, nonlinearity="relu")


def lstm(input, hx, params, has_biases, num_layers, dropout, train,  # noqa: A002
         bidirectional, batch_first, batch_sizes=None):
    """LSTM over a sequence (``torch.lstm``): ``(output, h_n, c_n)``.

    Args:
        hx: ``(h_0, c_0)``, each (num_layers * directions, N, size), or None for zeros.
        params: per layer and direction ``weight_ih, weight_hh[, bias_ih, bias_hh]
            [, weight_hr]`` (``weight_hr`` (proj_size, hidden) with a projection).

    Shape: as ``rnn_tanh``; c_n (num_layers * directions, N, hidden).
    """
    h0, c0 = (None, None) if hx is None else hx
    return _run(LSTMLayer, input, h0, c0, params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first, batch_sizes)


def gru(input, hx, params, has_biases, num_layers, dropout, train,  # noqa: A002
        bidirectional, batch_first, batch_sizes=None):
    """GRU over a sequence (``torch.gru``): ``(output, h_n)``; see ``rnn_tanh``."""
    return _run(GRULayer, input, hx, None, params, has_biases, num_layers, dropout, train,
                bidirectional, batch_first, batch_sizes)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):  # noqa: A002
    """One step of a tanh RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Shape: input (N, H_in), hx (N, H) or None for zeros; returns (N, H).
    """
    return RNNLayer.apply(input, hx, None, w_ih, w_hh, b_ih, b_hh, None)[1]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):  # noqa: A002
    """One step of a ReLU RNN; see ``rnn_tanh_cell``."""
    return RNNLayer.apply(input, hx, None, w_ih, w_hh, b_ih, b_hh, None,
                          nonlinearity="relu")[1]


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):  # noqa: A002
    """One LSTM step: ``(h', c')``.

    Shape: input (N, H_in); hx ``(h, c)`` each (N, H), or None for zeros.
    """
    h, c = (None, None) if hx is None else hx
    _, h1, c1 = LSTMLayer.apply(input, h, c, w_ih, w_hh, b_ih, b_hh, None)
    return h1, c1


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):  # noqa: A002
    """One GRU step; see ``rnn_tanh_cell``."""
    return GRULayer.apply(input, hx, None, w_ih, w_hh, b_ih, b_hh, None)[1]
