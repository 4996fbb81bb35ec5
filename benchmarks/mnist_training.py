"""Shared code of the ``mlp_mnist`` and ``cnn_mnist`` workloads.

One function trains a model written once against PyTorch's API (``lib`` is ``ember`` or
``torch``), with the same shuffling for both, and returns per-epoch times and test
accuracies. Batches are cut before the timer starts: data loading is not timed.
"""
from __future__ import annotations

import statistics
import time

import numpy as np


def load_mnist(image_shape):
    from ember.data import mnist

    data = mnist()
    train, test = data.train, data.test
    return (train.images.reshape((-1,) + image_shape), train.labels,
            test.images.reshape((-1,) + image_shape), test.labels)


def train(lib, model, x, y, x_test, y_test, epochs, batch_size=128, lr=1e-3, seed=0,
          limit=None):
    """Adam(lr) on cross-entropy; returns (seconds per epoch list, accuracy per epoch list)."""
    if limit is not None:
        x, y = x[:limit], y[:limit]
    optimizer = lib.optim.Adam(model.parameters(), lr=lr)
    loss_fn = lib.nn.functional.cross_entropy
    rng = np.random.default_rng(seed)
    times, accuracies = [], []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        batches = [(lib.from_numpy(np.ascontiguousarray(x[order[i:i + batch_size]])),
                    lib.from_numpy(np.ascontiguousarray(y[order[i:i + batch_size]])))
                   for i in range(0, len(x), batch_size)]
        model.train()
        t0 = time.perf_counter()
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - t0)
        accuracies.append(accuracy(lib, model, x_test, y_test))
    return times, accuracies


def accuracy(lib, model, x_test, y_test, batch_size=1000):
    model.eval()
    correct = 0
    with lib.no_grad():
        for i in range(0, len(x_test), batch_size):
            logits = model(lib.from_numpy(x_test[i:i + batch_size].copy()))
            correct += int((logits.argmax(1).numpy() == y_test[i:i + batch_size]).sum())
    return correct / len(x_test)


def copy_weights(torch_model, ember_model):
    """Give ``ember_model`` the PyTorch model's weights, by state_dict key, through NumPy."""
    ember_model.load_state_dict(
        {k: v.detach().numpy().copy() for k, v in torch_model.state_dict().items()})


def spread(times):
    return statistics.median(times), f"{min(times):.3g}..{max(times):.3g}"
