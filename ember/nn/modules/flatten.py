"""``Flatten`` and ``Unflatten``: reshape between feature maps and feature vectors."""
from __future__ import annotations

from ember.errors import shape_error
from ember.nn.modules.module import Module
from ember.ops.shape import flatten, reshape

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    """Merge dims ``start_dim`` .. ``end_dim`` into one (by default all but the batch).

    Shape: (N, C, H, W) -> (N, C * H * W) with the defaults.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):  # noqa: A002
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size``: (N, 12) -> (N, 3, 4) for dim=1, (3, 4).

    One entry of ``unflattened_size`` may be -1 (inferred).
    """

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input):  # noqa: A002
        shape = tuple(input.shape)
        if not -len(shape) <= self.dim < len(shape):
            raise shape_error("Unflatten", f"dim={self.dim} is out of range for the input",
                              shape)
        d = self.dim % len(shape)
        size = self.unflattened_size
        known = 1
        for s in size:
            known *= s if s != -1 else 1
        if (-1 not in size and known != shape[d]) or (-1 in size and shape[d] % known):
            raise shape_error("Unflatten", f"unflattened_size {size} does not multiply to the "
                              f"size of dim {self.dim} ({shape[d]})", shape)
        return reshape(input, shape[:d] + size + shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
