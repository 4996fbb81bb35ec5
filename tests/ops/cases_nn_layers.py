"""Registry cases for the layer primitives: linear, bilinear, batch/layer/group/instance norm,
embedding (``ember.nn.functional``'s fused ops). Each runs in gradcheck and torch parity."""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch, in every case)
from __future__ import annotations

import numpy as np

from tests.ops.cases import case, normal, rand_shape


def _linear(bias=True):
    def sample(rng):
        lead = rand_shape(rng, 0, 2)
        n_in, n_out = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        arrays = [normal(rng, lead + (n_in,)), normal(rng, (n_out, n_in))]
        return arrays + [normal(rng, (n_out,))] if bias else arrays

    return sample


def _bilinear(rng):
    lead = (int(rng.integers(1, 4)),)
    i1, i2, o = (int(rng.integers(1, 4)) for _ in range(3))
    return [normal(rng, lead + (i1,)), normal(rng, lead + (i2,)), normal(rng, (o, i1, i2)),
            normal(rng, (o,))]


def _attention(rng):
    """query (*, L, E), key (*, S, E), value (*, S, Ev) and a bool mask with one allowed
    key per row at least."""
    lead = rand_shape(rng, 0, 2)
    n_q, n_k, e, ev = (int(rng.integers(1, 5)) for _ in range(4))
    mask = rng.random((n_q, n_k)) > 0.4
    mask[np.arange(n_q), rng.integers(0, n_k, n_q)] = True
    return [normal(rng, lead + (n_q, e)), normal(rng, lead + (n_k, e)),
            normal(rng, lead + (n_k, ev)), mask]


def _channels(min_dims, max_dims, c=3, spatial_min=1):
    """(N, C, *) input with N * spatial >= 2 (batch statistics need two values) and
    per-channel weight and bias; each spatial dim at least ``spatial_min`` (instance
    statistics need two values per sample)."""
    def sample(rng):
        nd = int(rng.integers(min_dims, max_dims + 1))
        shape = (int(rng.integers(2, 4)), c) + tuple(int(rng.integers(spatial_min, 4))
                                                     for _ in range(nd - 2))
        return [normal(rng, shape) * 2 + 0.5, normal(rng, (c,)), normal(rng, (c,))]

    return sample


def _layer(norm_dims):
    def sample(rng):
        tail = tuple(int(rng.integers(2, 5)) for _ in range(norm_dims))
        lead = rand_shape(rng, 0, 2)
        return [normal(rng, lead + tail) * 3 - 1, normal(rng, tail), normal(rng, tail)]

    return sample


def _embedding(rng):
    n, d = int(rng.integers(2, 7)), int(rng.integers(1, 5))
    idx = rng.integers(0, n, rand_shape(rng, 1, 3))
    idx.reshape(-1)[0] = idx.reshape(-1)[-1]  # at least one repeated index when size > 1
    return [idx, normal(rng, (n, d))]


def _F(T):
    return T.nn.functional


case("linear", lambda T, x, w, b: _F(T).linear(x, w, b), _linear())
case("linear_nobias", lambda T, x, w: _F(T).linear(x, w), _linear(bias=False))
case("bilinear", lambda T, a, b, w, c: _F(T).bilinear(a, b, w, c), _bilinear)
case("sdpa", lambda T, q, k, v, m: _F(T).scaled_dot_product_attention(q, k, v), _attention)
case("sdpa_mask", lambda T, q, k, v, m: _F(T).scaled_dot_product_attention(
    q, k, v, attn_mask=m, scale=0.7), _attention)
case("sdpa_float_mask", lambda T, q, k, v, m: _F(T).scaled_dot_product_attention(
    q, k, v, attn_mask=m.to(q.dtype) * 2.0 - 1.0), _attention)
case("sdpa_causal", lambda T, q, k, v, m: _F(T).scaled_dot_product_attention(
    q, k.mean(-2, keepdim=True) + q, q * v.mean(), is_causal=True), _attention)
case("batch_norm_train", lambda T, x, w, b: _F(T).batch_norm(x, None, None, w, b, True, 0.1,
                                                             1e-5), _channels(2, 4))
case("batch_norm_eval", lambda T, x, w, b: _F(T).batch_norm(
    x, T.zeros(3, dtype=x.dtype) + 0.3, T.ones(3, dtype=x.dtype) * 1.7, w, b, False),
    _channels(2, 4))
case("layer_norm", lambda T, x, w, b: _F(T).layer_norm(x, tuple(w.shape), w, b), _layer(1))
case("layer_norm_2d", lambda T, x, w, b: _F(T).layer_norm(x, tuple(w.shape), w, b), _layer(2))
case("group_norm", lambda T, x, w, b: _F(T).group_norm(x, 2, w, b), _channels(2, 4, c=4))
# (PyTorch 2.13's backward fails for a bias without a weight: ones are the same function)
case("group_norm_bias_only", lambda T, x, w, b: _F(T).group_norm(
    x, 2, None if T.__name__ == "ember" else T.ones_like(b), b), _channels(2, 4, c=4))
case("batch_norm_bias_only", lambda T, x, w, b: _F(T).batch_norm(x, None, None, None, b, True),
     _channels(2, 4))
case("instance_norm", lambda T, x, w, b: _F(T).instance_norm(x, weight=w, bias=b),
     _channels(3, 5, spatial_min=2))
case("instance_norm_plain", lambda T, x, w, b: _F(T).instance_norm(x),
     _channels(3, 5, spatial_min=2))
case("instance_norm_running", lambda T, x, w, b: _F(T).instance_norm(
    x, T.zeros(3, dtype=x.dtype) + 0.3, T.ones(3, dtype=x.dtype) * 1.7, w, b,
    use_input_stats=False), _channels(3, 5))
case("embedding", lambda T, i, w: _F(T).embedding(i, w), _embedding)
# the padding row gets no gradient although the output depends on it: torch parity only
case("embedding_padding", lambda T, i, w: _F(T).embedding(i, w, padding_idx=0), _embedding,
     gradcheck=False)
