"""BasicBlock and Bottleneck against torchvision's blocks (re-stated here in PyTorch, since
torchvision is not installed): same state-dict keys, outputs and gradients."""
import numpy as np
import pytest
import torch
from torch import nn as tnn

import ember
from ember import nn


class TorchBasicBlock(tnn.Module):
    """torchvision.models.resnet.BasicBlock, with its parameter names."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = tnn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2 = tnn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class TorchBottleneck(tnn.Module):
    """torchvision.models.resnet.Bottleneck (stride on the 3x3 conv)."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = tnn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = tnn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.conv3 = tnn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = tnn.BatchNorm2d(planes * 4)
        self.relu = tnn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


def projection(cin, cout, stride):
    return tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False), tnn.BatchNorm2d(cout))


def load_from_torch(em, tm, rng):
    """Randomise the torch block's BN affine/stats, then load its state dict by name."""
    with torch.no_grad():
        for name, b in tm.named_buffers():
            if "running" in name:
                b.copy_(torch.tensor(rng.uniform(0.5, 1.5, b.shape).astype(np.float32)))
        for name, p in tm.named_parameters():
            if "bn" in name or "downsample.1" in name:
                p.copy_(torch.tensor(rng.uniform(0.5, 1.5, p.shape).astype(np.float32)))
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict({k: v.numpy() for k, v in tm.state_dict().items()})


def check(em, tm, shape, rng):
    for train in (True, False):
        em.train(train)
        tm.train(train)
        x = rng.standard_normal(shape).astype(np.float32)
        w = None
        xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
        yt, ye = tm(xt), em(xe)
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4,
                                   atol=1e-4)
        w = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
        (yt * torch.tensor(w)).sum().backward()
        (ye * ember.tensor(w)).sum().backward()
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-3, atol=1e-4)
        for (name, pe), (_, pt) in zip(em.named_parameters(), tm.named_parameters()):
            np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-3, atol=2e-4,
                                       err_msg=name)
            pe.grad, pt.grad = None, None
        for (name, be), (_, bt) in zip(em.named_buffers(), tm.named_buffers()):
            np.testing.assert_allclose(be.numpy(), bt.numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=name)


@pytest.mark.parametrize("cin, cout, stride", [(4, 4, 1), (4, 8, 2), (4, 6, 1)])
def test_basic_block_matches_torchvision(cin, cout, stride):
    rng = np.random.default_rng(0)
    down = projection(cin, cout, stride) if (stride != 1 or cin != cout) else None
    tm, em = TorchBasicBlock(cin, cout, stride, down), nn.BasicBlock(cin, cout, stride)
    assert (em.downsample is None) == (down is None)
    assert [n for n, _ in em.named_modules()] == [n for n, _ in tm.named_modules()]
    assert repr(em) == repr(tm).removeprefix("Torch")
    load_from_torch(em, tm, rng)
    check(em, tm, (2, cin, 6, 6), rng)


@pytest.mark.parametrize("cin, planes, stride", [(16, 4, 1), (8, 4, 2), (4, 2, 1)])
def test_bottleneck_matches_torchvision(cin, planes, stride):
    rng = np.random.default_rng(1)
    down = projection(cin, planes * 4, stride) if (stride != 1 or cin != planes * 4) else None
    tm, em = TorchBottleneck(cin, planes, stride, down), nn.Bottleneck(cin, planes, stride)
    assert repr(em) == repr(tm).removeprefix("Torch")
    load_from_torch(em, tm, rng)
    check(em, tm, (2, cin, 5, 5), rng)
    assert em.expansion == 4


def test_explicit_downsample_is_used():
    down = nn.Sequential(nn.Conv2d(3, 5, 1, bias=False), nn.BatchNorm2d(5))
    block = nn.BasicBlock(3, 5, downsample=down)
    assert block.downsample is down
    assert block(ember.randn(1, 3, 4, 4)).shape == (1, 5, 4, 4)


def test_blocks_shapes_and_parameter_counts():
    b = nn.BasicBlock(64, 128, stride=2)
    assert b(ember.randn(1, 64, 8, 8)).shape == (1, 128, 4, 4)
    # two 3x3 convs, two BNs, and the 1x1 projection with its BN
    expected = 64 * 128 * 9 + 128 * 128 * 9 + 2 * 2 * 128 + 64 * 128 + 2 * 128
    assert sum(p.numel() for p in b.parameters()) == expected
    bt = nn.Bottleneck(256, 64)
    assert bt.downsample is None
    assert sum(p.numel() for p in bt.parameters()) == (
        256 * 64 + 64 * 64 * 9 + 64 * 256 + 2 * (64 + 64 + 256))
