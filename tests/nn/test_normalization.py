"""BatchNorm1d/2d/3d, InstanceNorm1d/2d/3d, LayerNorm, GroupNorm: parity with PyTorch in
train and eval modes."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn

RTOL, ATOL = 1e-5, 1e-5


def randomize_affine(e_mod, t_mod, rng):
    """Non-trivial weights (not ones/zeros) in both modules."""
    for (ne, pe), (nt, pt) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        assert ne == nt
        values = rng.standard_normal(pt.shape).astype(np.float32)
        with torch.no_grad():
            pt.copy_(torch.tensor(values))
        pe.array[...] = values


def step(e_mod, t_mod, x, w):
    """One forward/backward in both; compare output, input and parameter gradients."""
    xt = torch.tensor(x, requires_grad=True)
    xe = ember.tensor(x, requires_grad=True)
    yt, ye = t_mod(xt), e_mod(xe)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert ye.dtype == ember.float32
    (yt * torch.tensor(w)).sum().backward()
    (ye * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    for (name, pe), (_, pt) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-4, atol=1e-4,
                                   err_msg=name)
        pe.grad, pt.grad = None, None


def compare_buffers(e_mod, t_mod):
    te = dict(e_mod.named_buffers())
    tt = dict(t_mod.named_buffers())
    assert list(te) == list(tt)
    for k in tt:
        np.testing.assert_allclose(te[k].numpy(), tt[k].numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=k)


BN_CASES = [
    ("BatchNorm1d", (8, 5)), ("BatchNorm1d", (6, 5, 7)), ("BatchNorm2d", (4, 5, 3, 6)),
    ("BatchNorm3d", (2, 5, 3, 2, 4)),
]


@pytest.mark.parametrize("name, shape", BN_CASES)
@pytest.mark.parametrize("momentum", [0.1, 0.3, None])
@pytest.mark.parametrize("affine", [True, False])
def test_batchnorm_train_then_eval(name, shape, momentum, affine):
    rng = np.random.default_rng(0)
    tm = getattr(torch.nn, name)(5, momentum=momentum, affine=affine)
    em = getattr(nn, name)(5, momentum=momentum, affine=affine)
    if affine:
        randomize_affine(em, tm, rng)
    for _ in range(3):  # running statistics after several steps
        x = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
        step(em, tm, x, rng.standard_normal(shape).astype(np.float32))
        compare_buffers(em, tm)
    tm.eval()
    em.eval()
    x = rng.standard_normal(shape).astype(np.float32)
    step(em, tm, x, rng.standard_normal(shape).astype(np.float32))
    compare_buffers(em, tm)  # eval leaves them alone
    assert int(em.num_batches_tracked.item()) == 3


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_without_running_stats(training):
    rng = np.random.default_rng(1)
    tm = torch.nn.BatchNorm2d(3, track_running_stats=False)
    em = nn.BatchNorm2d(3, track_running_stats=False)
    randomize_affine(em, tm, rng)
    tm.train(training)
    em.train(training)
    assert em.running_mean is None and "running_mean" not in em.state_dict()
    x = rng.standard_normal((4, 3, 2, 2)).astype(np.float32)
    step(em, tm, x, rng.standard_normal(x.shape).astype(np.float32))


def test_batchnorm_state_dict_keys_and_repr_match_pytorch():
    for args in [dict(), dict(momentum=None, affine=False), dict(track_running_stats=False),
                 dict(bias=False)]:
        em, tm = nn.BatchNorm2d(4, **args), torch.nn.BatchNorm2d(4, **args)
        assert list(em.state_dict()) == list(tm.state_dict())
        assert repr(em) == repr(tm)
    sd = nn.BatchNorm1d(3).state_dict()
    assert sd["num_batches_tracked"].dtype == ember.int64
    np.testing.assert_array_equal(sd["running_var"].numpy(), np.ones(3, np.float32))


def test_functional_batch_norm_matches_pytorch():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 4, 5)).astype(np.float32)
    rm, rv = rng.standard_normal(4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)
    w, b = rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    for training in (True, False):
        rmt, rvt = torch.tensor(rm), torch.tensor(rv)
        rme, rve = ember.tensor(rm), ember.tensor(rv)
        yt = torch.nn.functional.batch_norm(torch.tensor(x), rmt, rvt, torch.tensor(w),
                                            torch.tensor(b), training, 0.2, 1e-3)
        ye = F.batch_norm(ember.tensor(x), rme, rve, ember.tensor(w), ember.tensor(b),
                          training, 0.2, 1e-3)
        np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(rme.numpy(), rmt.numpy(), rtol=RTOL, atol=1e-6)
        np.testing.assert_allclose(rve.numpy(), rvt.numpy(), rtol=RTOL, atol=1e-6)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(ember.randn(2, 3, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected 2D or 3D input \(got 4D"):
        nn.BatchNorm1d(3)(ember.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected 3 channels .* \(2, 4\)"):
        nn.BatchNorm1d(3)(ember.randn(2, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        nn.BatchNorm1d(3)(ember.randn(1, 3))
    with pytest.raises(ValueError, match="running_mean and running_var are needed"):
        F.batch_norm(ember.randn(2, 3), None, None, training=False)


@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((2, 3, 4), (4,)),
                                               ((2, 3, 4, 5), (4, 5)), ((3, 7), (3, 7))])
@pytest.mark.parametrize("affine", [True, False])
def test_layernorm_parity(shape, normalized, affine):
    rng = np.random.default_rng(3)
    tm = torch.nn.LayerNorm(normalized, elementwise_affine=affine)
    em = nn.LayerNorm(normalized, elementwise_affine=affine)
    if affine:
        randomize_affine(em, tm, rng)
    x = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    step(em, tm, x, rng.standard_normal(shape).astype(np.float32))
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())


@pytest.mark.parametrize("affine", [True, False])
def test_layernorm_in_blocks_on_threads_matches_torch(monkeypatch, affine):
    # many row blocks shared by three threads: the partial weight and bias gradients of
    # every block must be summed once
    from ember import backend_parallel
    from ember.ops import normalization

    monkeypatch.setattr(normalization, "_BLOCK", 7 * 5)
    monkeypatch.setattr(normalization, "_PARALLEL_MIN", 0)
    monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
    monkeypatch.setattr(backend_parallel, "NUM_THREADS", 3)
    rng = np.random.default_rng(8)
    tm = torch.nn.LayerNorm(5, elementwise_affine=affine)
    em = nn.LayerNorm(5, elementwise_affine=affine)
    if affine:
        randomize_affine(em, tm, rng)
    x = (rng.standard_normal((3, 29, 5)) * 2 + 3).astype(np.float32)
    step(em, tm, x, rng.standard_normal(x.shape).astype(np.float32))


def test_layernorm_without_bias():
    rng = np.random.default_rng(4)
    tm, em = torch.nn.LayerNorm(5, bias=False), nn.LayerNorm(5, bias=False)
    randomize_affine(em, tm, rng)
    x = rng.standard_normal((3, 5)).astype(np.float32)
    step(em, tm, x, rng.standard_normal((3, 5)).astype(np.float32))


def test_layernorm_shape_mismatch():
    with pytest.raises(ValueError, match=r"layer_norm: Given normalized_shape=\[4\], expected "
                       r"input with shape \[\*, 4\], but got input of size \[2, 5\]"):
        nn.LayerNorm(4)(ember.randn(2, 5))


@pytest.mark.parametrize("groups, shape", [(1, (2, 6, 3, 3)), (3, (2, 6, 4)), (6, (3, 6, 2, 2)),
                                           (2, (4, 6))])
@pytest.mark.parametrize("affine", [True, False])
def test_groupnorm_parity(groups, shape, affine):
    rng = np.random.default_rng(5)
    tm = torch.nn.GroupNorm(groups, 6, affine=affine)
    em = nn.GroupNorm(groups, 6, affine=affine)
    if affine:
        randomize_affine(em, tm, rng)
    x = (rng.standard_normal(shape) * 2 - 1).astype(np.float32)
    step(em, tm, x, rng.standard_normal(shape).astype(np.float32))
    assert repr(em) == repr(tm)


def test_norms_without_bias():
    rng = np.random.default_rng(7)
    for tm, em, shape in [(torch.nn.BatchNorm2d(3, bias=False), nn.BatchNorm2d(3, bias=False),
                           (4, 3, 2, 2)),
                          (torch.nn.GroupNorm(3, 6, bias=False), nn.GroupNorm(3, 6, bias=False),
                           (2, 6, 3))]:
        randomize_affine(em, tm, rng)
        assert em.bias is None and repr(em) == repr(tm)
        x = rng.standard_normal(shape).astype(np.float32)
        step(em, tm, x, rng.standard_normal(shape).astype(np.float32))


def test_groupnorm_errors():
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    with pytest.raises(ValueError, match=r"GroupNorm: expected input \(N, 6, \*\)"):
        nn.GroupNorm(3, 6)(ember.randn(2, 5, 3))


IN_CASES = [
    ("InstanceNorm1d", (4, 5, 7)), ("InstanceNorm1d", (5, 7)), ("InstanceNorm2d", (2, 5, 3, 4)),
    ("InstanceNorm2d", (5, 3, 4)), ("InstanceNorm3d", (2, 5, 2, 3, 2)),
    ("InstanceNorm3d", (5, 2, 3, 2)),
]


@pytest.mark.parametrize("name, shape", IN_CASES)
@pytest.mark.parametrize("affine, track, momentum", [(False, False, 0.1), (True, False, 0.1),
                                                     (True, True, 0.3), (False, True, None)])
def test_instancenorm_train_then_eval(name, shape, affine, track, momentum):
    rng = np.random.default_rng(9)
    tm = getattr(torch.nn, name)(5, affine=affine, track_running_stats=track, momentum=momentum)
    em = getattr(nn, name)(5, affine=affine, track_running_stats=track, momentum=momentum)
    if affine:
        randomize_affine(em, tm, rng)
    for _ in range(3):  # running statistics after several steps
        x = (rng.standard_normal(shape) * 2 + 0.5).astype(np.float32)
        step(em, tm, x, rng.standard_normal(shape).astype(np.float32))
        compare_buffers(em, tm)
    tm.eval()
    em.eval()  # normalised by the running statistics when tracked, else by the sample's own
    x = rng.standard_normal(shape).astype(np.float32)
    step(em, tm, x, rng.standard_normal(shape).astype(np.float32))
    compare_buffers(em, tm)


def test_instancenorm_defaults_repr_and_state_dict_match_pytorch():
    em, tm = nn.InstanceNorm2d(3), torch.nn.InstanceNorm2d(3)
    assert em.weight is None and em.running_mean is None and list(em.state_dict()) == []
    for args in [dict(), dict(affine=True), dict(track_running_stats=True, momentum=None),
                 dict(affine=True, bias=False, eps=1e-3)]:
        em, tm = nn.InstanceNorm2d(3, **args), torch.nn.InstanceNorm2d(3, **args)
        assert repr(em) == repr(tm)
        assert list(em.state_dict()) == list(tm.state_dict())


def test_functional_instance_norm_matches_pytorch():
    rng = np.random.default_rng(10)
    x = (rng.standard_normal((3, 4, 5, 2)) * 3 - 1).astype(np.float32)
    rm, rv = rng.standard_normal(4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)
    w, b = rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    for use_input_stats in (True, False):
        rmt, rvt = torch.tensor(rm), torch.tensor(rv)
        rme, rve = ember.tensor(rm), ember.tensor(rv)
        yt = torch.nn.functional.instance_norm(torch.tensor(x), rmt, rvt, torch.tensor(w),
                                               torch.tensor(b), use_input_stats, 0.2, 1e-3)
        ye = F.instance_norm(ember.tensor(x), rme, rve, ember.tensor(w), ember.tensor(b),
                             use_input_stats, 0.2, 1e-3)
        np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(rme.numpy(), rmt.numpy(), rtol=RTOL, atol=1e-6)
        np.testing.assert_allclose(rve.numpy(), rvt.numpy(), rtol=RTOL, atol=1e-6)
    yt = torch.nn.functional.instance_norm(torch.tensor(x))
    np.testing.assert_allclose(F.instance_norm(ember.tensor(x)).numpy(), yt.numpy(), rtol=RTOL,
                               atol=ATOL)


def test_instancenorm_errors():
    with pytest.raises(ValueError, match=r"InstanceNorm2d: expected 3D or 4D input \(got 2D"):
        nn.InstanceNorm2d(3)(ember.randn(3, 4))
    with pytest.raises(ValueError, match=r"InstanceNorm1d: expected 3 channels "
                       r"\(num_features\) in dimension 1, got input of shape \(2, 4, 5\)"):
        nn.InstanceNorm1d(3, affine=True)(ember.randn(2, 4, 5))
    with pytest.raises(ValueError, match=r"InstanceNorm2d: expected 3 channels "
                       r"\(num_features\) in dimension 0, got input of shape \(4, 5, 5\)"):
        nn.InstanceNorm2d(3, track_running_stats=True)(ember.randn(4, 5, 5))
    with pytest.warns(UserWarning, match="InstanceNorm1d: expected 3 channels .* not used"):
        nn.InstanceNorm1d(3)(ember.randn(2, 4, 5))  # (as PyTorch: a warning only)
    with pytest.raises(ValueError, match=r"instance_norm: weight must have one entry per "
                       r"channel \(3 channels in the input\) \(got shapes \(2, 3, 4\), "
                       r"\(4,\)\)"):
        F.instance_norm(ember.randn(2, 3, 4), weight=ember.ones(4))
    with pytest.raises(ValueError, match=r"running_mean must have one entry per channel"):
        F.instance_norm(ember.randn(2, 3, 4), ember.zeros(2), ember.ones(3))
    with pytest.raises(ValueError, match="Expected more than 1 spatial element when training, "
                       r"got input size \[2, 3, 1\]"):
        nn.InstanceNorm1d(3)(ember.randn(2, 3, 1))
    with pytest.raises(ValueError, match="running_mean and running_var are needed when "
                       "use_input_stats=False"):
        F.instance_norm(ember.randn(2, 3, 4), use_input_stats=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.InstanceNorm1d(3)(ember.randn(2, 3, 5))  # matching channels: no warning


def test_affine_without_weight_keeps_xhat_for_backward():
    # bias without weight (and no affine at all) must not write into the normalised input
    # that backward reuses
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    for fn in (lambda lib, x, b: lib.nn.functional.group_norm(  # (see cases_nn_layers.py)
               x, 2, None if lib is ember else lib.ones_like(b), b),
               lambda lib, x, b: lib.nn.functional.batch_norm(x, None, None, None, b, True),
               lambda lib, x, b: lib.nn.functional.instance_norm(x, bias=b)):
        grads = []
        for lib in (ember, torch):
            xt = lib.tensor(x, requires_grad=True)
            (fn(lib, xt, lib.tensor(b)) * lib.tensor(g)).sum().backward()
            grads.append(xt.grad.numpy())
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-4, atol=1e-5)


def test_norm_gradcheck_float64():
    rng = np.random.default_rng(6)

    def t(*shape):
        return ember.tensor(rng.standard_normal(shape), dtype=ember.float64,
                            requires_grad=True)

    x, w, b = t(4, 3, 2), t(3), t(3)
    assert ember.autograd.gradcheck(
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    rm = ember.tensor(rng.standard_normal(3), dtype=ember.float64)
    rv = ember.tensor(rng.uniform(0.5, 2, 3), dtype=ember.float64)
    assert ember.autograd.gradcheck(
        lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False), (x, w, b))
    assert ember.autograd.gradcheck(
        lambda x, w, b: F.group_norm(x, 3, w, b), (x, w, b))
    w2, b2 = t(3, 2), t(3, 2)
    assert ember.autograd.gradcheck(
        lambda x, w, b: F.layer_norm(x, (3, 2), w, b), (x, w2, b2))
    assert ember.autograd.gradcheck(
        lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (x, w, b))
    assert ember.autograd.gradcheck(
        lambda x, w, b: F.instance_norm(x, rm, rv, w, b, use_input_stats=False), (x, w, b))
