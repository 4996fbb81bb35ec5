"""Max, average and adaptive pooling (1-D to 3-D) and max unpooling against PyTorch:
values, indices and gradients."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

torch = pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def _close(e, t, what):
    e, t = _np(e), _np(t)
    assert e.shape == t.shape, f"{what}: shape {e.shape} vs torch {t.shape}"
    assert e.dtype == t.dtype, f"{what}: dtype {e.dtype} vs torch {t.dtype}"
    np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6, err_msg=what)


def check_parity(fn, x, *args, **kw):
    """``F.<fn>`` in Ember and PyTorch on ``x``: outputs, indices and input gradients."""
    res = []
    for lib in (ember, torch):
        xt = lib.tensor(x, requires_grad=True)
        out = getattr(lib.nn.functional, fn)(xt, *args, **kw)
        out, idx = out if isinstance(out, tuple) else (out, None)
        gy = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(x.dtype)
        (out * lib.tensor(gy)).sum().backward()
        res.append((out, idx, xt.grad))
    (eo, ei, eg), (to, ti, tg) = res
    _close(eo, to, f"{fn} output")
    _close(eg, tg, f"{fn} input gradient")
    assert (ei is None) == (ti is None)
    if ei is not None:
        assert _np(ei).dtype == np.int64
        np.testing.assert_array_equal(_np(ei), _np(ti), err_msg=f"{fn} indices")


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


MAX2D = [
    ((2, 3, 8, 6), (2,), {}),  # the fast 2x2 path
    ((2, 3, 7, 5), (2,), {}),  # fast path, odd sizes (floor)
    ((2, 3, 7, 5), (2,), {"ceil_mode": True}),
    ((1, 2, 8, 8), (2,), {"stride": 1}),
    ((2, 3, 7, 5), (3,), {"stride": 2, "padding": 1}),
    ((2, 3, 9, 8), ((3, 2),), {"stride": (2, 1), "padding": (1, 1), "dilation": (2, 1),
                               "ceil_mode": True}),
    ((2, 2, 10, 9), (3,), {"stride": 3, "ceil_mode": True}),
    ((2, 2, 10, 9), (5,), {"stride": 2, "padding": 2}),
    ((2, 2, 6, 6), (1,), {"stride": 2}),
    ((3, 9, 8), (2,), {}),  # unbatched
]


@pytest.mark.parametrize("shape,args,kw", MAX2D, ids=[str(m[2]) for m in MAX2D])
@pytest.mark.parametrize("return_indices", [False, True])
def test_max_pool2d_matches_torch(shape, args, kw, return_indices):
    check_parity("max_pool2d", _x(shape), *args, return_indices=return_indices, **kw)


@pytest.mark.parametrize("kernel,kw", [(2, {}), (3, {"stride": 1, "padding": 1})])
def test_max_pool2d_ties_go_to_the_first_maximum(kernel, kw):
    # after a ReLU most windows hold several equal zeros: PyTorch routes the gradient to
    # the first one in the window (row-major)
    x = np.maximum(np.random.default_rng(0).integers(-3, 2, (2, 3, 8, 6)), 0).astype(np.float32)
    check_parity("max_pool2d", x, kernel, return_indices=True, **kw)


def test_max_pool2d_on_conv_output_layout():
    """Pooling a convolution's output (a view of channel-major memory), then its gradient."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 2, 8, 6)).astype(np.float32)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    outs = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.max_pool2d(lib.nn.functional.conv2d(xt, wt, padding=1), 2)
        z = lib.nn.functional.avg_pool2d(y, 2, ceil_mode=True)
        (z * z).sum().backward()
        outs.append((z, xt.grad, wt.grad))
    for e, t, what in zip(outs[0], outs[1], ("output", "input grad", "weight grad")):
        np.testing.assert_allclose(_np(e), _np(t), rtol=1e-5, atol=1e-4, err_msg=what)



@pytest.mark.parametrize("shape", [(5, 3, 8, 6), (3, 7, 5)], ids=str)
def test_max_pool2d_split_over_threads(monkeypatch, shape):
    from ember import backend_parallel

    monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
    monkeypatch.setattr(backend_parallel, "NUM_THREADS", 3)
    check_parity("max_pool2d", _x(shape), 2, return_indices=True)
    x = _x((3, 4, 6, 6))  # channel-major memory, NCHW gradient
    xc = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    check_parity("max_pool2d", xc, 2)


def test_max_pool2d_indices_without_grad_mode():
    # the 2x2 path records its winners only when gradients are recorded; indices asked
    # for under no_grad are computed from the input and output instead
    x = np.maximum(_x((2, 3, 8, 6)), 0)
    with ember.no_grad():
        _, ei = F.max_pool2d(ember.tensor(x), 2, return_indices=True)
    _, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(_np(ei), _np(ti))


def test_max_pool2d_gradient_in_another_layout():
    """Channel-major input, NCHW-contiguous gradient (what Flatten hands back)."""
    x = _x((3, 4, 6, 6))
    xc = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    grads = []
    for lib, arr in ((ember, xc), (torch, x)):
        xt = lib.tensor(arr, requires_grad=True)
        y = lib.nn.functional.max_pool2d(xt, 2).reshape(3, -1)
        (y * lib.tensor(_x((3, 36), seed=2))).sum().backward()
        grads.append(xt.grad)
    _close(grads[0], grads[1], "input gradient")

MAX1D = [((2, 3, 9), (2,), {}), ((2, 3, 9), (3,), {"stride": 2, "padding": 1,
                                                      "ceil_mode": True}),
         ((2, 3, 10), (3,), {"dilation": 2}), ((3, 7), (2,), {})]


@pytest.mark.parametrize("shape,args,kw", MAX1D, ids=[str(m[2]) for m in MAX1D])
def test_max_pool1d_matches_torch(shape, args, kw):
    check_parity("max_pool1d", _x(shape), *args, return_indices=True, **kw)


MAX3D = [
    ((2, 3, 6, 8, 4), (2,), {}),  # the 2x2x2 phases path
    ((2, 3, 7, 5, 5), (2,), {}),  # ... with odd sizes (floor)
    ((2, 3, 7, 5, 5), (2,), {"ceil_mode": True}),
    ((2, 3, 7, 5, 6), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 3, 7, 5, 6), ((3, 2, 2),), {"stride": (2, 1, 2), "dilation": (1, 2, 1)}),
    ((3, 6, 5, 4), (2,), {"stride": 1}),  # unbatched
]


@pytest.mark.parametrize("shape,args,kw", MAX3D, ids=[str(m[2]) for m in MAX3D])
@pytest.mark.parametrize("return_indices", [False, True])
def test_max_pool3d_matches_torch(shape, args, kw, return_indices):
    check_parity("max_pool3d", _x(shape), *args, return_indices=return_indices, **kw)


def test_max_pool3d_ties_and_layouts():
    # ties after a ReLU go to the first maximum in scan order; a channel-major input
    # (a convolution's output) pools in its own layout
    x = np.maximum(np.random.default_rng(0).integers(-3, 2, (2, 3, 6, 4, 4)), 0)
    check_parity("max_pool3d", x.astype(np.float32), 2, return_indices=True)
    xc = np.ascontiguousarray(_x((3, 4, 4, 6, 6)).swapaxes(0, 1)).swapaxes(0, 1)
    check_parity("max_pool3d", xc, 2, return_indices=True)


AVG2D = [
    ((2, 3, 8, 6), (2,), {}),
    ((2, 3, 7, 5), (3,), {"stride": 2, "padding": 1}),
    ((2, 3, 7, 5), (3,), {"stride": 2, "padding": 1, "count_include_pad": False}),
    ((2, 3, 7, 5), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ((2, 3, 7, 5), (3,), {"stride": 2, "padding": 1, "ceil_mode": True,
                          "count_include_pad": False}),
    ((2, 3, 8, 7), ((3, 2),), {"stride": (1, 2), "padding": (1, 0)}),
    ((2, 3, 7, 5), (2,), {"divisor_override": 3}),
    ((3, 6, 6), (2,), {"stride": 1}),  # unbatched
]


@pytest.mark.parametrize("shape,args,kw", AVG2D, ids=[str(m[2]) for m in AVG2D])
def test_avg_pool2d_matches_torch(shape, args, kw):
    check_parity("avg_pool2d", _x(shape), *args, **kw)


AVG3D = [
    ((2, 3, 6, 8, 4), (2,), {}),
    ((2, 3, 7, 5, 6), (3,), {"stride": 2, "padding": 1}),
    ((2, 3, 7, 5, 6), (3,), {"stride": 2, "padding": 1, "ceil_mode": True,
                             "count_include_pad": False}),
    ((2, 3, 7, 5, 6), ((3, 1, 2),), {"stride": (1, 2, 2), "padding": (1, 0, 1),
                                     "divisor_override": 5}),
    ((3, 6, 5, 4), (2,), {"stride": 1}),  # unbatched
]


@pytest.mark.parametrize("shape,args,kw", AVG3D, ids=[str(m[2]) for m in AVG3D])
def test_avg_pool3d_matches_torch(shape, args, kw):
    check_parity("avg_pool3d", _x(shape), *args, **kw)


@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 1, "ceil_mode": True},
                                {"stride": 2, "padding": 1, "count_include_pad": False}])
def test_avg_pool1d_matches_torch(kw):
    check_parity("avg_pool1d", _x((2, 3, 9)), 3, **kw)


@pytest.mark.parametrize("shape,size", [((2, 3, 7, 5), 1), ((2, 3, 7, 5), (3, None)),
                                        ((2, 3, 8, 8), (4, 2)), ((2, 3, 5, 7), (3, 4)),
                                        ((2, 3, 4, 3), (6, 5)), ((3, 6, 6), (2, 2))])
def test_adaptive_avg_pool2d_matches_torch(shape, size):
    check_parity("adaptive_avg_pool2d", _x(shape), size)


@pytest.mark.parametrize("shape,size", [((2, 3, 7, 5), 1), ((2, 3, 7, 5), (3, None)),
                                        ((2, 3, 5, 7), (3, 4)), ((2, 3, 4, 3), (6, 5))])
def test_adaptive_max_pool2d_matches_torch(shape, size):
    check_parity("adaptive_max_pool2d", _x(shape), size, return_indices=True)


@pytest.mark.parametrize("shape,size", [((2, 3, 7, 5, 6), 1), ((2, 3, 7, 5, 6), (3, None, 4)),
                                        ((2, 3, 4, 3, 5), (6, 5, 2)), ((3, 6, 6, 6), 2)])
def test_adaptive_3d_matches_torch(shape, size):
    check_parity("adaptive_avg_pool3d", _x(shape), size)
    check_parity("adaptive_max_pool3d", _x(shape), size, return_indices=True)


def test_adaptive_1d_matches_torch():
    check_parity("adaptive_avg_pool1d", _x((2, 3, 10)), 4)
    check_parity("adaptive_max_pool1d", _x((2, 3, 10)), 4, return_indices=True)


# ------------------------------------------------------------------------- modules
MODULES = [
    ("MaxPool2d", (2,), {}, (2, 3, 8, 6)),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 8, 6)),
    ("MaxPool1d", (2,), {}, (2, 3, 8)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 8, 6)),
    ("AvgPool1d", (2,), {}, (2, 3, 8)),
    ("AdaptiveAvgPool2d", ((2, 3),), {}, (2, 3, 8, 6)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 8)),
    ("AdaptiveMaxPool2d", (2,), {}, (2, 3, 8, 6)),
    ("AdaptiveMaxPool1d", (3,), {}, (2, 3, 8)),
    ("MaxPool3d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 6, 5, 4)),
    ("AvgPool3d", (2,), {"ceil_mode": True, "divisor_override": 3}, (2, 3, 5, 5, 4)),
    ("AdaptiveAvgPool3d", ((2, 1, 3),), {}, (2, 3, 6, 5, 4)),
    ("AdaptiveMaxPool3d", (2,), {}, (2, 3, 6, 5, 4)),
]


@pytest.mark.parametrize("name,args,kw,shape", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, args, kw, shape):
    m, tm = getattr(nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(m) == repr(tm)
    x = _x(shape)
    _close(m(ember.tensor(x)), tm(torch.tensor(x)), name)


def test_max_pool_module_return_indices():
    x = _x((2, 2, 6, 6))
    e, ei = nn.MaxPool2d(2, return_indices=True)(ember.tensor(x))
    t, ti = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    _close(e, t, "values")
    np.testing.assert_array_equal(_np(ei), _np(ti))
    assert not ei.requires_grad


# ------------------------------------------------------------------------- unpooling
UNPOOL = [
    # (nd, input shape, kernel, pooling kwargs, output_size)
    (2, (2, 3, 8, 6), 2, {}, None),
    (2, (2, 3, 7, 5), 2, {}, (7, 5)),  # odd sizes need output_size
    (2, (2, 3, 7, 5), 2, {"stride": 2, "padding": 1}, (2, 3, 7, 5)),  # with (N, C)
    (2, (2, 3, 9, 8), (3, 2), {"stride": (3, 2)}, None),
    (2, (3, 8, 6), 2, {}, None),  # unbatched
    (1, (2, 3, 9), 3, {"stride": 3}, (9,)),
    (3, (2, 3, 6, 4, 4), 2, {}, None),
    (3, (2, 3, 5, 4, 5), 2, {"stride": 2, "padding": (1, 0, 1)}, (5, 4, 5)),
]


@pytest.mark.parametrize("nd,shape,kernel,kw,size", UNPOOL,
                         ids=[f"{u[0]}d-{u[3]}-{u[4]}" for u in UNPOOL])
def test_max_unpool_matches_torch(nd, shape, kernel, kw, size):
    x = _x(shape)
    res = []
    for lib in (ember, torch):
        F_ = lib.nn.functional
        xt = lib.tensor(x, requires_grad=True)
        y, idx = getattr(F_, f"max_pool{nd}d")(xt, kernel, return_indices=True, **kw)
        z = getattr(F_, f"max_unpool{nd}d")(y * 2.0, idx, kernel, output_size=size, **kw)
        gz = np.random.default_rng(1).standard_normal(tuple(z.shape)).astype(np.float32)
        (z * lib.tensor(gz)).sum().backward()
        res.append((z, xt.grad))
    (ez, eg), (tz, tg) = res
    _close(ez, tz, "unpooled output")
    _close(eg, tg, "input gradient through pooling and unpooling")


@pytest.mark.parametrize("nd,shape", [(1, (2, 3, 8)), (2, (2, 3, 6, 8)), (3, (2, 2, 4, 4, 6))])
def test_max_unpool_module_matches_torch(nd, shape):
    x = _x(shape)
    outs = []
    for lib in (ember, torch):
        pool = getattr(lib.nn, f"MaxPool{nd}d")(2, return_indices=True)
        unpool = getattr(lib.nn, f"MaxUnpool{nd}d")(2)
        outs.append((repr(unpool), unpool(*pool(lib.tensor(x)), output_size=shape)))
    assert outs[0][0] == outs[1][0]
    _close(outs[0][1], outs[1][1], f"MaxUnpool{nd}d")


def test_max_unpool_errors():
    x = ember.arange(32.0).reshape(1, 2, 4, 4)  # each window's maximum at its bottom right
    y, idx = F.max_pool2d(x, 2, return_indices=True)
    with pytest.raises(ValueError, match=r"max_unpool2d: invalid output_size \(6, 4\) \(dim 0 "
                                         r"must be between 2 and 6, exclusive\)"):
        F.max_unpool2d(y, idx, 2, output_size=(6, 4))
    with pytest.raises(ValueError, match=r"max_unpool2d: output_size should have 2 or 4 "
                                         r"elements, got \(4,\)"):
        F.max_unpool2d(y, idx, 2, output_size=(4,))
    with pytest.raises(ValueError, match=r"max_unpool2d: indices must have the shape of the "
                                         r"input \(got shapes \(1, 2, 2, 2\), \(1, 2, 4\)\)"):
        F.max_unpool2d(y, idx.reshape(1, 2, 4), 2)
    with pytest.raises(TypeError, match=r"max_unpool2d: indices must be an integer tensor, "
                                        r"got float32"):
        F.max_unpool2d(y, idx.float(), 2)
    with pytest.raises(ValueError, match=r"max_unpool2d: found an invalid max index 15 for an "
                                         r"output of spatial size \(2, 2\)"):
        F.max_unpool2d(y, idx, 1)
    with pytest.raises(ValueError, match=r"max_unpool3d: expected 4-D \(unbatched\) or 5-D "
                                         r"\(batched\) input \(got shapes \(2, 2, 2\)\)"):
        F.max_unpool3d(y[0], idx[0], 2)
    with pytest.raises(ValueError, match=r"max_unpool1d: kernel_size must be positive"):
        F.max_unpool1d(y[0], idx[0], 0)


def test_pool3d_errors():
    with pytest.raises(ValueError, match=r"max_pool3d: calculated output size \(1, 0, 1\) is "
                                         r"too small for the input's spatial size \(4, 2, 4\)"):
        F.max_pool3d(ember.randn(1, 1, 4, 2, 4), 3)
    with pytest.raises(ValueError, match=r"avg_pool3d: padding should be at most half of the "
                                         r"effective kernel size, but got padding=\(2, 0, 0\)"):
        F.avg_pool3d(ember.randn(1, 1, 6, 6, 6), 2, padding=(2, 0, 0))
    with pytest.raises(ValueError, match=r"max_pool3d: kernel_size must be an int or a tuple "
                                         r"of 3 ints, got \(2, 2\)"):
        nn.MaxPool3d((2, 2))(ember.randn(1, 1, 6, 6, 6))
    with pytest.raises(ValueError, match=r"adaptive_max_pool3d: output_size must be an int or "
                                         r"a tuple of 3"):
        F.adaptive_max_pool3d(ember.randn(1, 1, 6, 6, 6), (2, 2))
    with pytest.raises(ValueError, match=r"adaptive_avg_pool3d: expected 4-D \(unbatched\) or "
                                         r"5-D \(batched\) input \(got shapes \(6, 6, 6\)\)"):
        F.adaptive_avg_pool3d(ember.randn(6, 6, 6), 2)


# ------------------------------------------------------------------------- gradcheck
GRADCHECK = [
    ("max_pool2d", (2, 2, 4, 4), (2,), {}),
    ("max_pool2d", (1, 2, 5, 4), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool2d", (1, 2, 5, 4), (3,), {"stride": 2, "padding": 1, "ceil_mode": True,
                                        "count_include_pad": False}),
    ("avg_pool1d", (2, 2, 5), (2,), {"stride": 1}),
    ("adaptive_avg_pool2d", (1, 2, 5, 4), ((3, 3),), {}),
    ("adaptive_max_pool2d", (1, 2, 5, 4), ((2, 3),), {}),
    ("max_pool3d", (1, 2, 4, 4, 4), (2,), {}),
    ("max_pool3d", (1, 1, 5, 4, 3), (3,), {"stride": 2, "padding": 1, "ceil_mode": True}),
    ("avg_pool3d", (1, 1, 5, 4, 3), (3,), {"stride": 2, "padding": 1,
                                           "count_include_pad": False}),
    ("adaptive_max_pool3d", (1, 1, 5, 4, 3), ((2, 3, 2),), {}),
]


@pytest.mark.parametrize("fn,shape,args,kw", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck_float64(fn, shape, args, kw):
    # distinct, well separated values: no ties for the max to jump between
    rng = np.random.default_rng(0)
    n = int(np.prod(shape))
    values = (rng.permutation(n) * 0.37).reshape(shape)
    x = ember.tensor(values, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: getattr(F, fn)(x, *args, **kw), (x,))


# ------------------------------------------------------------------------- errors
def test_output_size_too_small():
    with pytest.raises(ValueError, match=r"max_pool2d: calculated output size \(0, 1\) is too "
                                         r"small for the input's spatial size \(2, 5\)"):
        F.max_pool2d(ember.randn(1, 1, 2, 5), 3)
    with pytest.raises(RuntimeError, match=r"avg_pool1d: calculated output size \(0,\)"):
        nn.AvgPool1d(4)(ember.randn(1, 2, 3))


def test_padding_more_than_half_the_kernel():
    with pytest.raises(ValueError, match=r"max_pool2d: padding should be at most half of the "
                                         r"effective kernel size, but got padding=\(2, 2\), "
                                         r"kernel_size=\(2, 2\)"):
        F.max_pool2d(ember.randn(1, 1, 6, 6), 2, padding=2)
    with pytest.raises(ValueError, match=r"avg_pool2d: padding should be at most half"):
        F.avg_pool2d(ember.randn(1, 1, 6, 6), 3, padding=2)


def test_wrong_input_rank():
    with pytest.raises(ValueError, match=r"max_pool2d: expected 3-D \(unbatched\) or 4-D "
                                         r"\(batched\) input \(got shapes \(6, 6\)\)"):
        nn.MaxPool2d(2)(ember.randn(6, 6))
    with pytest.raises(ValueError, match=r"adaptive_avg_pool2d: expected 3-D"):
        F.adaptive_avg_pool2d(ember.randn(1, 1, 1, 6, 6), 2)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"max_pool2d: stride must be positive"):
        F.max_pool2d(ember.randn(1, 1, 6, 6), 2, stride=0)
    with pytest.raises(ValueError, match=r"adaptive_avg_pool2d: output_size must be positive"):
        F.adaptive_avg_pool2d(ember.randn(1, 1, 6, 6), 0)
    with pytest.raises(ValueError, match=r"output_size must be an int or a tuple of 2"):
        F.adaptive_avg_pool2d(ember.randn(1, 1, 6, 6), (1, 2, 3))
    with pytest.raises(ValueError, match=r"avg_pool2d: divisor_override must be non-zero"):
        F.avg_pool2d(ember.randn(1, 1, 6, 6), 2, divisor_override=0)


@pytest.mark.parametrize("fn,args,kw", [("max_pool2d", (2,), {}), ("max_pool2d", (3,),
                                                                   {"stride": 2, "padding": 1}),
                                        ("avg_pool2d", (2,), {"ceil_mode": True})])
def test_channels_last_memory(fn, args, kw):
    """Inputs whose memory is (N, H, W, C): any layout is pooled correctly."""
    nhwc = np.random.default_rng(2).standard_normal((2, 6, 7, 3)).astype(np.float32)
    t = torch.tensor(nhwc).permute(0, 3, 1, 2).contiguous().requires_grad_(True)
    leaf = ember.tensor(nhwc, requires_grad=True)
    e = getattr(F, fn)(leaf.permute(0, 3, 1, 2), *args, **kw)
    r = getattr(torch.nn.functional, fn)(t, *args, **kw)
    _close(e, r, fn)
    e.sum().backward()
    r.sum().backward()
    _close(leaf.grad.permute(0, 3, 1, 2), t.grad, f"{fn} gradient")
