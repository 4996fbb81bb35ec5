"""GaussianNLLLoss, PoissonNLLLoss, SoftMarginLoss, MultiLabelSoftMarginLoss,
MultiLabelMarginLoss, MultiMarginLoss and TripletMarginWithDistanceLoss against PyTorch:
values and input gradients over their options, buffers and bad-input errors."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
F = ember.nn.functional
REDUCTIONS = ["mean", "sum", "none"]


def _leaf(a):
    return ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _compare(le, lt, leaves):
    np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), rtol=1e-6, atol=1e-9)
    w = np.random.default_rng(9).standard_normal(tuple(lt.shape))
    (le * ember.tensor(w)).sum().backward()
    (lt * torch.tensor(w)).sum().backward()
    for e, t in leaves:
        np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-9)


rng = np.random.default_rng(0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("var_shape", [(4, 3), (4, 1), (4,)])
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_loss(reduction, var_shape, full):
    x, y = _leaf(rng.standard_normal((4, 3))), rng.standard_normal((4, 3))
    v = rng.uniform(0.1, 2.0, var_shape)
    v.flat[0] = 1e-9  # below eps: clamped, gradient passed through
    v = _leaf(v)
    le = nn.GaussianNLLLoss(full=full, reduction=reduction)(x[0], ember.tensor(y), v[0])
    lt = torch.nn.GaussianNLLLoss(full=full, reduction=reduction)(x[1], torch.tensor(y), v[1])
    _compare(le, lt, [x, v])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input,full", [(True, False), (False, False), (True, True),
                                            (False, True)])
def test_poisson_nll_loss(reduction, log_input, full):
    a = rng.standard_normal((3, 4)) if log_input else rng.uniform(0.1, 3.0, (3, 4))
    x, y = _leaf(a), rng.poisson(2.0, (3, 4)).astype(float)
    le = nn.PoissonNLLLoss(log_input, full, reduction=reduction)(x[0], ember.tensor(y))
    lt = torch.nn.PoissonNLLLoss(log_input, full, reduction=reduction)(x[1], torch.tensor(y))
    _compare(le, lt, [x])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction):
    x, y = _leaf(rng.standard_normal((5, 3)) * 3), rng.choice([-1.0, 1.0], (5, 3))
    le = nn.SoftMarginLoss(reduction=reduction)(x[0], ember.tensor(y))
    lt = torch.nn.SoftMarginLoss(reduction=reduction)(x[1], torch.tensor(y))
    _compare(le, lt, [x])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(4, 5), (5,)])
def test_multilabel_soft_margin_loss(reduction, weighted, shape):
    x, y = _leaf(rng.standard_normal(shape) * 2), rng.integers(0, 2, shape).astype(float)
    w = rng.uniform(0.5, 2.0, shape[-1]) if weighted else None
    me = nn.MultiLabelSoftMarginLoss(None if w is None else ember.tensor(w),
                                     reduction=reduction)
    mt = torch.nn.MultiLabelSoftMarginLoss(None if w is None else torch.tensor(w),
                                           reduction=reduction)
    _compare(me(x[0], ember.tensor(y)), mt(x[1], torch.tensor(y)), [x])
    assert list(me.state_dict()) == list(mt.state_dict())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p,margin", [(1, 1.0), (2, 1.0), (1, 0.3), (2, 2.5)])
@pytest.mark.parametrize("weighted", [False, True])
def test_multi_margin_loss(reduction, p, margin, weighted):
    x, t = _leaf(rng.standard_normal((6, 4))), rng.integers(0, 4, 6)
    w = rng.uniform(0.5, 2.0, 4) if weighted else None
    me = nn.MultiMarginLoss(p, margin, None if w is None else ember.tensor(w),
                            reduction=reduction)
    mt = torch.nn.MultiMarginLoss(p, margin, None if w is None else torch.tensor(w),
                                  reduction=reduction)
    _compare(me(x[0], ember.tensor(t)), mt(x[1], torch.tensor(t)), [x])
    assert list(me.state_dict()) == list(mt.state_dict())


def test_multi_margin_loss_unbatched():
    x = _leaf(rng.standard_normal(5))
    _compare(F.multi_margin_loss(x[0], ember.tensor(2)),
             torch.nn.functional.multi_margin_loss(x[1], torch.tensor(2)), [x])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss(reduction):
    x = _leaf(rng.standard_normal((4, 5)))
    t = np.array([[3, 0, -1, 1, 2], [1, 2, 3, 4, 0], [-1, 2, 1, 1, 1], [4, 4, -1, 0, 0]])
    le = nn.MultiLabelMarginLoss(reduction=reduction)(x[0], ember.tensor(t))
    lt = torch.nn.MultiLabelMarginLoss(reduction=reduction)(x[1], torch.tensor(t))
    _compare(le, lt, [x])
    x1 = _leaf(rng.standard_normal(4))
    t1 = np.array([2, 1, -1, 0])
    _compare(F.multilabel_margin_loss(x1[0], ember.tensor(t1), reduction=reduction),
             torch.nn.functional.multilabel_margin_loss(x1[1], torch.tensor(t1),
                                                        reduction=reduction), [x1])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("custom", [False, True])
def test_triplet_margin_with_distance_loss(reduction, swap, custom):
    a, p, n = (_leaf(rng.standard_normal((5, 3))) for _ in range(3))

    def dist(lib):
        if not custom:
            return None
        return lambda u, v: 1.0 - lib.nn.functional.cosine_similarity(u, v)

    me = nn.TripletMarginWithDistanceLoss(distance_function=dist(ember), margin=0.7,
                                          swap=swap, reduction=reduction)
    mt = torch.nn.TripletMarginWithDistanceLoss(distance_function=dist(torch), margin=0.7,
                                                swap=swap, reduction=reduction)
    _compare(me(a[0], p[0], n[0]), mt(a[1], p[1], n[1]), [a, p, n])


def test_reprs_match_pytorch():
    for name in ["GaussianNLLLoss", "PoissonNLLLoss", "SoftMarginLoss", "MultiLabelMarginLoss",
                 "MultiMarginLoss", "MultiLabelSoftMarginLoss"]:
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())
    # the default distance is a PairwiseDistance submodule, as in PyTorch
    loss = nn.TripletMarginWithDistanceLoss()
    assert isinstance(loss.distance_function, nn.PairwiseDistance)
    assert repr(loss).startswith("TripletMarginWithDistanceLoss(\n  (distance_function): "
                                 "PairwiseDistance(")


def test_loss_errors_name_the_op_argument_and_shapes():
    z = ember.zeros
    with pytest.raises(ValueError, match=r"gaussian_nll_loss: var must have the input's shape"
                                         r".*\(4, 3\).*\(2,\)"):
        F.gaussian_nll_loss(z(4, 3), z(4, 3), ember.ones(2))
    with pytest.raises(ValueError, match="gaussian_nll_loss: var has negative entries"):
        F.gaussian_nll_loss(z(2), z(2), -ember.ones(2))
    with pytest.raises(ValueError, match=r"soft_margin_loss: input and target must have the "
                                         r"same shape"):
        F.soft_margin_loss(z(3), z(3, 1))
    with pytest.raises(ValueError, match=r"multi_margin_loss: target must have shape \(3,\)"):
        F.multi_margin_loss(z(3, 4), ember.tensor([1, 2]))
    with pytest.raises(ValueError, match=r"multi_margin_loss: target indices must be in "
                                         r"\[0, 4\), got values in \[1, 4\]"):
        F.multi_margin_loss(z(2, 4), ember.tensor([1, 4]))
    with pytest.raises(ValueError, match="multi_margin_loss: p must be 1 or 2, got 3"):
        F.multi_margin_loss(z(2, 4), ember.tensor([1, 0]), p=3)
    with pytest.raises(ValueError, match="MultiMarginLoss: p must be 1 or 2, got 3"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(TypeError, match="multi_margin_loss: target must hold integer class"):
        F.multi_margin_loss(z(2, 4), z(2))
    with pytest.raises(ValueError, match=r"multilabel_margin_loss: target must have the "
                                         r"input's shape.*\(2, 4\).*\(2, 3\)"):
        F.multilabel_margin_loss(z(2, 4), ember.tensor([[1, -1, 0], [0, 1, 2]]))
    with pytest.raises(ValueError, match=r"multilabel_margin_loss: target entries must be in "
                                         r"\[-1, 3\)"):
        F.multilabel_margin_loss(z(3), ember.tensor([5, -1, 0]))
    with pytest.raises(ValueError, match="triplet_margin_with_distance_loss: margin must be "
                                         "greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(z(2, 3), z(2, 3), z(2, 3), margin=0)
    with pytest.raises(ValueError, match="triplet_margin_with_distance_loss: anchor, positive "
                                         "and negative must have the same shape"):
        F.triplet_margin_with_distance_loss(z(2, 3), z(2, 3), z(3, 3))
    with pytest.raises(ValueError, match="poisson_nll_loss: reduction must be"):
        F.poisson_nll_loss(z(2), z(2), reduction="avg")
