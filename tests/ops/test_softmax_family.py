"""softmax and log_softmax over the last dimension: the row-block path (a shared shift per
group of rows, rows far below it redone with their own max, no shift while exp cannot
overflow) against PyTorch and float64."""
import numpy as np
import pytest
import torch

import ember
from ember import backend_parallel
from ember.ops import softmax_family

OPS = [("softmax", ember.softmax, torch.softmax), ("log_softmax", ember.log_softmax,
                                                   torch.log_softmax)]


def rows_of_every_kind(rng, n=96, d=16):
    """Attention-like rows, rows far below their neighbours, large rows (no unshifted
    exp), masked entries, and one fully masked row (NaN in both libraries)."""
    x = rng.standard_normal((n, d)) * 2
    x[5] -= 30  # far below the rest of its group
    x[17:19] += 70  # exp would overflow without a shift
    x[33] -= 200
    x[40:48, ::3] = -np.inf  # masked keys
    x[60] = -np.inf
    x[70, 3] = np.inf  # NaN throughout in both libraries
    return x.astype(np.float32)


def value_and_grad(lib, fn, x, g):
    t = lib.tensor(x, requires_grad=True)
    y = fn(t, -1)
    (y * lib.tensor(g)).sum().backward()
    return y.detach().numpy(), t.grad.numpy()


# (the loss sums log_softmax's -inf entries times random weights: inf - inf there)
@pytest.mark.filterwarnings("ignore:invalid value encountered in reduce")
@pytest.mark.parametrize("name, e_fn, t_fn", OPS, ids=[o[0] for o in OPS])
@pytest.mark.parametrize("split", [False, True])
def test_rows_match_torch(monkeypatch, name, e_fn, t_fn, split):
    if split:  # many blocks shared by three threads
        monkeypatch.setattr(softmax_family, "_BLOCK", 7 * 16)
        monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
        monkeypatch.setattr(backend_parallel, "NUM_THREADS", 3)
    rng = np.random.default_rng(0)
    x = rows_of_every_kind(rng)
    g = rng.standard_normal(x.shape).astype(np.float32)
    g[60] = 0  # (the masked row's gradient is NaN in both)
    ey, eg = value_and_grad(ember, e_fn, x, g)
    ty, tg = value_and_grad(torch, t_fn, x, g)
    np.testing.assert_array_equal(np.isnan(ey), np.isnan(ty))
    ok = ~np.isnan(ty)
    np.testing.assert_allclose(ey[ok], ty[ok], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eg[:60], tg[:60], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eg[61:], tg[61:], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, e_fn, t_fn", OPS, ids=[o[0] for o in OPS])
def test_rows_are_accurate_to_float32(name, e_fn, t_fn):
    # inputs around 30: an unshifted logsumexp rounded to float32 would be off by 1e-6
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((256, 64)) + 30).astype(np.float32)
    x[::7] -= 12
    x64 = x.astype(np.float64)
    top = x64.max(1, keepdims=True)
    lse = np.log(np.exp(x64 - top).sum(1, keepdims=True)) + top
    ref = x64 - lse if name == "log_softmax" else np.exp(x64 - lse)
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    ours = np.max(np.abs(e_fn(ember.tensor(x), -1).numpy() - ref) / ulp)
    torchs = np.max(np.abs(t_fn(torch.tensor(x), -1).numpy() - ref) / ulp)
    assert ours <= max(torchs, 3) + 2, (ours, torchs)  # (a few units in the last place)


@pytest.mark.parametrize("name, e_fn, t_fn", OPS, ids=[o[0] for o in OPS])
def test_rows_gradcheck_float64(monkeypatch, name, e_fn, t_fn):
    monkeypatch.setattr(softmax_family, "_GROUP", 8)  # groups of two rows of 4
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 4)) * 2
    x[3] -= 9  # below its group's shift: redone with its own max
    t = ember.tensor(x, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: e_fn(a, -1), (t,))
