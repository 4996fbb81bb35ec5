"""Shared checks for the distribution tests: PyTorch parity, sampling statistics, shapes."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from tests.ops.cases import OpCase
from tests.ops.harness import run

torch = pytest.importorskip("torch")


def parity(fn, *arrays, dtype=np.float64, rtol=1e-6, atol=1e-8):
    """``fn(T, *tensors)`` (``T`` is ember or torch) gives the same values and the same
    gradients w.r.t. every float input in both libraries; integer arrays are constants."""
    case = OpCase("parity", fn, None)
    e_vals, e_grads = run(ember, case, arrays, dtype)
    t_vals, t_grads = run(torch, case, arrays, dtype)
    for e, t in zip(e_vals, t_vals, strict=True):
        assert e.shape == t.shape, (e.shape, t.shape)
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol)
    for i, (e, t) in enumerate(zip(e_grads, t_grads, strict=True)):
        assert (e is None) == (t is None), f"gradient presence of input {i}: {e}, {t}"
        if e is not None:
            np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=f"input {i}")


def check_statistics(dist, n=20000, rtol=0.05, atol=0.03):
    """Mean and variance of ``n`` samples against the analytic ``mean`` and ``variance``."""
    ember.manual_seed(0)
    x = dist.sample((n,)).numpy().astype(np.float64)
    assert x.shape == (n, *dist.batch_shape, *dist.event_shape)
    mean, var = dist.mean.detach().numpy(), dist.variance.detach().numpy()
    # the standard error of the sample mean is sqrt(var / n): allow ~5 of them, plus rtol
    mean_error = np.abs(x.mean(0) - mean)
    assert np.all(mean_error <= atol + rtol * np.abs(mean) + 5 * np.sqrt(var / n)), \
        (x.mean(0), mean)
    np.testing.assert_allclose(x.var(0), var, rtol=rtol + 0.05, atol=atol)


def check_shapes(dist, sample_shape=(3,)):
    """``sample`` and ``log_prob`` shapes follow sample_shape + batch_shape + event_shape."""
    s = dist.sample(sample_shape)
    assert tuple(s.shape) == (*sample_shape, *dist.batch_shape, *dist.event_shape)
    assert tuple(dist.log_prob(s).shape) == (*sample_shape, *dist.batch_shape)
    if dist.has_rsample:
        assert tuple(dist.rsample(sample_shape).shape) == tuple(s.shape)
    big = dist.expand((2, *dist.batch_shape))
    assert tuple(big.batch_shape) == (2, *dist.batch_shape)
    assert tuple(big.sample().shape) == (2, *dist.batch_shape, *dist.event_shape)
