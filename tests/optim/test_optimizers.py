"""Optimizer parity with PyTorch: same MLP, data and hyperparameters -> same weights."""
import numpy as np
import pytest
import torch

import ember
from ember import optim

SHAPES = [(5, 8), (8,), (8, 3), (3,)]
STEPS = 20


def initial_arrays(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 0.5, s).astype(np.float32) for s in SHAPES]


def batches(seed=1):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(16, 5)).astype(np.float32),
             rng.normal(size=(16, 3)).astype(np.float32)) for _ in range(STEPS)]


def mlp_loss(lib, params, x, y):
    """tanh MLP with a mean-squared loss, written in raw ops of ``lib`` (ember or torch)."""
    w1, b1, w2, b2 = params
    h = lib.tanh(lib.matmul(x, w1) + b1)
    d = lib.matmul(h, w2) + b2 - y
    return (d * d).mean()


def group_params(params, groups):
    """Split the 4 parameters into PyTorch-style groups: weights and biases, own options."""
    if groups is None:
        return params
    return [dict(groups[0], params=[params[0], params[2]]),
            dict(groups[1], params=[params[1], params[3]])]


def train(lib, opt_cls, kwargs, groups=None, steps=STEPS, start=None, opt_state=None):
    arrays = initial_arrays() if start is None else start
    params = [lib.nn.Parameter(lib.tensor(a.copy())) for a in arrays]
    opt = opt_cls(group_params(params, groups), **kwargs)
    if opt_state is not None:
        opt.load_state_dict(opt_state)
    for x, y in batches()[:steps]:
        opt.zero_grad()
        loss = mlp_loss(lib, params, lib.tensor(x), lib.tensor(y))
        loss.backward()
        opt.step()
    return [p.detach().numpy() for p in params], opt


CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5, weight_decay=0.01)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.05, eps=1e-6, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.05)),
    ("Adam", dict(lr=0.001, maximize=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.3, amsgrad=True)),
]


def check_same(ours, theirs, rtol=2e-5, atol=2e-6):
    for a, b in zip(ours, theirs):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_parity_with_pytorch(name, kwargs):
    ours, _ = train(ember, getattr(optim, name), kwargs)
    theirs, _ = train(torch, getattr(torch.optim, name), kwargs)
    assert not np.allclose(ours[0], initial_arrays()[0])  # the weights did move
    check_same(ours, theirs)


GROUP_CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9), [dict(lr=0.05, weight_decay=0.1), dict()]),
    ("Adam", dict(lr=0.01), [dict(weight_decay=0.2), dict(lr=0.002, betas=(0.5, 0.9))]),
    ("AdamW", dict(lr=0.01), [dict(weight_decay=0.5), dict(lr=0.03, weight_decay=0.0)]),
    ("RMSprop", dict(lr=0.01), [dict(momentum=0.9), dict(centered=True, alpha=0.9)]),
    ("Adagrad", dict(lr=0.1), [dict(lr_decay=0.1), dict(lr=0.01, weight_decay=0.1)]),
    ("Adadelta", dict(), [dict(rho=0.8), dict(lr=0.1, weight_decay=0.1)]),
]


@pytest.mark.parametrize("name,kwargs,groups", GROUP_CASES, ids=[c[0] for c in GROUP_CASES])
def test_two_param_groups_match_pytorch(name, kwargs, groups):
    ours, opt = train(ember, getattr(optim, name), kwargs, groups)
    theirs, _ = train(torch, getattr(torch.optim, name), kwargs, groups)
    check_same(ours, theirs)
    for group, options in zip(opt.param_groups, groups):
        assert group["lr"] == options.get("lr", kwargs.get("lr", opt.defaults["lr"]))


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_state_dict_round_trip_continues_identically(name, kwargs):
    cls = getattr(optim, name)
    whole, _ = train(ember, cls, kwargs)
    # Run 8 steps, save, then resume in a fresh optimizer on the remaining 12 batches.
    half, opt = train(ember, cls, kwargs, steps=8)
    saved = opt.state_dict()
    params = [ember.nn.Parameter(ember.tensor(a)) for a in half]
    resumed = cls(params, **kwargs)
    resumed.load_state_dict(saved)
    for x, y in batches()[8:]:
        resumed.zero_grad()
        mlp_loss(ember, params, ember.tensor(x), ember.tensor(y)).backward()
        resumed.step()
    for a, b in zip(whole, params):
        np.testing.assert_array_equal(a, b.detach().numpy())


def test_state_dict_layout_is_pytorchs():
    _, ours = train(ember, optim.Adam, dict(lr=0.01), steps=3)
    _, theirs = train(torch, torch.optim.Adam, dict(lr=0.01), steps=3)
    a, b = ours.state_dict(), theirs.state_dict()
    assert a["param_groups"][0]["params"] == b["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert set(a["state"]) == set(b["state"])
    for idx in b["state"]:
        assert set(a["state"][idx]) == set(b["state"][idx])
        assert a["state"][idx]["step"] == int(b["state"][idx]["step"])
        np.testing.assert_allclose(a["state"][idx]["exp_avg"], b["state"][idx]["exp_avg"],
                                   rtol=1e-5, atol=1e-7)


def test_state_dict_from_pytorch_loads():
    # A PyTorch optimizer state (tensors, float step) converted to NumPy loads into Ember.
    _, theirs = train(torch, torch.optim.Adam, dict(lr=0.01), steps=5)
    sd = theirs.state_dict()
    sd = {"param_groups": sd["param_groups"],
          "state": {i: {k: v.numpy() for k, v in s.items()} for i, s in sd["state"].items()}}
    params = [ember.nn.Parameter(ember.tensor(a)) for a in initial_arrays()]
    opt = optim.Adam(params, lr=0.01)
    opt.load_state_dict(sd)
    assert opt.state[params[0]]["step"] == 5
    assert opt.state[params[0]]["exp_avg"].dtype == np.float32


def test_flat_state_dict_round_trip():
    half, opt = train(ember, optim.Adam, dict(lr=0.01, amsgrad=True), steps=4)
    arrays, metadata = optim.flatten_state_dict(opt.state_dict())
    assert all(isinstance(v, np.ndarray) for v in arrays.values())
    assert set(arrays) >= {"state.0.exp_avg", "state.0.step", "state.3.max_exp_avg_sq"}
    assert all(isinstance(v, str) for v in metadata.values())
    restored = optim.unflatten_state_dict(arrays, metadata)
    fresh = optim.Adam([ember.nn.Parameter(ember.tensor(a)) for a in half])
    fresh.load_state_dict(restored)
    assert fresh.param_groups[0]["betas"] == (0.9, 0.999)
    assert fresh.param_groups[0]["lr"] == 0.01 and fresh.param_groups[0]["amsgrad"]
    for a, b in zip(opt.state.values(), fresh.state.values()):
        assert a["step"] == b["step"] == 4
        np.testing.assert_array_equal(a["exp_avg_sq"], b["exp_avg_sq"])


def test_state_dict_is_a_snapshot():
    _, opt = train(ember, optim.SGD, dict(lr=0.1, momentum=0.9), steps=2)
    saved = opt.state_dict()
    before = saved["state"][0]["momentum_buffer"].copy()
    p = opt.param_groups[0]["params"][0]
    p.grad = ember.ones_like(p)
    opt.step()
    np.testing.assert_array_equal(saved["state"][0]["momentum_buffer"], before)


def test_skips_parameters_without_grad():
    a = ember.nn.Parameter(ember.ones(3))
    b = ember.nn.Parameter(ember.ones(3))
    opt = optim.Adam([a, b], lr=0.1)
    (a * a).sum().backward()
    opt.step()
    assert b not in opt.state and a in opt.state
    np.testing.assert_array_equal(b.detach().numpy(), np.ones(3, np.float32))
    assert (a.detach().numpy() < 1).all()


def test_zero_grad():
    a = ember.nn.Parameter(ember.ones(3))
    opt = optim.SGD([a], lr=0.1)
    (a * a).sum().backward()
    grad = a.grad
    opt.zero_grad(set_to_none=False)
    assert a.grad is grad
    np.testing.assert_array_equal(grad.numpy(), np.zeros(3, np.float32))
    opt.zero_grad()
    assert a.grad is None


def test_step_with_closure_returns_loss():
    x = ember.nn.Parameter(ember.tensor([3.0]))
    opt = optim.SGD([x], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    assert x.item() == 1.5  # 3 - 0.25 * 6


def test_add_param_group_and_defaults():
    a = ember.nn.Parameter(ember.ones(2))
    b = ember.nn.Parameter(ember.ones(2))
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.defaults["momentum"] == 0.9
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_float32_stays_float32():
    p = ember.nn.Parameter(ember.ones(4))
    opt = optim.Adam([p], lr=0.1, weight_decay=0.1)
    p.grad = ember.ones(4)
    opt.step()
    assert p.dtype == np.float32
    assert all(v.dtype == np.float32 for k, v in opt.state[p].items() if k != "step")


@pytest.mark.parametrize("cls,kwargs,message", [
    (optim.SGD, dict(lr=-0.1), "SGD: Invalid learning rate: -0.1"),
    (optim.SGD, dict(lr=0.1, momentum=-0.5), "Invalid momentum value: -0.5"),
    (optim.SGD, dict(lr=0.1, weight_decay=-1), "Invalid weight_decay value: -1"),
    (optim.SGD, dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum"),
    (optim.Adam, dict(lr=-1e-3), "Adam: Invalid learning rate"),
    (optim.Adam, dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (optim.Adam, dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    (optim.AdamW, dict(eps=-1e-8), "AdamW: Invalid epsilon value"),
    (optim.RMSprop, dict(alpha=-0.5), "RMSprop: Invalid alpha value: -0.5"),
    (optim.RMSprop, dict(momentum=-1.0), "RMSprop: Invalid momentum value"),
    (optim.Adagrad, dict(lr_decay=-1.0), "Adagrad: Invalid lr_decay value: -1.0"),
    (optim.Adagrad, dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value"),
    (optim.Adadelta, dict(rho=1.5), "Adadelta: Invalid rho value: 1.5"),
])
def test_bad_hyperparameters(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([ember.nn.Parameter(ember.ones(2))], **kwargs)


def test_bad_params():
    with pytest.raises(ValueError, match="Adam: optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="SGD: optimizer can only optimize Tensors"):
        optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        optim.SGD(ember.nn.Parameter(ember.ones(2)), lr=0.1)
    w = ember.nn.Parameter(ember.ones(2))
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([w], lr=0.1).load_state_dict({"state": {}, "param_groups": []})
