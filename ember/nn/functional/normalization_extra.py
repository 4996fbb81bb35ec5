"""``rms_norm`` and ``local_response_norm``, composed from primitives."""
from __future__ import annotations

from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import reduce as R
from ember.ops.padding import pad
from ember.tensor import Tensor

__all__ = ["rms_norm", "local_response_norm"]


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,  # noqa: A002
             eps: float | None = None) -> Tensor:
    """Root-mean-square normalisation (Zhang & Sennrich, 2019) over the trailing
    ``normalized_shape`` dimensions: ``x / sqrt(mean(x^2) + eps) * weight``.

    Args:
        eps: added to the mean square; None means the dtype's machine epsilon.

    Shape: input (*, *normalized_shape); weight ``normalized_shape``.
    """
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = tuple(input.shape)
    if len(ns) == 0 or len(shape) < len(ns) or shape[len(shape) - len(ns):] != ns:
        raise shape_error(
            "rms_norm", f"Given normalized_shape={list(ns)}, expected input with shape "
            f"[*, {', '.join(map(str, ns))}], but got input of size {list(shape)}")
    if weight is not None and tuple(weight.shape) != ns:
        raise shape_error("rms_norm", f"weight must have normalized_shape {ns}",
                          tuple(weight.shape))
    if eps is None:
        eps = float(xp.finfo(input.dtype).eps)
    dims = tuple(range(-len(ns), 0))
    ms = R.mean(E.mul(input, input), dim=dims, keepdim=True)
    out = E.mul(input, E.rsqrt(E.add(ms, float(eps))))
    return out if weight is None else E.mul(out, weight)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4,  # noqa: A002
                        beta: float = 0.75, k: float = 1.0) -> Tensor:
    """Local response normalisation across channels (AlexNet):
    ``x_c / (k + alpha / size * sum_{c' near c} x_{c'}^2)^beta``, the window being
    ``size`` channels from ``c - size // 2`` (zero beyond the edges).

    Shape: input (N, C, *) with at least 3 dimensions.
    """
    if input.ndim < 3:
        raise shape_error("local_response_norm", "expected an input of 3 or more "
                          "dimensions (N, C, *)", input.shape)
    if size < 1:
        raise ValueError(f"local_response_norm: size must be at least 1, got {size}")
    n, c = input.shape[:2]
    sq = E.mul(input, input).reshape(n, c, -1)
    sq = pad(sq, (0, 0, size // 2, (size - 1) // 2))  # zeros before and after the channels
    window = sq[:, 0:c]
    for i in range(1, size):
        window = E.add(window, sq[:, i:i + c])
    div = E.pow(E.add(E.mul(window, alpha / size), float(k)), float(beta))
    return E.div(input, div.reshape(input.shape))
