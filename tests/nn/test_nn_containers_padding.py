"""ParameterList/ParameterDict, the padding layers and the pixel/channel shuffles, against
PyTorch: values, gradients, ``repr`` and ``state_dict`` keys."""
import numpy as np
import pytest

import ember
from ember import nn

torch = pytest.importorskip("torch")


def _pair(shape, seed=0):
    a = np.random.default_rng(seed).standard_normal(shape)
    return (ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True))


def _check(mod_e, mod_t, shape, seed=0):
    xe, xt = _pair(shape, seed)
    ye, yt = mod_e(xe), mod_t(xt)
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-6, atol=1e-8)
    w = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape))
    (ye * ember.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-6, atol=1e-8)
    assert repr(mod_e) == repr(mod_t)


# ------------------------------------------------------------------------ containers
class _Holder(nn.Module):
    def __init__(self, lib):
        super().__init__()
        self.scales = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)) for _ in range(3)])
        self.table = lib.nn.ParameterDict({"alpha": lib.nn.Parameter(lib.zeros(4)),
                                           "beta": lib.nn.Parameter(lib.ones(1))})


def test_parameter_containers_state_dict_keys_match_pytorch():
    e = _Holder(ember)
    t = torch.nn.Module()
    t.scales = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)) for _ in range(3)])
    t.table = torch.nn.ParameterDict({"alpha": torch.nn.Parameter(torch.zeros(4)),
                                      "beta": torch.nn.Parameter(torch.ones(1))})
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert list(e.state_dict()) == ["scales.0", "scales.1", "scales.2", "table.alpha",
                                    "table.beta"]


def test_parameter_list_behaves_like_a_list():
    pl = nn.ParameterList()
    pl.append(ember.zeros(3))  # a plain tensor is wrapped
    pl.extend([nn.Parameter(ember.ones(2, 2))])
    assert len(pl) == 2 and isinstance(pl[0], nn.Parameter) and pl[0].requires_grad
    assert pl[-1].shape == (2, 2)
    pl[0] = nn.Parameter(ember.full((5,), 2.0))
    assert float(pl[0].sum().item()) == 10.0
    assert [p.shape for p in pl] == [(5,), (2, 2)]
    assert len(list(pl.parameters())) == 2
    assert repr(pl).startswith("ParameterList(\n  (0): Parameter containing: [ember.float32 "
                               "of size 5]")
    with pytest.raises(IndexError, match="ParameterList: index 2 is out of range for 2"):
        pl[2]
    with pytest.raises(TypeError, match="ParameterList: entries must be Parameters or "
                                        "tensors, got list"):
        pl.append([1.0])


def test_parameter_dict_behaves_like_a_dict():
    pd = nn.ParameterDict({"a": ember.zeros(2)})
    pd["b"] = nn.Parameter(ember.ones(3))
    pd.update([("c", ember.ones(1))])
    assert list(pd.keys()) == ["a", "b", "c"] and "b" in pd and len(pd) == 3
    del pd["a"]
    assert list(pd) == ["b", "c"]
    assert pd.pop("c").shape == (1,)
    assert [n for n, _ in pd.named_parameters()] == ["b"]
    with pytest.raises(TypeError, match="ParameterDict: keys must be strings, got int"):
        pd[3] = ember.zeros(1)


def test_parameter_list_trains_with_an_optimizer():
    pl = nn.ParameterList([nn.Parameter(ember.ones(3))])
    opt = ember.optim.SGD(pl.parameters(), lr=0.5)
    (pl[0] * 2.0).sum().backward()
    opt.step()
    np.testing.assert_allclose(pl[0].detach().numpy(), [0.0, 0.0, 0.0])


# ------------------------------------------------------------------------ padding
PADS = [
    ("ZeroPad1d", (2, 1), (2, 3, 5)), ("ZeroPad2d", 1, (2, 3, 4, 5)),
    ("ZeroPad3d", (1, 0, 2, 1, 0, 1), (1, 2, 3, 3, 3)),
    ("ReflectionPad1d", (2, 1), (2, 3, 5)), ("ReflectionPad2d", (1, 2, 2, 0), (3, 4, 5)),
    ("ReflectionPad3d", 1, (1, 2, 3, 3, 3)),
    ("ReplicationPad1d", 3, (2, 3, 4)), ("ReplicationPad2d", (3, 0, 1, 2), (2, 2, 3, 4)),
    ("ReplicationPad3d", (1, 2, 0, 1, 2, 0), (2, 2, 2, 3)),
    ("CircularPad1d", (2, 1), (2, 3, 4)), ("CircularPad2d", (1, 2, 2, 1), (2, 2, 3, 4)),
    ("CircularPad3d", 1, (1, 2, 2, 3, 3)),
]


@pytest.mark.parametrize("name,padding,shape", PADS)
def test_padding_modules_match_pytorch(name, padding, shape):
    _check(getattr(nn, name)(padding), getattr(torch.nn, name)(padding), shape)


@pytest.mark.parametrize("dims,shape", [(1, (2, 3, 4)), (2, (2, 3, 4, 4)), (3, (2, 2, 3, 3))])
def test_constant_pad_matches_pytorch(dims, shape):
    name = f"ConstantPad{dims}d"
    _check(getattr(nn, name)(2, 3.5), getattr(torch.nn, name)(2, 3.5), shape)
    assert getattr(nn, name)((1,) * 2 * dims, -1.0).padding == (1,) * 2 * dims


def test_padding_errors_name_the_module_argument_and_shape():
    with pytest.raises(ValueError, match=r"ReflectionPad2d: padding must be an int or a tuple "
                                         r"of 4 ints, got \(1, 2\)"):
        nn.ReflectionPad2d((1, 2))
    with pytest.raises(ValueError, match=r"ZeroPad2d: expected a 3-D \(unbatched\) or 4-D "
                                         r"\(batched\) input.*\(5,\)"):
        nn.ZeroPad2d(1)(ember.zeros(5))
    with pytest.raises(ValueError, match="pad: reflect padding"):
        nn.ReflectionPad1d(4)(ember.zeros(1, 2, 3))


# ------------------------------------------------------------------------ shuffles
@pytest.mark.parametrize("name,arg,shape", [
    ("PixelShuffle", 2, (2, 8, 3, 2)), ("PixelShuffle", 3, (9, 2, 3)),
    ("PixelShuffle", 2, (2, 1, 4, 2, 2)),
    ("PixelUnshuffle", 2, (2, 2, 4, 6)), ("PixelUnshuffle", 3, (1, 3, 3)),
    ("ChannelShuffle", 2, (2, 4, 3)), ("ChannelShuffle", 3, (2, 6, 2, 2)),
])
def test_shuffle_modules_match_pytorch(name, arg, shape):
    _check(getattr(nn, name)(arg), getattr(torch.nn, name)(arg), shape)


def test_pixel_unshuffle_inverts_pixel_shuffle():
    x = ember.randn(2, 12, 3, 4)
    y = ember.nn.functional.pixel_unshuffle(ember.nn.functional.pixel_shuffle(x, 2), 2)
    np.testing.assert_array_equal(y.numpy(), x.numpy())


def test_shuffle_errors_name_the_op_argument_and_shape():
    F = ember.nn.functional
    with pytest.raises(ValueError, match=r"pixel_shuffle: the channel dimension \(6\) must be "
                                         r"divisible by upscale_factor\^2 \(4\).*\(1, 6, 2, 2\)"):
        F.pixel_shuffle(ember.zeros(1, 6, 2, 2), 2)
    with pytest.raises(ValueError, match=r"pixel_unshuffle: height \(3\) and width \(4\) must "
                                         r"be divisible by downscale_factor \(2\)"):
        F.pixel_unshuffle(ember.zeros(1, 3, 4), 2)
    with pytest.raises(ValueError, match="pixel_shuffle: upscale_factor must be a positive "
                                         "int, got 0"):
        F.pixel_shuffle(ember.zeros(1, 4, 2, 2), 0)
    with pytest.raises(ValueError, match=r"channel_shuffle: the number of channels \(5\) must "
                                         r"be divisible by groups \(2\)"):
        F.channel_shuffle(ember.zeros(1, 5, 2), 2)
    with pytest.raises(ValueError, match="channel_shuffle: expected an input of at least 3"):
        F.channel_shuffle(ember.zeros(4, 2), 2)
