"""Distances: ``F.normalize``, ``F.cosine_similarity``, ``F.pairwise_distance``,
``ember.cdist`` and the modules, against PyTorch (values and gradients), plus errors."""
# ruff: noqa: N803  (``T`` is the library, ember or torch)
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn
from tests.ops.cases import OpCase
from tests.ops.harness import gradcheck_case, run

rng = np.random.default_rng(0)


def parity(fn, *arrays, rtol=1e-5, atol=1e-6, check_grad=True):
    """``fn(T, *tensors)`` in Ember and PyTorch (float32): same values and gradients; and,
    with ``check_grad``, a float64 gradient check of Ember's version."""
    case = OpCase("parity", fn, None)
    e_vals, e_grads = run(ember, case, arrays, np.float32)
    t_vals, t_grads = run(torch, case, arrays, np.float32)
    for e, t in zip(e_vals, t_vals, strict=True):
        assert e.shape == t.shape and e.dtype == t.dtype, (e.shape, t.shape, e.dtype, t.dtype)
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol)
    for i, (e, t) in enumerate(zip(e_grads, t_grads, strict=True)):
        assert (e is None) == (t is None), f"gradient presence of input {i}"
        if e is not None:
            np.testing.assert_allclose(e, t, rtol=rtol, atol=max(atol, 1e-5),
                                       err_msg=f"input {i}")
    if check_grad:
        assert gradcheck_case(case, arrays)


def normal(*shape):
    return rng.standard_normal(shape)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("dim", [1, -1, 0])
def test_normalize(p, dim):
    parity(lambda T, x: T.nn.functional.normalize(x, p=p, dim=dim), normal(3, 4, 2))


def test_normalize_zero_rows_stay_zero():
    x = np.zeros((2, 3))
    x[1] = [3.0, 4.0, 0.0]
    parity(lambda T, a: T.nn.functional.normalize(a, dim=1), x, check_grad=False)


@pytest.mark.parametrize("dim", [1, -1, 0])
def test_cosine_similarity(dim):
    parity(lambda T, a, b: T.nn.functional.cosine_similarity(a, b, dim=dim),
           normal(3, 4, 5), normal(3, 4, 5))


def test_cosine_similarity_broadcasts_and_tiny_vectors():
    parity(lambda T, a, b: T.nn.functional.cosine_similarity(a, b, dim=-1),
           normal(4, 1, 3), normal(5, 3))
    # below eps the norm is clamped in value but keeps its gradient (PyTorch's no_grad clamp)
    parity(lambda T, a, b: T.nn.functional.cosine_similarity(a * 1e-9, b),
           normal(3, 4), normal(3, 4), check_grad=False)
    parity(lambda T, a, b: T.nn.CosineSimilarity(dim=0, eps=1e-6)(a, b),
           normal(4, 2), normal(4, 2))


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("keepdim", [False, True])
def test_pairwise_distance(p, keepdim):
    parity(lambda T, a, b: T.nn.functional.pairwise_distance(a, b, p=p, keepdim=keepdim),
           normal(6, 4), normal(6, 4))
    parity(lambda T, a, b: T.nn.PairwiseDistance(p=p, eps=1e-3, keepdim=keepdim)(a, b),
           normal(2, 3, 4), normal(4))


@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, 3.0, float("inf")])
def test_cdist_direct(p):
    parity(lambda T, a, b: T.cdist(a, b, p=p), normal(5, 3), normal(4, 3))
    parity(lambda T, a, b: T.cdist(a, b, p=p), normal(2, 3, 4), normal(1, 6, 4))


def test_cdist_p0_counts_differing_coordinates():
    a = rng.integers(0, 2, (4, 5)).astype(float)
    b = rng.integers(0, 2, (3, 5)).astype(float)
    parity(lambda T, x, y: T.cdist(x, y, p=0), a, b, check_grad=False)


def test_cdist_matmul_path_matches_torch():
    # more than 25 rows: PyTorch (and Ember) switch to |a|^2 + |b|^2 - 2 a.b
    parity(lambda T, a, b: T.cdist(a, b), normal(30, 8), normal(7, 8), rtol=1e-4, atol=1e-5)
    parity(lambda T, a, b: T.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
           normal(2, 4, 3), normal(2, 5, 3), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", ["use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"])
def test_cdist_gradient_is_zero_at_zero_distance(mode):
    x = ember.tensor(normal(4, 3).astype(np.float32), requires_grad=True)
    d = ember.cdist(x, x.detach(), compute_mode=mode)
    d.sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    assert np.allclose(np.diag(d.detach().numpy()), 0, atol=1e-3)


def test_cdist_float32_stays_float32():
    x = ember.randn(30, 4)
    assert ember.cdist(x, x).dtype == ember.float32
    assert ember.cdist(x[:3], x[:2], p=1).dtype == ember.float32


def test_distance_errors():
    with pytest.raises(ValueError, match=r"cdist: x1 and x2 must be .* \(got shapes \(3, 4\), "
                       r"\(2, 5\)\)"):
        ember.cdist(ember.randn(3, 4), ember.randn(2, 5))
    with pytest.raises(ValueError, match="cdist: x1 and x2 must be"):
        ember.cdist(ember.randn(4), ember.randn(4))
    with pytest.raises(ValueError, match="cdist: p must be non-negative"):
        ember.cdist(ember.randn(3, 4), ember.randn(2, 4), p=-1)
    with pytest.raises(ValueError, match="cdist: compute_mode must be one of"):
        ember.cdist(ember.randn(3, 4), ember.randn(2, 4), compute_mode="fast")
    with pytest.raises(ValueError, match=r"cosine_similarity: x1 and x2 cannot be broadcast "
                       r"together \(got shapes \(3, 4\), \(3, 5\)\)"):
        F.cosine_similarity(ember.randn(3, 4), ember.randn(3, 5))
    with pytest.raises(ValueError, match="pairwise_distance: inputs need at least 1 dimension"):
        F.pairwise_distance(ember.tensor(1.0), ember.tensor(2.0))
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.normalize(ember.randn(4))


def test_modules_repr():
    assert repr(nn.CosineSimilarity()) == "CosineSimilarity(dim=1, eps=1e-08)"
    assert repr(nn.PairwiseDistance(p=1)) == "PairwiseDistance(p=1, eps=1e-06, keepdim=False)"
