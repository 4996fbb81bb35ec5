"""Affine maps: ``linear`` (y = x W^T + b) and ``bilinear`` (y = x1^T A x2 + b).

``linear`` is one fused primitive: the forward is one GEMM with the bias added into its
output buffer, the backward three GEMMs (dx = g W, dW = g^T x, db = sum of g over every
leading dimension), so an MLP spends its time in BLAS.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error
from ember.ops.linalg import matmul
from ember.ops.reduce import sum as _sum
from ember.ops.shape import permute, reshape

__all__ = ["bilinear", "linear"]


class Linear(Function):
    """``x @ w.T + b`` for ``x`` of shape (*, in), ``w`` (out, in), ``b`` (out,) or None."""

    def forward(self, x, w, b=None):
        if w.ndim != 2 or x.ndim == 0 or x.shape[-1] != w.shape[1]:
            raise shape_error(
                "linear", f"input's last dimension must equal weight's in_features "
                f"({w.shape[1] if w.ndim == 2 else '?'})", x.shape, w.shape)
        self.x, self.w, self.has_bias = x, w, b is not None
        out = x @ w.T
        if b is not None:
            out += b  # in place: the GEMM's output buffer is ours
        return out

    def backward(self, g):
        x, w = self.x, self.w
        gx = gw = gb = None
        outs = self.grad_out or {}
        if self.needs_input_grad(0):
            gx = g @ w
        g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
        if self.needs_input_grad(1):
            x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
            out = _target(outs.get(1), w.shape, xp.result_type(g2, x2))
            if x.ndim == 1:
                gw = xp.outer(g, x)
            elif out is not None:  # straight into the caller's buffer, in its layout
                if out.flags.c_contiguous:
                    gw = xp.matmul(g2.T, x2, out=out)
                else:
                    gw = xp.matmul(x2.T, g2, out=out.T).T
            elif w.flags.f_contiguous and not w.flags.c_contiguous:
                gw = (x2.T @ g2).T  # dW in W's own (column-major) layout: no copy to store it
            else:
                gw = g2.T @ x2
        if self.has_bias and self.needs_input_grad(2):
            out = _target(outs.get(2), (g2.shape[1],), g2.dtype)
            if g.ndim == 1:
                gb = g
            elif out is not None:
                gb = xp.sum(g2, axis=0, out=out)
            else:
                gb = g2.sum(axis=0)
        return gx, gw, gb


def _target(out, shape, dtype):
    """``out`` (a ``grad_out`` buffer) if a result of ``shape`` and ``dtype`` can be
    written into it (row- or column-major), else None."""
    if out is None or out.shape != shape or out.dtype != dtype or not (
            out.flags.c_contiguous or out.flags.f_contiguous):
        return None
    return out


def linear(input, weight, bias=None):  # noqa: A002
    """``input @ weight.T + bias``.

    Args:
        input: (*, in_features).
        weight: (out_features, in_features).
        bias: (out_features,) or None.

    Shape: output (*, out_features).
    """
    if bias is None:
        return Linear.apply(input, weight)
    return Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """``y_k = x1^T A_k x2 + b_k``.

    Args:
        input1: (*, in1_features); input2: (*, in2_features) with the same leading dims.
        weight: (out_features, in1_features, in2_features); bias: (out_features,) or None.

    Shape: output (*, out_features).
    """
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1 or input2.shape[-1] != in2 or (
            tuple(input1.shape[:-1]) != tuple(input2.shape[:-1])):
        raise shape_error(
            "bilinear", f"inputs must be (*, {in1}) and (*, {in2}) with the same leading "
            "dimensions", tuple(input1.shape), tuple(input2.shape), tuple(weight.shape))
    lead = tuple(input1.shape[:-1])
    x1 = reshape(input1, -1, in1)
    x2 = reshape(input2, -1, 1, in2)
    # (N, in1) @ (in1, out * in2) gives x1^T A_k for every k; dot with x2 over in2
    a = reshape(permute(weight, 1, 0, 2), in1, out_f * in2)
    t = reshape(matmul(x1, a), -1, out_f, in2)
    out = _sum(t * x2, -1)
    if bias is not None:
        out = out + bias
    return reshape(out, *lead, out_f)
