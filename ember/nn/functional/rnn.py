"""Recurrent layers as fused primitives: one ``Function`` per layer and direction.

``RNNLayer``, ``LSTMLayer`` and ``GRULayer`` each run a whole sequence in one op. The
input projection of every timestep, bias included, is one (batched) GEMM,
``G_t = [W_ih | b] [x_t; 1]``; a loop over timesteps then adds the hidden GEMM
``W_hh h_{t-1}`` to step t's block and applies the gates in place, so ``G`` ends up
holding the gate activations that backward needs. Backward runs through time in the
opposite order, collects every step's pre-activation gradients side by side in ``D``
and, after the loop, gets all weight and bias gradients from one GEMM over all
timesteps: ``[dW_hh | dW_ih | db] = D [H_prev; X; 1]^T``.

Layout (it decides the speed). The loop works feature-major: step t's gates are a
contiguous (gates * H, b_t) block, so each gate is a contiguous (H, b_t) slab and every
elementwise pass runs on contiguous memory (on a (b_t, gates * H) row-major block a gate
is a strided view, 2 to 3 times slower per pass). The states are (H, B) and the output
is returned as a transposed view, so a stacked layer reads it without a copy. Inside,
LSTM keeps its gates in the order i, f, o, g (PyTorch's is i, f, g, o) with the i, f, o
rows of the weights halved, so that one ``tanh`` over the whole block gives
``sigmoid(z) = (1 + tanh(z / 2)) / 2`` for three gates and ``tanh`` for the fourth; GRU
halves its r, z rows the same way. Gradients are mapped back to PyTorch's order.

Variable-length batches (``PackedSequence``, sorted by decreasing length, time-major):
step t holds the first ``batch_sizes[t]`` sequences, so each step works on a prefix of
the batch. The state columns of sequences that have ended (forward direction) or not
started yet (reverse direction) are left untouched: after the loop they hold each
sequence's state at its true last step, its ``h_n``. A cell is a layer run for one step
(a 2-D input): cells and layers share the gate math.

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


class _Layout:
    """Where each timestep lives, for a padded (T, B, I) input, a (B, I) single step or
    packed rows (sum(batch_sizes), I).

    Per-step buffers are ``blocks(F)``: step t's (F, b_t) block, contiguous (a (T, F, B)
    array when every step has the whole batch, else a list of views of one flat array).
    Buffers read by the weight GEMMs are (F, total) arrays whose step t is the column
    slice ``cols``: every step side by side, in time order.
    """

    def __init__(self, x, batch_sizes, reverse):
        if batch_sizes is None:
            t, b = (1, x.shape[0]) if x.ndim == 2 else x.shape[:2]
            sizes = (b,) * t
        else:
            sizes = batch_sizes
        self.sizes, self.batch, self.total = sizes, sizes[0], sum(sizes)
        self.uniform = sizes[-1] == sizes[0]
        self.offsets, start = [], 0
        for b in sizes:
            self.offsets.append(start)
            start += b
        order = range(len(sizes) - 1, -1, -1) if reverse else range(len(sizes))
        self.steps = [(t, sizes[t], slice(self.offsets[t], self.offsets[t] + sizes[t]))
                      for t in order]

    def blocks(self, feat, dtype):
        if self.uniform:
            return xp.empty((len(self.sizes), feat, self.batch), dtype)
        flat = xp.empty(self.total * feat, dtype)
        return [flat[o * feat:(o + b) * feat].reshape(feat, b)
                for o, b in zip(self.offsets, self.sizes)]

    def as_rows(self, blocks, x_shape):
        """The blocks as the caller's rows: (T, B, F) (a view), (B, F) or (total, F)."""
        if self.uniform and len(x_shape) == 3:
            return blocks.transpose(0, 2, 1)
        if self.uniform and len(x_shape) == 2 and len(self.sizes) == 1:
            return blocks[0].T
        return xp.concatenate([b.T for b in blocks], axis=0)


class _Recurrence(Function):
    """The time loop shared by the three layers; subclasses write one step's gate math
    (``step`` forward, ``step_back`` backward) and list their internal gate blocks.

    With ``W = [W_hh | W_ih | b]`` (rows in the internal gate order) and the operands of
    every step side by side, ``Z = [H_prev; X; 1]``: the input projection of all steps is
    one GEMM ``[W_ih | b] [X; 1]``, each step adds ``W_hh h_{t-1}``, and backward's weight
    and bias gradients are one GEMM over all timesteps, ``[dW_hh | dW_ih | db] = D Z^T``.

    ``blocks`` lists the internal gate blocks of H rows: (block of W_ih, block of W_hh,
    scale), a block index in PyTorch's layout or None for zeros; the blocks with a W_hh
    part come first (the recurrent rows). Positional inputs: ``x, hx, cx, w_ih, w_hh,
    b_ih, b_hh, w_hr`` (``cx`` and ``w_hr`` are LSTM's; None elsewhere, as are absent
    biases and a zero initial state). Outputs: the hidden states of every step, ``h_n``
    (and LSTM's ``c_n``).
    """

    n_out = 2
    gates = 1
    blocks = ((0, 0, 1.0),)
    op = "rnn"

    def forward(self, x, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None,
                batch_sizes=None, reverse=False):
        if batch_sizes is not None:
            batch_sizes = tuple(int(b) for b in batch_sizes)
        _check(self.op, self.gates, x, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes)
        self.x_shape, self.has_h0 = x.shape, hx is not None
        self.has_bias = (b_ih is not None, b_hh is not None)
        self.w_hr = w_hr
        self.hidden = w_ih.shape[0] // self.gates
        self.lay = lay = _Layout(x, batch_sizes, reverse)
        size, n_in, dtype = w_hh.shape[1], x.shape[-1], x.dtype
        w, self.w_x, self.w_rec_t = self.stack_weights(w_ih, w_hh, b_ih, b_hh)
        rec = self.w_rec_t.shape[1]
        w_rec, w_xb = xp.ascontiguousarray(w[:rec, :size]), xp.ascontiguousarray(w[:, size:])
        # Z = [H_prev; X; 1]: the operands of the GEMMs, every step side by side
        self.Z = xp.empty((w.shape[1], lay.total), dtype)
        self.Z[size:size + n_in] = x.reshape(-1, n_in).T
        self.Z[size + n_in:] = 1
        # the input projection of every step at once, bias included: [W_ih | b] [X; 1]
        self.G = lay.blocks(w.shape[0], dtype)
        xb = self.Z[size:]
        if lay.uniform:
            steps = xb.reshape(-1, len(self.G), lay.batch).transpose(1, 0, 2)  # (T, I+1, B)
            xp.matmul(w_xb, steps, out=self.G)
        else:
            for t, _, cols in lay.steps:
                xp.matmul(w_xb, xb[:, cols], out=self.G[t])
        h = xp.zeros((size, lay.batch), dtype) if hx is None else hx.T.copy()
        out = self.start(cx)
        scratch = xp.empty((rec, lay.batch), dtype)
        for t, b, cols in lay.steps:
            hp = h[:, :b]
            self.Z[:size, cols] = hp
            g = self.G[t]
            g[:rec] += xp.matmul(w_rec, hp, out=scratch[:, :b])
            h[:, :b] = self.step(t, b, cols, g)
        return (lay.as_rows(out, x.shape), h.T) + self.final_states()

    def backward(self, g_out, g_hn, *g_cn):
        lay = self.lay
        size = self.w_rec_t.shape[0]
        dh = xp.zeros((size, lay.batch), self.Z.dtype) if g_hn is None else g_hn.T.copy()
        if g_out is not None and (g_out.ndim == 2 or not lay.uniform):
            g_out = g_out.reshape(-1, size)
        rec = self.w_rec_t.shape[1]
        # one step's gate gradients (contiguous, for the elementwise passes), then all
        self.dG = xp.empty((self.G[0].shape[0], lay.batch), self.Z.dtype)
        self.D = xp.empty((self.G[0].shape[0], lay.total), self.Z.dtype)
        self.begin_back(g_cn[0] if g_cn else None)
        for t, b, cols in reversed(lay.steps):
            dh_t = dh[:, :b]  # the carry from step t+1 (or from h_n), plus dL/d output_t
            if g_out is not None:
                dh_t += g_out[t].T if g_out.ndim == 3 else g_out[cols].T
            d, direct = self.step_back(t, b, cols, dh_t)
            self.D[:, cols] = d  # side by side for the weight GEMM, copied while in cache
            if direct is None:
                xp.matmul(self.w_rec_t, d[:rec], out=dh_t)
            else:
                direct += self.w_rec_t @ d[:rec]
                dh_t[...] = direct
        return self.input_grads(dh.T)

    # ------------------------------------------------------------ weights
    def stack_weights(self, w_ih, w_hh, b_ih, b_hh):
        """``W = [W_hh | W_ih | b]`` in the internal gate order, each block scaled (the
        forward GEMM's left operand); ``W_ih`` in that order, unscaled (for dx); the
        recurrent rows of ``W_hh``, unscaled and transposed (for backward's carry)."""
        n, size, n_in = self.hidden, w_hh.shape[1], w_ih.shape[1]
        has_bias = b_ih is not None or b_hh is not None
        w = xp.zeros((len(self.blocks) * n, size + n_in + has_bias), w_ih.dtype)
        w_x = xp.zeros((len(self.blocks) * n, n_in), w_ih.dtype)
        rec = sum(kh is not None for _, kh, _ in self.blocks)
        w_rec_t = xp.empty((size, rec * n), w_ih.dtype)
        for j, (ki, kh, scale) in enumerate(self.blocks):
            rows = w[j * n:(j + 1) * n]
            if kh is not None:
                rows[:, :size] = w_hh[kh * n:(kh + 1) * n]
                w_rec_t[:, j * n:(j + 1) * n] = w_hh[kh * n:(kh + 1) * n].T
                if b_hh is not None:
                    rows[:, -1] += b_hh[kh * n:(kh + 1) * n]
            if ki is not None:
                w_x[j * n:(j + 1) * n] = w_ih[ki * n:(ki + 1) * n]
                rows[:, size:size + n_in] = w_x[j * n:(j + 1) * n]
                if b_ih is not None:
                    rows[:, -1] += b_ih[ki * n:(ki + 1) * n]
            if scale != 1.0:
                rows *= scale
        return w, w_x, w_rec_t

    def input_grads(self, dh):
        """Every input's gradient once the loop is done; the weights' and biases' from one
        GEMM over all timesteps, mapped back to PyTorch's gate order."""
        n, size, n_in = self.hidden, self.w_rec_t.shape[0], self.w_x.shape[1]
        d = self.D
        gx = gw_ih = gw_hh = gb_ih = gb_hh = None
        if self.needs_input_grad(0):
            gx = (d.T @ self.w_x).reshape(self.x_shape)
        wants = [self.needs_input_grad(k) for k in (3, 4, 5, 6)]
        if any(wants):
            dw = d @ self.Z.T  # [dW_hh | dW_ih | db], internal rows
            out, dtype = self.gates * n, d.dtype
            gw_ih = xp.empty((out, n_in), dtype) if wants[0] else None
            gw_hh = xp.empty((out, size), dtype) if wants[1] else None
            gb_ih = xp.empty(out, dtype) if wants[2] and self.has_bias[0] else None
            gb_hh = xp.empty(out, dtype) if wants[3] and self.has_bias[1] else None
            for j, (ki, kh, _) in enumerate(self.blocks):
                part = dw[j * n:(j + 1) * n]
                for k, target, grad in ((ki, gw_ih, part[:, size:size + n_in]),
                                        (kh, gw_hh, part[:, :size]),
                                        (ki, gb_ih, part[:, -1]), (kh, gb_hh, part[:, -1])):
                    if k is not None and target is not None:
                        target[k * n:(k + 1) * n] = grad
        return (gx, dh if self.has_h0 else None, None, gw_ih, gw_hh, gb_ih, gb_hh, None)

    # ------------------------------------------------------------ per-cell hooks
    def final_states(self):
        return ()

    def begin_back(self, g_cn):
        pass


class RNNLayer(_Recurrence):
    """Elman RNN: ``h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``, act tanh or
    relu; ``G`` holds the h_t themselves, which are the output."""

    def forward(self, x, hx, cx, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None,
                batch_sizes=None, reverse=False, nonlinearity="tanh"):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"rnn: unknown nonlinearity {nonlinearity!r}; 'tanh' or 'relu'")
        self.relu = nonlinearity == "relu"
        self.op = "rnn_" + nonlinearity
        return super().forward(x, hx, cx, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes, reverse)

    def start(self, cx):
        return self.G

    def step(self, t, b, cols, g):
        if self.relu:
            xp.maximum(g, 0, out=g)
        else:
            xp.tanh(g, out=g)
        return g

    def step_back(self, t, b, cols, dh):
        h, d = self.G[t], self.dG[:, :b]
        if self.relu:
            xp.multiply(dh, h > 0, out=d)
        else:  # d tanh = 1 - h^2
            xp.multiply(h, h, out=d)
            xp.subtract(1, d, out=d)
            d *= dh
        return d, None


class LSTMLayer(_Recurrence):
    """LSTM, PyTorch's equations: ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)``
    (times ``W_hr^T`` with a projection). ``G`` holds i, f, o, g of every step (in that
    order, see the module docstring); ``TC`` tanh(c_t), ``Cp`` c_{t-1}."""

    n_out = 3
    gates = 4
    # i, f, o halved: sigmoid(z) = (1 + tanh(z / 2)) / 2; then g
    blocks = ((0, 0, 0.5), (1, 1, 0.5), (3, 3, 0.5), (2, 2, 1.0))
    op = "lstm"

    def start(self, cx):
        lay, dtype, n = self.lay, self.Z.dtype, self.hidden
        self.c = xp.zeros((n, lay.batch), dtype) if cx is None else cx.T.copy()
        self.has_c0 = cx is not None
        self.Cp, self.TC = lay.blocks(n, dtype), lay.blocks(n, dtype)
        self.ig = xp.empty((n, lay.batch), dtype)
        if self.w_hr is None:
            self.out = self.Hfull = lay.blocks(n, dtype)
        else:
            self.Hfull = xp.empty((n, lay.total), dtype)  # o * tanh(c_t), side by side
            self.out = lay.blocks(self.w_hr.shape[0], dtype)
        return self.out

    def step(self, t, b, cols, g):
        n = self.hidden
        xp.tanh(g, out=g)
        sig = g[:3 * n]
        sig *= 0.5
        sig += 0.5
        i, f, o, gg = g[:n], g[n:2 * n], g[2 * n:3 * n], g[3 * n:]
        c = self.c[:, :b]
        self.Cp[t][...] = c
        c *= f
        c += xp.multiply(i, gg, out=self.ig[:, :b])
        tc = self.TC[t]
        xp.tanh(c, out=tc)
        if self.w_hr is None:
            return xp.multiply(o, tc, out=self.out[t])
        h = xp.multiply(o, tc, out=self.Hfull[:, cols])
        return xp.matmul(self.w_hr, h, out=self.out[t])

    def final_states(self):
        return (self.c.T,)

    def begin_back(self, g_cn):
        lay, dtype, n = self.lay, self.Z.dtype, self.hidden
        self.dc = xp.zeros((n, lay.batch), dtype) if g_cn is None else g_cn.T.copy()
        self.dH = None if self.w_hr is None else xp.empty((self.w_hr.shape[0], lay.total),
                                                         dtype)
        self.tmp = xp.empty((n, lay.batch), dtype)
        self.tmp3 = xp.empty((3 * n, lay.batch), dtype)

    def step_back(self, t, b, cols, dh):
        n = self.hidden
        if self.w_hr is not None:
            self.dH[:, cols] = dh
            dh = self.w_hr.T @ dh
        g, d = self.G[t], self.dG[:, :b]
        i, f, o, gg = g[:n], g[n:2 * n], g[2 * n:3 * n], g[3 * n:]
        di, df, do, dg = d[:n], d[n:2 * n], d[2 * n:3 * n], d[3 * n:]
        tc, tmp, dc = self.TC[t], self.tmp[:, :b], self.dc[:, :b]
        # h = o tanh(c): do = dh tanh(c); dc += dh o (1 - tanh(c)^2)
        xp.multiply(dh, tc, out=do)
        xp.multiply(tc, tc, out=tmp)
        xp.subtract(1, tmp, out=tmp)
        tmp *= o
        tmp *= dh
        dc += tmp
        # c = f c_prev + i g: di = dc g, df = dc c_prev, dg = dc i (1 - g^2)
        xp.multiply(dc, gg, out=di)
        xp.multiply(dc, self.Cp[t], out=df)
        xp.multiply(gg, gg, out=dg)
        xp.subtract(1, dg, out=dg)
        dg *= i
        dg *= dc
        # through the sigmoids of i, f, o: times y (1 - y)
        y, tmp3 = g[:3 * n], self.tmp3[:, :b]
        xp.subtract(1, y, out=tmp3)
        tmp3 *= y
        d[:3 * n] *= tmp3
        dc *= f  # the carry to step t - 1
        return d, None

    def input_grads(self, dh):
        grads = list(super().input_grads(dh))
        grads[2] = self.dc.T if self.has_c0 else None
        if self.w_hr is not None and self.needs_input_grad(7):
            grads[7] = self.dH @ self.Hfull.T
        return tuple(grads)


class GRULayer(_Recurrence):
    """GRU, PyTorch's equations and gate order r, z, n:
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h_t = (1 - z) n + z h_{t-1}``.
    The n gate has two internal blocks, its recurrent part ``W_hn h + b_hn`` and its
    input part, so ``G`` holds r, z, W_hn h + b_hn and then n itself."""

    gates = 3
    # r, z halved (sigmoids); the recurrent part of n; its input part
    blocks = ((0, 0, 0.5), (1, 1, 0.5), (None, 2, 1.0), (2, None, 1.0))
    op = "gru"

    def start(self, cx):
        self.out = self.lay.blocks(self.hidden, self.Z.dtype)
        return self.out

    def step(self, t, b, cols, g):
        k = self.hidden
        rz = g[:2 * k]
        xp.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        nn, h = g[3 * k:], self.out[t]
        xp.multiply(g[:k], g[2 * k:3 * k], out=h)  # r * (W_hn h + b_hn)
        nn += h
        xp.tanh(nn, out=nn)
        # h_t = n + z (h_{t-1} - n)
        xp.subtract(self.Z[:self.w_rec_t.shape[0], cols], nn, out=h)
        h *= g[k:2 * k]
        h += nn
        return h

    def begin_back(self, g_cn):
        n, lay, dtype = self.hidden, self.lay, self.Z.dtype
        self.tmp = xp.empty((n, lay.batch), dtype)
        self.direct = xp.empty((n, lay.batch), dtype)

    def step_back(self, t, b, cols, dh):
        k = self.hidden
        g, d = self.G[t], self.dG[:, :b]
        r, z, ghn, nn = g[:k], g[k:2 * k], g[2 * k:3 * k], g[3 * k:]
        dr, dz, dghn, dn = d[:k], d[k:2 * k], d[2 * k:3 * k], d[3 * k:]
        tmp = self.tmp[:, :b]
        # dn_pre = dh (1 - z) (1 - n^2)
        xp.multiply(nn, nn, out=dn)
        xp.subtract(1, dn, out=dn)
        xp.subtract(1, z, out=tmp)
        dn *= tmp
        dn *= dh
        # dz_pre = dh (h_{t-1} - n) z (1 - z)
        xp.subtract(self.Z[:self.w_rec_t.shape[0], cols], nn, out=dz)
        dz *= dh
        tmp *= z
        dz *= tmp
        # d(W_hn h + b_hn) = dn_pre r; dr_pre = dn_pre (W_hn h + b_hn) r (1 - r)
        xp.multiply(dn, r, out=dghn)
        xp.subtract(1, r, out=dr)
        dr *= dghn
        dr *= ghn
        return d, xp.multiply(dh, z, out=self.direct[:, :b])


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
