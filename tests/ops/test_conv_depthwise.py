"""The depthwise convolution path (``groups == C_in``, ``ember.ops.conv_depthwise``) against
PyTorch: every geometry it accepts, every memory layout, and its blocking and threading."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import backend_parallel
from ember.ops import conv_depthwise
from tests.nn.test_conv import _close, check_parity

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")

DEPTHWISE = [
    # (function, x shape, weight shape, kwargs)
    ("conv2d", (2, 3, 7, 6), (3, 1, 3, 3), {"padding": 1, "groups": 3}),
    ("conv2d", (2, 3, 7, 6), (3, 1, 3, 3), {"groups": 3}),
    ("conv2d", (2, 3, 9, 8), (3, 1, 3, 3), {"padding": 1, "stride": 2, "groups": 3}),
    ("conv2d", (2, 3, 9, 8), (3, 1, 3, 3), {"stride": (2, 3), "padding": (0, 1), "groups": 3}),
    ("conv2d", (2, 3, 9, 8), (3, 1, 3, 3), {"dilation": 2, "padding": 2, "groups": 3}),
    ("conv2d", (2, 3, 9, 8), (3, 1, 3, 2), {"dilation": (2, 3), "stride": 2, "groups": 3}),
    ("conv2d", (2, 3, 7, 6), (3, 1, 4, 2), {"padding": "same", "groups": 3}),  # uneven
    ("conv2d", (2, 3, 7, 6), (9, 1, 3, 3), {"padding": 1, "groups": 3}),  # multiplier 3
    ("conv2d", (2, 3, 9, 8), (6, 1, 5, 5), {"padding": 2, "stride": 2, "groups": 3}),
    ("conv2d", (2, 3, 4, 3), (3, 1, 3, 5), {"padding": (1, 2), "groups": 3}),
    ("conv2d", (2, 3, 5, 6), (3, 1, 1, 1), {"groups": 3}),  # one tap
    ("conv2d", (2, 3, 9, 8), (3, 1, 1, 1), {"stride": 3, "groups": 3}),  # unread inputs
    ("conv2d", (3, 7, 6), (3, 1, 3, 3), {"padding": 1, "groups": 3}),  # unbatched
    ("conv1d", (2, 4, 9), (4, 1, 3), {"padding": 1, "groups": 4}),
    ("conv1d", (2, 4, 10), (8, 1, 4), {"stride": 2, "dilation": 2, "groups": 4}),
    ("conv3d", (2, 3, 5, 6, 4), (3, 1, 3, 3, 3), {"padding": 1, "groups": 3}),
    ("conv3d", (2, 3, 5, 6, 7), (6, 1, 3, 2, 3), {"stride": (1, 2, 2), "padding": (1, 0, 1),
                                                 "groups": 3}),
]


@pytest.mark.parametrize("fn,x_shape,w_shape,kw", DEPTHWISE,
                         ids=[f"{d[0]}-{d[3]}-{d[2][0]}" for d in DEPTHWISE])
@pytest.mark.parametrize("bias", [True, False])
def test_depthwise_matches_torch(fn, x_shape, w_shape, kw, bias):
    check_parity(fn, x_shape, w_shape, bias=bias, **kw)


@pytest.mark.parametrize("kw", [{"padding": 1}, {"padding": 1, "stride": 2}])
def test_depthwise_in_blocks_on_threads(monkeypatch, kw):
    """Tiny blocks (several per channel, then several channels per block) and every pass
    split over three threads give the same results."""
    monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
    monkeypatch.setattr(backend_parallel, "NUM_THREADS", 3)
    for block in (50, 400):
        monkeypatch.setattr(conv_depthwise, "BLOCK", block)
        check_parity("conv2d", (5, 4, 7, 6), (8, 1, 3, 3), groups=4, **kw)
        check_parity("conv3d", (3, 4, 4, 3, 5), (4, 1, 3, 3, 3), groups=4, **kw)


@pytest.mark.parametrize("layout", ["channel-major", "nhwc"])
def test_depthwise_any_input_layout(layout):
    """After a convolution the input is a channel-major view; a permuted NHWC tensor is
    another layout. Values and gradients must not depend on it."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 6, 5)).astype(np.float32)
    w = rng.standard_normal((4, 1, 3, 3)).astype(np.float32)
    gy = rng.standard_normal((3, 4, 6, 5)).astype(np.float32)
    if layout == "channel-major":
        memory, to_nchw = x.transpose(1, 0, 2, 3).copy(), (1, 0, 2, 3)
    else:
        memory, to_nchw = x.transpose(0, 2, 3, 1).copy(), (0, 3, 1, 2)
    leaf = ember.tensor(memory, requires_grad=True)
    ew = ember.tensor(w, requires_grad=True)
    ey = F.conv2d(leaf.permute(*to_nchw), ew, padding=1, groups=4)
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, padding=1, groups=4)
    _close(ey, ty, "output")
    ey.backward(ember.tensor(gy))
    ty.backward(torch.tensor(gy))
    _close(leaf.grad.permute(*to_nchw), tx.grad, "input gradient")
    assert leaf.grad.shape == tuple(memory.shape)
    _close(ew.grad, tw.grad, "weight gradient")


def test_depthwise_weight_only_and_input_only_gradients():
    check_parity("conv2d", (2, 3, 7, 6), (3, 1, 3, 3), x_grad=False, padding=1, groups=3)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 6)).astype(np.float32)
    w = rng.standard_normal((3, 1, 3, 3)).astype(np.float32)
    ex = ember.tensor(x, requires_grad=True)
    F.conv2d(ex, ember.tensor(w), padding=1, groups=3).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.conv2d(tx, torch.tensor(w), padding=1, groups=3).sum().backward()
    _close(ex.grad, tx.grad, "input gradient with a frozen weight")


GRADCHECK = [
    ("conv2d", (2, 2, 5, 4), (4, 1, 3, 2), {"padding": 1, "stride": (2, 1), "groups": 2}),
    ("conv2d", (1, 3, 5, 5), (3, 1, 3, 3), {"dilation": 2, "padding": "same", "groups": 3}),
    ("conv1d", (2, 2, 6), (2, 1, 3), {"stride": 2, "groups": 2}),
    ("conv3d", (1, 2, 3, 4, 3), (2, 1, 2, 3, 2), {"padding": 1, "groups": 2}),
]


@pytest.mark.parametrize("fn,x_shape,w_shape,kw", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_depthwise_gradcheck_float64(fn, x_shape, w_shape, kw):
    rng = np.random.default_rng(0)
    x, w, b = (ember.tensor(rng.standard_normal(s), dtype=ember.float64, requires_grad=True)
               for s in (x_shape, w_shape, (w_shape[0],)))
    assert ember.autograd.gradcheck(lambda x, w, b: getattr(F, fn)(x, w, b, **kw), (x, w, b),
                                    eps=1e-6, atol=1e-6)
