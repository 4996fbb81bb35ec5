"""Gradient clipping against torch.nn.utils."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.nn.utils import clip_grad_norm_, clip_grad_value_

SHAPES = [(4, 6), (6,), (3, 3, 2)]


def make_params(lib, scale, seed=0):
    """Parameters with given gradients (the same arrays for ember and torch)."""
    rng = np.random.default_rng(seed)
    params = []
    for shape in SHAPES:
        p = lib.nn.Parameter(lib.tensor(rng.normal(size=shape).astype(np.float32)))
        p.grad = lib.tensor((scale * rng.normal(size=shape)).astype(np.float32))
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm,scale", [(1.0, 1.0), (0.5, 0.01), (100.0, 3.0)])
def test_clip_grad_norm_matches_pytorch(norm_type, max_norm, scale):
    ours, theirs = make_params(ember, scale), make_params(torch, scale)
    total = clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, ember.Tensor) and total.shape == ()
    assert total.dtype == np.float32
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-6)
    for a, b in zip(ours, theirs):
        assert a.grad.dtype == np.float32
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_clipped_norm_is_max_norm():
    params = make_params(ember, 10.0)
    before = clip_grad_norm_(params, 2.0).item()
    after = clip_grad_norm_(params, 2.0).item()
    assert before > 2.0
    assert after == pytest.approx(2.0, rel=1e-5)


def test_skips_missing_grads_and_accepts_a_tensor():
    p, q = make_params(ember, 5.0)[:2]
    q.grad = None
    expected = float(np.linalg.norm(p.grad.numpy()))
    total = clip_grad_norm_(p, 1.0)
    assert total.item() == pytest.approx(expected, rel=1e-6)
    assert np.linalg.norm(p.grad.numpy()) == pytest.approx(1.0, rel=1e-5)
    assert q.grad is None
    assert clip_grad_norm_([q], 1.0).item() == 0.0


def test_nonfinite_norm():
    params = make_params(ember, 1.0)
    params[1].grad.array[0] = np.inf
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    assert math.isinf(clip_grad_norm_(params, 1.0).item())
    theirs = make_params(torch, 1.0)
    theirs[1].grad[0] = math.inf
    torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    for a, b in zip(params, theirs):  # scaled by 1 / inf: zeros, and nan where inf * 0
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    assert np.isnan(params[1].grad.numpy()[0]).all()


def test_shared_gradient_array_is_scaled_once():
    a = ember.nn.Parameter(ember.ones(3))
    b = ember.nn.Parameter(ember.ones(3))
    (a + b).sum().backward()
    clip_grad_norm_([a, b], 1.0)
    expected = 1.0 / math.sqrt(6.0)
    np.testing.assert_allclose(a.grad.numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), expected, rtol=1e-5)


def test_clip_grad_value_matches_pytorch():
    ours, theirs = make_params(ember, 2.0), make_params(torch, 2.0)
    assert clip_grad_value_(ours, 0.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 0.5)
    for a, b in zip(ours, theirs):
        assert a.grad.dtype == np.float32
        assert np.abs(a.grad.numpy()).max() <= 0.5
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
