"""Gradient clipping: rescale gradients whose total norm is too large, or clamp each value.

Clipping keeps one bad batch (an exploding gradient in an RNN, a loss spike) from throwing
the weights far away: ``clip_grad_norm_`` rescales all gradients together, so their
direction is kept; ``clip_grad_value_`` clamps every element, which can change it.
"""
from __future__ import annotations

import math
from collections.abc import Iterable

from ember.backend import xp
from ember.tensor import Tensor


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm(array, norm_type: float):
    # ||a||_p of the flattened array; p = inf is max |a|
    return xp.linalg.norm(array.reshape(-1), ord=norm_type)


def get_total_norm(tensors: Iterable[Tensor], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False) -> Tensor:
    """The ``norm_type`` norm of all ``tensors`` seen as one long vector (a 0-d tensor)."""
    tensors = list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return Tensor._wrap(xp.zeros((), dtype=xp.float32))
    dtype = tensors[0].array.dtype
    norms = xp.stack([_norm(t.array, norm_type).astype(dtype) for t in tensors])
    total = _norm(norms, norm_type).astype(dtype)
    if error_if_nonfinite and not math.isfinite(float(total)):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} for gradients from "
            f"`parameters` is non-finite, so it cannot be clipped. To disable this error "
            f"and scale the gradients by the non-finite norm anyway, set "
            f"`error_if_nonfinite=False`"
        )
    return Tensor._wrap(total)


def clip_grads_with_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                          total_norm: Tensor) -> None:
    """Scale the gradients by ``min(max_norm / (total_norm + 1e-6), 1)``."""
    grads = _grads(parameters)
    if not grads:
        return
    norm = total_norm.array
    # computed in the norm's dtype (float32), as PyTorch does, so the factor matches it
    coef = float(min(xp.asarray(max_norm, norm.dtype) / (norm + norm.dtype.type(1e-6)), 1.0))
    with xp.errstate(invalid="ignore"):  # inf * 0 = nan for a non-finite norm, as PyTorch
        for g in grads:
            # a new array rather than *=: two leaves may share one gradient array
            g.array = xp.multiply(g.array, g.array.dtype.type(coef))


def clip_grad_norm_(parameters: Tensor | Iterable[Tensor], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach=None) -> Tensor:
    """Rescale the gradients of ``parameters`` so that their total norm is at most ``max_norm``.

    The total norm is that of all gradients concatenated into one vector (``norm_type``
    2, 1, ``inf``, or any p > 0). Gradients are multiplied by
    ``min(max_norm / (total + 1e-6), 1)``; parameters without a gradient are skipped.

    Returns:
        The total norm before clipping, a 0-d tensor (log it to see gradient spikes).

    Example: ``loss.backward(); clip_grad_norm_(model.parameters(), 1.0); opt.step()``
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    parameters = list(parameters)
    total = get_total_norm(_grads(parameters), norm_type, error_if_nonfinite)
    clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float,
                     foreach=None) -> None:
    """Clamp every gradient element of ``parameters`` to ``[-clip_value, clip_value]``.

    Example: ``clip_grad_value_(model.parameters(), 0.5)``
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g.array = xp.clip(g.array, -clip_value, clip_value)
