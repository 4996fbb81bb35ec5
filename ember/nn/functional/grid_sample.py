"""``affine_grid`` and ``grid_sample`` (spatial transformer networks, Jaderberg et al. 2015),
composed from primitives: the grid is a matrix product of a constant base grid with
``theta``; sampling gathers the corner pixels (indexing: its gradient scatters into the
input) and blends them with weights computed from the grid (so the grid gets a gradient).

Normalised coordinates: -1 and 1 are the centres of the corner pixels with
``align_corners=True``, the outer edges of the corner pixels with ``False``.
``grid_sample`` reads the grid's values to pick pixels, so it runs in eager mode only.
"""
from __future__ import annotations

import itertools

from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops.linalg import matmul
from ember.tensor import Tensor

__all__ = ["affine_grid", "grid_sample"]


def _base(n, align_corners):
    """Normalised coordinates of ``n`` pixel centres."""
    if n == 1:
        return xp.zeros(1)
    if align_corners:
        return xp.linspace(-1.0, 1.0, n)
    return (xp.arange(n) * 2.0 + 1.0) / n - 1.0


def affine_grid(theta: Tensor, size, align_corners: bool = False) -> Tensor:
    """The sampling grid of the affine maps ``theta`` for an output of ``size``.

    Shape: theta (N, 2, 3) with size (N, C, H, W) gives (N, H, W, 2) of (x, y);
    theta (N, 3, 4) with size (N, C, D, H, W) gives (N, D, H, W, 3) of (x, y, z).
    """
    size = tuple(int(s) for s in size)
    nd = len(size) - 2
    if nd not in (2, 3) or tuple(theta.shape) != (size[0], nd, nd + 1):
        raise shape_error("affine_grid", f"theta must be (N, 2, 3) for a 4-D size or "
                          f"(N, 3, 4) for a 5-D size, with N = size[0]; size is {size}",
                          theta.shape)
    axes = [_base(s, align_corners) for s in size[2:]]  # (D,) H, W
    mesh = xp.meshgrid(*axes, indexing="ij")
    coords = [m.reshape(-1) for m in reversed(mesh)]  # x first, as PyTorch
    base = xp.stack(coords + [xp.ones_like(coords[0])], axis=1).astype(theta.dtype)
    grid = matmul(Tensor._wrap(base), theta.transpose(1, 2))  # (N, prod(spatial), nd)
    return grid.reshape(size[0], *size[2:], nd)


def _unnormalise(coord, n, align_corners):
    if align_corners:
        return E.mul(E.add(coord, 1.0), (n - 1) / 2.0)
    return E.div(E.sub(E.mul(E.add(coord, 1.0), float(n)), 1.0), 2.0)


def _reflect(coord, low2, high2):
    """Fold ``coord`` into ``[low2 / 2, high2 / 2]`` by reflections at the ends."""
    if low2 == high2:
        return E.mul(coord, 0.0)
    low, span = low2 / 2.0, (high2 - low2) / 2.0
    a = E.abs(E.sub(coord, low))
    flips = xp.floor(a.array / span)  # how many reflections: a constant
    extra = E.sub(a, Tensor._wrap((flips * span).astype(a.dtype)))
    return E.where(Tensor._wrap(flips % 2 == 0), E.add(extra, low),
                   E.add(E.rsub(extra, span), low))


def _source(coord, n, padding_mode, align_corners):
    """Pixel coordinates along one axis, with the padding mode's folding applied."""
    c = _unnormalise(coord, n, align_corners)
    if padding_mode == "border":
        return E.clamp(c, 0.0, float(n - 1))
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (n - 1)) if align_corners else _reflect(c, -1, 2 * n - 1)
        return E.clamp(c, 0.0, float(n - 1))
    return c


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Tensor:
    """Sample ``input`` at the normalised locations ``grid``.

    Args:
        mode: 'bilinear' (trilinear for volumes) or 'nearest'.
        padding_mode: 'zeros' (outside is 0), 'border' (nearest edge pixel) or
            'reflection' (mirrored at the edges).
        align_corners: see the module's docstring (None means False, as in PyTorch).

    Shape: input (N, C, H, W) with grid (N, H_out, W_out, 2) of (x, y), output
    (N, C, H_out, W_out); or input (N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3)
    of (x, y, z), output (N, C, D_out, H_out, W_out).
    """
    op = "grid_sample"
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"{op}: mode must be 'bilinear' or 'nearest', got {mode!r}")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"{op}: padding_mode must be 'zeros', 'border' or 'reflection', got "
                         f"{padding_mode!r}")
    nd = input.ndim - 2
    if nd not in (2, 3) or grid.ndim != input.ndim or grid.shape[-1] != nd or (
            grid.shape[0] != input.shape[0]):
        raise shape_error(op, "expected input (N, C, H, W) with grid (N, H_out, W_out, 2), "
                          "or input (N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3), "
                          "with the same N", input.shape, grid.shape)
    align = bool(align_corners)
    n, c, *spatial = input.shape
    out_shape = tuple(grid.shape[1:-1])
    points = int(xp.prod(out_shape))
    sizes = spatial[::-1]  # along x, y (, z)
    coords = [_source(grid[..., i].reshape(n, points), sizes[i], padding_mode, align)
              for i in range(nd)]
    pixels = input.reshape(n, c, -1).transpose(1, 2)  # (N, prod(spatial), C)
    batch = xp.arange(n)[:, None]

    def corner(index, weight):
        """``weight * input[index]`` per output point (index: x, y (, z)); 0 outside."""
        inside = xp.ones((n, points), bool)
        flat = xp.zeros((n, points), xp.int64)
        for i in reversed(range(nd)):  # z (or y) is the slowest axis
            inside &= (index[i] >= 0) & (index[i] < sizes[i])
            flat = flat * sizes[i] + xp.clip(index[i], 0, sizes[i] - 1)
        value = pixels[batch, xp.where(inside, flat, 0)]  # (N, P, C)
        scale = E.mul(weight, Tensor._wrap(inside.astype(input.dtype)))
        return E.mul(value, scale.unsqueeze(-1))

    if mode == "nearest":
        index = [xp.rint(k.array).astype(xp.int64) for k in coords]
        # weight 1 that keeps the grid in the graph: its gradient is 0, as in PyTorch
        out = corner(index, E.add(E.mul(coords[0], 0.0), 1.0))
    else:
        low = [xp.floor(k.array) for k in coords]
        upper = [E.sub(k, Tensor._wrap(f.astype(input.dtype))) for k, f in zip(coords, low)]
        lower = [E.rsub(u, 1.0) for u in upper]  # weights of the lower neighbours
        low = [f.astype(xp.int64) for f in low]
        out = None
        for bits in itertools.product((0, 1), repeat=nd):  # every corner of the cell
            weight = upper[0] if bits[0] else lower[0]
            for i in range(1, nd):
                weight = E.mul(weight, upper[i] if bits[i] else lower[i])
            term = corner([f + b for f, b in zip(low, bits)], weight)
            out = term if out is None else E.add(out, term)
    return out.transpose(1, 2).reshape(n, c, *out_shape)
