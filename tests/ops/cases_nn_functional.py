"""Registry cases for the activation and loss primitives of ``ember.nn.functional``.

Each entry runs in the float64 gradient check and in PyTorch parity (values and gradients
of every float input). Integer inputs (class targets, +-1 labels, class weights drawn as
integers and cast inside the case) are constants, since PyTorch has no gradient for them.
"""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import case, normal, rand_shape


def _avoid(kinks=(0.0,), gap=0.05, scale=2.0, min_dims=0, max_dims=4):
    """Normal values kept ``gap`` away from each kink, so finite differences see no corner."""
    def sample(rng):
        x = rng.standard_normal(rand_shape(rng, min_dims, max_dims)) * scale
        for k in kinks:
            x = np.where(np.abs(x - k) < gap, k + np.copysign(gap, x - k + 1e-12), x)
        return [x]

    return sample


def _F(T):
    return T.nn.functional


# ------------------------------------------------------------------------ activations
case("F.step", lambda T, x: _F(T).step(x) if T.__name__ == "ember" else (x > 0).to(x.dtype),
     _avoid(), grad=False)  # PyTorch has no step: the Heaviside function it stands for
case("F.hardtanh", lambda T, x: _F(T).hardtanh(x, -0.5, 1.5), _avoid((-0.5, 1.5)))
case("F.relu6", lambda T, x: _F(T).relu6(x), _avoid((0.0, 6.0), scale=4.0))
case("F.leaky_relu", lambda T, x: _F(T).leaky_relu(x, 0.2), _avoid())
case("F.elu", lambda T, x: _F(T).elu(x, alpha=0.8), _avoid())
case("F.selu", lambda T, x: _F(T).selu(x), _avoid())
case("F.celu", lambda T, x: _F(T).celu(x, alpha=1.7), _avoid())
case("F.gelu", lambda T, x: _F(T).gelu(x), _avoid((), scale=3.0))
case("F.gelu_tanh", lambda T, x: _F(T).gelu(x, approximate="tanh"), _avoid((), scale=3.0))
case("F.silu", lambda T, x: _F(T).silu(x), _avoid((), scale=3.0))
case("F.mish", lambda T, x: _F(T).mish(x), _avoid((), scale=3.0))
case("F.softplus", lambda T, x: _F(T).softplus(x, beta=1.5, threshold=3.0),
     _avoid((2.0,), scale=3.0))
case("F.hardsigmoid", lambda T, x: _F(T).hardsigmoid(x), _avoid((-3.0, 3.0), scale=4.0))
case("F.hardswish", lambda T, x: _F(T).hardswish(x), _avoid((-3.0, 3.0), scale=4.0))
case("F.softsign", lambda T, x: _F(T).softsign(x), _avoid())
case("F.logsigmoid", lambda T, x: _F(T).logsigmoid(x), _avoid((), scale=4.0))
case("F.tanhshrink", lambda T, x: _F(T).tanhshrink(x), _avoid(()))


def _prelu_sample(rng):
    shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) + rand_shape(rng, 0, 2, 3)
    x = rng.standard_normal(shape)
    x = np.where(np.abs(x) < 0.05, 0.05, x)
    n = shape[1] if rng.random() < 0.5 else 1
    return [x, rng.uniform(-0.5, 0.5, n)]


case("F.prelu", lambda T, x, w: _F(T).prelu(x, w), _prelu_sample)


def _swish(T, x, beta):
    if T.__name__ == "ember":
        return _F(T).swish(x, beta)
    return x * T.sigmoid(x * beta)  # PyTorch has no swish: the formula it stands for


case("F.swish", _swish, lambda rng: [normal(rng, rand_shape(rng, 1, 3)), normal(rng, (1,))])


# ------------------------------------------------------------------------ classification
def _classes(spatial=False, ignored=False, weighted=False):
    """Logits (N, C[, d]), class targets (ignore_index -100 sometimes), integer weights."""
    def sample(rng):
        n, c = int(rng.integers(1, 5)), int(rng.integers(2, 5))
        rest = rand_shape(rng, 1, 2, 3) if spatial else ()
        t = rng.integers(0, c, (n,) + rest)
        if ignored and t.size > 1:  # (not every target: a mean over nothing is nan)
            t.reshape(-1)[0] = -100
        out = [normal(rng, (n, c) + rest) * 2, t]
        return out + [rng.integers(1, 4, c)] if weighted else out

    return sample


def _weight(T, w, like):
    return w.to(like.dtype)


case("F.cross_entropy", lambda T, x, t: _F(T).cross_entropy(x, t), _classes())
case("F.cross_entropy_sum", lambda T, x, t: _F(T).cross_entropy(x, t, reduction="sum"),
     _classes(spatial=True))
case("F.cross_entropy_options", lambda T, x, t, w: _F(T).cross_entropy(
    x, t, weight=_weight(T, w, x), label_smoothing=0.2), _classes(ignored=True, weighted=True))
case("F.cross_entropy_none", lambda T, x, t, w: _F(T).cross_entropy(
    x, t, weight=_weight(T, w, x), reduction="none", label_smoothing=0.1),
    _classes(spatial=True, ignored=True, weighted=True))


def _probs(rng):
    n, c = int(rng.integers(1, 5)), int(rng.integers(2, 5))
    return [normal(rng, (n, c)), rng.dirichlet(np.ones(c), n)]


case("F.cross_entropy_probs", lambda T, x, p: _F(T).cross_entropy(x, p, label_smoothing=0.1),
     _probs)
case("F.nll_loss", lambda T, x, t, w: _F(T).nll_loss(x, t, weight=_weight(T, w, x)),
     _classes(ignored=True, weighted=True))
case("F.nll_loss_none", lambda T, x, t: _F(T).nll_loss(x, t, reduction="none"),
     _classes(spatial=True))


# ------------------------------------------------------------------------ binary
def _binary(rng):
    shape = rand_shape(rng, 1, 3)
    return [rng.uniform(0.05, 0.95, shape), rng.uniform(0, 1, shape)]


def _logits(rng):
    shape = rand_shape(rng, 1, 3)
    return [normal(rng, shape) * 3, rng.uniform(0, 1, shape), rng.integers(1, 4, shape[-1:])]


case("F.binary_cross_entropy", lambda T, x, t: _F(T).binary_cross_entropy(x, t), _binary)
case("F.binary_cross_entropy_with_logits", lambda T, x, t, pw:
     _F(T).binary_cross_entropy_with_logits(x, t, pos_weight=_weight(T, pw, x)), _logits)
case("F.binary_cross_entropy_with_logits_none", lambda T, x, t, pw:
     _F(T).binary_cross_entropy_with_logits(x, t, weight=_weight(T, pw, x), reduction="none"),
     _logits)


# ------------------------------------------------------------------------ divergence, regression
def _dists(rng):
    n, c = int(rng.integers(1, 4)), int(rng.integers(2, 5))
    return [np.log(rng.dirichlet(np.ones(c), n)), rng.dirichlet(np.ones(c), n)]


case("F.kl_div", lambda T, x, t: _F(T).kl_div(x, t, reduction="batchmean"), _dists)
case("F.kl_div_log_target", lambda T, x, t: _F(T).kl_div(x, T.log(t), reduction="sum",
                                                          log_target=True), _dists)


def _pair(rng):
    shape = rand_shape(rng, 0, 3)
    return [normal(rng, shape), normal(rng, shape)]


case("F.mse_loss", lambda T, a, b: _F(T).mse_loss(a, b), _pair)
case("F.l1_loss", lambda T, a, b: _F(T).l1_loss(a, b, reduction="sum"), _pair)
case("F.smooth_l1_loss", lambda T, a, b: _F(T).smooth_l1_loss(a, b, beta=0.7), _pair)
case("F.huber_loss", lambda T, a, b: _F(T).huber_loss(a, b, reduction="none", delta=0.6),
     _pair)


# ------------------------------------------------------------------------ embeddings, ranking
def _embeddings(rng):
    n, d = int(rng.integers(1, 4)), int(rng.integers(2, 5))
    return [normal(rng, (n, d)), normal(rng, (n, d)), rng.choice([-1, 1], n)]


case("F.cosine_embedding_loss", lambda T, a, b, y: _F(T).cosine_embedding_loss(
    a, b, y, margin=-0.5), _embeddings)
case("F.margin_ranking_loss", lambda T, a, b, y: _F(T).margin_ranking_loss(
    a, b, y, margin=0.1), lambda rng: [normal(rng, (5,)), normal(rng, (5,)),
                                       rng.choice([-1, 1], 5)])
case("F.hinge_embedding_loss", lambda T, x, y: _F(T).hinge_embedding_loss(x, y, margin=3.0),
     lambda rng: [rng.uniform(0.1, 2.0, (2, 3)), rng.choice([-1, 1], (2, 3))])


def _triplets(rng):
    n, d = int(rng.integers(1, 4)), int(rng.integers(2, 5))
    return [normal(rng, (n, d)), normal(rng, (n, d)), normal(rng, (n, d))]


case("F.triplet_margin_loss", lambda T, a, p, n: _F(T).triplet_margin_loss(
    a, p, n, margin=3.0), _triplets)
case("F.triplet_margin_loss_p3_swap", lambda T, a, p, n: _F(T).triplet_margin_loss(
    a, p, n, margin=3.0, p=3, swap=True, reduction="sum"), _triplets)
