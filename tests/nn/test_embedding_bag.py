"""EmbeddingBag / F.embedding_bag against PyTorch (values, weight and per-sample-weight
gradients over modes, offsets, padding_idx), and F.gumbel_softmax's sampling and
straight-through gradient."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
F = ember.nn.functional


def _run(w, idx, offsets=None, psw=None, **kw):
    we, wt = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    pe = pt = None
    if psw is not None:
        pe, pt = ember.tensor(psw, requires_grad=True), torch.tensor(psw, requires_grad=True)
    oe = None if offsets is None else ember.tensor(offsets)
    ot = None if offsets is None else torch.tensor(offsets)
    ye = F.embedding_bag(ember.tensor(idx), we, oe, per_sample_weights=pe, **kw)
    yt = torch.nn.functional.embedding_bag(torch.tensor(idx), wt, ot, per_sample_weights=pt,
                                           **kw)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-9)
    g = np.random.default_rng(2).standard_normal(tuple(yt.shape))
    (ye * ember.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(we.grad.numpy(), wt.grad.numpy(), rtol=1e-6, atol=1e-9)
    if psw is not None:
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-6, atol=1e-9)


W = np.random.default_rng(0).standard_normal((10, 4))
IDX1 = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 7])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 4])
def test_one_d_input_with_offsets(mode, padding_idx):
    _run(W, IDX1, np.array([0, 3, 3, 7]), mode=mode, padding_idx=padding_idx)  # empty bag


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_include_last_offset(mode):
    _run(W, IDX1, np.array([0, 2, 6, 6, 10]), mode=mode, include_last_offset=True)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_two_d_input(mode, padding_idx):
    _run(W, np.array([[1, 2, 3], [2, 2, 9], [0, 5, 2]]), mode=mode, padding_idx=padding_idx)


def test_per_sample_weights_in_sum_mode():
    psw = np.random.default_rng(1).uniform(0.5, 2.0, IDX1.size)
    _run(W, IDX1, np.array([0, 4, 9]), psw=psw, mode="sum")
    _run(W, IDX1.reshape(2, 5), psw=psw.reshape(2, 5), mode="sum")


def test_module_matches_pytorch_and_registers_its_weight():
    me = nn.EmbeddingBag(10, 4, mode="sum", padding_idx=3)
    mt = torch.nn.EmbeddingBag(10, 4, mode="sum", padding_idx=3)
    assert repr(me) == repr(mt)
    assert repr(nn.EmbeddingBag(5, 2, max_norm=1.0, mode="max")) == repr(
        torch.nn.EmbeddingBag(5, 2, max_norm=1.0, mode="max"))
    assert list(me.state_dict()) == list(mt.state_dict()) == ["weight"]
    np.testing.assert_array_equal(me.weight.detach().numpy()[3], 0.0)
    with torch.no_grad():
        mt.weight.copy_(torch.tensor(me.weight.detach().numpy()))
    idx, off = np.array([3, 1, 2, 3, 8]), np.array([0, 2])
    ye, yt = me(ember.tensor(idx), ember.tensor(off)), mt(torch.tensor(idx), torch.tensor(off))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6)


def test_embedding_bag_errors_name_the_op_and_argument():
    w = ember.zeros(5, 2)
    with pytest.raises(ValueError, match="embedding_bag: mode must be one of"):
        F.embedding_bag(ember.tensor([[1]]), w, mode="min")
    with pytest.raises(ValueError, match="embedding_bag: offsets must be given for a 1-D"):
        F.embedding_bag(ember.tensor([1, 2]), w)
    with pytest.raises(ValueError, match=r"embedding_bag: offsets must be None for a 2-D "
                                         r"input.*\(1, 2\)"):
        F.embedding_bag(ember.tensor([[1, 2]]), w, ember.tensor([0]))
    with pytest.raises(ValueError, match=r"embedding_bag: offsets must start at 0 and "
                                         r"increase up to the input's length \(2\), got \[1\]"):
        F.embedding_bag(ember.tensor([1, 2]), w, ember.tensor([1]))
    with pytest.raises(ValueError, match=r"embedding_bag: indices must be in \[0, 5\)"):
        F.embedding_bag(ember.tensor([[1, 7]]), w)
    with pytest.raises(ValueError, match="embedding_bag: per_sample_weights are only "
                                         "supported with mode='sum', got mode='mean'"):
        F.embedding_bag(ember.tensor([[1, 2]]), w, per_sample_weights=ember.ones(1, 2))
    with pytest.raises(ValueError, match="EmbeddingBag: mode must be 'sum', 'mean' or 'max'"):
        nn.EmbeddingBag(3, 2, mode="avg")


# ------------------------------------------------------------------------ gumbel softmax
def test_gumbel_softmax_samples_follow_the_softmax():
    logits = ember.tensor(np.log([[0.1, 0.2, 0.7]]).repeat(4000, 0))
    ember.manual_seed(0)
    y = F.gumbel_softmax(logits, tau=0.5, hard=True)
    onehot = y.numpy()
    np.testing.assert_array_equal(onehot.sum(1), 1.0)
    assert set(np.unique(onehot)) == {0.0, 1.0}
    np.testing.assert_allclose(onehot.mean(0), [0.1, 0.2, 0.7], atol=0.03)
    soft = F.gumbel_softmax(logits, tau=1.0)
    np.testing.assert_allclose(soft.numpy().sum(1), 1.0)
    assert (soft.numpy() > 0).all() and (soft.numpy() < 1).all()


@pytest.mark.parametrize("dim", [-1, 0])
def test_gumbel_softmax_hard_is_straight_through(dim):
    a = np.random.default_rng(3).standard_normal((3, 4))
    la, lb = ember.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)
    g = ember.tensor(np.random.default_rng(4).standard_normal((3, 4)))
    ember.manual_seed(11)
    hard = F.gumbel_softmax(la, tau=0.7, hard=True, dim=dim)
    ember.manual_seed(11)
    soft = F.gumbel_softmax(lb, tau=0.7, dim=dim)
    np.testing.assert_array_equal(hard.detach().numpy().argmax(dim),
                                  soft.detach().numpy().argmax(dim))
    (hard * g).sum().backward()
    (soft * g).sum().backward()
    np.testing.assert_allclose(la.grad.numpy(), lb.grad.numpy(), rtol=1e-12)
    # the soft sample's gradient is softmax's: with the same noise, compare to PyTorch
    ember.manual_seed(11)
    noise = -np.log(ember.random.default_generator.rng.exponential(1.0, (3, 4)))
    lt = torch.tensor(a, requires_grad=True)
    torch.softmax((lt + torch.tensor(noise)) / 0.7, dim).mul(torch.tensor(g.numpy())).sum() \
        .backward()
    np.testing.assert_allclose(lb.grad.numpy(), lt.grad.numpy(), rtol=1e-10)


def test_gumbel_softmax_rejects_a_non_positive_tau():
    with pytest.raises(ValueError, match="gumbel_softmax: tau must be positive, got 0"):
        F.gumbel_softmax(ember.zeros(2, 3), tau=0)
