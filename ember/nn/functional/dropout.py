"""Dropout as functions: ``dropout``, ``dropout1d/2d/3d`` (whole channels), ``alpha_dropout``.

Inverted dropout: in training each element (or channel) is kept with probability 1 - p
and scaled by 1 / (1 - p), so the expected activation is unchanged and evaluation is the
identity. Masks are drawn inside the primitive's forward from Ember's default generator:
``ember.manual_seed`` makes them repeat, and a replayed graph draws a fresh mask per run.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.random import rng_of

__all__ = ["alpha_dropout", "dropout", "dropout1d", "dropout2d", "dropout3d",
           "feature_alpha_dropout"]

# SELU's negative saturation value -scale * alpha: dropped units are set to it
_SELU_SAT = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


class Dropout(Function):
    """``x * mask``; the mask varies over the first ``mask_dims`` dims (all when None).

    With ``alpha``, dropped units take SELU's saturation value and an affine map restores
    zero mean and unit variance (alpha dropout): ``y = a (x m + s (1 - m)) + b``.
    """

    def forward(self, x, p=0.5, mask_dims=None, alpha=False):
        n = x.ndim if mask_dims is None else mask_dims
        shape = x.shape[:n] + (1,) * (x.ndim - n)
        keep = rng_of(None).random(shape, dtype=xp.float32) >= p
        if alpha:
            a = ((1 - p) * (1 + p * _SELU_SAT**2)) ** -0.5
            b = -a * _SELU_SAT * p
            self.mask = (keep * a).astype(x.dtype)
            return x * self.mask + (~keep * (a * _SELU_SAT) + b).astype(x.dtype)
        self.mask = keep.astype(x.dtype)
        self.mask *= 1.0 / (1.0 - p)
        return x * self.mask

    def backward(self, g):
        return (g * self.mask,)


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _drop(input, p, training, mask_dims=None, alpha=False):  # noqa: A002
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0  # everything dropped: zeros, still in the graph
    return Dropout.apply(input, p=float(p), mask_dims=mask_dims, alpha=alpha)


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False):  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p) (in
    training; the identity otherwise). ``inplace`` is accepted; the result is a new tensor.
    """
    return _drop(input, p, training)


def _feature_dropout(op, ranks, input, p, training):  # noqa: A002
    """Drop whole channels: the mask spans the (N, C) dims, or C alone when unbatched."""
    _check_p(p)
    if input.ndim not in ranks:
        raise shape_error(op, f"expected {' or '.join(f'{r}D' for r in ranks)} input (got "
                          f"{input.ndim}D input)", tuple(input.shape))
    return _drop(input, p, training, mask_dims=2 if input.ndim == ranks[-1] else 1)


def dropout1d(input, p: float = 0.5, training: bool = True, inplace: bool = False):  # noqa: A002
    """Zero whole channels of (N, C, L) or (C, L) inputs with probability ``p``."""
    return _feature_dropout("dropout1d", (2, 3), input, p, training)


def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False):  # noqa: A002
    """Zero whole channels (feature maps) of (N, C, H, W) inputs with probability ``p``.

    A 3-D input is read as (N, C, L), as PyTorch does today.
    """
    _check_p(p)
    if input.ndim < 2:
        raise shape_error("dropout2d", "expected an input (N, C, *)", tuple(input.shape))
    return _drop(input, p, training, mask_dims=2)


def dropout3d(input, p: float = 0.5, training: bool = True, inplace: bool = False):  # noqa: A002
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability ``p``."""
    return _feature_dropout("dropout3d", (4, 5), input, p, training)


def alpha_dropout(input, p: float = 0.5, training: bool = False,  # noqa: A002
                  inplace: bool = False):
    """Dropout for SELU networks: keeps the mean and variance of its input."""
    return _drop(input, p, training, alpha=True)


def feature_alpha_dropout(input, p: float = 0.5, training: bool = False,  # noqa: A002
                          inplace: bool = False):
    """Alpha dropout of whole channels of (N, C, *) inputs."""
    if input.ndim < 2:
        raise shape_error("feature_alpha_dropout", "expected an input (N, C, *)",
                          tuple(input.shape))
    return _drop(input, p, training, mask_dims=2, alpha=True)

