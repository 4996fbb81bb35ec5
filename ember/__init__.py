"""Ember: a deep-learning framework on NumPy with PyTorch's names.

``import ember as torch`` runs code written against PyTorch's core tensor API.
"""
from ember import ops as _ops  # noqa: F401  (installs the Tensor methods)
from ember.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from ember.creation import *  # noqa: F401,F403
from ember.ops import *  # noqa: F401,F403
from ember.ops import abs, pow, round, sum  # noqa: F401,A004
from ember.random import Generator, initial_seed, manual_seed, seed  # noqa: F401
from ember.dtypes import (  # noqa: F401
    bool, double, float, float16, float32, float64, get_default_dtype, half, int, int8, int16,
    int32, int64, long, set_default_dtype, short, uint8,
)
from ember.tensor import Size, Tensor, device  # noqa: F401
from ember import autograd, cuda, nn  # noqa: F401,E402
from ember import optim  # noqa: F401,E402
from ember import utils  # noqa: F401,E402
from ember import io, train  # noqa: F401,E402  (fit loop, safetensors I/O)

__version__ = "0.1.0"
