"""Losses: values and input gradients against PyTorch for every option, modules, errors."""
# ruff: noqa: N803, B023  (``T`` is the library, ember or torch; loop lambdas run at once)
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn
from tests.ops.cases import OpCase
from tests.ops.harness import run

REDUCTIONS = ["none", "mean", "sum"]
rng = np.random.default_rng(0)


def parity(fn, *arrays, rtol=1e-5, atol=1e-6):
    """Run ``fn(T, *tensors)`` in Ember and PyTorch (float32): same values and gradients of
    every float input; integer arrays (class targets) are constants."""
    case = OpCase("parity", fn, None)
    e_vals, e_grads = run(ember, case, arrays, np.float32)
    t_vals, t_grads = run(torch, case, arrays, np.float32)
    for e, t in zip(e_vals, t_vals, strict=True):
        assert e.shape == t.shape and e.dtype == t.dtype
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol)
    for i, (e, t) in enumerate(zip(e_grads, t_grads, strict=True)):
        assert (e is None) == (t is None), f"gradient presence of input {i}"
        if e is not None:
            np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=f"input {i}")


def normal(*shape):
    return rng.standard_normal(shape)


def const(T, a):
    """A constant float32 tensor of ``lib`` (weights: not differentiated)."""
    return None if a is None else T.tensor(np.asarray(a, np.float32))


# ----------------------------------------------------------------------------- regression
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch(reduction):
    a, b = normal(6, 5), normal(6, 5)
    r = reduction
    parity(lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction=r), a, b)
    parity(lambda T, x, y: T.nn.functional.l1_loss(x, y, reduction=r), a, b)
    for beta in (1.0, 0.5, 0.0):
        parity(lambda T, x, y: T.nn.functional.smooth_l1_loss(x, y, reduction=r, beta=beta),
               a, b)
    for delta in (1.0, 2.5, 0.3):
        parity(lambda T, x, y: T.nn.functional.huber_loss(x, y, reduction=r, delta=delta),
               a, b)


def test_regression_losses_on_0d_and_3d_inputs():
    parity(lambda T, x, y: T.nn.functional.mse_loss(x, y), normal(), normal())
    parity(lambda T, x, y: T.nn.functional.smooth_l1_loss(x, y, reduction="none"),
           normal(2, 3, 4), normal(2, 3, 4))


def test_legacy_size_average_and_reduce_map_to_reduction():
    a, b = normal(4, 3), normal(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parity(lambda T, x, y: T.nn.functional.mse_loss(x, y, size_average=False), a, b)
        parity(lambda T, x, y: T.nn.functional.l1_loss(x, y, reduce=False), a, b)


# ----------------------------------------------------------------------------- binary
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_matches_torch(reduction):
    p, t = rng.uniform(0.02, 0.98, (6, 4)), rng.uniform(0, 1, (6, 4))
    for w in (None, rng.uniform(0.5, 2, 4), rng.uniform(0.5, 2, (6, 4))):
        parity(lambda T, x, y: T.nn.functional.binary_cross_entropy(
            x, y, weight=const(T, w), reduction=reduction), p, t)


def test_binary_cross_entropy_clamps_the_log_at_minus_100():
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5], np.float32)
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0], np.float32)
    e = F.binary_cross_entropy(ember.tensor(p), ember.tensor(t), reduction="none").numpy()
    ref = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(t),
                                                   reduction="none").numpy()
    np.testing.assert_allclose(e, ref, rtol=1e-6)
    assert e[0] == pytest.approx(100.0)
    xe = ember.tensor(p, requires_grad=True)
    xt = torch.tensor(p, requires_grad=True)
    F.binary_cross_entropy(xe, ember.tensor(t)).backward()
    torch.nn.functional.binary_cross_entropy(xt, torch.tensor(t)).backward()
    assert np.isfinite(xe.grad.numpy()).all()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_torch(reduction):
    x, t = normal(6, 4) * 3, rng.uniform(0, 1, (6, 4))
    for w in (None, rng.uniform(0.5, 2, 4)):
        for pw in (None, rng.uniform(0.5, 3, 4), [2.0]):
            parity(lambda T, a, b: T.nn.functional.binary_cross_entropy_with_logits(
                a, b, weight=const(T, w), pos_weight=const(T, pw), reduction=reduction), x, t)


def test_bce_with_logits_is_stable_at_plus_minus_1000():
    x = np.array([-1000.0, -100.0, 0.0, 100.0, 1000.0])
    t = np.array([1.0, 0.0, 0.5, 1.0, 0.0])
    for pw in (None, [3.0]):
        parity(lambda T, a, b: T.nn.functional.binary_cross_entropy_with_logits(
            a, b, pos_weight=const(T, pw), reduction="none"), x, t)
    e = F.binary_cross_entropy_with_logits(ember.tensor(x), ember.tensor(t), reduction="none")
    assert np.isfinite(e.numpy()).all()
    assert e.numpy()[0] == pytest.approx(1000.0)


# ----------------------------------------------------------------------------- cross-entropy
def class_targets(shape, n_classes, ignored=0):
    t = rng.integers(0, n_classes, shape)
    flat = t.reshape(-1)
    flat[rng.permutation(flat.size)[:ignored]] = -100
    return t


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignored", [0, 3])
def test_cross_entropy_indices_match_torch(reduction, smoothing, weighted, ignored):
    x, t = normal(10, 5) * 2, class_targets((10,), 5, ignored)
    w = rng.uniform(0.2, 2.0, 5) if weighted else None
    parity(lambda T, a, b: T.nn.functional.cross_entropy(
        a, b, weight=const(T, w), reduction=reduction, label_smoothing=smoothing), x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_spatial_and_unbatched_match_torch(reduction):
    w = rng.uniform(0.2, 2.0, 4)
    x, t = normal(3, 4, 2, 5), class_targets((3, 2, 5), 4, ignored=4)
    parity(lambda T, a, b: T.nn.functional.cross_entropy(
        a, b, weight=const(T, w), reduction=reduction, label_smoothing=0.1), x, t)
    parity(lambda T, a, b: T.nn.functional.cross_entropy(a, b, reduction=reduction),
           normal(6), np.array(2))
    parity(lambda T, a, b: T.nn.functional.cross_entropy(a, b, ignore_index=1,
                                                         reduction=reduction),
           normal(4, 3), np.array([1, 0, 2, 1]))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_probability_targets_match_torch(reduction, smoothing, weighted):
    w = rng.uniform(0.2, 2.0, 5) if weighted else None
    p = rng.dirichlet(np.ones(5), 7)
    parity(lambda T, a, b: T.nn.functional.cross_entropy(
        a, b, weight=const(T, w), reduction=reduction, label_smoothing=smoothing),
        normal(7, 5), p)  # the gradient of the target probabilities is compared too
    p4 = np.moveaxis(rng.dirichlet(np.ones(3), (2, 4)), -1, 1)
    parity(lambda T, a, b: T.nn.functional.cross_entropy(a, b, reduction=reduction,
                                                         label_smoothing=smoothing),
           normal(2, 3, 4), p4)


def test_cross_entropy_is_stable_at_plus_minus_1000():
    x = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -5.0]])
    t = np.array([1, 2, 0])
    for smoothing in (0.0, 0.1):
        parity(lambda T, a, b: T.nn.functional.cross_entropy(
            a, b, reduction="none", label_smoothing=smoothing), x, t)
    e = F.cross_entropy(ember.tensor(x.astype(np.float32)), ember.tensor(t), reduction="none")
    np.testing.assert_allclose(e.numpy(), [2000.0, 0.0, np.log(2)], rtol=1e-6)
    # rows whose logits lie far apart: a single shift would underflow the lower rows
    far = normal(4, 6) * 3 + np.array([[0.0], [-500.0], [800.0], [-1000.0]])
    parity(lambda T, a, b: T.nn.functional.cross_entropy(a, b, reduction="none",
                                                         label_smoothing=0.1),
           far, class_targets((4,), 6))


def test_cross_entropy_all_ignored_mean_is_nan_like_torch():
    x, t = normal(3, 4).astype(np.float32), np.full(3, -100)
    e = F.cross_entropy(ember.tensor(x), ember.tensor(t)).item()
    ref = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    assert np.isnan(e) and np.isnan(ref)


def test_cross_entropy_float64_gradcheck():
    x = ember.tensor(normal(5, 4), dtype=ember.float64, requires_grad=True)
    t = ember.tensor([0, 3, -100, 2, 1])
    w = ember.tensor([0.5, 1.0, 2.0, 1.5], dtype=ember.float64)
    assert ember.autograd.gradcheck(
        lambda a: F.cross_entropy(a, t, weight=w, label_smoothing=0.2), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_torch(reduction):
    w = rng.uniform(0.2, 2.0, 5)
    for weight in (None, w):
        parity(lambda T, a, b: T.nn.functional.nll_loss(a, b, weight=const(T, weight),
                                                        reduction=reduction),
               normal(8, 5), class_targets((8,), 5, ignored=2))
    parity(lambda T, a, b: T.nn.functional.nll_loss(a, b, weight=const(T, w), ignore_index=0,
                                                    reduction=reduction),
           normal(2, 5, 3), class_targets((2, 3), 5))


def test_nll_of_log_softmax_equals_cross_entropy():
    x = ember.tensor(normal(6, 4).astype(np.float32))
    t = ember.tensor(class_targets((6,), 4, ignored=1))
    np.testing.assert_allclose(F.nll_loss(F.log_softmax(x, dim=1), t).item(),
                               F.cross_entropy(x, t).item(), rtol=1e-6)


# ----------------------------------------------------------------------------- KL divergence
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target):
    logq = np.log(rng.dirichlet(np.ones(5), 4))
    p = rng.dirichlet(np.ones(5), 4)
    target = np.log(p) if log_target else p
    parity(lambda T, a, b: T.nn.functional.kl_div(a, b, reduction=reduction,
                                                  log_target=log_target), logq, target)


def test_kl_div_with_zero_target_probabilities():
    x = np.log(rng.dirichlet(np.ones(4), 3)).astype(np.float32)
    t = np.array([[0.0, 0.5, 0.5, 0.0], [1.0, 0.0, 0.0, 0.0], [0.25] * 4], np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e = F.kl_div(xe, ember.tensor(t), reduction="batchmean")
    ref = torch.nn.functional.kl_div(xt, torch.tensor(t), reduction="batchmean")
    e.backward()
    ref.backward()
    np.testing.assert_allclose(e.item(), ref.item(), rtol=1e-6)
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6)


# ----------------------------------------------------------------------------- embeddings, ranking
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_loss_matches_torch(reduction):
    y = np.array([1, -1, 1, -1, -1, 1])
    for margin in (0.0, 0.3, -0.2):
        parity(lambda T, a, b, c: T.nn.functional.cosine_embedding_loss(
            a, b, c, margin=margin, reduction=reduction), normal(6, 5), normal(6, 5), y)
    parity(lambda T, a, b, c: T.nn.functional.cosine_embedding_loss(a, b, c,
                                                                    reduction=reduction),
           normal(5), normal(5), np.array(-1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_loss_matches_torch(reduction):
    y = rng.choice([-1.0, 1.0], 8)
    for margin in (0.0, 0.5):
        parity(lambda T, a, b, c: T.nn.functional.margin_ranking_loss(
            a, b, c, margin=margin, reduction=reduction), normal(8), normal(8), y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding_loss_matches_torch(reduction):
    d = rng.uniform(0.05, 2.0, (4, 5))
    y = rng.choice([-1, 1], (4, 5))
    for margin in (1.0, 1.5):
        parity(lambda T, a, b: T.nn.functional.hinge_embedding_loss(
            a, b, margin=margin, reduction=reduction), d, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [2, 1, 3])
@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_loss_matches_torch(reduction, p, swap):
    a, pos, neg = normal(6, 4), normal(6, 4), normal(6, 4)
    for margin in (1.0, 2.5):
        parity(lambda T, x, y, z: T.nn.functional.triplet_margin_loss(
            x, y, z, margin=margin, p=p, swap=swap, reduction=reduction), a, pos, neg)
    parity(lambda T, x, y, z: T.nn.functional.triplet_margin_loss(x, y, z, p=p, swap=swap),
           normal(4), normal(4), normal(4))


# ----------------------------------------------------------------------------- distillation
def distillation_in_torch(student, teacher, target, T, alpha):
    tf = torch.nn.functional
    soft = tf.kl_div(tf.log_softmax(student / T, dim=1), tf.softmax(teacher / T, dim=1),
                     reduction="batchmean")
    return alpha * T * T * soft + (1 - alpha) * tf.cross_entropy(student, target)


@pytest.mark.parametrize("temperature,alpha", [(4.0, 0.5), (1.0, 0.9), (2.5, 0.0), (3.0, 1.0)])
def test_distillation_loss_matches_the_formula_in_torch(temperature, alpha):
    s, t, y = normal(8, 5) * 2, normal(8, 5) * 2, class_targets((8,), 5)

    def fn(T, student, teacher, target):
        if T is ember:
            return F.distillation_loss(student, teacher, target, temperature=temperature,
                                       alpha=alpha)
        return distillation_in_torch(student, teacher, target, temperature, alpha)

    parity(fn, s, t, y)
    module = nn.DistillationLoss(temperature=temperature, alpha=alpha)
    args = [ember.tensor(a.astype(np.float32) if a.dtype.kind == "f" else a) for a in (s, t, y)]
    np.testing.assert_allclose(module(*args).item(), F.distillation_loss(
        *args, temperature=temperature, alpha=alpha).item(), rtol=1e-6)
    assert repr(module) == f"DistillationLoss(temperature={temperature}, alpha={alpha})"


# ----------------------------------------------------------------------------- modules
W5 = rng.uniform(0.5, 2.0, 5)
MODULES = [
    ("MSELoss", {"reduction": "sum"}, lambda: [normal(4, 5), normal(4, 5)]),
    ("L1Loss", {}, lambda: [normal(4, 5), normal(4, 5)]),
    ("SmoothL1Loss", {"beta": 0.5}, lambda: [normal(4, 5), normal(4, 5)]),
    ("HuberLoss", {"delta": 0.7, "reduction": "none"}, lambda: [normal(4, 5), normal(4, 5)]),
    ("BCELoss", {"weight": W5}, lambda: [rng.uniform(0.05, 0.95, (4, 5)), rng.uniform(0, 1,
                                                                                     (4, 5))]),
    ("BCEWithLogitsLoss", {"weight": W5, "pos_weight": W5[::-1].copy()},
     lambda: [normal(4, 5), rng.uniform(0, 1, (4, 5))]),
    ("CrossEntropyLoss", {"weight": W5, "ignore_index": 2, "label_smoothing": 0.1},
     lambda: [normal(6, 5), class_targets((6,), 5)]),
    ("NLLLoss", {"weight": W5, "reduction": "sum"}, lambda: [normal(6, 5), class_targets((6,), 5)]),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True},
     lambda: [np.log(rng.dirichlet(np.ones(5), 3)), np.log(rng.dirichlet(np.ones(5), 3))]),
    ("CosineEmbeddingLoss", {"margin": 0.2}, lambda: [normal(4, 3), normal(4, 3),
                                                      np.array([1, -1, -1, 1])]),
    ("MarginRankingLoss", {"margin": 0.3}, lambda: [normal(5), normal(5),
                                                    rng.choice([-1.0, 1.0], 5)]),
    ("HingeEmbeddingLoss", {"margin": 2.0}, lambda: [rng.uniform(0.1, 3, 6),
                                                     rng.choice([-1, 1], 6)]),
    ("TripletMarginLoss", {"margin": 0.5, "p": 1, "swap": True},
     lambda: [normal(4, 3), normal(4, 3), normal(4, 3)]),
]


@pytest.mark.parametrize("name,kw,make", MODULES, ids=[m[0] for m in MODULES])
def test_loss_module_matches_torch(name, kw, make):
    def fn(T, *xs):
        args = {k: const(T, v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        return getattr(T.nn, name)(**args)(*xs)

    parity(fn, *make())
    args = {k: const(ember, v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    targs = {k: const(torch, v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    e, t = getattr(nn, name)(**args), getattr(torch.nn, name)(**targs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())  # class weights are buffers


# ----------------------------------------------------------------------------- errors
def test_regression_shape_mismatch_raises_instead_of_broadcasting():
    pred, target = ember.randn(4, 1), ember.randn(4)
    for fn in (F.mse_loss, F.l1_loss, F.smooth_l1_loss, F.huber_loss):
        with pytest.raises(ValueError, match=rf"{fn.__name__}: input and target must have the "
                                             r"same shape .*\(4, 1\), \(4,\)"):
            fn(pred, target)
    with pytest.raises(RuntimeError, match="MSELoss|mse_loss"):  # also a RuntimeError
        nn.MSELoss()(pred, target)
    p = ember.rand(4, 1)
    with pytest.raises(ValueError, match=r"binary_cross_entropy: input and target .*\(4, 1\)"):
        F.binary_cross_entropy(p, ember.rand(4))
    with pytest.raises(ValueError, match=r"binary_cross_entropy_with_logits: input and target"):
        F.binary_cross_entropy_with_logits(p, ember.rand(4))


LOSS_CALLS = {
    "mse_loss": lambda r: F.mse_loss(ember.randn(3), ember.randn(3), reduction=r),
    "l1_loss": lambda r: F.l1_loss(ember.randn(3), ember.randn(3), reduction=r),
    "smooth_l1_loss": lambda r: F.smooth_l1_loss(ember.randn(3), ember.randn(3), reduction=r),
    "huber_loss": lambda r: F.huber_loss(ember.randn(3), ember.randn(3), reduction=r),
    "binary_cross_entropy": lambda r: F.binary_cross_entropy(ember.rand(3), ember.rand(3),
                                                             reduction=r),
    "binary_cross_entropy_with_logits": lambda r: F.binary_cross_entropy_with_logits(
        ember.randn(3), ember.rand(3), reduction=r),
    "cross_entropy": lambda r: F.cross_entropy(ember.randn(2, 3), ember.tensor([0, 1]),
                                               reduction=r),
    "nll_loss": lambda r: F.nll_loss(ember.randn(2, 3), ember.tensor([0, 1]), reduction=r),
    "kl_div": lambda r: F.kl_div(ember.randn(3), ember.rand(3), reduction=r),
    "cosine_embedding_loss": lambda r: F.cosine_embedding_loss(
        ember.randn(2, 3), ember.randn(2, 3), ember.tensor([1, -1]), reduction=r),
    "margin_ranking_loss": lambda r: F.margin_ranking_loss(
        ember.randn(2), ember.randn(2), ember.tensor([1.0, -1.0]), reduction=r),
    "hinge_embedding_loss": lambda r: F.hinge_embedding_loss(ember.rand(2),
                                                             ember.tensor([1, -1]), reduction=r),
    "triplet_margin_loss": lambda r: F.triplet_margin_loss(
        ember.randn(2, 3), ember.randn(2, 3), ember.randn(2, 3), reduction=r),
    "CrossEntropyLoss": lambda r: nn.CrossEntropyLoss(reduction=r),
}


@pytest.mark.parametrize("name", list(LOSS_CALLS))
def test_bad_reduction_is_a_clear_error(name):
    with pytest.raises(ValueError, match=rf"{name}: reduction must be 'none', 'mean' or 'sum', "
                                         r"got 'average'"):
        LOSS_CALLS[name]("average")


def test_cross_entropy_target_out_of_range_names_the_class_and_c():
    x = ember.randn(4, 10)
    with pytest.raises(IndexError, match=r"cross_entropy: target 12 is out of bounds: class "
                                         r"indices must lie in \[0, 9\] for C = 10 classes"):
        F.cross_entropy(x, ember.tensor([1, 12, 3, 4]))
    with pytest.raises(IndexError, match="cross_entropy: target -3 is out of bounds"):
        F.cross_entropy(x, ember.tensor([1, -3, 3, 4]))
    with pytest.raises(IndexError, match="nll_loss: target 10 is out of bounds"):
        F.nll_loss(x, ember.tensor([1, 10, 3, 4]))


def test_cross_entropy_shape_errors():
    x = ember.randn(4, 10)
    with pytest.raises(ValueError, match=r"cross_entropy: target must have shape \(4,\) .*"
                                         r"\(4, 10\), \(5,\)"):
        F.cross_entropy(x, ember.tensor([0, 1, 2, 3, 4]))
    with pytest.raises(ValueError, match=r"target must have shape \(2, 3\).*\(2, 5, 3\), \(2, 4\)"):
        F.cross_entropy(ember.randn(2, 5, 3), ember.zeros(2, 4, dtype=ember.int64))
    with pytest.raises(ValueError, match=r"cross_entropy: a probability target must have the "
                                         r"input's shape .*\(4, 10\), \(4, 9\)"):
        F.cross_entropy(x, ember.rand(4, 9))
    with pytest.raises(TypeError, match="cross_entropy: a class-index target must be an integer"):
        F.cross_entropy(x, ember.rand(4))
    with pytest.raises(ValueError, match=r"cross_entropy: weight must have one entry per class, "
                                         r"shape \(10,\)"):
        F.cross_entropy(x, ember.tensor([0, 1, 2, 3]), weight=ember.ones(9))
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
        F.cross_entropy(x, ember.tensor([0, 1, 2, 3]), label_smoothing=1.5)


def test_other_documented_errors():
    with pytest.raises(ValueError, match="binary_cross_entropy: all elements of input should "
                                         "be between 0 and 1"):
        F.binary_cross_entropy(ember.tensor([0.5, 1.5]), ember.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="pos_weight must broadcast"):
        F.binary_cross_entropy_with_logits(ember.randn(2, 3), ember.rand(2, 3),
                                           pos_weight=ember.ones(4))
    with pytest.raises(ValueError, match="binary_cross_entropy: weight must broadcast"):
        F.binary_cross_entropy(ember.rand(2, 3), ember.rand(2, 3), weight=ember.ones(4))
    with pytest.raises(ValueError, match="triplet_margin_loss: margin must be greater than 0"):
        F.triplet_margin_loss(ember.randn(2, 3), ember.randn(2, 3), ember.randn(2, 3),
                              margin=0.0)
    with pytest.raises(ValueError, match="triplet_margin_loss: anchor, positive and negative"):
        F.triplet_margin_loss(ember.randn(2, 3), ember.randn(2, 3), ember.randn(2, 4))
    with pytest.raises(ValueError, match="cosine_embedding_loss: target must have shape"):
        F.cosine_embedding_loss(ember.randn(2, 3), ember.randn(2, 3), ember.tensor([1, 1, 1]))
    with pytest.raises(ValueError, match="margin_ranking_loss: input1, input2 and target"):
        F.margin_ranking_loss(ember.randn(3), ember.randn(3), ember.ones(2))
    with pytest.raises(ValueError, match="smooth_l1_loss: beta must be non-negative"):
        F.smooth_l1_loss(ember.randn(3), ember.randn(3), beta=-1.0)
    with pytest.raises(ValueError, match="huber_loss: delta must be positive"):
        F.huber_loss(ember.randn(3), ember.randn(3), delta=0.0)
    with pytest.raises(ValueError, match="distillation_loss: temperature must be positive"):
        F.distillation_loss(ember.randn(2, 3), ember.randn(2, 3), ember.tensor([0, 1]),
                            temperature=0.0)
    with pytest.raises(ValueError, match=r"distillation_loss: alpha must be in \[0, 1\]"):
        F.distillation_loss(ember.randn(2, 3), ember.randn(2, 3), ember.tensor([0, 1]),
                            alpha=2.0)
    with pytest.raises(ValueError, match="distillation_loss: student and teacher logits"):
        F.distillation_loss(ember.randn(2, 3), ember.randn(2, 4), ember.tensor([0, 1]))
    with pytest.raises(ValueError, match="kl_div: reduction must be"):
        F.kl_div(ember.randn(3), ember.rand(3), reduction="batchsum")
    with pytest.raises(ValueError, match="KLDivLoss: reduction must be"):
        nn.KLDivLoss(reduction="batchsum")
