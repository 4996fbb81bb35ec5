"""F.affine_grid and F.grid_sample against PyTorch (values, input and grid gradients over
modes, padding modes and align_corners), a float64 gradient check, and errors."""
import numpy as np
import pytest

import ember
from ember.autograd import gradcheck

torch = pytest.importorskip("torch")
F = ember.nn.functional


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_matches_pytorch(mode, padding_mode, align_corners):
    rng = np.random.default_rng(0)
    a, g = rng.standard_normal((2, 3, 5, 6)), rng.uniform(-1.4, 1.4, (2, 4, 3, 2))
    xe, ge = ember.tensor(a, requires_grad=True), ember.tensor(g, requires_grad=True)
    xt, gt = torch.tensor(a, requires_grad=True), torch.tensor(g, requires_grad=True)
    ye = F.grid_sample(xe, ge, mode, padding_mode, align_corners)
    yt = torch.nn.functional.grid_sample(xt, gt, mode, padding_mode, align_corners)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    w = rng.standard_normal(tuple(yt.shape))
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ge.grad.numpy(), gt.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_volumes_match_pytorch(mode, padding_mode, align_corners):
    rng = np.random.default_rng(4)
    a, g = rng.standard_normal((2, 2, 3, 4, 5)), rng.uniform(-1.4, 1.4, (2, 2, 3, 2, 3))
    xe, ge = ember.tensor(a, requires_grad=True), ember.tensor(g, requires_grad=True)
    xt, gt = torch.tensor(a, requires_grad=True), torch.tensor(g, requires_grad=True)
    ye = F.grid_sample(xe, ge, mode, padding_mode, align_corners)
    yt = torch.nn.functional.grid_sample(xt, gt, mode, padding_mode, align_corners)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    w = rng.standard_normal(tuple(yt.shape))
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ge.grad.numpy(), gt.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_grid_sample_gradcheck(padding_mode):
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    # away from pixel centres and edges, where bilinear sampling has kinks
    g = ember.tensor(rng.uniform(-0.9, 0.9, (1, 3, 2, 2)) * 0.97 + 0.011, requires_grad=True)
    assert gradcheck(lambda a, b: F.grid_sample(a, b, padding_mode=padding_mode), (x, g))


@pytest.mark.parametrize("size,shape", [((2, 3, 4, 5), (2, 2, 3)),
                                        ((2, 1, 3, 4, 2), (2, 3, 4)), ((1, 1, 1, 3), (1, 2, 3))])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.filterwarnings("ignore:Since version 1.3.0")  # PyTorch's note on 1-pixel grids
def test_affine_grid_matches_pytorch(size, shape, align_corners):
    th = np.random.default_rng(2).standard_normal(shape)
    te, tt = ember.tensor(th, requires_grad=True), torch.tensor(th, requires_grad=True)
    ge = F.affine_grid(te, size, align_corners=align_corners)
    gt = torch.nn.functional.affine_grid(tt, size, align_corners=align_corners)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-12,
                               atol=1e-12)
    w = np.random.default_rng(3).standard_normal(tuple(gt.shape))
    (ge * ember.tensor(w)).sum().backward()
    (gt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(te.grad.numpy(), tt.grad.numpy(), rtol=1e-10)


def test_identity_transform_resamples_the_image():
    x = ember.randn(1, 2, 4, 5)
    grid = F.affine_grid(ember.tensor([[[1.0, 0, 0], [0, 1.0, 0]]]), (1, 2, 4, 5))
    np.testing.assert_allclose(F.grid_sample(x, grid).numpy(), x.numpy(), atol=1e-6)


def test_errors_name_the_op_and_argument():
    with pytest.raises(ValueError, match=r"affine_grid: theta must be \(N, 2, 3\) for a 4-D "
                                         r"size.*\(2, 3, 3\)"):
        F.affine_grid(ember.zeros(2, 3, 3), (2, 1, 4, 4))
    with pytest.raises(ValueError, match="grid_sample: mode must be 'bilinear' or 'nearest'"):
        F.grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), mode="bicubic")
    with pytest.raises(ValueError, match="grid_sample: padding_mode must be 'zeros', 'border' "
                                         "or 'reflection'"):
        F.grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), padding_mode="wrap")
    with pytest.raises(ValueError, match=r"grid_sample: expected input \(N, C, H, W\) with "
                                         r"grid \(N, H_out, W_out, 2\).*\(1, 1, 2, 2\).*"
                                         r"\(2, 1, 1, 2\)"):
        F.grid_sample(ember.zeros(1, 1, 2, 2), ember.zeros(2, 1, 1, 2))
