"""Registry cases for ``ember.linalg`` and its top-level aliases (``ember.det``, ...).

The samplers draw well-conditioned inputs: A = Q diag(s) W^T with s spread away from zero,
symmetric positive-definite X X^T + n I, symmetric matrices with distinct eigenvalues, and
batch dimensions. Outputs that depend on a gauge (the signs of eigenvectors and singular
vectors) enter only through gauge-invariant quantities (U * U, U diag(S) Vh, V V^T).
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import case, normal


def batch(rng, max_dims=2):
    return tuple(int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, max_dims + 1))))


def _orthogonal(rng, shape):
    q, r = np.linalg.qr(rng.standard_normal(shape))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def well_conditioned(rng, b, m, n=None, low=0.5, high=2.0):
    """A (b, m, n) with singular values spread over [low, high], random signs of det."""
    n = m if n is None else n
    k = min(m, n)
    s = np.sort(rng.uniform(low, high, b + (k,)))[..., ::-1] + np.arange(k)[::-1] * 0.3
    u, v = _orthogonal(rng, b + (m, k)), _orthogonal(rng, b + (n, k))
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def spd(rng, b, n):
    x = rng.standard_normal(b + (n, n))
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def symmetric_distinct(rng, b, n):
    """Symmetric, eigenvalues at least 0.5 apart and at least 0.25 away from zero."""
    w = np.cumsum(rng.uniform(0.5, 1.5, b + (n + 1,)), -1)
    j = int(rng.integers(0, n))
    w = np.delete(w - (w[..., j:j + 1] + w[..., j + 1:j + 2]) / 2, j, axis=-1)
    q = _orthogonal(rng, b + (n, n))
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def square(rng):
    return [well_conditioned(rng, batch(rng), int(rng.integers(1, 5)))]


def rect(rng):
    b, m, n = batch(rng), int(rng.integers(1, 5)), int(rng.integers(1, 5))
    return [well_conditioned(rng, b, m, n)]


def tall(rng):
    b, n = batch(rng), int(rng.integers(1, 4))
    return [well_conditioned(rng, b, n + int(rng.integers(0, 3)), n)]


def square_and_rhs(vector=False):
    def sample(rng):
        b, n = batch(rng), int(rng.integers(1, 5))
        bb = b[int(rng.integers(0, len(b) + 1)):] if rng.random() < 0.5 else b
        rhs = normal(rng, bb + ((n,) if vector else (n, int(rng.integers(1, 4)))))
        return [well_conditioned(rng, b, n), rhs]

    return sample


def _sym_sample(rng):
    return [symmetric_distinct(rng, batch(rng), int(rng.integers(1, 5)))]


def _spd_sample(rng):
    return [spd(rng, batch(rng), int(rng.integers(1, 5)))]


def _sym(T, a):
    return (a + a.mT) / 2


def _triangular(rng):
    b, n = batch(rng), int(rng.integers(1, 5))
    a = rng.standard_normal(b + (n, n)) * 0.3
    a = a + np.eye(n) * rng.choice([-1.0, 1.0], b + (n,))[..., None] * rng.uniform(1, 2)
    return [a, normal(rng, b + (n, int(rng.integers(1, 4))))]


L = dict(rtol=1e-4, atol=1e-5)

case("linalg_inv", lambda T, a: [T.linalg.inv(a), T.inverse(a * 2.0), (a * -0.5).inverse()],
     square, **L)
case("linalg_det", lambda T, a: T.linalg.det(a) + T.det(a) * a.det(), square, **L)
case("linalg_slogdet", lambda T, a: T.linalg.slogdet(a).logabsdet * T.slogdet(a)[0].detach()
     + a.slogdet()[1], square, **L)
case("linalg_logdet", lambda T, a: T.logdet(a @ a.mT) + (a @ a.mT).logdet(), square, **L)
case("linalg_solve", lambda T, a, b: T.linalg.solve(a, b), square_and_rhs(), **L)
case("linalg_solve_vector", lambda T, a, b: T.linalg.solve(a, b), square_and_rhs(True), **L)
case("linalg_solve_right", lambda T, a: T.linalg.solve(a, a[..., :2, :] * 2.0 + 1.0,
                                                       left=False), square, **L)
case("linalg_solve_triangular", lambda T, a, b: T.linalg.solve_triangular(a, b, upper=True)
     + T.linalg.solve_triangular(a, b, upper=False, unitriangular=True)
     + T.linalg.solve_triangular(a, b.mT @ a, upper=False, left=False).mT, _triangular,
     **L)
case("linalg_cholesky", lambda T, a: T.linalg.cholesky(_sym(T, a))
     + T.linalg.cholesky(_sym(T, a), upper=True) + T.cholesky(_sym(T, a)) * 0.5
     + _sym(T, a).cholesky(), _spd_sample, **L)
case("cholesky_inverse", lambda T, a: T.cholesky_inverse(T.linalg.cholesky(_sym(T, a)))
     + T.cholesky_inverse(T.linalg.cholesky(_sym(T, a), upper=True), upper=True)
     + T.linalg.cholesky(_sym(T, a)).cholesky_inverse(), _spd_sample, **L)
case("linalg_qr", lambda T, a: T.linalg.qr(a), tall, **L)
case("linalg_qr_square_complete", lambda T, a: T.linalg.qr(a, mode="complete"), square, **L)
case("linalg_qr_wide", lambda T, a: T.linalg.qr(a.mT), tall, **L)
case("linalg_svd", lambda T, a: [T.linalg.svd(a, full_matrices=False).S,
                                 T.linalg.svd(a, full_matrices=False).U ** 2,
                                 T.linalg.svd(a, full_matrices=False).Vh ** 2], rect, **L)
case("linalg_svd_product", lambda T, a: (lambda r: r.U[..., :, :1] @ r.Vh[..., :1, :]
                                         * r.S[..., :1, None])(T.linalg.svd(a, False)),
     rect, **L)
case("linalg_svd_old", lambda T, a: (lambda r: [r.S, r.U @ r.V.mT, r.V ** 2])(T.svd(a)),
     rect, **L)
case("linalg_svdvals", lambda T, a: T.linalg.svdvals(a), rect, **L)
case("linalg_eigh", lambda T, a: [T.linalg.eigh(_sym(T, a)).eigenvalues,
                                  T.linalg.eigh(_sym(T, a))[1] ** 2,
                                  T.linalg.eigh(_sym(T, a), UPLO="U")[1] ** 2],
     _sym_sample, **L)
case("linalg_eigvalsh", lambda T, a: T.linalg.eigvalsh(_sym(T, a)), _sym_sample, **L)
case("linalg_pinv", lambda T, a: T.linalg.pinv(a) + T.pinverse(a), rect, **L)
case("linalg_pinv_hermitian", lambda T, a: T.linalg.pinv(_sym(T, a), hermitian=True),
     _sym_sample, **L)
case("linalg_lstsq", lambda T, a: T.linalg.lstsq(a, a[..., :, :1] * 2.0 + 1.0).solution,
     tall, **L)
case("linalg_matrix_norm", lambda T, a: [T.linalg.matrix_norm(a, o) for o in
                                         ("fro", "nuc", 2, -2, 1, -1, float("inf"))]
     + [T.linalg.matrix_norm(a, -float("inf"), keepdim=True)], rect, **L)
case("linalg_matrix_norm_dims", lambda T, a: T.linalg.matrix_norm(a, 1, dim=(0, 1))
     + T.linalg.matrix_norm(a, "nuc", dim=(1, 0)), lambda r: [normal(r, (3, 4))], **L)
case("linalg_vector_norm", lambda T, a: [T.linalg.vector_norm(a, o, dim=-1) for o in
                                         (2, 1, 3.5, float("inf"), -float("inf"), -1.5)]
     + [T.linalg.vector_norm(a), T.linalg.vector_norm(a, 0, dim=-1, keepdim=True)],
     lambda r: [r.standard_normal(batch(r) + (4,)) + 3.0], **L)
case("linalg_norm", lambda T, a: [T.linalg.norm(a), T.linalg.norm(a, dim=(-2, -1)),
                                  T.linalg.norm(a[..., 0, :], 3.0, dim=-1),
                                  T.linalg.norm(a.reshape(-1, a.shape[-1]), "nuc")], rect, **L)
case("linalg_cond", lambda T, a: [T.linalg.cond(a), T.linalg.cond(a, -2)], square, **L)
# torch 2.13 cannot differentiate cond for p = 'fro', 1 (an in-place error in its backward)
case("linalg_cond_p", lambda T, a: [T.linalg.cond(a, p) for p in ("fro", "nuc", 1, -1,
                                                                  float("inf"))],
     square, grad=False, **L)
case("linalg_matrix_power", lambda T, a: [T.linalg.matrix_power(a, k) for k in (1, 2, 3, 5, -1,
                                                                             -2)]
     + [T.matrix_power(a, 0) * a, a.matrix_power(2)], square, **L)
case("linalg_matrix_exp", lambda T, a: T.linalg.matrix_exp(a) + T.matrix_exp(a * 3.0)
     + (a * 0.01).matrix_exp(), square, rtol=2e-4, atol=1e-4)
case("linalg_multi_dot", lambda T, a, b, c: T.linalg.multi_dot([a, b, c]),
     lambda r: [normal(r, (3,)), normal(r, (3, 4)), normal(r, (4,))], **L)
case("linalg_multi_dot_mat", lambda T, a, b, c: T.linalg.multi_dot([a, b, c]),
     lambda r: [normal(r, (2, 3)), normal(r, (3, 4)), normal(r, (4, 5))], **L)
case("linalg_vecdot", lambda T, a, b: T.linalg.vecdot(a, b) + T.linalg.vecdot(a, b, dim=0)
     .sum(), lambda r: [normal(r, (3, 3)), normal(r, (3,))], **L)
case("linalg_diagonal", lambda T, a: T.linalg.diagonal(a, offset=1)
     + T.linalg.diagonal(a, dim1=0, dim2=-1)[..., 1:], lambda r: [normal(r, (4, 4, 4))], **L)
case("linalg_cross", lambda T, a, b: T.linalg.cross(a, b),
     lambda r: [normal(r, (2, 3, 3)), normal(r, (1, 1, 3))], **L)
case("linalg_tensorinv", lambda T, a: T.linalg.tensorinv(a.reshape(2, 3, 6), ind=2),
     lambda r: [well_conditioned(r, (), 6)], **L)
case("linalg_tensorsolve", lambda T, a, b: T.linalg.tensorsolve(a.reshape(2, 3, 6), b)
     + T.linalg.tensorsolve(a.reshape(6, 2, 3), b, dims=(0,)).sum(),
     lambda r: [well_conditioned(r, (), 6), normal(r, (2, 3))], **L)
case("linalg_lu", lambda T, a: list(T.linalg.lu(a)) + [T.linalg.lu_factor(a).LU], square, **L)
case("linalg_lu_rect", lambda T, a: list(T.linalg.lu(a)) + list(T.linalg.lu_factor(a)), rect,
     grad=False, **L)
case("linalg_svd_old_full", lambda T, a: (lambda r: [r.S, r.U[..., :, :1] ** 2,
                                                     r.V[..., :, :1] ** 2])(T.svd(a, some=False)),
     rect, **L)
case("linalg_svd_full", lambda T, a: (lambda r: [r.S, r.U ** 2, r.Vh ** 2])(T.linalg.svd(a)),
     square, **L)
case("linalg_lstsq_wide", lambda T, a: T.linalg.lstsq(a.mT, a.mT[..., :, :1] * 2.0 + 1.0)
     .solution, tall, **L)


def low_rank_plus_small(rng):
    """(*, 4, 3) with singular values 3, 2 and 0.3: clear of the cut-offs 1.0 and 0.5 s_max."""
    b = batch(rng)
    u, v = _orthogonal(rng, b + (4, 3)), _orthogonal(rng, b + (3, 3))
    return [(u * np.array([3.0, 2.0, 0.3])) @ np.swapaxes(v, -1, -2)]


# Truncation: values only, since PyTorch differentiates pinv by the formula of the untruncated
# pseudo-inverse; Ember's gradient is that of the truncated one (gradcheck in test_linalg.py).
case("linalg_pinv_atol", lambda T, a: T.linalg.pinv(a, atol=1.0) + T.linalg.pinv(a, rtol=0.5),
     low_rank_plus_small, grad=False, **L)
case("norm_nuc", lambda T, a: T.norm(a, p="nuc") + a.norm(p="nuc", dim=(0, 1)),
     lambda r: [well_conditioned(r, (), 3, 4)], **L)
