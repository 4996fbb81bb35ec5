"""Dropout family: mask statistics, scaling, eval identity, seeded repeatability, channels."""
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember import nn


def test_dropout_mask_statistics_and_scaling():
    x = ember.ones(200, 500)
    y = F.dropout(x, p=0.3, training=True).numpy()
    kept = y != 0
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == np.float32
    assert y.mean() == pytest.approx(1.0, abs=0.02)  # inverted dropout keeps the mean


def test_dropout_gradient_is_the_mask():
    x = ember.randn(50, 40, requires_grad=True)
    y = F.dropout(x, p=0.5)
    y.backward(ember.ones(50, 40))
    mask = (y.detach().numpy() != 0) * 2.0
    np.testing.assert_allclose(x.grad.numpy(), mask, rtol=1e-6)


def test_dropout_eval_is_identity_and_train_is_not():
    m = nn.Dropout(0.4)
    x = ember.randn(8, 9)
    assert not np.array_equal(m(x).numpy(), x.numpy())
    m.eval()
    np.testing.assert_array_equal(m(x).numpy(), x.numpy())
    np.testing.assert_array_equal(F.dropout(x, 0.4, training=False).numpy(), x.numpy())


def test_dropout_extremes():
    x = ember.randn(4, 5, requires_grad=True)
    np.testing.assert_array_equal(F.dropout(x, 0.0).detach().numpy(), x.detach().numpy())
    y = F.dropout(x, 1.0)
    assert (y.detach().numpy() == 0).all()
    y.sum().backward()
    assert (x.grad.numpy() == 0).all()


def test_dropout_seeded_repeatability():
    x = ember.ones(30, 30)
    ember.manual_seed(11)
    a = F.dropout(x, 0.5).numpy()
    b = F.dropout(x, 0.5).numpy()
    ember.manual_seed(11)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), a)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_p_validation(p):
    msg = f"dropout probability has to be between 0 and 1, but got {p}"
    for make in (nn.Dropout, nn.Dropout2d, nn.AlphaDropout):
        with pytest.raises(ValueError, match=msg):
            make(p)
    with pytest.raises(ValueError, match=msg):
        F.dropout(ember.ones(3), p)


@pytest.mark.parametrize("cls, shape, mask_dims", [
    ("Dropout2d", (8, 16, 5, 5), 2), ("Dropout2d", (8, 16, 7), 2), ("Dropout1d", (8, 16, 7), 2),
    ("Dropout1d", (16, 7), 1), ("Dropout3d", (4, 16, 2, 3, 3), 2), ("Dropout3d", (16, 2, 3, 3), 1),
])
def test_feature_dropout_zeroes_whole_channels(cls, shape, mask_dims):
    y = getattr(nn, cls)(0.5)(ember.ones(*shape)).numpy()
    per_channel = y.reshape(shape[:mask_dims] + (-1,))
    # every channel is either all zero or all 1 / (1 - p)
    assert ((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1)).all()
    assert 0.2 < (per_channel[..., 0] == 0).mean() < 0.8


def test_feature_dropout_rank_errors():
    with pytest.raises(ValueError, match=r"dropout1d: expected 2D or 3D input \(got 4D"):
        nn.Dropout1d()(ember.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"dropout3d: expected 4D or 5D input \(got 3D"):
        nn.Dropout3d()(ember.ones(2, 3, 4))


def test_alpha_dropout_keeps_mean_and_variance():
    x = ember.randn(400, 500)
    y = nn.AlphaDropout(0.2)(x).numpy()
    assert y.mean() == pytest.approx(0.0, abs=0.02)
    assert y.std() == pytest.approx(1.0, abs=0.02)
    m = nn.AlphaDropout(0.2).eval()
    np.testing.assert_array_equal(m(x).numpy(), x.numpy())
    # dropped units all take the same value a * (-lambda * alpha) + b, as PyTorch's
    t = torch.nn.AlphaDropout(0.2)(torch.zeros(10000)).numpy()
    e = nn.AlphaDropout(0.2)(ember.zeros(10000)).numpy()
    assert sorted(set(np.round(t, 5))) == sorted(set(np.round(e, 5)))


def test_feature_alpha_dropout_whole_channels():
    y = nn.FeatureAlphaDropout(0.5)(ember.zeros(6, 8, 3, 3)).numpy().reshape(6, 8, -1)
    assert (y == y[..., :1]).all()


def test_dropout_reprs_match_pytorch():
    for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                 "FeatureAlphaDropout"):
        assert repr(getattr(nn, name)(0.3)) == repr(getattr(torch.nn, name)(0.3))
