"""``affine_grid`` and ``grid_sample`` (spatial transformer networks, Jaderberg et al. 2015),
composed from primitives: the grid is a matrix product of a constant base grid with
``theta``; sampling gathers the corner pixels (indexing: its gradient scatters into the
input) and blends them with weights computed from the grid (so the grid gets a gradient).

Normalised coordinates: -1 and 1 are the centres of the corner pixels with
``align_corners=True``, the outer edges of the corner pixels with ``False``.
``grid_sample`` reads the grid's values to pick pixels, so it runs in eager mode only.
"""
from __future__ import annotations

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
        mode: 'bilinear' or 'nearest'.
        padding_mode: 'zeros' (outside is 0), 'border' (nearest edge pixel) or
            'reflection' (mirrored at the edges).
        align_corners: see the module's docstring (None means False, as in PyTorch).

    Shape: input (N, C, H, W), grid (N, H_out, W_out, 2) of (x, y); output
    (N, C, H_out, W_out). (5-D volumes are not supported.)
    """
    op = "grid_sample"
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"{op}: mode must be 'bilinear' or 'nearest', got {mode!r}")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"{op}: padding_mode must be 'zeros', 'border' or 'reflection', got "
                         f"{padding_mode!r}")
    if input.ndim != 4 or grid.ndim != 4 or grid.shape[-1] != 2 or (
            grid.shape[0] != input.shape[0]):
        raise shape_error(op, "expected input (N, C, H, W) and grid (N, H_out, W_out, 2) "
                          "with the same N (5-D volumes are not supported)", input.shape,
                          grid.shape)
    align = bool(align_corners)
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    ix = _source(grid[..., 0].reshape(n, ho * wo), w, padding_mode, align)
    iy = _source(grid[..., 1].reshape(n, ho * wo), h, padding_mode, align)
    pixels = input.reshape(n, c, h * w).transpose(1, 2)  # (N, H*W, C)
    batch = xp.arange(n)[:, None]

    def corner(x, y, weight):
        """``weight * input[y, x]`` per output point; 0 outside the image."""
        inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        flat = xp.where(inside, xp.clip(y, 0, h - 1) * w + xp.clip(x, 0, w - 1), 0)
        value = pixels[batch, flat]  # (N, P, C)
        scale = E.mul(weight, Tensor._wrap(inside.astype(input.dtype)))
        return E.mul(value, scale.unsqueeze(-1))

    if mode == "nearest":
        x0 = xp.rint(ix.array).astype(xp.int64)
        y0 = xp.rint(iy.array).astype(xp.int64)
        # weight 1 that keeps the grid in the graph: its gradient is 0, as in PyTorch
        out = corner(x0, y0, E.add(E.mul(E.add(ix, iy), 0.0), 1.0))
    else:
        fx, fy = xp.floor(ix.array), xp.floor(iy.array)
        wx1 = E.sub(ix, Tensor._wrap(fx.astype(input.dtype)))
        wy1 = E.sub(iy, Tensor._wrap(fy.astype(input.dtype)))
        wx0, wy0 = E.rsub(wx1, 1.0), E.rsub(wy1, 1.0)
        x0, y0 = fx.astype(xp.int64), fy.astype(xp.int64)
        out = corner(x0, y0, E.mul(wx0, wy0))
        out = E.add(out, corner(x0 + 1, y0, E.mul(wx1, wy0)))
        out = E.add(out, corner(x0, y0 + 1, E.mul(wx0, wy1)))
        out = E.add(out, corner(x0 + 1, y0 + 1, E.mul(wx1, wy1)))
    return out.transpose(1, 2).reshape(n, c, ho, wo)
