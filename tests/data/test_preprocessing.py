"""ember.data.preprocessing: parity with scikit-learn's scalers."""
import numpy as np
import pytest
from sklearn import preprocessing as sk

import ember
from ember.data.preprocessing import MinMaxScaler, StandardScaler


def _data(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 2.0, size=(40, 5)).astype(dtype)
    x[:, 2] = 7.5  # a constant column
    x[:, 4] *= 1e3
    return x


def _tol(dtype):
    return {"rtol": 1e-5, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-12}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", [{}, {"with_mean": False}, {"with_std": False}])
def test_standard_scaler_matches_scikit_learn(dtype, kwargs):
    train, test = _data(dtype, 0), _data(dtype, 1)
    ours, ref = StandardScaler(**kwargs).fit(train), sk.StandardScaler(**kwargs).fit(train)
    for name in ("mean_", "var_", "scale_"):
        if getattr(ref, name) is None:
            assert getattr(ours, name) is None
        else:
            np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), **_tol(dtype))
    z = ours.transform(test)
    assert z.dtype == dtype
    np.testing.assert_allclose(z, ref.transform(test), **_tol(dtype))
    np.testing.assert_allclose(ours.inverse_transform(z), test, **_tol(dtype))


def test_standard_scaler_standardises_the_training_data():
    z = StandardScaler().fit_transform(_data())
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), [1, 1, 0, 1, 1], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kwargs", [{}, {"feature_range": (-1, 1)}, {"feature_range": (2, 5)},
                                    {"feature_range": (-1, 1), "clip": True}])
def test_min_max_scaler_matches_scikit_learn(dtype, kwargs):
    train, test = _data(dtype, 0), _data(dtype, 1)
    ours, ref = MinMaxScaler(**kwargs).fit(train), sk.MinMaxScaler(**kwargs).fit(train)
    for name in ("data_min_", "data_max_", "data_range_", "scale_", "min_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), **_tol(dtype))
    z = ours.transform(test)
    assert z.dtype == dtype
    np.testing.assert_allclose(z, ref.transform(test), **_tol(dtype))
    low, high = ours.feature_range
    np.testing.assert_allclose(ours.transform(train).min(axis=0), [low, low, low, low, low],
                               **_tol(dtype))
    if not kwargs.get("clip"):
        np.testing.assert_allclose(ours.inverse_transform(z), test, rtol=1e-4 if dtype ==
                                   np.float32 else 1e-12, atol=1e-3 if dtype == np.float32
                                   else 1e-9)


def test_scalers_take_tensors_and_return_tensors():
    x = _data(np.float32)
    t = ember.from_numpy(x)
    for ours, ref in ((StandardScaler(), sk.StandardScaler()),
                      (MinMaxScaler((-1, 1)), sk.MinMaxScaler((-1, 1)))):
        z = ours.fit_transform(t)
        assert isinstance(z, ember.Tensor) and z.dtype == ember.float32
        np.testing.assert_allclose(z.numpy(), ref.fit_transform(x), rtol=1e-5, atol=1e-5)
        back = ours.inverse_transform(z)
        assert isinstance(back, ember.Tensor)


def test_integer_input_becomes_float32():
    x = np.arange(12).reshape(6, 2)
    z = StandardScaler().fit_transform(x)
    assert z.dtype == np.float32
    np.testing.assert_allclose(z, sk.StandardScaler().fit_transform(x), rtol=1e-6)


def test_scalers_explain_misuse():
    with pytest.raises(RuntimeError, match="StandardScaler.transform: .*not fitted yet"):
        StandardScaler().transform(np.ones((2, 2)))
    scaler = MinMaxScaler().fit(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"MinMaxScaler.transform: X has 2 features \(shape "
                                         r"\(4, 2\)\), but the scaler was fitted on 3"):
        scaler.transform(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"StandardScaler.fit: expected a 2-D.*shape \(5,\)"):
        StandardScaler().fit(np.ones(5))
    with pytest.raises(ValueError, match="NaN or infinity"):
        StandardScaler().fit(np.array([[1.0], [np.nan]]))
    with pytest.raises(ValueError, match="feature_range"):
        MinMaxScaler(feature_range=(1, 0))
