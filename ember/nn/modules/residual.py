"""ResNet's residual blocks, ``BasicBlock`` and ``Bottleneck``, as in torchvision.

A block learns a residual F(x) and outputs relu(F(x) + shortcut(x)): the identity path
lets gradients reach early layers undiminished, which is what makes 50+ layer networks
trainable. Parameter names equal torchvision's (``conv1.weight``, ``bn1.running_mean``,
``downsample.0.weight``, ...), so torchvision-like state dicts load by name.
"""
from __future__ import annotations

from ember.nn.modules.activation import ReLU
from ember.nn.modules.container import Sequential
from ember.nn.modules.conv import Conv2d
from ember.nn.modules.module import Module
from ember.nn.modules.normalization import BatchNorm2d

__all__ = ["BasicBlock", "Bottleneck"]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1,
            dilation: int = 1) -> Conv2d:
    """3x3 convolution with "same" padding and no bias (BatchNorm follows)."""
    return Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation,
                  groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> Conv2d:
    """1x1 convolution without bias: mixes channels (and subsamples with a stride)."""
    return Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


def _shortcut(downsample, in_channels, out_channels, stride):
    """The given downsample, or a 1x1 conv + BN projection when the shape changes."""
    if downsample is None and (stride != 1 or in_channels != out_channels):
        return Sequential(conv1x1(in_channels, out_channels, stride), BatchNorm2d(out_channels))
    return downsample


class BasicBlock(Module):
    """Two 3x3 conv + BatchNorm layers with a skip connection (ResNet-18/34).

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (``planes``; expansion is 1).
        stride: stride of the first conv (2 halves the resolution).
        downsample: a module mapping the input to the output's shape; when None and the
            shape changes (stride != 1 or in_channels != out_channels), a 1x1 conv + BN
            projection is made (torchvision's ``downsample`` layout).

    Shape: (N, in_channels, H, W) -> (N, out_channels, H / stride, W / stride).
    """

    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 downsample: Module | None = None):
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = BatchNorm2d(out_channels)
        self.relu = ReLU(inplace=True)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = BatchNorm2d(out_channels)
        self.downsample = _shortcut(downsample, in_channels, out_channels, stride)
        self.stride = stride

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(Module):
    """1x1 reduce, 3x3, 1x1 expand (x4), each with BatchNorm, plus a skip (ResNet-50+).

    Args:
        in_channels: channels of the input.
        out_channels: the bottleneck's width (``planes``); the block outputs
            ``out_channels * 4`` channels.
        stride: stride of the 3x3 conv (torchvision's "ResNet v1.5").
        downsample: as in ``BasicBlock``; automatic when None and the shape changes.
        groups, base_width: ResNeXt / wide ResNet widths (width = planes * base_width / 64
            * groups).

    Shape: (N, in_channels, H, W) -> (N, 4 * out_channels, H / stride, W / stride).
    """

    expansion = 4

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 downsample: Module | None = None, groups: int = 1, base_width: int = 64,
                 dilation: int = 1):
        super().__init__()
        width = int(out_channels * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(in_channels, width)
        self.bn1 = BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = BatchNorm2d(width)
        self.conv3 = conv1x1(width, out_channels * self.expansion)
        self.bn3 = BatchNorm2d(out_channels * self.expansion)
        self.relu = ReLU(inplace=True)
        self.downsample = _shortcut(downsample, in_channels, out_channels * self.expansion,
                                    stride)
        self.stride = stride

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)
