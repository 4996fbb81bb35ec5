"""PyTorch's top-level linear-algebra names (``torch.det``, ``torch.inverse``, ``torch.svd``
with its old ``V`` convention, ...), each a thin alias of ``ember.linalg``; they are also
the ``Tensor`` methods of the same names."""
from __future__ import annotations

from collections import namedtuple

import ember.linalg as LA
from ember import creation
from ember.ops import decompositions as D
from ember.ops import shape as S

SVDOld = namedtuple("svd", "U S V")

det = LA.det
slogdet = LA.slogdet
logdet = LA.logdet
matrix_power = LA.matrix_power
matrix_exp = LA.matrix_exp


def inverse(input):  # noqa: A002
    return LA.inv(input)


def pinverse(input, rcond=1e-15):  # noqa: A002
    """The pseudo-inverse, singular values below ``rcond * s_max`` dropped."""
    return LA.pinv(input, rtol=rcond)


def cholesky(input, upper=False):  # noqa: A002
    return LA.cholesky(input, upper=upper)


def cholesky_inverse(input, upper=False):  # noqa: A002
    """``(L L^T)^-1`` from its Cholesky factor L (``U^T U`` when ``upper``): ``X^T X`` with
    ``X = L^-1`` from a triangular solve, so the inverse is never formed from A itself."""
    n = input.shape[-1]
    eye = creation.eye(n, dtype=input.dtype).expand(*input.shape[:-2], n, n)
    if upper:  # A = U^T U: A^-1 = U^-1 U^-T
        x = LA.solve_triangular(input, eye, upper=True)
        return x @ S.transpose(x, -2, -1)
    x = LA.solve_triangular(input, eye, upper=False)
    return S.transpose(x, -2, -1) @ x


def svd(input, some=True, compute_uv=True):  # noqa: A002
    """``torch.svd``: ``(U, S, V)`` with A = U diag(S) V^T (V, not Vh); reduced when
    ``some``; U and V zero-filled when not ``compute_uv``. With ``some=False`` the gradients
    of the columns beyond min(m, n) are ignored, as in PyTorch."""
    if not compute_uv:  # U (*, m, m) and V (*, n, n) of zeros, whatever ``some`` says
        u, s, vh = LA.svd(input, full_matrices=True)
        return SVDOld(u.detach() * 0, LA.svdvals(input), vh.detach() * 0)
    u, s, vh = D.SVD.apply(input, full_matrices=not some, ignore_extra=True)
    return SVDOld(u, s, S.transpose(vh, -2, -1))
