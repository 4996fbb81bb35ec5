"""``conv_layers``: single convolution and pooling layers, forward + backward, in ms.

A supplementary workload, not one of WORKLOADS.md's: it times the layers that the
workloads there do not cover, each against PyTorch on the same arrays:

* depthwise 3x3 convolutions (``groups == channels``, padding 1, no bias) as MobileNet has
  them, on (32, 64, 56, 56) and (32, 128, 28, 28);
* ``Conv3d(16, 32, 3, padding=1)`` on (8, 16, 16, 32, 32);
* ``MaxPool3d(2)`` on (8, 32, 16, 32, 32).

Each case runs forward, then backward with a fixed random output gradient (input and
weight gradients). Ember and PyTorch (2 threads) alternate repeat by repeat in one
process, so that the shared machine's load slows both alike; each figure is the median
of the repeats after warm-up, Ember's min..max printed beside it.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m benchmarks.run conv_layers``.
"""
from __future__ import annotations

import importlib

importlib.import_module("ember.backend")  # before NumPy: see benchmarks/cnn_mnist_step.py

import numpy as np  # noqa: E402

from benchmarks.common import Row, interleaved, load_torch  # noqa: E402

REPEATS, WARMUP = 11, 2


def _cases():
    """(name, input shape, layer builder(lib)) per case."""
    def depthwise(channels):
        return lambda lib: lib.nn.Conv2d(channels, channels, 3, padding=1, groups=channels,
                                         bias=False)

    return [
        ("dw3x3 (32,64,56,56)", (32, 64, 56, 56), depthwise(64)),
        ("dw3x3 (32,128,28,28)", (32, 128, 28, 28), depthwise(128)),
        ("conv3d 16>32 k3 (8,16,16,32,32)", (8, 16, 16, 32, 32),
         lambda lib: lib.nn.Conv3d(16, 32, 3, padding=1)),
        ("maxpool3d 2 (8,32,16,32,32)", (8, 32, 16, 32, 32),
         lambda lib: lib.nn.MaxPool3d(2)),
    ]


def _step(lib, layer, x, gy):
    """Forward and backward of ``layer`` on leaf ``x`` with output gradient ``gy``."""
    params = list(layer.parameters())

    def step():
        x.grad = None
        for p in params:
            p.grad = None
        layer(x).backward(gy)

    return step


def _copy_weights(src, dst, torch):
    with torch.no_grad():
        for p, q in zip(src.parameters(), dst.parameters()):
            q.copy_(torch.from_numpy(np.array(p.detach().numpy())))


def run() -> list[Row]:
    import ember

    torch = load_torch()
    rows = []
    for name, shape, build in _cases():
        rng = np.random.default_rng(0)
        xs = rng.standard_normal(shape, dtype=np.float32)
        ember.manual_seed(0)
        layer = build(ember)
        ex = ember.tensor(xs, requires_grad=True)
        with ember.no_grad():
            out_shape = tuple(layer(ex).shape)
        gys = rng.standard_normal(out_shape, dtype=np.float32)
        fns = [_step(ember, layer, ex, ember.tensor(gys))]
        if torch is not None:
            tlayer = build(torch)
            _copy_weights(layer, tlayer, torch)
            tx = torch.tensor(xs, requires_grad=True)
            fns.append(_step(torch, tlayer, tx, torch.from_numpy(gys)))
        stats = interleaved(fns, REPEATS, WARMUP)
        med, lo, hi = stats[0]
        t = stats[1][0] * 1e3 if torch is not None else None
        rows.append(Row(f"{name} fwd+bwd", med * 1e3, t, "ms",
                        spread=f"{lo * 1e3:.1f}..{hi * 1e3:.1f}"))
    return rows


if __name__ == "__main__":
    from benchmarks.common import blas_info, print_rows

    print("BLAS:", blas_info())
    print_rows(run())
