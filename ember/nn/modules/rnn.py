"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells.

Names, arguments, parameters (``weight_ih_l0``, ``bias_hh_l1_reverse``, ...), shapes,
gate order and initialisation follow ``torch.nn``, so a PyTorch state dict loads by key.
The math lives in ``ember.nn.functional.rnn`` (one fused op per layer and direction).
"""
from __future__ import annotations

import math
import numbers
import warnings

from ember.creation import empty
from ember.errors import shape_error
from ember.nn import init
from ember.nn.functional import rnn as _rnn
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.nn.utils.rnn import PackedSequence
from ember.ops.index import index_select

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_FUNCTIONS = {"RNN_TANH": _rnn.rnn_tanh, "RNN_RELU": _rnn.rnn_relu, "LSTM": _rnn.lstm,
              "GRU": _rnn.gru}


def _shape(t) -> tuple:
    return tuple(t.shape)


def _same(shape, expected) -> bool:
    """Whether ``shape`` is ``expected``; unknown (``None``) graph dimensions match any."""
    return len(shape) == len(expected) and all(
        a is None or b is None or a == b for a, b in zip(shape, expected))


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: parameters, checks and ``forward``.

    Args:
        mode: "RNN_TANH", "RNN_RELU", "LSTM" or "GRU".
        input_size: features of each input step.
        hidden_size: features of the hidden state.
        num_layers: stacked layers, each fed the previous one's output (default 1).
        bias: learn ``bias_ih`` and ``bias_hh`` (default True).
        batch_first: inputs and outputs are (N, L, *) instead of (L, N, *).
        dropout: dropout on the outputs of every layer but the last, in training mode.
        bidirectional: run a second layer over the reversed sequence and concatenate.
        proj_size: LSTM only: project h to this size with ``weight_hr`` (0: none).
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        name = type(self).__name__
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Number) or not (
                0 <= dropout <= 1):
            raise ValueError(f"{name}: dropout should be a number in range [0, 1] "
                             f"representing the probability of an element being zeroed, "
                             f"got {dropout!r}")
        for arg, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise TypeError(f"{name}: {arg} should be of type bool, got: "
                                f"{type(value).__name__}")
        for arg, value in (("input_size", input_size), ("hidden_size", hidden_size),
                           ("num_layers", num_layers), ("proj_size", proj_size)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"{name}: {arg} should be of type int, got: "
                                f"{type(value).__name__}")
            if value <= 0 and arg != "proj_size":
                raise ValueError(f"{name}: {arg} must be greater than zero, got {value}")
        if proj_size < 0:
            raise ValueError(f"{name}: proj_size should be a positive integer or zero to "
                             f"disable projections, got {proj_size}")
        if proj_size >= hidden_size:
            raise ValueError(f"{name}: proj_size has to be smaller than hidden_size, got "
                             f"proj_size={proj_size} and hidden_size={hidden_size}")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        self.mode = mode
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional = float(dropout), bidirectional
        self.proj_size = proj_size
        gate_size = _GATES[mode] * hidden_size
        out_size = proj_size or hidden_size
        dirs = 2 if bidirectional else 1
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for d in range(dirs):
                layer_in = input_size if layer == 0 else out_size * dirs
                shapes = [("weight_ih", (gate_size, layer_in)),
                          ("weight_hh", (gate_size, out_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                names = []
                for kind, shape in shapes:
                    pname = f"{kind}_l{layer}{'_reverse' if d else ''}"
                    setattr(self, pname, Parameter(empty(*shape, dtype=dtype, device=device)))
                    names.append(pname)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: every weight and bias U(-1/sqrt(hidden), 1/sqrt(hidden))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        """The parameters grouped per layer and direction, in PyTorch's order."""
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op: PyTorch compacts weights for cuDNN here; Ember's ops read them as is."""

    # ------------------------------------------------------------ forward
    def _expected(self, batch, cell: bool) -> tuple:
        dirs = 2 if self.bidirectional else 1
        size = self.hidden_size if cell else (self.proj_size or self.hidden_size)
        return (self.num_layers * dirs, batch, size)

    def _check_state(self, what, state, expected, batched):
        name = type(self).__name__
        want = 3 if batched else 2
        if state.ndim != want:
            raise shape_error(name, f"for {'batched 3-D' if batched else 'unbatched 2-D'} "
                              f"input, {what} should also be {want}-D", _shape(state))
        got = _shape(state) if batched else (state.shape[0], 1, state.shape[1])
        if not _same(got, expected):
            want_shape = expected if batched else (expected[0], expected[2])
            raise shape_error(name, f"expected {what} of shape (num_layers * num_directions"
                              f", batch, {'hidden_size' if what == 'c_0' else 'hidden'}) = "
                              f"{want_shape}", _shape(state))

    def forward(self, input, hx=None):  # noqa: A002
        """Run the layers over a sequence.

        Args:
            input: (L, N, H_in), (N, L, H_in) with ``batch_first``, (L, H_in) unbatched,
                or a ``PackedSequence``.
            hx: the initial hidden state (num_layers * directions, N, H_out), or (for
                LSTM) a tuple ``(h_0, c_0)``; None for zeros. Unbatched: no N dimension.

        Returns: ``output, h_n`` (LSTM: ``output, (h_n, c_n)``); output (L, N,
        directions * H_out), a ``PackedSequence`` for a packed input.
        """
        name = type(self).__name__
        lstm = self.mode == "LSTM"
        packed = isinstance(input, PackedSequence)
        if lstm and hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"{name}: hx must be a tuple (h_0, c_0), got "
                            f"{type(hx).__name__}")
        states = None if hx is None else (list(hx) if lstm else [hx])
        batch_sizes = None
        if packed:
            data, sizes, sorted_indices, unsorted_indices = input
            batch_sizes = sizes.array.tolist()
            batch, batched, x = batch_sizes[0], True, data
            if x.ndim != 2:
                raise shape_error(name, "a PackedSequence's data must be 2-D (sum of "
                                  "lengths, input_size)", _shape(x))
        else:
            x = input
            if x.ndim not in (2, 3):
                raise shape_error(name, f"expected input to be 2-D (unbatched) or 3-D "
                                  f"(batched), got {x.ndim}-D input", _shape(x))
            batched = x.ndim == 3
            if not batched:
                x = x.unsqueeze(0 if self.batch_first else 1)
            batch = x.shape[0 if self.batch_first else 1]
        if x.shape[-1] is not None and x.shape[-1] != self.input_size:
            raise shape_error(name, f"input.size(-1) must be equal to input_size="
                              f"{self.input_size}", _shape(x))
        weight = self._flat_weights[0]
        if x.dtype != weight.dtype:
            raise ValueError(f"{name}: input dtype ({x.dtype}) does not match weight dtype "
                             f"({weight.dtype}); convert the input with .to({weight.dtype}) "
                             f"or the model with .to({x.dtype})")
        if states is not None:
            for k, what in enumerate(("h_0", "c_0") if lstm else ("hx",)):
                self._check_state(what, states[k], self._expected(batch, k == 1), batched)
                if not batched:
                    states[k] = states[k].unsqueeze(1)
                elif packed and sorted_indices is not None:
                    states[k] = index_select(states[k], 1, sorted_indices)
        if states is not None and not lstm:
            states = states[0]
        result = _FUNCTIONS[self.mode](x, states, self._flat_weights, self.bias,
                                       self.num_layers, self.dropout, self.training,
                                       self.bidirectional, self.batch_first, batch_sizes)
        output, finals = result[0], list(result[1:])
        if packed:
            output = PackedSequence(output, sizes, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                finals = [index_select(f, 1, unsorted_indices) for f in finals]
        elif not batched:
            output = output.squeeze(0 if self.batch_first else 1)
            finals = [f.squeeze(1) for f in finals]
        return output, (tuple(finals) if lstm else finals[0])

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`` (or ReLU).

    Arguments as ``torch.nn.RNN``: ``(input_size, hidden_size, num_layers=1,
    nonlinearity='tanh', bias=True, batch_first=False, dropout=0.0,
    bidirectional=False)``; see ``RNNBase``.

    Shape: input (L, N, H_in) -> output (L, N, D * H), h_n (D * num_layers, N, H).
    Example: ``out, h = nn.RNN(10, 20, 2)(torch.randn(5, 3, 10))``.
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            nonlinearity, args = args[3], args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o (PyTorch's order and equations):
    ``c_t = f * c_{t-1} + i * g``, ``h_t = o * tanh(c_t)`` (then ``W_hr`` with proj_size).

    Arguments as ``torch.nn.LSTM``: ``(input_size, hidden_size, num_layers=1, bias=True,
    batch_first=False, dropout=0.0, bidirectional=False, proj_size=0)``.

    Shape: input (L, N, H_in) -> output (L, N, D * H_out), (h_n, c_n) with h_n
    (D * num_layers, N, H_out) and c_n (D * num_layers, N, H); H_out is proj_size or H.
    Example: ``out, (h, c) = nn.LSTM(10, 20)(torch.randn(5, 3, 10))``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit, gates r, z, n (PyTorch's order and equations):
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h_t = (1 - z) * n + z * h_{t-1}``.

    Arguments as ``torch.nn.GRU``: ``(input_size, hidden_size, num_layers=1, bias=True,
    batch_first=False, dropout=0.0, bidirectional=False)``.

    Shape: as ``RNN``.
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


# ----------------------------------------------------------------------------- cells
class RNNCellBase(Module):
    """What the cells share: ``weight_ih`` (chunks * H, H_in), ``weight_hh`` (chunks * H,
    H), ``bias_ih`` and ``bias_hh`` (chunks * H), all U(-1/sqrt(H), 1/sqrt(H))."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty(num_chunks * hidden_size, input_size, dtype=dtype,
                                         device=device))
        self.weight_hh = Parameter(empty(num_chunks * hidden_size, hidden_size, dtype=dtype,
                                         device=device))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _prepare(self, input, states):  # noqa: A002
        """Checks; a batch dimension added to unbatched operands; whether it was."""
        name = type(self).__name__
        if input.ndim not in (1, 2):
            raise shape_error(name, f"expected input to be 1-D or 2-D, got {input.ndim}-D",
                              _shape(input))
        if input.shape[-1] is not None and input.shape[-1] != self.input_size:
            raise shape_error(name, f"input.size(-1) must be equal to input_size="
                              f"{self.input_size}", _shape(input))
        batched = input.ndim == 2
        expected = (input.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        for s in states:
            if s is not None and not _same(_shape(s), expected):
                raise shape_error(name, f"expected hidden state of shape {expected} for "
                                  f"input of shape {_shape(input)}", _shape(s))
        if not batched:
            input = input.unsqueeze(0)
            states = [None if s is None else s.unsqueeze(0) for s in states]
        return input, states, batched

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    Args: input_size, hidden_size, bias=True, nonlinearity='tanh' (or 'relu').
    Shape: input (N, H_in) or (H_in,), hx like the output (N, H) or (H,), None for zeros.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity {nonlinearity!r}; select from "
                             "'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):  # noqa: A002
        x, (h,), batched = self._prepare(input, [hx])
        step = _rnn.rnn_tanh_cell if self.nonlinearity == "tanh" else _rnn.rnn_relu_cell
        out = step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: ``(h', c')`` (the equations of ``LSTM``).

    Args: input_size, hidden_size, bias=True.
    Shape: input (N, H_in) or (H_in,); hx a tuple ``(h, c)`` of (N, H) or (H,), or None.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"LSTMCell: hx must be a tuple (h, c), got {type(hx).__name__}")
        x, states, batched = self._prepare(input, [None, None] if hx is None else list(hx))
        h, c = _rnn.lstm_cell(x, None if hx is None else states, self.weight_ih,
                              self.weight_hh, self.bias_ih, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (the equations of ``GRU``).

    Args: input_size, hidden_size, bias=True.
    Shape: as ``RNNCell``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):  # noqa: A002
        x, (h,), batched = self._prepare(input, [hx])
        out = _rnn.gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return out if batched else out.squeeze(0)
