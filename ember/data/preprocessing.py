"""Feature scaling: ``StandardScaler`` and ``MinMaxScaler``, as in scikit-learn.

Fit the statistics on the training data only, then transform every split with them:
fitting on validation or test data leaks information about them into training (seed
question 4). Both accept NumPy arrays or tensors of shape ``(n_samples, n_features)``
and return the same kind they were given; float inputs keep their dtype, integer
inputs become float32. Statistics are computed in float64.
"""
from __future__ import annotations

import numpy as np

from ember.tensor import Tensor


def _as_2d(fn: str, x) -> tuple[np.ndarray, bool]:
    is_tensor = isinstance(x, Tensor)
    a = np.asarray(x.detach().numpy() if is_tensor else x)
    if a.ndim != 2:
        raise ValueError(f"{fn}: expected a 2-D array (n_samples, n_features), got shape "
                         f"{a.shape}; reshape a single feature with x.reshape(-1, 1)")
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: expected numeric data, got dtype {a.dtype}")
    return a, is_tensor


def _output(values: np.ndarray, like: np.ndarray, is_tensor: bool):
    dtype = like.dtype if like.dtype.kind == "f" else np.dtype(np.float32)
    out = values.astype(dtype, copy=False)
    return Tensor._wrap(out) if is_tensor else out


def _safe_scale(scale: np.ndarray, constant: np.ndarray) -> np.ndarray:
    """Scale 1 for constant features, so that they map to 0 instead of dividing by 0."""
    scale = scale.copy()
    scale[constant] = 1.0
    return scale


class _Scaler:
    """Shared plumbing: input checks, the fitted-state check, ``fit_transform``."""

    def _fit_array(self, fn: str, x) -> np.ndarray:
        a, _ = _as_2d(fn, x)
        if len(a) == 0:
            raise ValueError(f"{fn}: cannot fit on 0 samples (shape {a.shape})")
        a = a.astype(np.float64)
        if not np.isfinite(a).all():
            raise ValueError(f"{fn}: the data contains NaN or infinity")
        self.n_features_in_ = a.shape[1]
        self.n_samples_seen_ = a.shape[0]
        return a

    def _check(self, fn: str, x) -> tuple[np.ndarray, bool]:
        if not hasattr(self, "n_features_in_"):
            raise RuntimeError(f"{fn}: this {type(self).__name__} is not fitted yet; call "
                               f"fit(train_data) first")
        a, is_tensor = _as_2d(fn, x)
        if a.shape[1] != self.n_features_in_:
            raise ValueError(f"{fn}: X has {a.shape[1]} features (shape {a.shape}), but the "
                             f"scaler was fitted on {self.n_features_in_}")
        return a, is_tensor

    def fit_transform(self, x):
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)


class StandardScaler(_Scaler):
    """Standardise features: ``z = (x - mean) / std`` with the mean and (population)
    standard deviation of the training data, per feature.

    Args:
        with_mean: subtract the mean.
        with_std: divide by the standard deviation (a constant feature is divided by 1).

    Attributes after ``fit``: ``mean_``, ``var_``, ``scale_`` (float64, one per feature).

    Example::

        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, x) -> StandardScaler:
        a = self._fit_array("StandardScaler.fit", x)
        n = len(a)
        # as scikit-learn: mean_ is kept whenever anything is scaled, even without centring
        self.mean_ = a.mean(axis=0) if self.with_mean or self.with_std else None
        self.var_ = self.scale_ = None
        if self.with_std:
            self.var_ = a.var(axis=0)
            # scikit-learn's test for a feature that is constant up to rounding error
            eps = np.finfo(np.float64).eps
            bound = n * eps * self.var_ + (n * self.mean_ * eps) ** 2
            self.scale_ = _safe_scale(np.sqrt(self.var_), self.var_ <= bound)
        return self

    def transform(self, x):
        """Standardise ``x`` with the fitted statistics (same kind and float dtype out)."""
        a, is_tensor = self._check("StandardScaler.transform", x)
        out = a.astype(np.float64)
        if self.with_mean:
            out = out - self.mean_
        if self.with_std:
            out = out / self.scale_
        return _output(out, a, is_tensor)

    def inverse_transform(self, z):
        """Undo ``transform``: ``x = z * std + mean``."""
        a, is_tensor = self._check("StandardScaler.inverse_transform", z)
        out = a.astype(np.float64)
        if self.with_std:
            out = out * self.scale_
        if self.with_mean:
            out = out + self.mean_
        return _output(out, a, is_tensor)


class MinMaxScaler(_Scaler):
    """Rescale each feature linearly so that the training data spans ``feature_range``.

    Args:
        feature_range: ``(low, high)``, default ``(0, 1)``.
        clip: clip transformed values into ``feature_range`` (new data can fall outside).

    Attributes after ``fit``: ``data_min_``, ``data_max_``, ``data_range_``, ``scale_``,
    ``min_``, so that ``transform(x) = x * scale_ + min_``. A constant feature maps to
    ``low``.
    """

    def __init__(self, feature_range: tuple[float, float] = (0, 1), clip: bool = False) -> None:
        low, high = feature_range
        if not low < high:
            raise ValueError(f"MinMaxScaler: feature_range must be (low, high) with low < high, "
                             f"got {tuple(feature_range)}")
        self.feature_range = (low, high)
        self.clip = clip

    def fit(self, x) -> MinMaxScaler:
        a = self._fit_array("MinMaxScaler.fit", x)
        low, high = self.feature_range
        self.data_min_, self.data_max_ = a.min(axis=0), a.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        constant = self.data_range_ < 10 * np.finfo(np.float64).eps
        self.scale_ = (high - low) / _safe_scale(self.data_range_, constant)
        self.min_ = low - self.data_min_ * self.scale_
        return self

    def transform(self, x):
        """Rescale ``x`` with the fitted minimum and range."""
        a, is_tensor = self._check("MinMaxScaler.transform", x)
        out = a.astype(np.float64) * self.scale_ + self.min_
        if self.clip:
            out = np.clip(out, *self.feature_range)
        return _output(out, a, is_tensor)

    def inverse_transform(self, z):
        """Undo ``transform``: ``x = (z - min_) / scale_``."""
        a, is_tensor = self._check("MinMaxScaler.inverse_transform", z)
        return _output((a.astype(np.float64) - self.min_) / self.scale_, a, is_tensor)
