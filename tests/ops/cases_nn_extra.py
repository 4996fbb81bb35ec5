"""Registry cases for the functionals added with the extra ``torch.nn`` pieces: padding
modes, pixel/channel shuffles, the shrink/threshold/GLU activations, RMS and
local-response norms, LP pooling and the extra losses.

Each entry runs in the float64 gradient check, PyTorch parity and graph-vs-eager tests.
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import case, normal


def _F(T):
    return T.nn.functional


def _shape(*dims):
    return lambda rng: [normal(rng, dims)]


# ------------------------------------------------------------------------ padding, shuffles
case("F.pad_reflect_3d", lambda T, x: _F(T).pad(x, (1, 2, 0, 1, 2, 1), mode="reflect"),
     _shape(2, 1, 3, 3, 4))
case("F.pad_circular_2d", lambda T, x: _F(T).pad(x, (2, 1, 1, 0), mode="circular"),
     _shape(2, 3, 3, 4))
case("F.pixel_shuffle", lambda T, x: _F(T).pixel_shuffle(x, 2), _shape(2, 8, 3, 2))
case("F.pixel_shuffle_batched", lambda T, x: _F(T).pixel_shuffle(x, 3), _shape(2, 1, 9, 2, 2))
case("F.pixel_unshuffle", lambda T, x: _F(T).pixel_unshuffle(x, 2), _shape(2, 3, 4, 6))
case("F.channel_shuffle", lambda T, x: _F(T).channel_shuffle(x, 3), _shape(2, 6, 2, 3))


def _avoid(shape, kinks, gap=0.05, scale=2.0):
    def sample(rng):
        x = rng.standard_normal(shape) * scale
        for k in kinks:
            x = np.where(np.abs(x - k) < gap, k + np.copysign(gap, x - k + 1e-12), x)
        return [x]

    return sample


# ------------------------------------------------------------------------ activations
case("F.glu", lambda T, x: _F(T).glu(x, dim=1), _shape(3, 4, 2))
case("F.glu_last", lambda T, x: _F(T).glu(x), _shape(2, 6))
case("F.hardshrink", lambda T, x: _F(T).hardshrink(x, 0.7), _avoid((4, 5), (-0.7, 0.7)))
case("F.softshrink", lambda T, x: _F(T).softshrink(x, 0.3), _avoid((3, 5), (-0.3, 0.3)))
case("F.threshold", lambda T, x: _F(T).threshold(x, 0.2, -3.0), _avoid((2, 3, 4), (0.2,)))
case("F.rrelu_eval", lambda T, x: _F(T).rrelu(x, 0.1, 0.4, training=False),
     _avoid((3, 4), (0.0,)))
case("Softmax2d", lambda T, x: T.nn.Softmax2d()(x), _shape(2, 3, 2, 2))


# ------------------------------------------------------------------------ losses
def _labels(values):
    """Integer labels: constants for the checks, cast to the input's dtype in the case."""
    return lambda rng, shape: rng.choice(values, shape).astype(np.int64)


case("F.gaussian_nll_loss", lambda T, x, y, v: _F(T).gaussian_nll_loss(x, y, v, full=True),
     lambda rng: [normal(rng, (4, 3)), normal(rng, (4, 3)), rng.uniform(0.2, 2.0, (4, 1))])
case("F.poisson_nll_loss", lambda T, x, y: _F(T).poisson_nll_loss(x, y.to(x.dtype), full=True),
     lambda rng: [normal(rng, (3, 4)), rng.poisson(2.0, (3, 4))])
case("F.poisson_nll_loss_rate",
     lambda T, x, y: _F(T).poisson_nll_loss(x, y.to(x.dtype), log_input=False, reduction="sum"),
     lambda rng: [rng.uniform(0.2, 3.0, (3, 4)), rng.poisson(2.0, (3, 4))])
case("F.soft_margin_loss", lambda T, x, y: _F(T).soft_margin_loss(x, y.to(x.dtype)),
     lambda rng: [normal(rng, (4, 3)), _labels([-1, 1])(rng, (4, 3))])
case("F.multilabel_soft_margin_loss",
     lambda T, x, y, w: _F(T).multilabel_soft_margin_loss(x, y.to(x.dtype), weight=w),
     lambda rng: [normal(rng, (4, 3)), _labels([0, 1])(rng, (4, 3)),
                  rng.uniform(0.5, 2.0, 3)])


def _multi_margin(T, x, p, weighted):
    t = T.tensor([2, 0, 3, 1, 1])
    w = T.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype) if weighted else None
    return _F(T).multi_margin_loss(x, t, p=p, margin=0.7, weight=w)


def _margin_inputs(rng):
    """Scores whose pairwise differences stay away from the hinge's corner at +-0.7 / 1."""
    return [rng.permutation(20).reshape(5, 4) * 0.37 - 3.0]


case("F.multi_margin_loss", lambda T, x: _multi_margin(T, x, 1, False), _margin_inputs)
case("F.multi_margin_loss_p2_weight", lambda T, x: _multi_margin(T, x, 2, True),
     _margin_inputs)
case("F.multilabel_margin_loss",
     lambda T, x: _F(T).multilabel_margin_loss(
         x, T.tensor([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 2, 1, 1], [2, 2, -1, 0],
                      [0, -1, 1, 1]])), _margin_inputs)
case("F.triplet_margin_with_distance_loss",
     lambda T, a, p, n: _F(T).triplet_margin_with_distance_loss(a, p, n, margin=2.0, swap=True),
     lambda rng: [normal(rng, (5, 3)), normal(rng, (5, 3)), normal(rng, (5, 3))])


# ------------------------------------------------------------------------ norms, pooling
case("F.rms_norm", lambda T, x, w: _F(T).rms_norm(x, (3, 4), w, eps=1e-3),
     lambda rng: [normal(rng, (2, 3, 4)), rng.uniform(0.5, 1.5, (3, 4))])
case("F.local_response_norm",
     lambda T, x: _F(T).local_response_norm(x, 3, alpha=0.3, beta=0.75, k=1.5),
     _shape(2, 5, 3, 2))
case("F.lp_pool1d", lambda T, x: _F(T).lp_pool1d(x, 2, 3, stride=2),
     lambda rng: [rng.uniform(0.2, 2.0, (2, 3, 7))])
case("F.lp_pool2d", lambda T, x: _F(T).lp_pool2d(x, 3, (2, 2)),
     lambda rng: [rng.uniform(0.2, 2.0, (2, 2, 4, 5))])
case("F.lp_pool3d", lambda T, x: _F(T).lp_pool3d(x, 1.5, 2, ceil_mode=True),
     lambda rng: [rng.uniform(0.2, 2.0, (1, 2, 3, 4, 5))])


# ------------------------------------------------------------------------ embedding bags
def _bag(mode, psw=False):
    def fn(T, w, p):
        idx, off = T.tensor([1, 2, 4, 5, 4, 3, 2, 0]), T.tensor([0, 3, 3, 6])
        return _F(T).embedding_bag(idx, w, off, mode=mode, per_sample_weights=p if psw else None,
                                   padding_idx=None if psw else 4)
    return fn


def _bag_inputs(rng):
    return [rng.permutation(18).reshape(6, 3) * 0.31 - 2.0, rng.uniform(0.5, 2.0, 8)]


case("F.embedding_bag_sum_weights", _bag("sum", psw=True), _bag_inputs)
case("F.embedding_bag_max", lambda T, w: _bag("max")(T, w, None),
     lambda rng: _bag_inputs(rng)[:1])
case("F.embedding_bag_mean", lambda T, w: _bag("mean")(T, w, None),
     lambda rng: _bag_inputs(rng)[:1])


# ------------------------------------------------------------------------ fold / unfold
case("F.unfold", lambda T, x: _F(T).unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=2),
     _shape(2, 3, 5, 6))
case("F.fold", lambda T, x: _F(T).fold(x, (5, 6), (2, 3), dilation=(2, 1), padding=1,
                                      stride=2), _shape(2, 12, 9))


# ------------------------------------------------------------------------ CTC
def _ctc(T, x):
    return _F(T).ctc_loss(_F(T).log_softmax(x, -1), T.tensor([[1, 2, 2], [3, 1, 0]]),
                          T.tensor([6, 5]), T.tensor([3, 2]))


case("F.ctc_loss", _ctc, _shape(6, 2, 4))


# ------------------------------------------------------------------------ affine grids
# (grid_sample picks pixels from the grid's values: eager only, checked in
# tests/nn/test_grid_sample.py)
case("F.affine_grid", lambda T, th: _F(T).affine_grid(th, (2, 3, 4, 5), align_corners=False),
     _shape(2, 2, 3))
case("F.affine_grid_3d", lambda T, th: _F(T).affine_grid(th, (2, 1, 3, 2, 4), align_corners=True),
     _shape(2, 3, 4))
