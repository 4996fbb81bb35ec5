"""Learning-rate schedules against torch.optim.lr_scheduler: the same lr sequence."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.optim import lr_scheduler

STEPS = 50


def make_optimizer(lib, name="SGD", **kwargs):
    """Two parameter groups with different learning rates."""
    a = lib.nn.Parameter(lib.zeros(2))
    b = lib.nn.Parameter(lib.zeros(3))
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if name == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9, **kwargs)
    return getattr(lib.optim, name)(groups, lr=0.1, **kwargs)


def momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


def run(lib, make, opt_name="SGD", metrics=None, steps=STEPS):
    """lrs (and momenta) before the first step and after each of ``steps`` steps."""
    opt = make_optimizer(lib, opt_name)
    sched = make(lib.optim.lr_scheduler, opt)
    lrs, moms = [sched.get_last_lr()], [momenta(opt)]
    for i in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[i])
        lrs.append(sched.get_last_lr())
        moms.append(momenta(opt))
        assert [g["lr"] for g in opt.param_groups] == lrs[-1]
    return np.array(lrs, dtype=float), np.array(moms, dtype=float)


def assert_same_schedule(make, opt_name="SGD", metrics=None, steps=STEPS):
    ours, our_moms = run(ember, make, opt_name, metrics, steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs, their_moms = run(torch, make, opt_name, metrics, steps)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(our_moms, their_moms, rtol=1e-12, atol=1e-15)
    return ours


SCHEDULES = {
    "StepLR": lambda s, o: s.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
    "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.93),
    "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=20),
    "CosineAnnealingLR-eta_min": lambda s, o: s.CosineAnnealingLR(o, T_max=13, eta_min=1e-3),
    "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.1, total_iters=10),
    "LinearLR-decay": lambda s, o: s.LinearLR(o, start_factor=1.0, end_factor=0.2,
                                              total_iters=30),
    "ConstantLR": lambda s, o: s.ConstantLR(o, factor=0.25, total_iters=8),
    "PolynomialLR": lambda s, o: s.PolynomialLR(o, total_iters=40, power=2.0),
    "LambdaLR": lambda s, o: s.LambdaLR(o, lambda e: 1.0 / (1 + e)),
    "LambdaLR-per-group": lambda s, o: s.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: e % 4]),
    "MultiplicativeLR": lambda s, o: s.MultiplicativeLR(o, lambda e: 0.95),
    "CosineAnnealingWarmRestarts": lambda s, o: s.CosineAnnealingWarmRestarts(
        o, T_0=5, T_mult=2, eta_min=0.001),
    "SequentialLR": lambda s, o: s.SequentialLR(
        o, [s.LinearLR(o, start_factor=0.1, total_iters=5),
            s.CosineAnnealingLR(o, T_max=20), s.ExponentialLR(o, gamma=0.9)],
        milestones=[5, 25]),
    "CyclicLR-triangular": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.1,
                                                   step_size_up=4, step_size_down=6),
    "CyclicLR-triangular2": lambda s, o: s.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1,
                                                    step_size_up=5, mode="triangular2"),
    "CyclicLR-exp_range": lambda s, o: s.CyclicLR(o, base_lr=0.01, max_lr=0.2, step_size_up=3,
                                                  mode="exp_range", gamma=0.97,
                                                  base_momentum=0.7, max_momentum=0.95),
    "CyclicLR-scale_fn": lambda s, o: s.CyclicLR(o, 0.01, 0.1, step_size_up=4,
                                                 scale_fn=lambda x: 1 / x, scale_mode="cycle"),
    "OneCycleLR-cos": lambda s, o: s.OneCycleLR(o, max_lr=0.5, total_steps=STEPS),
    "OneCycleLR-linear": lambda s, o: s.OneCycleLR(o, max_lr=[0.5, 1.0], epochs=5,
                                                   steps_per_epoch=10, anneal_strategy="linear",
                                                   pct_start=0.25, div_factor=10.0,
                                                   final_div_factor=100.0),
    "OneCycleLR-three_phase": lambda s, o: s.OneCycleLR(o, max_lr=0.3, total_steps=STEPS,
                                                        three_phase=True, pct_start=0.4),
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_matches_pytorch(name):
    lrs = assert_same_schedule(SCHEDULES[name])
    assert len(set(lrs[:, 0])) > 1  # the schedule does change the lr


@pytest.mark.parametrize("name", ["CyclicLR-triangular", "OneCycleLR-cos"])
def test_cycled_betas_of_adam_match_pytorch(name):
    assert_same_schedule(SCHEDULES[name], opt_name="Adam")


def test_cycle_momentum_off_leaves_momentum():
    make = lambda s, o: s.OneCycleLR(o, max_lr=0.5, total_steps=STEPS,  # noqa: E731
                                     cycle_momentum=False)
    assert_same_schedule(make, opt_name="Adagrad")
    with pytest.raises(ValueError, match="OneCycleLR: optimizer must support momentum"):
        run(ember, lambda s, o: s.OneCycleLR(o, max_lr=0.5, total_steps=STEPS), "Adagrad")


METRICS = [1.0, 0.9, 0.9, 0.95, 0.91, 0.89999, 0.92, 0.93, 0.8, 0.8, 0.81, 0.82, 0.83,
           0.84, 0.7, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.6, 0.61, 0.62, 0.63,
           0.64, 0.65, 0.66]

PLATEAUS = {
    "min-rel": dict(factor=0.5, patience=2),
    "min-abs-cooldown": dict(factor=0.3, patience=1, threshold=0.05, threshold_mode="abs",
                             cooldown=2, min_lr=0.01),
    "max-rel": dict(mode="max", factor=0.5, patience=0, threshold=0.01),
    "max-abs-min_lrs": dict(mode="max", factor=0.1, patience=3, threshold_mode="abs",
                            min_lr=[1e-3, 1e-4], eps=1e-3),
}


@pytest.mark.parametrize("name", list(PLATEAUS))
def test_reduce_lr_on_plateau_matches_pytorch(name):
    kwargs = PLATEAUS[name]
    lrs = assert_same_schedule(lambda s, o: s.ReduceLROnPlateau(o, **kwargs),
                               metrics=METRICS, steps=len(METRICS))
    assert lrs[-1, 0] < lrs[0, 0]


def test_reduce_lr_on_plateau_accepts_a_tensor_metric():
    opt = make_optimizer(ember)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    sched.step(ember.tensor(1.0))
    sched.step(ember.tensor(2.0))
    assert sched.get_last_lr() == [pytest.approx(0.01), pytest.approx(0.005)]


def test_closed_form_step_with_epoch():
    opt = make_optimizer(ember)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.0)
    sched.step(5)
    assert sched.get_last_lr()[0] == pytest.approx(0.05)
    sched = lr_scheduler.StepLR(make_optimizer(ember), step_size=3, gamma=0.1)
    sched.step(7)
    assert sched.get_last_lr()[0] == pytest.approx(0.001)


def test_initial_lr_and_base_lrs():
    opt = make_optimizer(ember)
    sched = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    assert sched.base_lrs == [0.1, 0.05] and sched.last_epoch == 0
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(ember), step_size=2, last_epoch=3)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "CyclicLR-exp_range",
                                  "OneCycleLR-cos", "SequentialLR", "LambdaLR"])
def test_state_dict_round_trip(name):
    make = SCHEDULES[name]
    expected, _ = run(ember, make)
    opt = make_optimizer(ember)
    sched = make(lr_scheduler, opt)
    for _ in range(20):
        opt.step()
        sched.step()
    saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in saved_sched
    opt2 = make_optimizer(ember)
    sched2 = make(lr_scheduler, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    lrs = []
    for _ in range(STEPS - 20):
        opt2.step()
        sched2.step()
        lrs.append(sched2.get_last_lr())
    np.testing.assert_allclose(lrs, expected[21:], rtol=1e-12)


def test_plateau_state_dict_round_trip():
    opt = make_optimizer(ember)
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1)
    for m in METRICS[:10]:
        sched.step(m)
    opt2 = make_optimizer(ember)
    sched2 = lr_scheduler.ReduceLROnPlateau(opt2)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(sched.state_dict())
    for m in METRICS[10:]:
        sched.step(m)
        sched2.step(m)
        assert sched2.get_last_lr() == sched.get_last_lr()
    assert sched2.patience == 1 and sched2.best == sched.best


def test_scheduler_errors():
    opt = make_optimizer(ember)
    with pytest.raises(ValueError, match="CyclicLR: mode 'zigzag' is invalid"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="zigzag")
    with pytest.raises(ValueError, match="ReduceLROnPlateau: mode 'lowest' is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="lowest")
    with pytest.raises(ValueError, match="threshold mode 'relative' is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="relative")
    with pytest.raises(ValueError, match="factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=2.0)
    with pytest.raises(ValueError, match="anneal_strategy must be one of 'cos' or 'linear'"):
        lr_scheduler.OneCycleLR(opt, 0.1, total_steps=10, anneal_strategy="exp")
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(opt, 0.1)
    with pytest.raises(ValueError, match="max_lr must have the same length"):
        lr_scheduler.OneCycleLR(opt, [0.1, 0.2, 0.3], total_steps=10)
    with pytest.raises(TypeError, match="is not an ember.optim.Optimizer"):
        lr_scheduler.StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match="start_factor expected to be greater than 0"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    sched = lr_scheduler.OneCycleLR(make_optimizer(ember), 0.1, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="tried to step 4 times"):
        sched.step()


def test_warmup_then_cosine_reaches_eta_min():
    opt = make_optimizer(ember)
    warm = lr_scheduler.LinearLR(opt, start_factor=0.01, total_iters=5)
    cos = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=1e-4)
    sched = lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[5])
    seen = [sched.get_last_lr()[0]]
    for _ in range(15):
        opt.step()
        sched.step()
        seen.append(sched.get_last_lr()[0])
    assert seen[0] == pytest.approx(0.001)
    assert max(seen) == pytest.approx(0.1)
    assert seen[-1] == pytest.approx(1e-4)
    assert math.isclose(seen[5], 0.1)
