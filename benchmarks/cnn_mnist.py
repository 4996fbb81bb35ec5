"""``cnn_mnist``: Conv(1->32, 3x3 same)+ReLU+MaxPool2, Conv(32->64, 3x3 same)+ReLU+MaxPool2,
Flatten, Linear 3136->128 + ReLU, Linear 10; Adam 1e-3, batch 128, one epoch over the
first 10,000 training images; seconds per epoch and test accuracy, Ember and PyTorch.
With PyTorch installed, Ember starts from PyTorch's initial weights and the same shuffling.
"""
from __future__ import annotations

from benchmarks.common import Row, load_torch
from benchmarks.mnist_training import copy_weights, load_mnist, spread, train

LIMIT = 10_000


def build(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def run(repeats: int = 3) -> list[Row]:
    import ember

    data = load_mnist((1, 28, 28))
    e_times, e_acc = [], []
    t_times, t_acc = [], []
    torch = load_torch()
    for r in range(repeats):
        ember.manual_seed(r)
        model = build(ember)
        if torch is not None:
            torch.manual_seed(r)
            reference = build(torch)
            copy_weights(reference, model)
            t, a = train(torch, reference, *data, epochs=1, limit=LIMIT, seed=r)
            t_times += t
            t_acc += a
        t, a = train(ember, model, *data, epochs=1, limit=LIMIT, seed=r)
        e_times += t
        e_acc += a
    med, rng = spread(e_times)
    return [
        Row("cnn_mnist epoch (10k images)", med, spread(t_times)[0] if t_times else None,
            "s/epoch", spread=rng),
        Row("cnn_mnist accuracy", spread(e_acc)[0], spread(t_acc)[0] if t_acc else None,
            "test acc", higher_is_better=True),
    ]


if __name__ == "__main__":
    from benchmarks.common import print_rows

    print_rows(run())
