"""Matrix factorizations and solvers: the differentiable primitives of ``ember.linalg``.

Each class works on batches of matrices ``(*, m, n)`` as raw arrays and keeps its
backward next to its forward. Everything else in ``ember.linalg`` (pinv, norms, cond,
lstsq, ...) is composed from these and the elementwise ops, so its gradient comes free.
"""
from __future__ import annotations

from ember.autograd import Function, Symbolic
from ember.backend import xp
from ember.errors import shape_error


class LinAlgError(RuntimeError, ValueError):
    """A matrix the op cannot handle (singular, not positive-definite)."""


def _mT(a):  # noqa: N802
    return xp.swapaxes(a, -1, -2)


def check_square(op, arg, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise shape_error(op, f"{arg} must be batches of square matrices, "
                          f"but they are {' by '.join(map(str, a.shape[-2:]))} matrices"
                          if a.ndim >= 2 else f"{arg} must have at least 2 dimensions",
                          a.shape)


def check_matrix(op, arg, a):
    if a.ndim < 2:
        raise shape_error(op, f"{arg} must have at least 2 dimensions", a.shape)


def _bad_element(a, test):
    """The flat index of the first batch element of ``a`` for which ``test`` raises."""
    flat = a.reshape((-1,) + a.shape[-2:])
    for i, m in enumerate(flat):
        try:
            test(m)
        except xp.linalg.LinAlgError:
            return i
    return 0


def _singular(op, a):
    i = _bad_element(a, xp.linalg.inv)
    where = f"(Batch element {i}): " if a.ndim > 2 else ""
    what = "The inversion could not be completed" if op == "linalg.inv" else "The solver failed"
    return LinAlgError(f"{op}: {where}{what} because the input matrix is singular.")


def eye_like(a):
    return xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)


class MatrixFunction(Function):
    """A primitive on matrices: graph mode infers its output shapes by running forward on
    identity matrices (the zeros and ones of a generic probe are singular)."""

    @classmethod
    def infer(cls, inputs, attrs):
        arrays = []
        for t in inputs:
            if not isinstance(t, Symbolic):
                arrays.append(t)
            elif t.op.type == "Const":
                arrays.append(t.op.attrs["value"])
            elif t._shape is None or None in t._shape or t._dtype is None:
                return [(None, None)] * cls.n_out
            else:
                a = xp.zeros(t._shape, t._dtype)
                arrays.append(a + xp.eye(*a.shape[-2:], dtype=a.dtype) if a.ndim >= 2 else a)
        out = cls().forward(*arrays, **attrs)
        return [(tuple(r.shape), r.dtype) for r in (out if cls.n_out != 1 else (out,))]


# ------------------------------------------------------------------------------ inverse
class Inv(MatrixFunction):
    def forward(self, a):
        check_square("linalg.inv", "A", a)
        try:
            self.inv = xp.linalg.inv(a)
        except xp.linalg.LinAlgError:
            raise _singular("linalg.inv", a) from None
        return self.inv

    def backward(self, g):
        t = _mT(self.inv)
        return (-(t @ g @ t),)  # d A^-1 = -A^-1 dA A^-1


class Det(MatrixFunction):
    def forward(self, a):
        check_square("linalg.det", "A", a)
        self.a = a
        self.det = xp.linalg.det(a)
        return self.det

    def backward(self, g):
        # d det A = tr(adj(A) dA)  ->  G adj(A)^T, which is G det(A) A^-T when A is invertible
        try:
            return ((g * self.det)[..., None, None] * _mT(xp.linalg.inv(self.a)),)
        except xp.linalg.LinAlgError:
            return (g[..., None, None] * _cofactor(self.a),)


def _cofactor(a):
    """adj(A)^T for any square A, singular too: det(U) det(V) U diag(prod_{j!=i} s_j) V^T."""
    u, s, vh = xp.linalg.svd(a)
    ones = xp.ones(s.shape[:-1] + (1,), s.dtype)
    left = xp.cumprod(xp.concatenate([ones, s[..., :-1]], -1), -1)
    right = xp.cumprod(xp.concatenate([ones, s[..., :0:-1]], -1), -1)[..., ::-1]
    sign = xp.linalg.det(u) * xp.linalg.det(vh)
    return sign[..., None, None] * (u * (left * right)[..., None, :]) @ vh


class Slogdet(MatrixFunction):
    n_out = 2

    def forward(self, a):
        check_square("linalg.slogdet", "A", a)
        self.a = a
        sign, logabs = xp.linalg.slogdet(a)
        return sign, logabs

    def backward(self, g_sign, g_log):
        if g_log is None:
            return (xp.zeros_like(self.a),)
        return (g_log[..., None, None] * _mT(xp.linalg.inv(self.a)),)  # d log|det A| = A^-T


# ------------------------------------------------------------------------------ solvers
class Solve(MatrixFunction):
    """``A X = B``; ``vector`` says that B holds vectors (its last dim is A's rows)."""

    def forward(self, a, b, vector=False):
        b2 = b[..., None] if vector else b
        self.vector = vector
        try:
            self.x = xp.linalg.solve(a, b2)
        except xp.linalg.LinAlgError:
            raise _singular("linalg.solve", a) from None
        except ValueError:
            raise shape_error("linalg.solve", "incompatible shapes of A and B", a.shape,
                              b.shape) from None
        self.a = a
        return self.x[..., 0] if vector else self.x

    def backward(self, g):
        g = g[..., None] if self.vector else g
        gb = xp.linalg.solve(_mT(self.a), g)  # dB = A^-T G, dA = -dB X^T
        ga = -(gb @ _mT(self.x)) if self.needs_input_grad(0) else None
        return ga, (gb[..., 0] if self.vector else gb)


def _triangle(a, upper, unit):
    t = xp.triu(a) if upper else xp.tril(a)
    if unit:
        t = t - t * xp.eye(a.shape[-1], dtype=a.dtype) + xp.eye(a.shape[-1], dtype=a.dtype)
    return t


class SolveTriangular(MatrixFunction):
    """``T X = B`` with T the (unit) upper or lower triangle of A."""

    def forward(self, a, b, upper=True, unitriangular=False):
        self.upper, self.unit = upper, unitriangular
        self.t = _triangle(a, upper, unitriangular)
        try:
            self.x = xp.linalg.solve(self.t, b)
        except xp.linalg.LinAlgError:
            raise _singular("linalg.solve_triangular", self.t) from None
        return self.x

    def backward(self, g):
        gb = xp.linalg.solve(_mT(self.t), g)
        ga = -(gb @ _mT(self.x))
        ga = xp.triu(ga, 1 if self.unit else 0) if self.upper else xp.tril(
            ga, -1 if self.unit else 0)
        return ga, gb


# ------------------------------------------------------------------------ factorizations
class Cholesky(MatrixFunction):
    def forward(self, a):
        check_square("linalg.cholesky", "A", a)
        try:
            self.l = xp.linalg.cholesky(a)
        except xp.linalg.LinAlgError:
            i = _bad_element(a, xp.linalg.cholesky)
            m = a.reshape((-1,) + a.shape[-2:])[i]
            order = next(k for k in range(1, m.shape[-1] + 1) if not _factors(m[:k, :k]))
            where = f"(Batch element {i}): " if a.ndim > 2 else ""
            raise LinAlgError(f"linalg.cholesky: {where}The factorization could not be "
                              "completed because the input is not positive-definite (the "
                              f"leading minor of order {order} is not positive-definite)."
                              ) from None
        return self.l

    def backward(self, g):
        # Murray (2016): dA = L^-T Phi(L^T dL) L^-1, Phi = lower triangle with half diagonal,
        # symmetrized
        l = self.l  # noqa: E741
        p = xp.tril(_mT(l) @ g)
        p = 0.5 * (p + _mT(xp.tril(p, -1)))
        linv = xp.linalg.inv(l)
        return (_mT(linv) @ p @ linv,)


def _factors(m):
    try:
        xp.linalg.cholesky(m)
    except xp.linalg.LinAlgError:
        return False
    return True


def _copyltu(m):
    """The symmetric matrix whose lower triangle is that of ``m``."""
    return xp.tril(m) + _mT(xp.tril(m, -1))


def _qr_backward_tall(q, r, gq, gr):
    # m >= n: dA = (dQ + Q copyltu(M)) R^-T, M = R dR^T - dQ^T Q
    m = r @ _mT(gr) - _mT(gq) @ q
    b = gq + q @ _copyltu(m)
    return _mT(xp.linalg.solve(r, _mT(b)))


class QR(MatrixFunction):
    n_out = 2

    def forward(self, a, mode="reduced"):
        check_matrix("linalg.qr", "A", a)
        if mode not in ("reduced", "complete", "r"):
            raise ValueError(f"linalg.qr: mode must be 'reduced', 'complete' or 'r', "
                             f"got {mode!r}")
        self.mode = mode
        if mode == "r":
            r = xp.linalg.qr(a, mode="r")
            self.q = None
            return xp.zeros((0,), a.dtype), r
        self.q, self.r = xp.linalg.qr(a, mode=mode)
        return self.q, self.r

    def backward(self, gq, gr):
        if self.q is None:
            raise RuntimeError("linalg.qr: the derivative depends on Q, which is not "
                               "computed when mode='r'; use mode='reduced'")
        q, r = self.q, self.r
        m, n = q.shape[-2], r.shape[-1]
        if self.mode == "complete" and m > n:
            raise RuntimeError("linalg.qr: the QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols")
        gq = xp.zeros_like(q) if gq is None else gq
        gr = xp.zeros_like(r) if gr is None else gr
        if m >= n:
            return (_qr_backward_tall(q, r, gq, gr),)
        # A = Q [R1 R2], X = A[:, :m] = Q R1, Y = A[:, m:] = Q R2
        y = (q @ r)[..., m:]
        gx = _qr_backward_tall(q, r[..., :m], gq + y @ _mT(gr[..., m:]), gr[..., :m])
        return (xp.concatenate([gx, q @ gr[..., m:]], axis=-1),)


class SVD(MatrixFunction):
    n_out = 3

    def forward(self, a, full_matrices=True, ignore_extra=False):
        """``ignore_extra`` (torch.svd's convention): with full matrices, the gradients of the
        columns of U and V beyond min(m, n) are ignored instead of refused."""
        check_matrix("linalg.svd", "A", a)
        self.full = full_matrices and not ignore_extra
        self.u, self.s, self.vh = xp.linalg.svd(a, full_matrices=full_matrices)
        return self.u, self.s, self.vh

    def backward(self, gu, gs, gvh):
        u, s, vh = self.u, self.s, self.vh
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        if self.full and m != n and (gu is not None or gvh is not None):
            raise RuntimeError("linalg.svd: the derivative of U or Vh with full_matrices=True"
                               " is not defined for non-square inputs; use "
                               "full_matrices=False")
        u, vh = u[..., :k], vh[..., :k, :]
        inner = xp.zeros(s.shape + (k,), s.dtype)
        if gs is not None:
            inner = inner + gs[..., None] * xp.eye(k, dtype=s.dtype)
        if gu is not None or gvh is not None:
            # F_ij = 1 / (s_j^2 - s_i^2) off the diagonal
            e = s[..., None, :] ** 2 - s[..., :, None] ** 2
            e = xp.where(xp.eye(k, dtype=bool), 1, e)
            v = _mT(vh)
            if gu is not None:
                gu = gu[..., :k]
                uhgu = _mT(u) @ gu
                inner = inner + ((uhgu - _mT(uhgu)) / e) * s[..., None, :]
            if gvh is not None:
                gv = _mT(gvh[..., :k, :])
                vhgv = vh @ gv
                inner = inner + s[..., :, None] * ((vhgv - _mT(vhgv)) / e)
        ga = u @ inner @ vh
        if gu is not None and m > k:
            ga = ga + (gu - u @ (_mT(u) @ gu)) / s[..., None, :] @ vh
        if gvh is not None and n > k:
            ga = ga + u @ (_mT(gv - v @ (vh @ gv)) / s[..., :, None])
        return (ga,)


class Eigh(MatrixFunction):
    n_out = 2

    def forward(self, a, UPLO="L"):  # noqa: N803
        check_square("linalg.eigh", "A", a)
        if UPLO not in ("L", "U"):
            raise ValueError(f"linalg.eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.w, self.v = xp.linalg.eigh(a, UPLO=UPLO)
        return self.w, self.v

    def backward(self, gw, gv):
        w, v = self.w, self.v
        n = w.shape[-1]
        inner = xp.zeros(w.shape + (n,), w.dtype)
        if gv is not None:
            # F_ij = 1 / (w_j - w_i) on the skew part of V^T dV (symmetric result)
            e = w[..., None, :] - w[..., :, None]
            e = xp.where(xp.eye(n, dtype=bool), 1, e)
            vgv = _mT(v) @ gv
            inner = 0.5 * (vgv - _mT(vgv)) / e
            inner = inner * (1 - xp.eye(n, dtype=w.dtype))
        if gw is not None:
            inner = inner + gw[..., None] * xp.eye(n, dtype=w.dtype)
        return (v @ inner @ _mT(v),)


# ---------------------------------------------------------------------- matrix exponential
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def expm(a):
    """exp(A) of a batch of square matrices: scaling and squaring with Pade(13) (Higham)."""
    norm = xp.abs(a).sum(axis=-2).max(axis=-1) if a.size else xp.zeros(a.shape[:-2])
    s = xp.maximum(0, xp.ceil(xp.log2(xp.maximum(norm, 1e-300) / _THETA13))).astype(int)
    a = a / (2.0 ** s)[..., None, None].astype(a.dtype)
    b = _PADE13
    i = eye_like(a)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * i)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + \
        b[0] * i
    x = xp.linalg.solve(v - u, v + u)
    for step in range(int(s.max()) if s.size else 0):
        x = xp.where((step < s)[..., None, None], x @ x, x)
    return x


class MatrixExp(MatrixFunction):
    def forward(self, a):
        check_square("linalg.matrix_exp", "A", a)
        self.a = a
        return expm(a)

    def backward(self, g):
        # d exp(A)^T G is the top-right block of exp([[A^T, G], [0, A^T]])
        n = self.a.shape[-1]
        at = _mT(self.a)
        top = xp.concatenate([at, g], axis=-1)
        bottom = xp.concatenate([xp.zeros_like(g), at], axis=-1)
        return (expm(xp.concatenate([top, bottom], axis=-2))[..., :n, n:],)


# ---------------------------------------------------------------------------------- LU
class LUFactor(MatrixFunction):
    """``A = P L U`` with partial pivoting: LAPACK's packed LU (L below the unit diagonal, U
    on and above it), its 1-based int32 row interchanges, and P. Differentiable for square
    A through the packed LU."""

    n_out = 3

    def forward(self, a):
        check_matrix("linalg.lu_factor", "A", a)
        m, n = a.shape[-2:]
        k = min(m, n)
        lu = a.reshape((-1, m, n)).copy()  # the batch flattened: one row swap per element
        piv = xp.zeros((lu.shape[0], k), xp.int32)
        batch = xp.arange(lu.shape[0])
        for j in range(k):
            p = j + xp.argmax(xp.abs(lu[:, j:, j]), axis=-1)
            piv[:, j] = p + 1
            row = lu[batch, j].copy()
            lu[batch, j] = lu[batch, p]
            lu[batch, p] = row
            pivot = lu[:, j, j]
            safe = xp.where(pivot == 0, 1, pivot)
            lu[:, j + 1:, j] /= safe[:, None]
            lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
        lu, piv = lu.reshape(a.shape), piv.reshape(a.shape[:-2] + (k,))
        self.lu, self.p = lu, pivots_to_permutation(piv, m).astype(a.dtype)
        return lu, piv, self.p

    def backward(self, g, g_piv, g_p):
        lu, p = self.lu, self.p
        if lu.shape[-1] != lu.shape[-2]:
            raise NotImplementedError("linalg.lu_factor: the derivative is implemented for "
                                      "square matrices only")
        low = xp.tril(lu, -1) + xp.eye(lu.shape[-1], dtype=lu.dtype)
        up = xp.triu(lu)
        # dA = P L^-T [tril(L^T dL, -1) + triu(dU U^T)] U^-T, with dL, dU the packed parts
        mid = xp.tril(_mT(low) @ xp.tril(g, -1), -1) + xp.triu(xp.triu(g) @ _mT(up))
        x = xp.linalg.solve(_mT(low), mid)
        return (p @ _mT(xp.linalg.solve(up, _mT(x))),)


def pivots_to_permutation(piv, m):
    """The permutation matrices P (A = P L U) of LAPACK's 1-based row interchanges."""
    perm = xp.broadcast_to(xp.arange(m), piv.shape[:-1] + (m,)).copy()
    for j in range(piv.shape[-1]):
        p = piv[..., j].astype(int) - 1
        pj = perm[..., j].copy()
        perm[..., j] = xp.take_along_axis(perm, p[..., None], axis=-1)[..., 0]
        xp.put_along_axis(perm, p[..., None], pj[..., None], axis=-1)
    # rows of P^T A are A[perm]: P[perm[i], i] = 1
    eye = xp.eye(m)
    return xp.swapaxes(eye[perm], -1, -2)
