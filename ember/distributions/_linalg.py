"""Private matrix primitives for ``MultivariateNormal``: Cholesky factorisation and the
lower-triangular solve, each a ``Function`` with its backward.

``ember.linalg`` (cholesky, solve_triangular, ...) is being written elsewhere; until it
lands these two stay private to ``ember.distributions``. Forward uses NumPy's LAPACK
(``xp.linalg.cholesky``; the triangular solve uses ``xp.linalg.solve``, which broadcasts
batch dimensions). Backwards follow PyTorch's formulas, so gradients agree with its.
"""
# ruff: noqa: N803, N806  (L, B, X: the matrices' names in the math)
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp


def _mT(a):  # noqa: N802  (PyTorch's name for the matrix transpose)
    return xp.swapaxes(a, -1, -2)


def _solve_lower(L, B):  # noqa: N803
    return xp.linalg.solve(L, B)


class Cholesky(Function):
    """``L`` lower triangular with ``L L^T = A`` (``A`` symmetric positive definite)."""

    def forward(self, a):
        try:
            self.L = xp.linalg.cholesky(a)
        except xp.linalg.LinAlgError:
            raise ValueError("cholesky: the input is not positive-definite") from None
        return self.L

    def backward(self, g):
        # Phi = sym(tril(L^T gL)) with halved diagonal; gA = L^-T Phi L^-1
        L = self.L
        phi = xp.tril(_mT(L) @ g)
        phi = 0.5 * (phi + _mT(xp.tril(phi, -1)))
        upper = _mT(L)
        ga = xp.linalg.solve(upper, _mT(xp.linalg.solve(upper, phi)))  # L^-T (L^-T Phi)^T
        return (_mT(ga),)


class SolveLower(Function):
    """``X = L^-1 B`` for lower-triangular ``L`` (..., n, n) and ``B`` (..., n, k)."""

    def forward(self, L, B):  # noqa: N803
        self.L = L = xp.tril(L)  # only the lower triangle is read, as in LAPACK's trtrs
        self.X = _solve_lower(L, B)
        return self.X

    def backward(self, g):
        # gB = L^-T g; gL = -tril(gB X^T)
        gb = xp.linalg.solve(_mT(self.L), g)
        gl = -xp.tril(gb @ _mT(self.X)) if self.needs_input_grad(0) else None
        return gl, gb


class CholeskyInverse(Function):
    """``(L L^T)^-1`` from the Cholesky factor ``L`` (only its lower triangle is read)."""

    def forward(self, L):  # noqa: N803
        self.L = L
        n = L.shape[-1]
        l_inv = _solve_lower(xp.tril(L), xp.broadcast_to(xp.eye(n, dtype=L.dtype), L.shape))
        self.P = _mT(l_inv) @ l_inv
        return self.P

    def backward(self, g):
        # PyTorch's formula: gL = -P (g + g^T) P L
        return (-(self.P @ (g + _mT(g)) @ self.P) @ self.L,)


def cholesky_inverse(L):  # noqa: N803
    return CholeskyInverse.apply(L)


def cholesky(a):
    return Cholesky.apply(a)


def solve_lower(L, B):  # noqa: N803
    return SolveLower.apply(L, B)
