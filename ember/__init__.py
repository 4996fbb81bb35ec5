"""Ember: a deep-learning framework on NumPy with PyTorch's names.

``import ember as torch`` runs code written against PyTorch's core tensor API.
"""
from ember import autograd, cuda, distributions, io, nn, ops, optim, special, train, utils
from ember import linalg_aliases as _linalg_aliases
from ember.autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from ember.creation import *  # noqa: F403
from ember.dtypes import (
    bool,
    double,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from ember.linalg_aliases import (
    cholesky,
    cholesky_inverse,
    det,
    inverse,
    logdet,
    matrix_exp,
    matrix_power,
    pinverse,
    slogdet,
    svd,
)
from ember.nn.functional.distance import cdist
from ember.nn.functional.rnn import (  # torch.lstm, torch.gru_cell, ...
    gru,
    gru_cell,
    lstm,
    lstm_cell,
    rnn_relu,
    rnn_relu_cell,
    rnn_tanh,
    rnn_tanh_cell,
)
from ember.ops import *  # noqa: F403  (importing ember.ops installs the Tensor methods)
from ember.ops import abs, pow, round, sum  # noqa: A004
from ember.random import Generator, initial_seed, manual_seed, seed
from ember.tensor import Size, Tensor, device

__version__ = "0.1.0"

# the torch.linalg namespace (the star import of ember.ops brought ember.ops.linalg instead)
linalg = _linalg_aliases.LA
