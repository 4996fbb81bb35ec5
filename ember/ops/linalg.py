"""Matrix products: ``matmul`` (batched, with PyTorch's 1-D rules)."""
from __future__ import annotations

from ember.autograd import Function, unbroadcast
from ember.backend import xp
from ember.errors import shape_error


class MatMul(Function):
    def forward(self, x, y):
        if x.ndim == 0 or y.ndim == 0:
            raise shape_error("matmul", "both arguments need at least 1 dimension",
                              x.shape, y.shape)
        k_y = y.shape[0] if y.ndim == 1 else y.shape[-2]
        if x.shape[-1] != k_y:
            raise shape_error("matmul", f"inner dimensions differ ({x.shape[-1]} vs {k_y})",
                              x.shape, y.shape)
        self.x, self.y = x, y
        try:
            return x @ y
        except ValueError:
            raise shape_error("matmul", "batch dimensions cannot be broadcast",
                              x.shape, y.shape) from None

    def backward(self, g):
        x, y = self.x, self.y
        # restore the dimensions that 1-D operands dropped, then dX = G Y^T, dY = X^T G
        x2 = x[None, :] if x.ndim == 1 else x
        y2 = y[:, None] if y.ndim == 1 else y
        if y.ndim == 1:
            g = g[..., None]
        if x.ndim == 1:
            g = g[..., None, :]
        gx = gy = None
        if self.needs_input_grad(0):
            gx = unbroadcast(g @ xp.swapaxes(y2, -1, -2), x2.shape).reshape(x.shape)
        if self.needs_input_grad(1):
            gy = unbroadcast(xp.swapaxes(x2, -1, -2) @ g, y2.shape).reshape(y.shape)
        return gx, gy


def matmul(input, other):  # noqa: A002
    """Matrix product with broadcasting batch dimensions; 1-D operands as in PyTorch."""
    return MatMul.apply(input, other)


def mm(input, mat2):  # noqa: A002
    return MatMul.apply(input, mat2)


def bmm(input, mat2):  # noqa: A002
    return MatMul.apply(input, mat2)
