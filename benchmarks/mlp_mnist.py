"""``mlp_mnist``: MLP 784-256-128-10, ReLU, cross-entropy, Adam 1e-3, batch 128, shuffled,
over the 50,000 MNIST training images; seconds per epoch and test accuracy after 1 and 3
epochs, Ember and PyTorch side by side. With PyTorch installed, Ember's model starts from
PyTorch's initial weights (copied by name through NumPy) and both see the same shuffling,
so their accuracies must agree to about 0.003 (WORKLOADS.md).
"""
from __future__ import annotations

from benchmarks.common import Row, load_torch
from benchmarks.mnist_training import copy_weights, load_mnist, spread, train

EPOCHS = 3


def build(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def run(epochs: int = EPOCHS) -> list[Row]:
    import ember

    data = load_mnist((784,))
    ember.manual_seed(0)
    model = build(ember)
    torch = load_torch()
    t_times, t_acc = [None], [None] * epochs
    if torch is not None:
        torch.manual_seed(0)
        reference = build(torch)
        copy_weights(reference, model)
        t_times, t_acc = train(torch, reference, *data, epochs=epochs)
    e_times, e_acc = train(ember, model, *data, epochs=epochs)
    med, rng = spread(e_times)
    rows = [Row("mlp_mnist epoch", med, spread(t_times)[0] if torch else None, "s/epoch",
                spread=rng)]
    for k in sorted({0, epochs - 1}):
        rows.append(Row(f"mlp_mnist accuracy after {k + 1}", e_acc[k], t_acc[k], "test acc",
                        higher_is_better=True))
    return rows


if __name__ == "__main__":
    from benchmarks.common import print_rows

    print_rows(run())
