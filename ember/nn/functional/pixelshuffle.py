"""``pixel_shuffle``, ``pixel_unshuffle`` and ``channel_shuffle``: pure reshapes and
permutations (their gradient is the inverse permutation, from the shape ops)."""
from __future__ import annotations

from ember.errors import shape_error
from ember.tensor import Tensor

__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]


def _check(op, input, factor, name):  # noqa: A002
    if not isinstance(factor, int) or factor < 1:
        raise ValueError(f"{op}: {name} must be a positive int, got {factor!r}")
    if input.ndim < 3:
        raise shape_error(op, "expected an input of at least 3 dimensions (*, C, H, W)",
                          input.shape)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """Rearrange ``(*, C r^2, H, W)`` into ``(*, C, H r, W r)`` (sub-pixel convolution)."""
    r = upscale_factor
    _check("pixel_shuffle", input, r, "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise shape_error("pixel_shuffle", f"the channel dimension ({c}) must be divisible by "
                          f"upscale_factor^2 ({r * r})", input.shape)
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """Rearrange ``(*, C, H r, W r)`` into ``(*, C r^2, H, W)``; inverse of pixel_shuffle."""
    r = downscale_factor
    _check("pixel_unshuffle", input, r, "downscale_factor")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise shape_error("pixel_unshuffle", f"height ({h}) and width ({w}) must be "
                          f"divisible by downscale_factor ({r})", input.shape)
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """Interleave the channels of ``groups`` groups (ShuffleNet): ``(N, g * k, *)`` viewed
    as ``(N, g, k, *)``, transposed to ``(N, k, g, *)`` and flattened back."""
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"channel_shuffle: groups must be a positive int, got {groups!r}")
    if input.ndim < 3:
        raise shape_error("channel_shuffle", "expected an input of at least 3 dimensions "
                          "(N, C, *)", input.shape)
    n, c, *rest = input.shape
    if c % groups:
        raise shape_error("channel_shuffle", f"the number of channels ({c}) must be "
                          f"divisible by groups ({groups})", input.shape)
    x = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return x.reshape(n, c, *rest)
