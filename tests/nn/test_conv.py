"""Conv1d/2d/3d, ConvTranspose1d/2d/3d against PyTorch: values, input and weight gradients."""
import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

torch = pytest.importorskip("torch")

# PyTorch warns that an even 'same' kernel makes it copy its input; nothing to act on here
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def _close(e, t, what, rtol=1e-5, atol=1e-5):
    t = t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)
    e = np.asarray(e.detach().numpy() if hasattr(e, "detach") else e)
    assert e.shape == t.shape, f"{what}: shape {e.shape} vs torch {t.shape}"
    assert e.dtype == t.dtype, f"{what}: dtype {e.dtype} vs torch {t.dtype}"
    scale = max(1.0, float(np.abs(t).max()) if t.size else 1.0)
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol * scale, err_msg=what)


def check_parity(fn_name, x_shape, w_shape, bias=True, seed=0, x_grad=True, **kw):
    """Run ``F.<fn_name>`` in Ember and PyTorch on the same arrays; compare everything."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    out_ch = w_shape[0] if "transpose" not in fn_name else w_shape[1] * kw.get("groups", 1)
    b = rng.standard_normal(out_ch).astype(np.float32) if bias else None
    results = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=x_grad)
        wt = lib.tensor(w, requires_grad=True)
        bt = lib.tensor(b, requires_grad=True) if bias else None
        y = getattr(lib.nn.functional, fn_name)(xt, wt, bt, **kw)
        gy = np.random.default_rng(seed + 1).standard_normal(tuple(y.shape)).astype(np.float32)
        (y * lib.tensor(gy)).sum().backward()
        results.append((y, xt.grad, wt.grad, bt.grad if bias else None))
    (ey, egx, egw, egb), (ty, tgx, tgw, tgb) = results
    _close(ey, ty, f"{fn_name} output")
    if x_grad:
        _close(egx, tgx, f"{fn_name} input gradient")
    else:
        assert egx is None
    _close(egw, tgw, f"{fn_name} weight gradient")
    if bias:
        _close(egb, tgb, f"{fn_name} bias gradient")


CONV2D = [
    # (x shape, weight shape, kwargs)
    ((2, 3, 7, 6), (4, 3, 3, 3), {}),
    ((2, 3, 7, 6), (4, 3, 1, 1), {}),
    ((2, 3, 8, 5), (4, 3, 2, 2), {"stride": 2}),
    ((2, 3, 9, 9), (5, 3, 5, 5), {"padding": 2}),
    ((1, 2, 6, 9), (3, 2, 3, 3), {"padding": 1, "stride": (2, 1)}),
    ((2, 2, 6, 7), (3, 2, 3, 2), {"padding": (1, 2), "stride": (1, 3)}),
    ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": "same"}),
    ((2, 3, 7, 6), (4, 3, 2, 4), {"padding": "same"}),
    ((2, 3, 7, 6), (4, 3, 3, 2), {"padding": "same", "dilation": (2, 3)}),
    ((2, 3, 7, 6), (4, 3, 3, 3), {"padding": "valid"}),
    ((2, 3, 9, 8), (4, 3, 3, 3), {"dilation": 2, "padding": 1}),
    ((2, 3, 9, 8), (4, 3, 3, 3), {"dilation": (1, 2), "stride": 2, "padding": 2}),
    ((2, 4, 7, 6), (6, 2, 3, 3), {"groups": 2, "padding": 1}),
    ((2, 6, 7, 6), (6, 2, 3, 3), {"groups": 3, "stride": 2}),
    ((2, 4, 7, 6), (4, 1, 3, 3), {"groups": 4, "padding": 1}),  # depthwise
    ((1, 4, 7, 6), (8, 1, 5, 5), {"groups": 4, "padding": "same"}),  # depthwise x2
    ((2, 4, 7, 6), (4, 1, 3, 3), {"groups": 4, "padding": 1, "stride": 2}),
    ((2, 3, 7, 6), (3, 1, 3, 2), {"groups": 3, "dilation": (2, 1)}),
    ((3, 7, 6), (4, 3, 3, 3), {"padding": 1}),  # unbatched
    ((1, 1, 28, 28), (8, 1, 3, 3), {"padding": "same"}),
    # stride 1 with the output as wide as the input, but not as high: the shifted-plane
    # im2col must clip whole rows
    ((2, 3, 5, 6), (4, 3, 3, 3), {"padding": (2, 1)}),
    ((2, 2, 4, 9), (3, 2, 2, 5), {"padding": (0, 4), "dilation": (1, 2)}),
    ((2, 2, 6, 5), (3, 2, 5, 1), {"padding": (1, 0)}),
    ((1, 2, 4, 1), (3, 2, 3, 5), {"padding": (1, 2)}),  # every column but one is padding
    # shifts wider than the image: the wrapped positions are the whole row
    ((1, 2, 4, 3), (3, 2, 3, 9), {"padding": (1, 4)}),
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV2D, ids=[str(c[2]) for c in CONV2D])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_matches_torch(x_shape, w_shape, kw, bias):
    check_parity("conv2d", x_shape, w_shape, bias=bias, **kw)


def test_conv2d_first_layer_skips_input_gradient():
    check_parity("conv2d", (4, 1, 10, 10), (6, 1, 3, 3), x_grad=False, padding="same")


CONV1D = [
    ((2, 3, 10), (4, 3, 3), {}),
    ((2, 3, 10), (4, 3, 1), {"stride": 2}),
    ((2, 3, 10), (4, 3, 5), {"padding": 2, "stride": 3}),
    ((2, 3, 10), (4, 3, 4), {"padding": "same", "dilation": 2}),
    ((1, 4, 9), (4, 2, 3), {"groups": 2, "padding": "valid"}),
    ((4, 9), (4, 4, 3), {"padding": 1}),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV1D, ids=[str(c[2]) for c in CONV1D])
def test_conv1d_matches_torch(x_shape, w_shape, kw):
    check_parity("conv1d", x_shape, w_shape, **kw)


CONV3D = [
    ((2, 3, 5, 6, 4), (4, 3, 3, 3, 3), {}),
    ((2, 3, 5, 6, 4), (4, 3, 3, 3, 3), {"padding": 1}),  # one shifted run per offset
    ((2, 3, 5, 6, 7), (4, 3, 3, 2, 3), {"padding": 1, "stride": 2}),
    ((2, 3, 6, 5, 7), (4, 3, 2, 3, 3), {"stride": (1, 2, 3), "padding": (1, 0, 2)}),
    ((2, 3, 5, 6, 7), (4, 3, 2, 4, 3), {"padding": "same", "dilation": (1, 2, 1)}),
    ((2, 3, 7, 6, 5), (4, 3, 3, 3, 3), {"dilation": (2, 1, 1), "padding": (0, 1, 1)}),
    ((2, 4, 5, 6, 7), (6, 2, 3, 3, 3), {"groups": 2, "padding": (2, 1, 1)}),
    ((2, 4, 5, 6, 7), (4, 1, 3, 3, 3), {"groups": 4, "padding": 1}),  # depthwise
    ((2, 4, 5, 6, 7), (8, 1, 3, 3, 3), {"groups": 4, "padding": 1, "stride": (1, 2, 2)}),
    ((2, 3, 4, 5, 6), (4, 3, 1, 1, 1), {"padding": "valid"}),
    ((3, 5, 6, 7), (4, 3, 3, 3, 3), {"padding": 1}),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV3D, ids=[str(c[2]) for c in CONV3D])
@pytest.mark.parametrize("bias", [True, False])
def test_conv3d_matches_torch(x_shape, w_shape, kw, bias):
    check_parity("conv3d", x_shape, w_shape, bias=bias, **kw)


CONV_T2D = [
    ((2, 3, 5, 4), (3, 4, 3, 3), {}),
    ((2, 3, 5, 4), (3, 4, 1, 1), {"stride": 2}),
    ((2, 3, 5, 4), (3, 2, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((2, 4, 5, 4), (4, 3, 3, 2), {"stride": (2, 3), "padding": (1, 0),
                                  "output_padding": (1, 2), "groups": 2}),
    ((2, 4, 5, 4), (4, 3, 3, 2), {"stride": 2, "padding": 1, "dilation": 2,
                                  "output_padding": 1}),
    ((1, 4, 4, 6), (4, 1, 5, 5), {"padding": 2, "groups": 4}),
    ((1, 2, 3, 3), (2, 3, 2, 2), {"stride": 2}),
    ((3, 5, 4), (3, 4, 3, 3), {"padding": 1}),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV_T2D, ids=[str(c[2]) for c in CONV_T2D])
@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose2d_matches_torch(x_shape, w_shape, kw, bias):
    check_parity("conv_transpose2d", x_shape, w_shape, bias=bias, **kw)


CONV_T3D = [
    ((2, 3, 3, 4, 3), (3, 2, 3, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((2, 4, 3, 4, 3), (4, 1, 2, 3, 2), {"groups": 2, "dilation": 2}),
    ((2, 2, 3, 2, 4), (2, 3, 2, 2, 3), {"stride": (2, 1, 3), "padding": (0, 1, 1),
                                        "output_padding": (1, 0, 2)}),
    ((2, 3, 4, 3), (2, 3, 3, 3, 3), {"padding": 1}),  # unbatched
]


@pytest.mark.parametrize("x_shape,w_shape,kw", CONV_T3D, ids=[str(c[2]) for c in CONV_T3D])
@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose3d_matches_torch(x_shape, w_shape, kw, bias):
    check_parity("conv_transpose3d", x_shape, w_shape, bias=bias, **kw)


def test_conv_transpose1d_matches_torch():
    check_parity("conv_transpose1d", (2, 4, 9), (4, 3, 3), stride=2, padding=1,
                 output_padding=1)
    check_parity("conv_transpose1d", (2, 4, 9), (4, 1, 2), groups=2, dilation=3)


# ------------------------------------------------------------------------- modules
def _copy_to_torch(module, tmodule):
    with torch.no_grad():
        for (name, p), (tname, q) in zip(module.named_parameters(), tmodule.named_parameters()):
            assert name == tname
            assert tuple(p.shape) == tuple(q.shape)
            q.copy_(torch.from_numpy(np.array(p.detach().numpy())))


MODULES = [
    ("Conv2d", (3, 6, 3), {"padding": "same"}, (2, 3, 8, 7)),
    ("Conv2d", (4, 4, (3, 2)), {"stride": 2, "groups": 2, "bias": False}, (2, 4, 8, 7)),
    ("Conv2d", (2, 4, 3), {"padding": 1, "padding_mode": "reflect"}, (2, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), {"padding": (1, 2), "padding_mode": "replicate"}, (2, 2, 6, 5)),
    ("Conv2d", (2, 4, 3), {"padding": 1, "padding_mode": "circular"}, (2, 2, 6, 5)),
    ("Conv2d", (2, 4, 4), {"padding": "same", "padding_mode": "reflect"}, (2, 2, 6, 5)),
    ("Conv1d", (3, 5, 3), {"padding": "same"}, (2, 3, 11)),
    ("Conv1d", (3, 5, 3), {"padding": 1, "padding_mode": "circular"}, (2, 3, 11)),
    ("ConvTranspose2d", (3, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1},
     (2, 3, 5, 4)),
    ("ConvTranspose1d", (3, 4, 3), {"stride": 2}, (2, 3, 5)),
    ("Conv3d", (3, 4, 3), {"padding": "same"}, (2, 3, 4, 5, 6)),
    ("Conv3d", (4, 4, (3, 1, 2)), {"stride": (2, 1, 1), "groups": 4, "bias": False},
     (2, 4, 5, 4, 3)),
    ("Conv3d", (2, 3, 3), {"padding": (1, 2, 1), "padding_mode": "reflect"}, (2, 2, 4, 5, 6)),
    ("Conv3d", (2, 3, 3), {"padding": 1, "padding_mode": "replicate"}, (2, 2, 4, 5, 6)),
    ("Conv3d", (2, 3, 2), {"padding": "same", "padding_mode": "circular"}, (2, 2, 4, 5, 6)),
    ("ConvTranspose3d", (3, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1},
     (2, 3, 3, 4, 2)),
]


@pytest.mark.parametrize("name,args,kw,x_shape", MODULES,
                         ids=[f"{m[0]}-{m[2]}" for m in MODULES])
def test_module_matches_torch(name, args, kw, x_shape):
    m = getattr(nn, name)(*args, **kw)
    tm = getattr(torch.nn, name)(*args, **kw)
    assert repr(m) == repr(tm)
    _copy_to_torch(m, tm)
    x = np.random.default_rng(0).standard_normal(x_shape).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ey, ty = m(ex), tm(tx)
    _close(ey, ty, f"{name} output")
    ey.sum().backward()
    ty.sum().backward()
    _close(ex.grad, tx.grad, f"{name} input gradient")
    for (pn, p), (_, q) in zip(m.named_parameters(), tm.named_parameters()):
        _close(p.grad, q.grad, f"{name} {pn} gradient")


def test_conv_transpose2d_output_size_argument():
    m = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = ember.randn(1, 2, 4, 5)
    assert tuple(m(x, output_size=(8, 10)).shape) == (1, 3, 8, 10)
    assert tuple(m(x).shape) == (1, 3, 7, 9)
    with pytest.raises(ValueError, match="valid sizes along dimension 0 range from 7 to 8"):
        m(x, output_size=(9, 9))


def test_conv_transpose3d_output_size_argument():
    m = nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1)
    x = ember.randn(1, 2, 3, 4, 5)
    assert tuple(m(x, output_size=(1, 3, 6, 8, 10)).shape) == (1, 3, 6, 8, 10)
    with pytest.raises(ValueError, match=r"ConvTranspose3d: requested an output size of "
                                         r"\(6, 8, 11\), but valid sizes along dimension 2 "
                                         r"range from 9 to 10"):
        m(x, output_size=(6, 8, 11))


def test_default_init_is_pytorchs():
    ember.manual_seed(0)
    for m, fan_in in ((nn.Conv2d(6, 12, (3, 5), groups=3), 2 * 15),
                      (nn.ConvTranspose2d(6, 12, 3, groups=2), 6 * 9),
                      (nn.Conv1d(4, 8, 5), 4 * 5)):
        bound = 1 / math.sqrt(fan_in)
        for p in (m.weight, m.bias):
            a = p.detach().numpy()
            assert a.dtype == np.float32
            assert np.abs(a).max() <= bound
            # a uniform draw fills most of its range
            assert np.abs(a).max() > 0.8 * bound
            assert np.abs(a).mean() == pytest.approx(bound / 2, rel=0.35)
    assert tuple(nn.Conv2d(6, 12, 3, groups=3).weight.shape) == (12, 2, 3, 3)
    assert tuple(nn.ConvTranspose2d(6, 12, 3, groups=2).weight.shape) == (6, 6, 3, 3)


def test_state_dict_keys_and_no_bias():
    m = nn.Conv2d(1, 4, 3, bias=False)
    assert list(m.state_dict()) == ["weight"]
    assert m.bias is None
    assert list(nn.Conv2d(1, 4, 3).state_dict()) == ["weight", "bias"]


def test_float64_layer_keeps_float64():
    m = nn.Conv2d(2, 3, 3, padding=1, dtype=ember.float64)
    y = m(ember.randn(1, 2, 5, 5, dtype=ember.float64))
    assert y.dtype == np.float64


def test_conv_output_float32_and_layout_safe_downstream():
    """The conv output is a view of channel-major memory: reshape, flatten and indexing
    downstream must see NCHW values."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 2, 5, 4)).astype(np.float32)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    ey = F.conv2d(ember.tensor(x), ember.tensor(w), padding=1)
    ty = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), padding=1)
    assert ey.dtype == np.float32
    _close(ey.reshape(3, -1), ty.reshape(3, -1), "flattened conv output")
    _close(ey[1, 2], ty[1, 2], "indexed conv output")


def test_small_cnn_training_step_matches_torch():
    """conv -> relu -> pool -> conv -> relu -> pool -> flatten -> linear, end to end."""
    layers = lambda lib: lib.nn.Sequential(  # noqa: E731
        lib.nn.Conv2d(1, 4, 3, padding="same"), _Relu(lib)(), lib.nn.MaxPool2d(2),
        lib.nn.Conv2d(4, 6, 3, padding="same"), _Relu(lib)(), lib.nn.MaxPool2d(2),
        lib.nn.Flatten(), lib.nn.Linear(6 * 3 * 3, 5))
    m, tm = layers(ember), layers(torch)
    _copy_to_torch(m, tm)
    rng = np.random.default_rng(0)
    x = rng.random((4, 1, 12, 13), dtype=np.float32)
    y = rng.integers(0, 5, 4)
    el = F.cross_entropy(m(ember.tensor(x)), ember.tensor(y))
    tl = torch.nn.functional.cross_entropy(tm(torch.tensor(x)), torch.tensor(y))
    _close(el, tl, "loss")
    el.backward()
    tl.backward()
    for (pn, p), (_, q) in zip(m.named_parameters(), tm.named_parameters()):
        _close(p.grad, q.grad, f"gradient of {pn}")



def test_small_cnn_training_step_split_over_threads(monkeypatch):
    """The same step with every large pass (im2col, col2im, relu, pooling) cut in chunks
    on threads, whatever the array sizes: the threaded paths must give the same results."""
    from ember import backend_parallel

    monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
    monkeypatch.setattr(backend_parallel, "NUM_THREADS", 3)
    test_small_cnn_training_step_matches_torch()
    check_parity("conv2d", (5, 3, 7, 6), (4, 3, 3, 3), padding="same")

@pytest.mark.parametrize("fn,x_shape,w_shape,kw", [
    ("conv2d", (3, 3, 7, 6), (4, 3, 3, 3), {"padding": 1}),  # shifted runs
    ("conv2d", (3, 4, 7, 6), (6, 2, 3, 2), {"stride": 2, "groups": 2}),  # padded windows
    ("conv2d", (3, 2, 9, 8), (3, 2, 3, 3), {"stride": (2, 1), "padding": 1, "dilation": 2}),
    ("conv3d", (2, 2, 5, 4, 3), (3, 2, 3, 3, 3), {"padding": 1}),
    ("conv3d", (2, 2, 7, 4, 5), (3, 2, 3, 2, 3), {"stride": 2, "padding": (1, 0, 1)}),
    ("conv1d", (3, 3, 9), (2, 3, 3), {"dilation": 2}),
], ids=lambda v: str(v) if isinstance(v, dict) else None)
def test_conv_in_pieces(monkeypatch, fn, x_shape, w_shape, kw):
    """Columns above WHOLE_BYTES are built, used and dropped a piece at a time: pieces of
    one output row, of several rows, of whole samples."""
    from ember.ops import conv

    rows = w_shape[1] * int(np.prod(w_shape[2:])) + 1
    out = F.__dict__[fn](ember.randn(*x_shape), ember.randn(*w_shape), **kw).shape[2:]
    row_bytes = rows * int(np.prod(out[1:])) * 4 * kw.get("groups", 1)
    monkeypatch.setattr(conv, "WHOLE_BYTES", 0)
    for piece_rows in (1, 2, 2 * out[0]):
        monkeypatch.setattr(conv, "PIECE_BYTES", piece_rows * row_bytes)
        check_parity(fn, x_shape, w_shape, **kw)
        check_parity(fn, x_shape, w_shape, bias=False, x_grad=False, **kw)


def _Relu(lib):  # noqa: N802
    if hasattr(lib.nn, "ReLU"):
        return lib.nn.ReLU

    class ReLU(lib.nn.Module):
        def forward(self, x):
            return lib.nn.functional.relu(x)

    return ReLU


# ------------------------------------------------------------------------- gradcheck
GRADCHECK = [
    ("conv2d", (2, 2, 5, 4), (3, 2, 3, 2), {"padding": 1, "stride": (2, 1)}),
    ("conv2d", (1, 4, 5, 5), (4, 2, 2, 3), {"padding": "same", "groups": 2, "dilation": 2}),
    ("conv2d", (2, 2, 3, 2), (2, 2, 3, 3), {"padding": (2, 1)}),
    ("conv2d", (1, 3, 5, 4), (3, 1, 3, 3), {"padding": 1, "stride": 2, "groups": 3}),
    ("conv2d", (1, 3, 4, 4), (3, 1, 3, 3), {"padding": 1, "groups": 3}),
    ("conv1d", (2, 2, 6), (3, 2, 3), {"padding": 1, "stride": 2}),
    ("conv3d", (1, 2, 3, 4, 3), (2, 2, 2, 3, 2), {"padding": 1, "stride": (1, 2, 1)}),
    ("conv3d", (1, 2, 3, 3, 4), (2, 1, 3, 3, 3), {"padding": "same", "groups": 2}),
    ("conv_transpose3d", (1, 2, 2, 3, 2), (2, 1, 2, 2, 3), {"stride": 2, "padding": 1,
                                                          "output_padding": 1}),
    ("conv_transpose2d", (1, 2, 3, 3), (2, 2, 3, 2), {"stride": 2, "padding": 1,
                                                      "output_padding": 1}),
    ("conv_transpose1d", (2, 2, 4), (2, 3, 3), {"stride": 2}),
]


@pytest.mark.parametrize("fn,x_shape,w_shape,kw", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck_float64(fn, x_shape, w_shape, kw):
    rng = np.random.default_rng(0)
    out_ch = w_shape[0] if "transpose" not in fn else w_shape[1] * kw.get("groups", 1)
    x, w, b = (ember.tensor(rng.standard_normal(s), dtype=ember.float64, requires_grad=True)
               for s in (x_shape, w_shape, (out_ch,)))
    assert ember.autograd.gradcheck(
        lambda x, w, b: getattr(F, fn)(x, w, b, **kw), (x, w, b), eps=1e-6, atol=1e-6)


# ------------------------------------------------------------------------- errors
def test_conv2d_rejects_wrong_input_rank():
    m = nn.Conv2d(3, 4, 3)
    with pytest.raises(ValueError, match=r"expected 3-D \(unbatched\) or 4-D \(batched\) "
                                         r"input.*\(2, 3, 5, 5, 1\)"):
        m(ember.randn(2, 3, 5, 5, 1))
    with pytest.raises(RuntimeError, match=r"conv2d: expected 3-D"):
        m(ember.randn(3, 5))


def test_conv2d_rejects_channel_mismatch():
    m = nn.Conv2d(3, 4, 3, groups=1)
    with pytest.raises(ValueError, match=r"expected input with 3 channels \(in_channels/groups"
                                         r"=3 x groups=1\) in dimension 1, but the input has "
                                         r"5.*\(2, 5, 6, 6\), \(4, 3, 3, 3\)"):
        m(ember.randn(2, 5, 6, 6))
    with pytest.raises(ValueError, match=r"in_channels/groups=2 x groups=2"):
        nn.Conv2d(4, 4, 3, groups=2)(ember.randn(1, 6, 5, 5))


def test_unknown_padding_string():
    with pytest.raises(ValueError, match=r"Conv2d: invalid padding string 'full'"):
        nn.Conv2d(1, 2, 3, padding="full")
    with pytest.raises(ValueError, match=r"conv2d: invalid padding string 'SAME'"):
        F.conv2d(ember.randn(1, 1, 5, 5), ember.randn(2, 1, 3, 3), padding="SAME")


def test_same_padding_with_stride_is_refused():
    with pytest.raises(ValueError, match=r"padding='same' is not supported for strided "
                                         r"convolutions \(got stride=\(2, 2\)\)"):
        nn.Conv2d(1, 2, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"conv1d: padding='same' is not supported"):
        F.conv1d(ember.randn(1, 1, 5), ember.randn(2, 1, 3), stride=2, padding="same")


def test_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"Conv2d: in_channels \(5\) must be divisible by "
                                         r"groups \(2\)"):
        nn.Conv2d(5, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"Conv2d: out_channels \(5\) must be divisible by "
                                         r"groups \(2\)"):
        nn.Conv2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match=r"groups must be a positive integer"):
        nn.Conv2d(4, 4, 3, groups=0)


def test_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match=r"conv2d: kernel size \(5, 5\).*larger than the "
                                         r"padded input \(2, 4\) \+ padding \(2, 2\)"):
        F.conv2d(ember.randn(1, 1, 2, 4), ember.randn(2, 1, 5, 5), padding=1)
    with pytest.raises(ValueError, match=r"conv1d: kernel size \(3,\) \(dilated by \(2,\)\)"):
        F.conv1d(ember.randn(1, 1, 4), ember.randn(2, 1, 3), dilation=2)


def test_bad_arguments():
    x, w = ember.randn(1, 2, 5, 5), ember.randn(3, 2, 3, 3)
    with pytest.raises(ValueError, match=r"conv2d: stride must be positive"):
        F.conv2d(x, w, stride=0)
    with pytest.raises(ValueError, match=r"conv2d: padding must be an int or a tuple of 2"):
        F.conv2d(x, w, padding=(1, 1, 1))
    with pytest.raises(ValueError, match=r"conv2d: bias must have shape \(3,\)"):
        F.conv2d(x, w, ember.randn(4))
    with pytest.raises(ValueError, match=r"conv2d: weight must be 4-D"):
        F.conv2d(x, ember.randn(3, 2, 3))
    with pytest.raises(ValueError, match=r"padding_mode must be one of"):
        nn.Conv2d(1, 2, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match=r"conv_transpose2d: output_padding \(2, 2\) must be "
                                         r"smaller than either stride"):
        F.conv_transpose2d(x, ember.randn(2, 3, 3, 3), stride=2, output_padding=2)
    with pytest.raises(ValueError, match=r"conv_transpose2d: expected input with 2 channels"):
        F.conv_transpose2d(ember.randn(1, 3, 4, 4), ember.randn(2, 3, 3, 3))


def test_dtype_mismatch_is_refused():
    x64 = ember.randn(1, 2, 5, 5, dtype=ember.float64)
    with pytest.raises(TypeError, match=r"conv2d: input, weight and bias must have the same "
                                        r"floating dtype, got float64, float32"):
        F.conv2d(x64, ember.randn(3, 2, 3, 3))
    with pytest.raises(RuntimeError, match=r"got int64, float32"):
        F.conv2d(ember.ones(1, 2, 5, 5, dtype=ember.int64), ember.randn(3, 2, 3, 3))
    with pytest.raises(TypeError, match=r"conv_transpose2d: .*float32, float32, float64"):
        F.conv_transpose2d(ember.randn(1, 2, 3, 3), ember.randn(2, 3, 3, 3),
                           ember.randn(3, dtype=ember.float64))


@pytest.mark.parametrize("kw", [{"padding": 1}, {"stride": 2}])
def test_channels_last_memory(kw):
    """An input whose memory is (N, H, W, C) (a permuted view) convolves correctly."""
    rng = np.random.default_rng(4)
    nhwc = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    leaf = ember.tensor(nhwc, requires_grad=True)
    e = F.conv2d(leaf.permute(0, 3, 1, 2), ember.tensor(w), **kw)
    t = torch.tensor(nhwc).permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    r = torch.nn.functional.conv2d(t, torch.tensor(w), **kw)
    _close(e, r, "output")
    (e * e).sum().backward()
    (r * r).sum().backward()
    _close(leaf.grad.permute(0, 3, 1, 2), t.grad, "input gradient")


# ------------------------------------------------------------------------- conv3d errors
def test_conv3d_rejects_wrong_ranks():
    with pytest.raises(ValueError, match=r"conv3d: expected 4-D \(unbatched\) or 5-D "
                                         r"\(batched\) input \(got shapes \(3, 5, 5\)\)"):
        nn.Conv3d(3, 4, 3)(ember.randn(3, 5, 5))
    with pytest.raises(ValueError, match=r"conv3d: weight must be 5-D \(out_channels, "
                                         r"in_channels/groups, kD, kH, kW\) \(got shapes "
                                         r"\(4, 3, 3, 3\)\)"):
        F.conv3d(ember.randn(1, 3, 5, 5, 5), ember.randn(4, 3, 3, 3))


def test_conv3d_rejects_channel_mismatch():
    with pytest.raises(ValueError, match=r"conv3d: expected input with 3 channels "
                                         r"\(in_channels/groups=3 x groups=1\) in dimension 1, "
                                         r"but the input has 5 \(got shapes \(2, 5, 4, 4, 4\), "
                                         r"\(4, 3, 3, 3, 3\)\)"):
        nn.Conv3d(3, 4, 3)(ember.randn(2, 5, 4, 4, 4))


def test_conv3d_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match=r"conv3d: kernel size \(3, 5, 3\) \(dilated by "
                                         r"\(1, 1, 1\)\) is larger than the padded input "
                                         r"\(4, 2, 4\) \+ padding \(0, 2, 0\)"):
        F.conv3d(ember.randn(1, 1, 4, 2, 4), ember.randn(2, 1, 3, 5, 3), padding=(0, 1, 0))


def test_conv3d_bad_groups():
    with pytest.raises(ValueError, match=r"conv3d: out_channels \(5\) must be divisible by "
                                         r"groups \(2\) \(got shapes \(5, 2, 3, 3, 3\)\)"):
        F.conv3d(ember.randn(1, 4, 5, 5, 5), ember.randn(5, 2, 3, 3, 3), groups=2)
    with pytest.raises(ValueError, match=r"conv3d: groups must be a positive int, got 0"):
        F.conv3d(ember.randn(1, 4, 5, 5, 5), ember.randn(4, 4, 3, 3, 3), groups=0)
    with pytest.raises(ValueError, match=r"Conv3d: in_channels \(5\) must be divisible by "
                                         r"groups \(2\)"):
        nn.Conv3d(5, 4, 3, groups=2)


def test_conv3d_bad_arguments():
    x, w = ember.randn(1, 2, 5, 5, 5), ember.randn(3, 2, 3, 3, 3)
    with pytest.raises(ValueError, match=r"conv3d: stride must be an int or a tuple of 3 ints, "
                                         r"got \(1, 2\)"):
        F.conv3d(x, w, stride=(1, 2))
    with pytest.raises(ValueError, match=r"conv3d: padding='same' is not supported for strided "
                                         r"convolutions \(got stride=\(1, 1, 2\)\)"):
        F.conv3d(x, w, stride=(1, 1, 2), padding="same")
    with pytest.raises(ValueError, match=r"conv3d: dilation must be positive, got \(1, 0, 1\)"):
        F.conv3d(x, w, dilation=(1, 0, 1))
    with pytest.raises(ValueError, match=r"conv3d: bias must have shape \(3,\) \(got shapes "
                                         r"\(2,\)\)"):
        F.conv3d(x, w, ember.randn(2))
    with pytest.raises(TypeError, match=r"conv3d: input, weight and bias must have the same "
                                        r"floating dtype, got float64, float32"):
        F.conv3d(x.double(), w)


def test_conv_transpose3d_errors():
    x = ember.randn(1, 2, 3, 3, 3)
    with pytest.raises(ValueError, match=r"conv_transpose3d: output_padding \(0, 2, 0\) must "
                                         r"be smaller than either stride \(2, 2, 2\) or "
                                         r"dilation \(1, 1, 1\)"):
        F.conv_transpose3d(x, ember.randn(2, 3, 3, 3, 3), stride=2, output_padding=(0, 2, 0))
    with pytest.raises(ValueError, match=r"conv_transpose3d: expected input with 4 channels "
                                         r"\(weight.shape\[0\]\) in dimension 1, but the input "
                                         r"has 2 \(got shapes \(1, 2, 3, 3, 3\), "
                                         r"\(4, 3, 3, 3, 3\)\)"):
        F.conv_transpose3d(x, ember.randn(4, 3, 3, 3, 3))
    with pytest.raises(ValueError, match=r"conv_transpose3d: output size \(-1, -1, -1\) is too "
                                         r"small"):
        F.conv_transpose3d(x, ember.randn(2, 3, 1, 1, 1), padding=2)
