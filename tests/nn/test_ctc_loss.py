"""CTCLoss / F.ctc_loss against PyTorch: values and gradients (through log_softmax, where
PyTorch's fused gradient is the true one) over reductions, target layouts, blank,
lengths, impossible alignments and zero_infinity; and bad-input errors."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
F = ember.nn.functional


def _compare(x, targets, in_len, tgt_len, **kw):
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    le = nn.CTCLoss(**kw)(F.log_softmax(xe, -1), ember.tensor(targets), ember.tensor(in_len),
                          ember.tensor(tgt_len))
    lt = torch.nn.CTCLoss(**kw)(torch.log_softmax(xt, -1), torch.tensor(targets),
                                torch.tensor(in_len), torch.tensor(tgt_len))
    np.testing.assert_allclose(le.detach().numpy(), lt.detach().numpy(), rtol=1e-10)
    if np.isfinite(lt.detach().numpy()).all():
        g = np.random.default_rng(1).standard_normal(tuple(lt.shape))
        (le * ember.tensor(g)).sum().backward()
        (lt * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-8, atol=1e-12)


X = np.random.default_rng(0).standard_normal((8, 3, 5))
PADDED = np.array([[1, 2, 2], [3, 0, 0], [4, 1, 3]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_padded_targets(reduction):
    _compare(X, PADDED, [8, 6, 7], [3, 1, 3], reduction=reduction)


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_concatenated_targets_and_an_empty_target(reduction):
    _compare(X, np.array([1, 2, 2, 4, 1]), [8, 5, 7], [3, 0, 2], reduction=reduction)


def test_another_blank_class():
    _compare(X, np.array([[0, 2, 1], [3, 3, 0], [0, 0, 0]]), [8, 8, 4], [3, 2, 1], blank=4,
             reduction="none")


def test_unbatched_input():
    _compare(X[:, 0], np.array([1, 3, 3]), 7, 3, reduction="sum")


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_impossible_alignment_is_inf_or_zero(zero_infinity):
    # sample 1 needs 4 frames (a, blank, a, b... ) but has 2
    x = X[:4, :2]
    _compare(x, np.array([[1, 1, 2], [2, 2, 3]]), [4, 2], [3, 3], reduction="none",
             zero_infinity=zero_infinity)
    if zero_infinity:
        _compare(x, np.array([[1, 1, 2], [2, 2, 3]]), [4, 2], [3, 3], zero_infinity=True)


def test_repr_matches_pytorch():
    assert repr(nn.CTCLoss()) == repr(torch.nn.CTCLoss())


def test_ctc_errors_name_the_op_and_argument():
    lp = F.log_softmax(ember.randn(5, 2, 4), -1)
    with pytest.raises(ValueError, match=r"ctc_loss: target labels must be in \[0, 4\) and "
                                         r"differ from blank \(0\), got \[1, 0\] for sample 0"):
        F.ctc_loss(lp, ember.tensor([[1, 0], [2, 3]]), [5, 5], [2, 2])
    with pytest.raises(ValueError, match=r"ctc_loss: input_lengths must be in \[0, 5\]"):
        F.ctc_loss(lp, ember.tensor([[1, 2], [2, 3]]), [6, 5], [2, 2])
    with pytest.raises(ValueError, match=r"ctc_loss: input_lengths and target_lengths need "
                                         r"one entry per sample \(2\)"):
        F.ctc_loss(lp, ember.tensor([[1, 2], [2, 3]]), [5], [2, 2])
    with pytest.raises(ValueError, match=r"ctc_loss: concatenated targets must have "
                                         r"sum\(target_lengths\) = 4 labels"):
        F.ctc_loss(lp, ember.tensor([1, 2, 3]), [5, 5], [2, 2])
    with pytest.raises(ValueError, match=r"ctc_loss: log_probs must be \(T, N, C\) or \(T, C\)"):
        F.ctc_loss(ember.zeros(5), ember.tensor([1]), [5], [1])
    with pytest.raises(ValueError, match=r"ctc_loss: blank \(4\) must be in \[0, 4\)"):
        F.ctc_loss(lp, ember.tensor([[1, 2], [2, 3]]), [5, 5], [2, 2], blank=4)
