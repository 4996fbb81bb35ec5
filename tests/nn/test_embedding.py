"""Embedding and F.embedding / F.one_hot: parity with PyTorch, padding, errors."""
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn


def pair(num, dim, **kw):
    tm, em = torch.nn.Embedding(num, dim, **kw), nn.Embedding(num, dim, **kw)
    em.weight.array[...] = tm.weight.detach().numpy()
    return em, tm


@pytest.mark.parametrize("kw", [dict(), dict(padding_idx=2), dict(padding_idx=-1),
                                dict(scale_grad_by_freq=True),
                                dict(max_norm=1.0), dict(max_norm=0.5, norm_type=1.0)])
def test_embedding_parity_with_repeated_indices(kw):
    em, tm = pair(12, 5, **kw)
    idx = np.random.default_rng(0).integers(0, 12, (4, 9))
    idx[0, :4] = [2, 2, 11, 2]  # repeats and the padding rows
    g = np.random.default_rng(1).standard_normal((4, 9, 5)).astype(np.float32)
    yt, ye = tm(torch.tensor(idx)), em(ember.tensor(idx))
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6)
    (yt * torch.tensor(g)).sum().backward()
    (ye * ember.tensor(g)).sum().backward()
    np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(em.weight.detach().numpy(), tm.weight.detach().numpy(),
                               rtol=1e-6)  # max_norm renormalises the same rows
    assert repr(em) == repr(tm)


def test_padding_row_starts_at_zero_and_gets_no_gradient():
    m = nn.Embedding(6, 4, padding_idx=3)
    assert (m.weight.array[3] == 0).all() and (m.weight.array[2] != 0).any()
    m(ember.tensor([3, 3, 1])).sum().backward()
    assert (m.weight.grad.numpy()[3] == 0).all() and (m.weight.grad.numpy()[1] == 1).all()


def test_embedding_init_is_standard_normal():
    w = nn.Embedding(1000, 100).weight.array
    assert w.dtype == np.float32
    assert abs(w.mean()) < 0.01 and w.std() == pytest.approx(1.0, rel=0.02)


def test_from_pretrained_freezes_by_default():
    w = ember.randn(5, 3)
    m = nn.Embedding.from_pretrained(w)
    assert not m.weight.requires_grad
    np.testing.assert_array_equal(m(ember.tensor([4, 0])).numpy(), w.numpy()[[4, 0]])
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(ValueError, match="embeddings must be 2-D"):
        nn.Embedding.from_pretrained(ember.randn(5))


def test_functional_embedding_and_index_errors():
    w = ember.randn(4, 2, requires_grad=True)
    F.embedding(ember.tensor([[0, 3], [3, 3]]), w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [1, 0, 0, 3])
    with pytest.raises(IndexError, match=r"embedding: index out of range: indices go from 0 "
                       r"to 4, but num_embeddings is 4"):
        F.embedding(ember.tensor([0, 4]), w)
    with pytest.raises(IndexError, match="index out of range"):
        nn.Embedding(3, 2)(ember.tensor([-1]))
    with pytest.raises(TypeError, match="indices must be an integer"):
        F.embedding(ember.tensor([0.0]), w)
    with pytest.raises(ValueError, match=r"padding_idx \(7\) must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=7)


def test_one_hot_matches_pytorch():
    idx = np.array([[0, 2], [1, 4]])
    np.testing.assert_array_equal(F.one_hot(ember.tensor(idx), 5).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(idx), 5).numpy())
    assert F.one_hot(ember.tensor(idx)).shape == (2, 2, 5)
