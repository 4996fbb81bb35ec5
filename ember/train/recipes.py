"""The training recipes behind ``ember train``: MNIST with an MLP or a small CNN.

Two flavours of each:

- the **recipe** (default), tuned for accuracy: inputs standardised with the training
  set's mean and standard deviation, BatchNorm, Adam under a one-cycle learning-rate
  schedule stepped every batch;
- the **workload** (``--workload``), exactly the benchmark of WORKLOADS.md, so that its
  accuracy can be set beside PyTorch's reference: raw pixels in [0, 1], PyTorch's default
  initialisation, Adam at a constant 1e-3, batch 128 (the CNN on the first 10,000 images).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # of the training pixels, the usual constants


@dataclass
class Recipe:
    """What one ``ember train`` run needs."""

    name: str
    epochs: int
    batch_size: int
    lr: float
    flatten: bool
    train_limit: int | None = None


RECIPES = {
    "mlp-mnist": Recipe("mlp-mnist", epochs=3, batch_size=128, lr=3e-3, flatten=True),
    "cnn-mnist": Recipe("cnn-mnist", epochs=1, batch_size=128, lr=4e-3, flatten=False),
}
WORKLOADS = {
    "mlp-mnist": Recipe("mlp-mnist", epochs=3, batch_size=128, lr=1e-3, flatten=True),
    "cnn-mnist": Recipe("cnn-mnist", epochs=1, batch_size=128, lr=1e-3, flatten=False,
                        train_limit=10_000),
}


def build_model(name: str, workload: bool):
    """The network of ``name`` (``"mlp-mnist"`` or ``"cnn-mnist"``)."""
    from ember import nn

    if name == "mlp-mnist" and workload:
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    if name == "mlp-mnist":
        # the workload's network plus BatchNorm: what the recipe adds is what it buys
        return nn.Sequential(
            nn.Linear(784, 256), nn.BatchNorm1d(256), nn.ReLU(),
            nn.Linear(256, 128), nn.BatchNorm1d(128), nn.ReLU(),
            nn.Linear(128, 10))
    if name == "cnn-mnist" and workload:
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "cnn-mnist":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    raise ValueError(f"train: unknown model {name!r}; choose one of {sorted(RECIPES)}")


def _prepare(images: np.ndarray, workload: bool) -> np.ndarray:
    if workload:
        return images  # unnormalised, as the benchmark prescribes
    return (images - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)


def _test_each_epoch(test, loss_fn):
    """A callback logging ``test_accuracy`` at the end of each epoch."""
    from ember.train.callbacks import Callback
    from ember.train.fit import evaluate

    class TestEachEpoch(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["test_accuracy"] = evaluate(self.model, loss_fn, test, ["accuracy"],
                                             batch_size=1000)["accuracy"]

    return TestEachEpoch()


def train_mnist(name: str, epochs: int | None = None, batch_size: int | None = None,
                lr: float | None = None, seed: int = 0, out: str | None = None,
                limit: int | None = None, workload: bool = False, verbose: int = 1,
                validate: bool = True) -> dict:
    """Train ``name`` on MNIST, report test accuracy, write the plot and the weights.

    Returns ``{"test_accuracy", "test_loss", "seconds", "history", "out"}``.
    """
    import ember
    from ember import io, nn
    from ember.data import mnist
    from ember.train.callbacks import CSVLogger, LearningRateScheduler
    from ember.train.fit import evaluate, fit
    from ember.train.plot import diagnose, plot_history

    base = (WORKLOADS if workload else RECIPES)[name]
    epochs = base.epochs if epochs is None else epochs
    batch_size = batch_size or base.batch_size
    lr = lr or base.lr
    limit = limit if limit is not None else base.train_limit
    if epochs < 1 or batch_size < 1 or lr <= 0 or (limit is not None and limit < 1):
        raise ValueError(f"train: epochs, batch size, learning rate and limit must be "
                         f"positive, got {epochs}, {batch_size}, {lr}, {limit}")
    out = out or os.path.join("runs", name + ("-workload" if workload else ""))
    os.makedirs(out, exist_ok=True)

    data = mnist(flatten=base.flatten)
    x_train, y_train = data.train
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    x_train = _prepare(x_train, workload)
    valid = (_prepare(data.valid.images, workload), data.valid.labels)
    test = (_prepare(data.test.images, workload), data.test.labels)

    ember.manual_seed(seed)
    model = build_model(name, workload)
    optimizer = ember.optim.Adam(model.parameters(), lr=lr)
    callbacks = [CSVLogger(os.path.join(out, "history.csv"))]
    if workload:  # WORKLOADS.md quotes test accuracy after each epoch (1 and 3)
        callbacks.insert(0, _test_each_epoch(test, nn.CrossEntropyLoss()))
    else:
        steps = epochs * -(-len(y_train) // batch_size)
        schedule = ember.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
        callbacks.append(LearningRateScheduler(schedule, interval="batch"))
    loss_fn = nn.CrossEntropyLoss()
    if verbose:
        kind = "benchmark workload" if workload else "recipe"
        print(f"ember train {name} ({kind}): {len(y_train)} training images, {epochs} "
              f"epoch(s), batch {batch_size}, Adam lr {lr:g}, seed {seed}")
    start = time.perf_counter()
    history = fit(model, loss_fn, optimizer, (x_train, y_train),
                  val_data=valid if validate else None, epochs=epochs, batch_size=batch_size,
                  callbacks=callbacks, metrics=["accuracy"], verbose=verbose)
    seconds = time.perf_counter() - start
    scores = evaluate(model, loss_fn, test, metrics=["accuracy"], batch_size=1000)
    weights = os.path.join(out, "model.safetensors")
    io.save_model(model, weights, metadata={"recipe": name, "workload": str(workload),
                                            "test_accuracy": f"{scores['accuracy']:.4f}"})
    plot = plot_history(history, os.path.join(out, "history.png"),
                        title=f"{name}: test accuracy {scores['accuracy']:.4f}\n"
                              f"{diagnose(history)}")
    if verbose:
        print(f"test accuracy {scores['accuracy']:.4f}  test loss {scores['loss']:.4f}  "
              f"(training {seconds:.1f}s)")
        print(f"wrote {plot} and {weights}")
    return {"test_accuracy": scores["accuracy"], "test_loss": scores["loss"],
            "seconds": seconds, "history": history, "out": out}
