"""Unfold / Fold and F.unfold / F.fold against PyTorch: values, gradients, reprs, errors."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")
F = ember.nn.functional


def _check(me, mt, shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ye, yt = me(xe), mt(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape))
    (ye * ember.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert repr(me) == repr(mt)


GEOMETRIES = [  # kernel_size, dilation, padding, stride
    (2, 1, 0, 1), ((2, 3), 1, 1, 1), (3, (1, 2), (1, 0), (2, 1)), ((1, 2), 2, 2, 3),
]


@pytest.mark.parametrize("k,d,p,s", GEOMETRIES)
@pytest.mark.parametrize("batched", [True, False])
def test_unfold_matches_pytorch(k, d, p, s, batched):
    shape = (2, 3, 6, 7) if batched else (3, 6, 7)
    _check(nn.Unfold(k, d, p, s), torch.nn.Unfold(k, d, p, s), shape)


@pytest.mark.parametrize("k,d,p,s", GEOMETRIES)
@pytest.mark.parametrize("batched", [True, False])
def test_fold_matches_pytorch(k, d, p, s, batched):
    size = (6, 7)
    blocks = torch.nn.functional.unfold(torch.zeros(1, 2, *size), k, d, p, s).shape
    shape = (2,) + tuple(blocks[1:]) if batched else tuple(blocks[1:])
    _check(nn.Fold(size, k, d, p, s), torch.nn.Fold(size, k, d, p, s), shape)


def test_fold_of_unfold_counts_block_overlaps():
    x = ember.ones(1, 1, 4, 4)
    y = F.fold(F.unfold(x, 2), (4, 4), 2)
    np.testing.assert_array_equal(y.numpy()[0, 0], [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2],
                                                    [1, 2, 2, 1]])


def test_fold_errors_name_the_op_argument_and_shape():
    with pytest.raises(ValueError, match=r"unfold: expected a 3-D \(C, H, W\) or 4-D"):
        F.unfold(ember.zeros(2, 3), 2)
    with pytest.raises(ValueError, match=r"unfold: no complete block fits: spatial size "
                                         r"\(2, 2\) with kernel_size \(3, 3\)"):
        F.unfold(ember.zeros(1, 1, 2, 2), 3)
    with pytest.raises(ValueError, match=r"fold: the second dimension \(5\) must be divisible "
                                         r"by the kernel size product \(4\)"):
        F.fold(ember.zeros(1, 5, 9), (4, 4), 2)
    with pytest.raises(ValueError, match=r"fold: expected 9 blocks for output_size \(4, 4\).*"
                                         r"got 8"):
        F.fold(ember.zeros(1, 4, 8), (4, 4), 2)
