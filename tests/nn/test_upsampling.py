"""Upsample / interpolate against PyTorch: nearest, area, (bi/tri)linear and bicubic, both
ways."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

torch = pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy()


def check_parity(shape, seed=0, **kw):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    res = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.interpolate(xt, **kw)
        gy = np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)).astype(np.float32)
        (y * lib.tensor(gy)).sum().backward()
        res.append((y, xt.grad))
    (ey, eg), (ty, tg) = res
    assert tuple(ey.shape) == tuple(ty.shape)
    assert ey.dtype == np.float32
    np.testing.assert_allclose(_np(ey), _np(ty), rtol=1e-5, atol=1e-5, err_msg="output")
    np.testing.assert_allclose(_np(eg), _np(tg), rtol=1e-5, atol=1e-5, err_msg="gradient")


CASES = [
    ((2, 3, 4, 5), {"scale_factor": 2}),
    ((2, 3, 4, 5), {"scale_factor": (2, 3)}),
    ((2, 3, 4, 5), {"size": (7, 9)}),
    ((2, 3, 8, 6), {"size": (3, 4)}),  # downsampling
    ((2, 3, 5, 5), {"scale_factor": 1.5}),
    ((2, 3, 5, 5), {"scale_factor": 0.6}),
    ((2, 3, 5, 5), {"scale_factor": 1.7, "recompute_scale_factor": True}),
    ((1, 1, 1, 3), {"size": (3, 1)}),
    ((1, 2, 20, 24), {"scale_factor": 2}),  # large enough for two separate GEMMs
]


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("shape,kw", CASES, ids=[str(c[1]) for c in CASES])
def test_nearest_matches_torch(shape, kw, mode):
    check_parity(shape, mode=mode, **kw)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("shape,kw", CASES, ids=[str(c[1]) for c in CASES])
def test_bilinear_matches_torch(shape, kw, align_corners):
    check_parity(shape, mode="bilinear", align_corners=align_corners, **kw)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("shape,kw", CASES, ids=[str(c[1]) for c in CASES])
def test_bicubic_matches_torch(shape, kw, align_corners):
    check_parity(shape, mode="bicubic", align_corners=align_corners, **kw)


def test_bicubic_clamps_taps_at_the_border():
    # every output of a 2-pixel input reads taps past both borders; a step input shows
    # the cubic kernel's overshoot, which PyTorch keeps (no clamping of values)
    x = np.array([[[[0.0, 1.0], [1.0, 0.0]]]], np.float32)
    e = F.interpolate(ember.tensor(x), size=(5, 7), mode="bicubic")
    t = torch.nn.functional.interpolate(torch.tensor(x), size=(5, 7), mode="bicubic")
    np.testing.assert_allclose(_np(e), _np(t), rtol=1e-5, atol=1e-6)
    assert _np(e).max() > 1.0


CASES_3D = [
    ((2, 3, 3, 4, 5), {"scale_factor": 2}),
    ((2, 3, 3, 4, 5), {"scale_factor": (2, 1.5, 0.5)}),
    ((2, 3, 3, 4, 5), {"size": (5, 2, 7)}),
    ((1, 2, 12, 10, 12), {"scale_factor": 2}),  # large enough for one GEMM per dimension
]


@pytest.mark.parametrize("mode,extra", [("nearest", {}), ("nearest-exact", {}), ("area", {}),
                                        ("trilinear", {"align_corners": False}),
                                        ("trilinear", {"align_corners": True})])
@pytest.mark.parametrize("shape,kw", CASES_3D, ids=[str(c[1]) for c in CASES_3D])
def test_3d_matches_torch(shape, kw, mode, extra):
    check_parity(shape, mode=mode, **kw, **extra)


@pytest.mark.parametrize("shape", [(2, 3, 9), (2, 3, 8, 7), (2, 3, 6, 5, 4)], ids=str)
def test_area_matches_torch(shape):
    check_parity(shape, mode="area", size=(3,) * (len(shape) - 2))


@pytest.mark.parametrize("mode,extra", [("nearest", {}), ("linear", {"align_corners": False}),
                                        ("linear", {"align_corners": True})])
@pytest.mark.parametrize("kw", [{"scale_factor": 2}, {"size": 7}, {"scale_factor": 0.5}])
def test_1d_matches_torch(mode, extra, kw):
    check_parity((2, 3, 6), mode=mode, **kw, **extra)


@pytest.mark.parametrize("args,kw", [((), {"scale_factor": 2}),
                                     ((), {"size": (5, 7), "mode": "bilinear"}),
                                     ((), {"scale_factor": 1.5, "mode": "bicubic"}),
                                     ((), {"scale_factor": 2, "mode": "bilinear",
                                           "align_corners": True})])
def test_upsample_module_matches_torch(args, kw):
    m, tm = nn.Upsample(*args, **kw), torch.nn.Upsample(*args, **kw)
    assert repr(m) == repr(tm)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(_np(m(ember.tensor(x))), _np(tm(torch.tensor(x))),
                               rtol=1e-5, atol=1e-5)


def test_upsampling_aliases_match_torch():
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 4)).astype(np.float32)
    for name in ("UpsamplingNearest2d", "UpsamplingBilinear2d"):
        e = getattr(nn, name)(scale_factor=2)(ember.tensor(x))
        t = getattr(torch.nn, name)(scale_factor=2)(torch.tensor(x))
        np.testing.assert_allclose(_np(e), _np(t), rtol=1e-5, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("shape,kw", [
    ((1, 2, 3, 4), {"mode": "nearest", "scale_factor": 1.5}),
    ((1, 2, 3, 4), {"mode": "bilinear", "size": (3, 5)}),
    ((1, 2, 3, 4), {"mode": "bilinear", "scale_factor": 2, "align_corners": True}),
    ((1, 2, 3, 4), {"mode": "bicubic", "size": (5, 3)}),
    ((1, 2, 3, 4), {"mode": "bicubic", "scale_factor": 1.5, "align_corners": True}),
    ((1, 1, 2, 3, 2), {"mode": "trilinear", "scale_factor": 2}),
    ((1, 1, 4, 3, 5), {"mode": "area", "size": (2, 2, 3)}),
])
def test_gradcheck_float64(shape, kw):
    x = ember.tensor(np.random.default_rng(0).standard_normal(shape),
                     dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: F.interpolate(x, **kw), (x,))


def test_errors():
    x = ember.randn(1, 2, 4, 4)
    with pytest.raises(ValueError, match=r"interpolate: exactly one of size or scale_factor"):
        F.interpolate(x, size=8, scale_factor=2)
    with pytest.raises(ValueError, match=r"interpolate: exactly one of size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match=r"align_corners can only be set with the "
                                         r"interpolating modes"):
        F.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(ValueError, match=r"interpolate: got 3-D input, but 'bilinear' mode "
                                         r"needs 4-D input"):
        F.interpolate(ember.randn(1, 2, 4), scale_factor=2, mode="bilinear")
    with pytest.raises(ValueError, match=r"interpolate: got 4-D input, but 'trilinear' mode "
                                         r"needs 5-D input \(got shapes \(1, 2, 4, 4\)\)"):
        F.interpolate(x, scale_factor=2, mode="trilinear")
    with pytest.raises(ValueError, match=r"interpolate: got 5-D input, but 'bicubic' mode "
                                         r"needs 4-D input"):
        F.interpolate(ember.randn(1, 2, 4, 4, 4), scale_factor=2, mode="bicubic")
    with pytest.raises(ValueError, match=r"interpolate: align_corners can only be set with the "
                                         r"interpolating modes .*, not 'area'"):
        F.interpolate(x, size=2, mode="area", align_corners=False)
    with pytest.raises(ValueError, match=r"interpolate: unsupported mode 'lanczos'"):
        F.interpolate(x, scale_factor=2, mode="lanczos")
    with pytest.raises(ValueError, match=r"interpolate: size \(8, 8, 8\) must have 2 entries"):
        F.interpolate(x, size=(8, 8, 8))
    with pytest.raises(ValueError, match=r"interpolate: expected 3-D \(N, C, L\), 4-D .* or 5-D "
                                         r"\(N, C, D, H, W\) input \(got shapes \(4, 4\)\)"):
        F.interpolate(ember.randn(4, 4), scale_factor=2)
