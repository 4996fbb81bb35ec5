"""Registry cases for the convolution, pooling and resampling primitives (small shapes)."""
# ruff: noqa: N803  (``T`` is the library, ember or torch, as in tests/ops/cases.py)
from tests.ops.cases import case, distinct, normal


def _dim(rng, low, high):
    return int(rng.integers(low, high + 1))


def _conv2d_sample(in_ch, out_ch, groups=1, kernel=(3, 3), bias=True, transposed=False):
    def sample(rng):
        n, h, w = _dim(rng, 1, 2), _dim(rng, kernel[0] + 1, 6), _dim(rng, kernel[1] + 1, 6)
        x = normal(rng, (n, in_ch, h, w))
        if transposed:
            wt = normal(rng, (in_ch, out_ch // groups) + kernel)
        else:
            wt = normal(rng, (out_ch, in_ch // groups) + kernel)
        return [x, wt, normal(rng, (out_ch,))] if bias else [x, wt]

    return sample


def _conv1d_sample(rng):
    return [normal(rng, (_dim(rng, 1, 2), 2, _dim(rng, 4, 8))), normal(rng, (3, 2, 3)),
            normal(rng, (3,))]


def _image(rng, channels=2, low=4, high=7):
    return normal(rng, (_dim(rng, 1, 2), channels, _dim(rng, low, high), _dim(rng, low, high)))


def _distinct_image(rng):
    return [distinct(rng, (_dim(rng, 1, 2), 2, _dim(rng, 4, 7), _dim(rng, 4, 7)))]


case("conv2d", lambda T, x, w, b: T.nn.functional.conv2d(x, w, b), _conv2d_sample(2, 3))
case("conv2d_stride_pad", lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, stride=2,
                                                                      padding=1),
     _conv2d_sample(2, 3))
case("conv2d_same_dilated", lambda T, x, w: T.nn.functional.conv2d(x, w, padding="same",
                                                                     dilation=(1, 2)),
     _conv2d_sample(2, 2, kernel=(3, 2), bias=False))
case("conv2d_groups", lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, padding=(1, 0),
                                                                  groups=2),
     _conv2d_sample(4, 4, groups=2))
case("conv2d_depthwise", lambda T, x, w: T.nn.functional.conv2d(x, w, padding=1, groups=2),
     _conv2d_sample(2, 4, groups=2, bias=False))
case("conv1d", lambda T, x, w, b: T.nn.functional.conv1d(x, w, b, stride=2, padding=1),
     _conv1d_sample)
case("conv_transpose2d",
     lambda T, x, w, b: T.nn.functional.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                          output_padding=1),
     _conv2d_sample(2, 3, transposed=True))
case("conv_transpose2d_groups",
     lambda T, x, w: T.nn.functional.conv_transpose2d(x, w, groups=2, dilation=2),
     _conv2d_sample(4, 2, groups=2, kernel=(2, 3), bias=False, transposed=True))

case("max_pool2d", lambda T, x: T.nn.functional.max_pool2d(x, 2), _distinct_image)
case("max_pool2d_pad_ceil",
     lambda T, x: T.nn.functional.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
     _distinct_image)
case("max_pool1d", lambda T, x: T.nn.functional.max_pool1d(x, 2, stride=1),
     lambda rng: [distinct(rng, (2, 3, _dim(rng, 3, 8)))])
case("avg_pool2d", lambda T, x: T.nn.functional.avg_pool2d(x, 2), lambda rng: [_image(rng)])
case("avg_pool2d_pad_ceil",
     lambda T, x: T.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                             count_include_pad=False),
     lambda rng: [_image(rng)])
case("adaptive_avg_pool2d", lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, (3, 2)),
     lambda rng: [_image(rng)])
case("adaptive_max_pool2d", lambda T, x: T.nn.functional.adaptive_max_pool2d(x, 3),
     _distinct_image)
case("interpolate_nearest", lambda T, x: T.nn.functional.interpolate(x, scale_factor=2),
     lambda rng: [_image(rng, low=2, high=4)])
case("interpolate_bilinear",
     lambda T, x: T.nn.functional.interpolate(x, size=(5, 3), mode="bilinear"),
     lambda rng: [_image(rng, low=2, high=4)])
case("interpolate_bilinear_corners",
     lambda T, x: T.nn.functional.interpolate(x, scale_factor=1.5, mode="bilinear",
                                              align_corners=True),
     lambda rng: [_image(rng, low=2, high=4)])


# ------------------------------------------------------------------------- 3-D and depthwise
def _volume(rng, channels=2, low=3, high=5):
    return normal(rng, (_dim(rng, 1, 2), channels) + tuple(_dim(rng, low, high)
                                                           for _ in range(3)))


def _distinct_volume(rng):
    return [distinct(rng, (_dim(rng, 1, 2), 2) + tuple(_dim(rng, 3, 5) for _ in range(3)))]


case("conv3d", lambda T, x, w, b: T.nn.functional.conv3d(x, w, b, padding=1),
     lambda rng: [_volume(rng), normal(rng, (3, 2, 3, 2, 3)), normal(rng, (3,))])
case("conv3d_stride_groups",
     lambda T, x, w: T.nn.functional.conv3d(x, w, stride=(1, 2, 2), dilation=(1, 1, 2),
                                            groups=2),
     lambda rng: [_volume(rng, 4, 5, 6), normal(rng, (4, 2, 2, 2, 2))])
case("conv_transpose3d",
     lambda T, x, w, b: T.nn.functional.conv_transpose3d(x, w, b, stride=2, padding=1,
                                                         output_padding=1),
     lambda rng: [_volume(rng, low=2, high=3), normal(rng, (2, 3, 3, 2, 3)),
                  normal(rng, (3,))])
case("conv2d_depthwise_stride_multiplier",
     lambda T, x, w, b: T.nn.functional.conv2d(x, w, b, stride=2, padding=1, groups=2),
     lambda rng: [_image(rng), normal(rng, (4, 1, 3, 3)), normal(rng, (4,))])
case("conv1d_depthwise", lambda T, x, w: T.nn.functional.conv1d(x, w, padding=2, dilation=2,
                                                                 groups=3),
     lambda rng: [normal(rng, (_dim(rng, 1, 2), 3, _dim(rng, 3, 8))), normal(rng, (3, 1, 3))])
case("conv3d_depthwise", lambda T, x, w: T.nn.functional.conv3d(x, w, padding=1, groups=2),
     lambda rng: [_volume(rng), normal(rng, (2, 1, 3, 3, 3))])

case("max_pool3d", lambda T, x: T.nn.functional.max_pool3d(x, 2), _distinct_volume)
case("max_pool3d_pad_ceil",
     lambda T, x: T.nn.functional.max_pool3d(x, (3, 2, 3), stride=2, padding=1,
                                             ceil_mode=True),
     _distinct_volume)
case("avg_pool3d",
     lambda T, x: T.nn.functional.avg_pool3d(x, 3, stride=2, padding=1, ceil_mode=True,
                                             count_include_pad=False),
     lambda rng: [_volume(rng)])
case("adaptive_avg_pool3d", lambda T, x: T.nn.functional.adaptive_avg_pool3d(x, (2, 3, 1)),
     lambda rng: [_volume(rng)])
case("adaptive_max_pool3d", lambda T, x: T.nn.functional.adaptive_max_pool3d(x, 2),
     _distinct_volume)
case("max_unpool2d",
     lambda T, x: T.nn.functional.max_unpool2d(
         *T.nn.functional.max_pool2d(x, 2, return_indices=True), 2, output_size=x.shape[-2:]),
     _distinct_image)
# (windows that do not overlap: one input picked by two windows would be written once by
# the unpooling but get both gradients, in PyTorch too, and finite differences see one)
case("max_unpool1d_padded",
     lambda T, x: T.nn.functional.max_unpool1d(
         *T.nn.functional.max_pool1d(x, 2, stride=2, padding=1, return_indices=True), 2,
         stride=2, padding=1, output_size=x.shape[-1:]),
     lambda rng: [distinct(rng, (2, 3, _dim(rng, 3, 8)))])
case("max_unpool3d",
     lambda T, x: T.nn.functional.max_unpool3d(
         *T.nn.functional.max_pool3d(x, 2, return_indices=True), 2, output_size=x.shape),
     _distinct_volume)
case("interpolate_bicubic",
     lambda T, x: T.nn.functional.interpolate(x, scale_factor=1.7, mode="bicubic"),
     lambda rng: [_image(rng, low=2, high=5)])
case("interpolate_bicubic_corners",
     lambda T, x: T.nn.functional.interpolate(x, size=(4, 7), mode="bicubic",
                                              align_corners=True),
     lambda rng: [_image(rng, low=2, high=5)])
case("interpolate_trilinear",
     lambda T, x: T.nn.functional.interpolate(x, scale_factor=(2, 1.5, 0.5), mode="trilinear"),
     lambda rng: [_volume(rng, low=2, high=4)])
case("interpolate_area_3d",
     lambda T, x: T.nn.functional.interpolate(x, size=(2, 3, 2), mode="area"),
     lambda rng: [_volume(rng)])
case("interpolate_nearest_3d",
     lambda T, x: T.nn.functional.interpolate(x, scale_factor=2),
     lambda rng: [_volume(rng, low=2, high=3)])
