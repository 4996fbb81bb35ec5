"""``ember.linalg`` beyond the op registry: non-differentiable outputs (pivots, ranks, the
extras of lstsq), named-tuple fields, ``ember.svd``'s old convention, gauge-invariant
checks of singular and eigen vectors, and every documented error, against PyTorch 2.13."""
import numpy as np
import pytest

import ember
from tests.ops.cases_linalg import spd, symmetric_distinct, well_conditioned

torch = pytest.importorskip("torch")


def both(a):
    return ember.tensor(a), torch.tensor(a)


def close(e, t, rtol=1e-5, atol=1e-6):
    t = t.detach().numpy()
    e = e.detach().numpy()
    assert e.shape == t.shape and e.dtype == t.dtype, (e.shape, t.shape, e.dtype, t.dtype)
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_named_tuples(rng):
    a = well_conditioned(rng, (2,), 4, 3)
    s = spd(rng, (2,), 3)
    e, t = both(a)
    es, ts = both(s)
    pairs = [(ember.linalg.qr(e), torch.linalg.qr(t)),
             (ember.linalg.svd(e), torch.linalg.svd(t)),
             (ember.linalg.eigh(es), torch.linalg.eigh(ts)),
             (ember.linalg.slogdet(es), torch.linalg.slogdet(ts)),
             (ember.linalg.lstsq(e, e), torch.linalg.lstsq(t, t)),
             (ember.linalg.lu_factor(e), torch.linalg.lu_factor(t)),
             (ember.linalg.lu(e), torch.linalg.lu(t)),
             (ember.svd(e), torch.svd(t))]
    for ours, theirs in pairs:
        assert len(ours) == len(theirs)
        for k, name in enumerate(ours._fields):
            assert getattr(ours, name) is ours[k]
            assert tuple(getattr(ours, name).shape) == tuple(getattr(theirs, name).shape)
    assert ember.linalg.slogdet(es).logabsdet.shape == (2,)


@pytest.mark.parametrize("shape", [(4, 4), (2, 5, 3), (3, 2, 4)])
def test_lu_factor_and_lu(rng, shape):
    a = rng.standard_normal(shape)
    e, t = both(a)
    (lu_e, piv_e), (lu_t, piv_t) = ember.linalg.lu_factor(e), torch.linalg.lu_factor(t)
    np.testing.assert_array_equal(piv_e.numpy(), piv_t.numpy())
    assert piv_e.dtype == ember.int32
    close(lu_e, lu_t, 1e-10, 1e-12)
    for ours, theirs in zip(ember.linalg.lu(e), torch.linalg.lu(t)):
        close(ours, theirs, 1e-10, 1e-12)
    p, low, up = ember.linalg.lu(e)
    np.testing.assert_allclose((p @ low @ up).numpy(), a, atol=1e-12)


def test_matrix_rank(rng):
    a = rng.standard_normal((3, 5, 2)) @ rng.standard_normal((3, 2, 4))  # rank 2
    e, t = both(a)
    for kw in ({}, {"atol": 1.0}, {"rtol": 0.5}, {"atol": 0.1, "rtol": 0.2}):
        r = ember.linalg.matrix_rank(e, **kw)
        assert r.dtype == ember.int64
        np.testing.assert_array_equal(r.numpy(), torch.linalg.matrix_rank(t, **kw).numpy())
    s = a[..., :4, :] @ np.swapaxes(a[..., :4, :], -1, -2)
    es, ts = both(s)
    np.testing.assert_array_equal(ember.linalg.matrix_rank(es, hermitian=True).numpy(),
                                  torch.linalg.matrix_rank(ts, hermitian=True).numpy())


@pytest.mark.parametrize(("driver", "shape"), [
    (driver, shape) for driver in (None, "gelsy", "gelsd", "gelss", "gels")
    for shape in ((5, 3), (2, 6, 4), (3, 5))
    if not (driver == "gels" and shape[-2] < shape[-1])])  # gels: full column rank only
def test_lstsq_extras(rng, driver, shape):
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape[:-1] + (2,))
    ours = ember.linalg.lstsq(*both(a)[:1], ember.tensor(b), driver=driver)
    theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
    for name in ("solution", "residuals", "rank", "singular_values"):
        close(getattr(ours, name), getattr(theirs, name), 1e-8, 1e-10)


def test_lstsq_rank_deficient(rng):
    a = rng.standard_normal((6, 2)) @ rng.standard_normal((2, 3))
    b = rng.standard_normal((6, 1))
    ours = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver="gelsd")
    theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver="gelsd")
    assert int(ours.rank) == int(theirs.rank) == 2
    assert ours.residuals.shape == theirs.residuals.shape == (0,)
    close(ours.solution, theirs.solution, 1e-8, 1e-10)


def test_old_svd_convention(rng):
    a = well_conditioned(rng, (2,), 5, 3)
    e, t = both(a)
    for some in (True, False):
        u, s, v = ember.svd(e, some=some)
        tu, ts, tv = torch.svd(t, some=some)
        assert u.shape == tu.shape and v.shape == tv.shape
        close(s, ts)
        close(abs(u[..., :3]), abs(tu[..., :3]))
        close(abs(v), abs(tv))
        np.testing.assert_allclose((u[..., :3] * s.unsqueeze(-2) @ v.mT).numpy(), a, atol=1e-12)
    u, s, v = e.svd(compute_uv=False)
    tu, ts, tv = t.svd(compute_uv=False)
    close(u, tu)
    close(v, tv)
    close(s, ts)


def test_gauge_invariant_vectors(rng):
    a = well_conditioned(rng, (3,), 4, 6)
    e, t = both(a)
    for full in (True, False):
        (u, s, vh), (tu, ts, tvh) = ember.linalg.svd(e, full), torch.linalg.svd(t, full)
        close(abs(u), abs(tu), 1e-8, 1e-10)
        close(abs(vh[..., :4, :]), abs(tvh[..., :4, :]), 1e-8, 1e-10)
        np.testing.assert_allclose((u * s.unsqueeze(-2) @ vh[..., :4, :]).numpy(), a,
                                   atol=1e-12)
    sym = symmetric_distinct(rng, (2,), 4)
    es, ts = both(sym)
    (w, v), (tw, tv) = ember.linalg.eigh(es), torch.linalg.eigh(ts)
    close(w, tw, 1e-10, 1e-12)
    close(abs(v), abs(tv), 1e-8, 1e-10)
    q, r = ember.linalg.qr(e, mode="complete")
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    assert ember.linalg.qr(e, mode="r").Q.shape == torch.linalg.qr(t, mode="r").Q.shape
    close(abs(ember.linalg.qr(e, mode="r").R), abs(torch.linalg.qr(t, mode="r").R))


def test_gauge_invariant_gradients(rng):
    """Gradients of losses that do not depend on the vectors' signs match PyTorch."""
    a = well_conditioned(rng, (2,), 5, 3)
    sym = symmetric_distinct(rng, (2,), 4)
    w = rng.standard_normal((2, 5, 5))
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a).requires_grad_()
        y = lib.tensor(sym).requires_grad_()
        u, s, vh = lib.linalg.svd(x, full_matrices=False)
        v_eig = lib.linalg.eigh(y).eigenvectors
        loss = ((u @ u.mT) * lib.tensor(w)).sum() + (vh.mT @ vh).pow(3).sum() \
            + (v_eig[..., :, :2] @ v_eig[..., :, :2].mT).pow(2).sum() * 0.1 \
            + (u.abs() * s.unsqueeze(-2)).sum()
        loss.backward()
        grads.append((x.grad.detach().numpy(), y.grad.detach().numpy()))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-7, atol=1e-9)


ERRORS = [
    ("inv", lambda lib: lib.linalg.inv(lib.ones(2, 3)),
     "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices"),
    ("det", lambda lib: lib.linalg.det(lib.ones(3, 2)), "linalg.det: A must be batches of square"),
    ("solve_nonsquare", lambda lib: lib.linalg.solve(lib.ones(2, 3), lib.ones(2)),
     "linalg.solve: A must be batches of square matrices, but they are 2 by 3 matrices"),
    ("inv_singular", lambda lib: lib.linalg.inv(
        lib.tensor([[[1.0, 0], [0, 1]], [[1.0, 2], [2, 4]]])),
     r"linalg.inv: \(Batch element 1\): .*singular"),
    ("solve_singular", lambda lib: lib.linalg.solve(
        lib.tensor([[[1.0, 2], [3, 4]], [[1.0, 2], [2, 4]]]), lib.ones(2, 2)),
     r"linalg.solve: \(Batch element 1\): The solver failed because the input matrix is "
     "singular"),
    ("cholesky", lambda lib: lib.linalg.cholesky(lib.tensor([[1.0, 2], [2, 1]])),
     r"linalg.cholesky: The factorization could not be completed because the input is not "
     r"positive-definite \(the leading minor of order 2 is not positive-definite\)"),
    ("cholesky_batch", lambda lib: lib.linalg.cholesky(
        lib.tensor([[[1.0, 0], [0, 1]], [[2.0, 0], [0, -1]]])),
     r"linalg.cholesky: \(Batch element 1\): .*not positive-definite"),
    ("solve_shapes", lambda lib: lib.linalg.solve(lib.ones(1, 3, 3), lib.ones(2, 3)),
     r"linalg.solve: Incompatible shapes of A and B for the equation AX = B \(3x3 and 2x3\)"),
    ("eigh_nonsquare", lambda lib: lib.linalg.eigh(lib.ones(2, 3)),
     "linalg.eigh: A must be batches"),
    ("matrix_exp", lambda lib: lib.linalg.matrix_exp(lib.ones(2, 3)), "matrix_exp"),
]


@pytest.mark.parametrize("name,call,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(name, call, message):
    with pytest.raises(RuntimeError, match=message):
        call(ember)
    with pytest.raises(RuntimeError, match=message.replace("linalg.", "(torch.)?linalg.")):
        call(torch)


def test_singular_error_is_linalg_error():
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.inv(ember.zeros(2, 2))
    with pytest.raises(ValueError):  # Ember's convention for bad arguments holds as well
        ember.linalg.inv(ember.ones(2, 3))


def test_qr_backward_errors(rng):
    x = ember.tensor(rng.standard_normal((4, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match="mode='r'"):
        ember.linalg.qr(x, mode="r").R.sum().backward()
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete'"):
        ember.linalg.qr(x, mode="complete").Q.sum().backward()


def test_norm_dispatch(rng):
    a = rng.standard_normal((3, 4))
    e, t = both(a)
    for args, kw in [((), {}), ((2,), {}), (("fro",), {}), (("nuc",), {}), ((1,), {}),
                     ((float("inf"),), {}), ((None, 1), {}), ((3.0, (0,)), {}),
                     ((2, (1, 0)), {"keepdim": True})]:
        close(ember.linalg.norm(e, *args, **kw), torch.linalg.norm(t, *args, **kw))
    close(ember.linalg.norm(e[0], 0), torch.linalg.norm(t[0], 0))
    close(e.norm(), t.norm())
    close(ember.norm(e, 1, dim=1), torch.norm(t, 1, dim=1))


def test_float32_stays_float32(rng):
    a = well_conditioned(rng, (2,), 3).astype(np.float32)
    e = ember.tensor(a)
    for f in (ember.linalg.inv, ember.linalg.det, ember.linalg.matrix_exp, ember.linalg.pinv,
              ember.linalg.svdvals, ember.linalg.cond, ember.linalg.matrix_norm):
        assert f(e).dtype == ember.float32, f.__name__


def test_det_gradient_of_a_singular_matrix():
    """The cofactor matrix, also where A^-1 does not exist (rank n - 1)."""
    x = ember.tensor([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 2.0]]], requires_grad=True)
    ember.linalg.det(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[[4.0, -2.0], [-2.0, 1.0]],
                                                [[2.0, 0.0], [0.0, 1.0]]], atol=1e-12)


def test_lu_backward_needs_square(rng):
    x = ember.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    with pytest.raises(NotImplementedError, match="square"):
        ember.linalg.lu(x).U.sum().backward()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matrix_exp_scaling(rng, dtype):
    """Batches mixing tiny and large norms (different numbers of squarings)."""
    a = rng.standard_normal((3, 4, 4)) * np.array([1e-3, 1.0, 8.0])[:, None, None]
    a = a.astype(dtype)
    e, t = both(a)
    ours, theirs = ember.linalg.matrix_exp(e), torch.linalg.matrix_exp(t)
    scale = np.abs(theirs.numpy()).max(axis=(-2, -1), keepdims=True)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours.numpy() / scale, theirs.numpy() / scale, atol=tol)
    assert ours.dtype == e.dtype


@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3,)), ((2, 3, 3), (3,)),
                                             ((2, 3, 3), (2, 3)), ((2, 1, 3, 3), (4, 3, 2)),
                                             ((3, 3), (5, 3, 1))])
def test_solve_broadcasting(rng, a_shape, b_shape):
    a = well_conditioned(rng, a_shape[:-2], 3)
    b = rng.standard_normal(b_shape)
    close(ember.linalg.solve(*both(a)[:1], ember.tensor(b)),
          torch.linalg.solve(torch.tensor(a), torch.tensor(b)), 1e-10, 1e-12)


def test_truncated_pinv_gradcheck(rng):
    """The gradient of the truncated pseudo-inverse is that of the function computed."""
    from tests.ops.cases_linalg import low_rank_plus_small

    a = ember.tensor(low_rank_plus_small(rng)[0], requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: ember.linalg.pinv(x, atol=1.0), [a], eps=1e-6,
                                    atol=1e-5, rtol=1e-4)
    assert int(ember.linalg.matrix_rank(a, atol=1.0).max()) == 2
