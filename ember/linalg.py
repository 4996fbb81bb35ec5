"""``ember.linalg``: ``torch.linalg`` for real batches of matrices ``(*, m, n)``.

The factorizations and solvers are primitives of ``ember.ops.decompositions``; the rest
(pinv, lstsq, norms, cond, matrix_rank, matrix_power, ...) is composed from them, so each
gradient is the chain rule through those.
"""
from __future__ import annotations

import math
from collections import namedtuple

from ember.backend import xp
from ember.creation import tensor as _tensor
from ember.errors import shape_error
from ember.ops import decompositions as D
from ember.ops import elementwise as E
from ember.ops import reduce as R
from ember.ops import shape as S
from ember.ops.decompositions import LinAlgError
from ember.ops.diagonal import diagonal as _diagonal
from ember.ops.index import tril, triu
from ember.ops.linalg import Norm, matmul
from ember.ops.linalg import cross as _cross
from ember.tensor import Tensor

__all__ = ["LinAlgError", "inv", "det", "slogdet", "solve", "solve_triangular", "cholesky",
           "qr", "svd", "svdvals", "eigh", "eigvalsh", "pinv", "lstsq", "matrix_norm",
           "vector_norm", "norm", "cond", "matrix_rank", "matrix_power", "matrix_exp",
           "multi_dot", "vecdot", "diagonal", "tensorinv", "tensorsolve", "lu_factor", "lu",
           "cross", "matmul"]

SlogdetResult = namedtuple("SlogdetResult", "sign logabsdet")
QRResult = namedtuple("QR", "Q R")
SVDResult = namedtuple("SVD", "U S Vh")
EighResult = namedtuple("EighResult", "eigenvalues eigenvectors")
LstsqResult = namedtuple("LstsqResult", "solution residuals rank singular_values")
LUFactorResult = namedtuple("LUFactorResult", "LU pivots")
LUResult = namedtuple("LUResult", "P L U")


def _mT(a):  # noqa: N802
    return S.transpose(a, -2, -1)


def _wrap(a):
    return _tensor(a)


def _arr(t):
    return t.array if isinstance(t, Tensor) else xp.asarray(t)


def _to_end(a, dims):
    """``a`` with the axes ``dims`` moved, in that order, to the end."""
    return S.permute(a, *[d for d in range(a.ndim) if d not in dims], *dims)


def inv(A):  # noqa: N803
    """The inverse of each square matrix of ``A`` (*, n, n)."""
    return D.Inv.apply(A)


def det(A):  # noqa: N803
    """The determinant of each square matrix: shape (*)."""
    return D.Det.apply(A)


def slogdet(A):  # noqa: N803
    """``(sign, log|det A|)``; the gradient flows through ``logabsdet``."""
    return SlogdetResult(*D.Slogdet.apply(A))


def logdet(A):  # noqa: N803
    """log det A: NaN where det A < 0, -inf where it is 0 (as ``torch.logdet``)."""
    sign, logabs = D.Slogdet.apply(A)
    with xp.errstate(divide="ignore", invalid="ignore"):
        return E.add(logabs, E.log(sign.detach()))


def _is_vector_rhs(A, B):  # noqa: N803
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A, B, *, left=True):  # noqa: N803
    """X with ``A X = B`` (``X A = B`` when ``left=False``); B (*, n, k) or a vector (*, n)."""
    D.check_square("linalg.solve", "A", A)
    if not left:
        return _mT(solve(_mT(A), _mT(B)))
    vector = _is_vector_rhs(A, B)
    if B.shape[-1 if vector else -2] != A.shape[-1]:
        b = f"{B.shape[-1]}" if vector else "x".join(map(str, B.shape[-2:]))
        raise shape_error("linalg.solve", "Incompatible shapes of A and B for the equation "
                          f"AX = B ({A.shape[-2]}x{A.shape[-1]} and {b})", A.shape, B.shape)
    return D.Solve.apply(A, B, vector=vector)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):  # noqa: N803
    """X with ``T X = B`` (``X T = B`` when ``left=False``), T the triangle of A."""
    D.check_square("linalg.solve_triangular", "A", A)
    if B.ndim < 2:
        raise shape_error("linalg.solve_triangular", "B must have at least 2 dimensions",
                          B.shape)
    if not left:
        return _mT(solve_triangular(_mT(A), _mT(B), upper=not upper,
                                    unitriangular=unitriangular))
    if B.shape[-2] != A.shape[-1]:
        raise shape_error("linalg.solve_triangular", "the rows of B must match the size of A",
                          A.shape, B.shape)
    return D.SolveTriangular.apply(A, B, upper=upper, unitriangular=unitriangular)


def cholesky(A, *, upper=False):  # noqa: N803
    """L (lower) with ``A = L L^T`` for symmetric positive-definite A; ``upper`` gives L^T."""
    low = D.Cholesky.apply(A)
    return _mT(low) if upper else low


def qr(A, mode="reduced"):  # noqa: N803
    """``QR(Q, R)`` with A = Q R; mode 'reduced', 'complete' or 'r' (Q empty)."""
    return QRResult(*D.QR.apply(A, mode=mode))


def svd(A, full_matrices=True, *, driver=None):  # noqa: N803
    """``SVD(U, S, Vh)`` with A = U diag(S) Vh, S descending."""
    return SVDResult(*D.SVD.apply(A, full_matrices=full_matrices))


def svdvals(A, *, driver=None):  # noqa: N803
    """The singular values of A, descending: shape (*, min(m, n))."""
    return D.SVD.apply(A, full_matrices=False)[1]


def eigh(A, UPLO="L"):  # noqa: N803
    """``EighResult(eigenvalues, eigenvectors)`` of symmetric A, eigenvalues ascending."""
    return EighResult(*D.Eigh.apply(A, UPLO=UPLO))


def eigvalsh(A, UPLO="L"):  # noqa: N803
    return D.Eigh.apply(A, UPLO=UPLO)[0]


def _tolerance(smax, m, n, dtype, atol, rtol):
    """max(atol, rtol * smax) with PyTorch's defaults (rtol = eps max(m, n) if neither is
    given, 0 if only atol is); ``smax`` is a tensor, the result a tensor without gradient."""
    if rtol is None:
        rtol = 0.0 if atol is not None and _positive(atol) else xp.finfo(dtype).eps * max(m, n)
    tol = E.mul(smax.detach(), rtol)
    return tol if atol is None else E.maximum(tol, atol)


def _positive(v):
    return bool(xp.any(_arr(v) > 0))


def _inverse_above(s, size, tol):
    """1 / s where ``size`` > ``tol``, else 0 (dropped directions)."""
    keep = E.gt(size, tol)
    return E.where(keep, E.div(1.0, E.where(keep, s, 1.0)), 0.0)


def pinv(A, *, atol=None, rtol=None, hermitian=False):  # noqa: N803
    """The Moore-Penrose pseudo-inverse, from the SVD (eigh when ``hermitian``)."""
    D.check_matrix("linalg.pinv", "A", A)
    m, n = A.shape[-2:]
    if hermitian:
        w, v = D.Eigh.apply(A)
        aw = E.abs(w).detach()
        winv = _inverse_above(w, aw, _tolerance(R.amax(aw, -1, True), m, n, A.dtype, atol,
                                                rtol))
        return matmul(v * S.unsqueeze(winv, -2), _mT(v))
    u, s, vh = D.SVD.apply(A, full_matrices=False)
    sd = s.detach()
    sinv = _inverse_above(s, sd, _tolerance(sd[..., :1], m, n, A.dtype, atol, rtol))
    return matmul(_mT(vh) * S.unsqueeze(sinv, -2), _mT(u))


def lstsq(A, B, rcond=None, *, driver=None):  # noqa: N803
    """Least squares ``min |A X - B|``: ``LstsqResult(solution, residuals, rank,
    singular_values)`` with PyTorch's CPU rules for the extras by ``driver``: 'gelsy' (the
    default) gives the rank only; 'gelsd'/'gelss' the rank, singular values and, when m > n
    and A has full rank, the squared residuals; 'gels' the residuals only. The solution is
    pinv(A) B (singular values below rcond * s_max dropped), differentiable."""
    D.check_matrix("linalg.lstsq", "A", A)
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise ValueError(f"linalg.lstsq: driver must be one of 'gels', 'gelsy', 'gelsd', "
                         f"'gelss', got {driver!r}")
    vector = B.ndim == A.ndim - 1
    b = S.unsqueeze(B, -1) if vector else B
    if b.shape[-2] != A.shape[-2]:
        raise shape_error("linalg.lstsq", "A and B must have the same number of rows",
                          A.shape, B.shape)
    m, n = A.shape[-2:]
    eps = xp.finfo(A.dtype).eps
    rtol = (eps * max(m, n) if rcond is None or rcond < 0 else rcond) if driver != "gels" \
        else 0.0
    x = matmul(pinv(A, rtol=rtol), b)
    sv = svdvals(A).detach()
    rank = R.sum(E.gt(sv, E.mul(sv[..., :1], rtol)), dim=-1) if min(m, n) else None
    empty = _wrap(xp.zeros((0,), A.dtype))
    residuals = empty
    # PyTorch fills residuals only for tall inputs of full rank (known eagerly only), and
    # not with its default driver
    full = driver == "gels" or not isinstance(A, Tensor) or bool(xp.all(rank.array == n))
    if m > n and driver != "gelsy" and full:
        residuals = R.sum(E.square(matmul(A, x) - b), dim=-2)
    if vector:
        x = S.squeeze(x, -1)
    rank = rank if rank is not None else _wrap(xp.zeros(A.shape[:-2], xp.int64))
    rank = rank if driver != "gels" else _wrap(xp.zeros((0,), xp.int64))
    svals = sv if driver in ("gelsd", "gelss") else empty
    return LstsqResult(x, residuals, rank, svals)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The vector ``ord``-norm over ``dim`` (every element when None)."""
    if dtype is not None:
        x = x.to(dtype)
    ord = float(ord)  # noqa: A001
    if ord > 0:
        if x.ndim == 0 and dim is None:
            return E.abs(x)
        return Norm.apply(x, p=ord, dim=dim, keepdim=keepdim)
    dims = () if dim is None else dim
    if ord == 0:
        return R.sum(E.ne(x, 0).to(x.dtype), dim=dim, keepdim=keepdim)
    if ord == -math.inf:
        return R.amin(E.abs(x), dims, keepdim)
    return E.pow(R.sum(E.pow(E.abs(x), ord), dim=dim, keepdim=keepdim), 1.0 / ord)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: N803, A002
    """'fro', 'nuc', inf, -inf, 1, -1, 2 or -2 norm of the matrices in ``dim``."""
    if dtype is not None:
        A = A.to(dtype)  # noqa: N806
    if A.ndim < 2:
        raise shape_error("linalg.matrix_norm", "A must have at least 2 dimensions", A.shape)
    d0, d1 = (d % A.ndim for d in dim)
    if ord == "fro":
        return Norm.apply(A, p=2.0, dim=(d0, d1), keepdim=keepdim)
    if ord in ("nuc", 2, -2):
        moved = _to_end(A, [d0, d1])
        s = svdvals(moved)
        out = R.sum(s, -1) if ord == "nuc" else (R.amax(s, -1) if ord == 2 else R.amin(s, -1))
        if keepdim:
            out = S.unsqueeze(S.unsqueeze(out, min(d0, d1)), max(d0, d1))
        return out
    if ord in (1, -1, math.inf, -math.inf):
        sum_dim, ext_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = R.sum(E.abs(A), dim=sum_dim, keepdim=True)
        out = (R.amax if ord > 0 else R.amin)(sums, ext_dim, True)
        return out if keepdim else S.squeeze(S.squeeze(out, max(d0, d1)), min(d0, d1))
    raise ValueError(f"linalg.matrix_norm: unsupported ord {ord!r}")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: N803, A002
    """``vector_norm`` or ``matrix_norm`` by ``ord`` and ``dim``, as ``torch.linalg.norm``."""
    if dim is not None and not isinstance(dim, int) and len(dim) == 2 or (
            dim is None and ord is not None and A.ndim == 2):
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim,
                           keepdim, dtype=dtype)
    if isinstance(ord, str):
        raise ValueError(f"linalg.norm: ord {ord!r} needs a 2-D input or a 2-tuple dim")
    if dim is None and ord is not None and A.ndim != 1:
        raise shape_error("linalg.norm", "input must be 1-D or 2-D when ord is given and "
                          "dim is None", A.shape)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def cond(A, p=None):  # noqa: N803
    """The condition number |A|_p |A^-1|_p (s_max / s_min for p None or 2)."""
    if p in (None, 2, -2):
        s = svdvals(A)
        hi, lo = R.amax(s, -1), R.amin(s, -1)
        return hi / lo if p != -2 else lo / hi
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):  # noqa: N803
    """The number of singular values above max(atol, rtol * s_max): int64 (*)."""
    D.check_matrix("linalg.matrix_rank", "A", A)
    if min(A.shape[-2:]) == 0:
        return _wrap(xp.zeros(A.shape[:-2], xp.int64))
    s = (E.abs(eigvalsh(A)) if hermitian else svdvals(A)).detach()
    tol = _tolerance(R.amax(s, -1, True), *A.shape[-2:], A.dtype, atol, rtol)
    return R.sum(E.gt(s, tol), dim=-1)


def matrix_power(A, n):  # noqa: N803
    """A^n by repeated squaring; n < 0 uses inv(A), n = 0 the identity."""
    D.check_square("linalg.matrix_power", "A", A)
    if n == 0:
        eye = xp.eye(A.shape[-1], dtype=A.dtype)
        if isinstance(A, Tensor):
            return _wrap(xp.broadcast_to(eye, A.shape).copy())
        return E.add(E.mul(A, 0.0), eye)  # graph mode: the shape is known at run time
    base = inv(A) if n < 0 else A
    out, k = None, abs(n)
    while k:
        if k & 1:
            out = base if out is None else matmul(out, base)
        k >>= 1
        if k:
            base = matmul(base, base)
    return out


def matrix_exp(A):  # noqa: N803
    """exp(A) = sum A^k / k! (scaling and squaring with a Pade approximant)."""
    return D.MatrixExp.apply(A)


def multi_dot(tensors):
    """``tensors[0] @ tensors[1] @ ...``; the first and last may be 1-D."""
    if len(tensors) < 2:
        raise ValueError("linalg.multi_dot: expected at least 2 tensors")
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def vecdot(x, y, *, dim=-1):
    """sum(x * y) along ``dim``, broadcasting."""
    return R.sum(E.mul(x, y), dim=dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):  # noqa: N803
    return _diagonal(A, offset, dim1, dim2)


def cross(input, other, *, dim=-1):  # noqa: A002
    """The cross product of 3-vectors along ``dim``, broadcasting (same number of dims)."""
    if input.ndim != other.ndim:
        raise shape_error("linalg.cross", "inputs must have the same number of dimensions",
                          input.shape, other.shape)
    return _cross(input, other, dim=dim)


def tensorinv(A, ind=2):  # noqa: N803
    """The inverse of A seen as a matrix of shape (prod(A.shape[:ind]), prod(A.shape[ind:]))."""
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows, cols = math.prod(A.shape[:ind]), math.prod(A.shape[ind:])
    if rows != cols:
        raise shape_error("linalg.tensorinv", f"prod(A.shape[:ind]) = {rows} must equal "
                          f"prod(A.shape[ind:]) = {cols}", A.shape)
    return S.reshape(inv(S.reshape(A, (rows, cols))), out_shape)


def tensorsolve(A, B, dims=None):  # noqa: N803
    """X with ``tensordot(A, X, X.ndim) = B``; ``dims`` of A are moved to the end first."""
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = _to_end(A, dims)  # noqa: N806
    x_shape = tuple(A.shape[B.ndim:])
    rows, cols = math.prod(B.shape), math.prod(x_shape)
    if tuple(A.shape[:B.ndim]) != tuple(B.shape) or rows != cols:
        raise shape_error("linalg.tensorsolve", "A's leading dimensions must be B's shape and "
                          "the rest must have as many elements", A.shape, B.shape)
    x = solve(S.reshape(A, (rows, cols)), S.reshape(B, (rows,)))
    return S.reshape(x, x_shape)


def lu_factor(A, *, pivot=True):  # noqa: N803
    """``LUFactorResult(LU, pivots)``: L (unit diagonal, below) and U packed in one matrix,
    LAPACK's 1-based int32 row interchanges. Differentiable for square A."""
    if not pivot:
        raise NotImplementedError("linalg.lu_factor: pivot=False is not supported on CPU")
    packed, piv, _ = D.LUFactor.apply(A)
    return LUFactorResult(packed, piv)


def lu(A, *, pivot=True):  # noqa: N803
    """``LUResult(P, L, U)`` with A = P L U, L unit lower trapezoidal (m, k), U upper
    trapezoidal (k, n), k = min(m, n). Differentiable for square A."""
    if not pivot:
        raise NotImplementedError("linalg.lu: pivot=False is not supported on CPU")
    packed, _, p = D.LUFactor.apply(A)
    m, n = A.shape[-2:]
    k = min(m, n)
    low = E.add(tril(packed[..., :, :k], -1), xp.eye(m, k, dtype=A.dtype))
    return LUResult(p.detach(), low, triu(packed[..., :k, :]))
