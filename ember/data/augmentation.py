"""Data augmentation for images and numbers (seed question 38).

Image transforms take one image ``(C, H, W)`` or a batch ``(N, C, H, W)``, as a NumPy
array or a tensor, and return the same kind, shape convention and dtype. In a batch every
image draws its own random parameters (its own flip, crop offset, angle...), in one
vectorised step. Each random transform takes ``seed`` (its own generator, so two
transforms built with the same seed produce the same sequence of results) or
``generator`` (an ``ember.Generator``; by default Ember's global generator, seeded by
``ember.manual_seed``). Augmentation is a data step: outputs are plain tensors that
record no autograd history.

Example::

    train_tf = Compose([RandomCrop(28, padding=2, seed=0), RandomRotation(10, seed=1),
                        Normalize([0.1307], [0.3081])])
    xb = train_tf(xb)              # (128, 1, 28, 28)
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ember.data.seeding import rng_for
from ember.tensor import Tensor


def _unwrap(fn: str, x, image: bool = True) -> tuple[np.ndarray, bool, bool]:
    """``(batch array, was_tensor, was_single)``; images become ``(N, C, H, W)``."""
    is_tensor = isinstance(x, Tensor)
    a = x.array if is_tensor else np.asarray(x)
    if not image:
        return a, is_tensor, False
    if a.ndim == 3:
        return a[None], is_tensor, True
    if a.ndim != 4:
        raise ValueError(f"{fn}: expected an image (C, H, W) or a batch (N, C, H, W), got "
                         f"shape {a.shape}")
    return a, is_tensor, False


def _wrap(out: np.ndarray, is_tensor: bool, single: bool, dtype):
    if out.dtype != dtype:
        out = np.rint(out) if dtype.kind in "iub" else out
        out = out.astype(dtype)
    if single:
        out = out[0]
    return Tensor._wrap(out) if is_tensor else out


def _pair(fn: str, name: str, value) -> tuple[int, int]:
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2 or any(int(v) != v or v < 0 for v in pair):
        raise ValueError(f"{fn}: {name} must be a non-negative int or a pair of them, "
                         f"got {value!r}")
    return int(pair[0]), int(pair[1])


class RandomTransform:
    """Base of the random transforms: holds where random numbers come from."""

    def __init__(self, generator=None, seed: int | None = None) -> None:
        self.generator = generator
        self._own_rng = None if seed is None else rng_for(generator, seed)

    @property
    def rng(self) -> np.random.Generator:
        return self._own_rng if self._own_rng is not None else rng_for(self.generator)

    def __call__(self, x):
        fn = type(self).__name__
        a, is_tensor, single = _unwrap(fn, x)
        return _wrap(self.apply(a), is_tensor, single, a.dtype)

    def apply(self, batch: np.ndarray) -> np.ndarray:
        """Transform a ``(N, C, H, W)`` array (subclasses define it)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                           if not k.startswith("_") and k != "generator")
        return f"{type(self).__name__}({fields})"


class Compose:
    """Apply ``transforms`` one after the other: ``Compose([RandomCrop(28, 2), ...])``."""

    def __init__(self, transforms: Sequence[Callable]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        return "Compose([" + ", ".join(map(repr, self.transforms)) + "])"


class RandomHorizontalFlip(RandomTransform):
    """Mirror each image left-right with probability ``p``."""

    axis = -1

    def __init__(self, p: float = 0.5, generator=None, seed: int | None = None) -> None:
        super().__init__(generator, seed)
        if not 0 <= p <= 1:
            raise ValueError(f"{type(self).__name__}: p must lie in [0, 1], got {p}")
        self.p = p

    def apply(self, batch: np.ndarray) -> np.ndarray:
        flip = self.rng.random(len(batch)) < self.p
        out = batch.copy()
        out[flip] = np.flip(batch[flip], axis=self.axis)
        return out


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror each image top-bottom with probability ``p``."""

    axis = -2


class RandomCrop(RandomTransform):
    """Pad each image by ``padding``, then cut a ``size`` window at a random position.

    Args:
        size: output ``(height, width)`` or one int for a square.
        padding: pixels added on each side (int, or ``(vertical, horizontal)``).
        fill: the value of constant padding.
        padding_mode: ``"constant"``, ``"edge"`` or ``"reflect"`` (NumPy's ``pad`` modes).
    """

    def __init__(self, size, padding=0, fill: float = 0, padding_mode: str = "constant",
                 generator=None, seed: int | None = None) -> None:
        super().__init__(generator, seed)
        self.size = _pair("RandomCrop", "size", size)
        self.padding = _pair("RandomCrop", "padding", padding)
        if padding_mode not in ("constant", "edge", "reflect"):
            raise ValueError(f"RandomCrop: padding_mode must be 'constant', 'edge' or "
                             f"'reflect', got {padding_mode!r}")
        self.fill, self.padding_mode = fill, padding_mode

    def apply(self, batch: np.ndarray) -> np.ndarray:
        (h, w), (py, px) = self.size, self.padding
        pad = ((0, 0), (0, 0), (py, py), (px, px))
        kwargs = {"constant_values": self.fill} if self.padding_mode == "constant" else {}
        padded = np.pad(batch, pad, mode=self.padding_mode, **kwargs)
        hp, wp = padded.shape[-2:]
        if h > hp or w > wp:
            raise ValueError(f"RandomCrop: crop size {(h, w)} is larger than the padded image "
                             f"{(hp, wp)} (image {batch.shape[-2:]}, padding {(py, px)})")
        n = len(batch)
        top = self.rng.integers(0, hp - h + 1, size=n)
        left = self.rng.integers(0, wp - w + 1, size=n)
        windows = sliding_window_view(padded, (h, w), axis=(-2, -1))  # (N, C, ., ., h, w)
        return np.ascontiguousarray(windows[np.arange(n), :, top, left])


def _warp(batch: np.ndarray, inverse: np.ndarray, shift: np.ndarray, fill: float,
          interpolation: str) -> np.ndarray:
    """Resample each image through an affine map about its centre.

    Output pixel ``p`` (as ``(x, y)``, centre ``c``) reads the input at
    ``inverse[n] @ (p - c - shift[n]) + c``; ``inverse`` is ``(N, 2, 2)``, ``shift``
    ``(N, 2)``. Pixels that fall outside the input get ``fill``.
    """
    n, _, h, w = batch.shape
    cx, cy = (w - 1) / 2, (h - 1) / 2
    ys, xs = np.mgrid[0:h, 0:w]
    dx = xs[None] - cx - shift[:, 0, None, None]
    dy = ys[None] - cy - shift[:, 1, None, None]
    sx = inverse[:, 0, 0, None, None] * dx + inverse[:, 0, 1, None, None] * dy + cx
    sy = inverse[:, 1, 0, None, None] * dx + inverse[:, 1, 1, None, None] * dy + cy
    # a ring of fill around each image lets out-of-range reads land on fill
    padded = np.pad(batch, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=fill)
    hwc = padded.transpose(0, 2, 3, 1)
    idx = np.arange(n)[:, None, None]

    def read(yi, xi):  # rows, cols in input coordinates -> (N, H, W, C)
        return hwc[idx, np.clip(yi, -1, h) + 1, np.clip(xi, -1, w) + 1]

    if interpolation == "nearest":
        out = read(np.rint(sy).astype(np.int64), np.rint(sx).astype(np.int64))
    else:
        x0, y0 = np.floor(sx), np.floor(sy)
        wx, wy = (sx - x0)[..., None], (sy - y0)[..., None]
        x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
        out = ((1 - wy) * ((1 - wx) * read(y0, x0) + wx * read(y0, x0 + 1))
               + wy * ((1 - wx) * read(y0 + 1, x0) + wx * read(y0 + 1, x0 + 1)))
        if batch.dtype.kind == "f":
            out = out.astype(batch.dtype, copy=False)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def _range(fn: str, name: str, value, centre: float) -> tuple[float, float]:
    """``d`` means ``(centre - d, centre + d)``; a pair is taken as is."""
    lo, hi = (centre - value, centre + value) if np.isscalar(value) else tuple(value)
    if not lo <= hi:
        raise ValueError(f"{fn}: {name} must be a non-negative number or a (low, high) pair, "
                         f"got {value!r}")
    return float(lo), float(hi)


class RandomAffine(RandomTransform):
    """Rotate, scale and shift each image by random amounts (as torchvision's).

    Args:
        degrees: angle range: ``d`` for ``[-d, d]`` or ``(low, high)``; positive turns
            counter-clockwise.
        translate: ``(a, b)``: shift horizontally by up to ``a * width`` and vertically by
            up to ``b * height`` pixels, in either direction (whole pixels).
        scale: ``(low, high)`` zoom factor range.
        fill: the value of pixels that come from outside the image.
        interpolation: ``"nearest"`` (exact for multiples of 90 degrees and for shifts)
            or ``"bilinear"``.
    """

    def __init__(self, degrees=0.0, translate: tuple[float, float] | None = None,
                 scale: tuple[float, float] | None = None, fill: float = 0,
                 interpolation: str = "nearest", generator=None,
                 seed: int | None = None) -> None:
        super().__init__(generator, seed)
        fn = type(self).__name__
        self.degrees = _range(fn, "degrees", degrees, 0.0)
        if translate is not None and (len(translate) != 2
                                      or not all(0 <= t <= 1 for t in translate)):
            raise ValueError(f"{fn}: translate must be two fractions in [0, 1], "
                             f"got {translate!r}")
        self.translate = translate
        self.scale = None if scale is None else _range(fn, "scale", scale, 1.0)
        if self.scale is not None and self.scale[0] <= 0:
            raise ValueError(f"{fn}: scale must be positive, got {scale!r}")
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError(f"{fn}: interpolation must be 'nearest' or 'bilinear', "
                             f"got {interpolation!r}")
        self.fill, self.interpolation = fill, interpolation

    def apply(self, batch: np.ndarray) -> np.ndarray:
        n, _, h, w = batch.shape
        rng = self.rng
        theta = np.deg2rad(rng.uniform(*self.degrees, size=n))
        zoom = rng.uniform(*self.scale, size=n) if self.scale else np.ones(n)
        shift = np.zeros((n, 2))
        if self.translate:
            max_dx, max_dy = self.translate[0] * w, self.translate[1] * h
            shift[:, 0] = np.rint(rng.uniform(-max_dx, max_dx, size=n))
            shift[:, 1] = np.rint(rng.uniform(-max_dy, max_dy, size=n))
        # inverse of "rotate counter-clockwise by theta, then zoom" in (x right, y down)
        c, s = np.cos(theta) / zoom, np.sin(theta) / zoom
        inverse = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
        return _warp(batch, inverse, shift, self.fill, self.interpolation)


class RandomRotation(RandomAffine):
    """Rotate each image by a random angle in ``[-degrees, degrees]`` (or ``(low, high)``),
    counter-clockwise for positive angles, about its centre."""

    def __init__(self, degrees, fill: float = 0, interpolation: str = "nearest",
                 generator=None, seed: int | None = None) -> None:
        super().__init__(degrees, fill=fill, interpolation=interpolation,
                         generator=generator, seed=seed)


class Cutout(RandomTransform):
    """Set a ``size`` x ``size`` square at a random place (fully inside the image, across
    all channels) to ``fill``, ``n_holes`` times per image (DeVries and Taylor, 2017)."""

    def __init__(self, size: int, n_holes: int = 1, fill: float = 0, generator=None,
                 seed: int | None = None) -> None:
        super().__init__(generator, seed)
        if int(size) != size or size < 1 or int(n_holes) != n_holes or n_holes < 0:
            raise ValueError(f"Cutout: size must be a positive int and n_holes a non-negative "
                             f"int, got size={size!r}, n_holes={n_holes!r}")
        self.size, self.n_holes, self.fill = int(size), int(n_holes), fill

    def apply(self, batch: np.ndarray) -> np.ndarray:
        n, _, h, w = batch.shape
        k = self.size
        if k > h or k > w:
            raise ValueError(f"Cutout: a hole of size {k} does not fit in images of size "
                             f"{(h, w)}")
        out = batch.copy()
        rows, cols = np.arange(h), np.arange(w)
        for _ in range(self.n_holes):
            top = self.rng.integers(0, h - k + 1, size=(n, 1))
            left = self.rng.integers(0, w - k + 1, size=(n, 1))
            in_rows = (rows >= top) & (rows < top + k)            # (N, H)
            in_cols = (cols >= left) & (cols < left + k)         # (N, W)
            hole = in_rows[:, None, :, None] & in_cols[:, None, None, :]
            out = np.where(hole, np.asarray(self.fill, dtype=out.dtype), out)
        return out


class Normalize:
    """Per-channel standardisation: ``(x - mean[c]) / std[c]``.

    Args:
        mean, std: one value per channel (or a single value for all).
    """

    def __init__(self, mean, std) -> None:
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if self.mean.ndim != 1 or self.std.ndim != 1 or (self.std == 0).any():
            raise ValueError(f"Normalize: mean and std must be numbers or 1-D sequences, "
                             f"std non-zero; got mean {mean!r}, std {std!r}")

    def __call__(self, x):
        a, is_tensor, single = _unwrap("Normalize", x)
        c = a.shape[1]
        for name, v in (("mean", self.mean), ("std", self.std)):
            if len(v) not in (1, c):
                raise ValueError(f"Normalize: {name} has {len(v)} values but the images have "
                                 f"{c} channels (shape {a.shape[1:]})")
        dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float32)
        mean = self.mean.astype(dtype)[:, None, None]
        std = self.std.astype(dtype)[:, None, None]
        return _wrap((a.astype(dtype, copy=False) - mean) / std, is_tensor, single, dtype)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


class GaussianNoise(RandomTransform):
    """Add ``N(mean, std^2)`` noise to every value (any shape; floats only).

    Args:
        std, mean: the noise distribution.
        clip: optional ``(low, high)`` to clip the result into (e.g. ``(0, 1)`` pixels).
    """

    def __init__(self, std: float = 0.1, mean: float = 0.0, clip=None, generator=None,
                 seed: int | None = None) -> None:
        super().__init__(generator, seed)
        if not std >= 0:
            raise ValueError(f"GaussianNoise: std must be >= 0, got {std!r}")
        self.std, self.mean, self.clip = std, mean, clip

    def __call__(self, x):
        a, is_tensor, _ = _unwrap("GaussianNoise", x, image=False)
        if a.dtype.kind != "f":
            raise TypeError(f"GaussianNoise: expected floating-point data, got {a.dtype}")
        noise = self.rng.normal(self.mean, self.std, size=a.shape).astype(a.dtype)
        out = a + noise
        if self.clip is not None:
            out = np.clip(out, *self.clip)
        return _wrap(out, is_tensor, False, a.dtype)


class Jitter(GaussianNoise):
    """Numeric jitter for tabular data or series: add ``N(0, (std * scale)^2)`` noise,
    where ``scale`` is one value per feature (last axis), e.g. a fitted
    ``StandardScaler().scale_``, so each feature is jittered in proportion to its spread.
    """

    def __init__(self, std: float = 0.01, scale=None, generator=None,
                 seed: int | None = None) -> None:
        super().__init__(std, 0.0, None, generator, seed)
        self.scale = None if scale is None else np.asarray(scale, dtype=np.float64)

    def __call__(self, x):
        a, is_tensor, _ = _unwrap("Jitter", x, image=False)
        if a.dtype.kind != "f":
            raise TypeError(f"Jitter: expected floating-point data, got {a.dtype}")
        noise = self.rng.normal(0.0, self.std, size=a.shape)
        if self.scale is not None:
            if self.scale.shape not in ((), (a.shape[-1],)):
                raise ValueError(f"Jitter: scale has shape {self.scale.shape} but the data has "
                                 f"{a.shape[-1]} features (shape {a.shape})")
            noise = noise * self.scale
        return _wrap(a + noise.astype(a.dtype), is_tensor, False, a.dtype)


def mixup(x, y, alpha: float = 0.2, num_classes: int | None = None, lam: float | None = None,
          generator=None, seed: int | None = None):
    """mixup (Zhang et al., 2018): blend each sample with another one of the batch.

    ``x' = lam * x + (1 - lam) * x[perm]`` and the same for the targets, with one
    ``lam ~ Beta(alpha, alpha)`` per batch and ``perm`` a random permutation.

    Args:
        x: inputs ``(N, ...)``.
        y: one-hot or soft targets ``(N, K)``, or integer labels ``(N,)`` with
            ``num_classes``.
        alpha: the Beta distribution's parameter (small: mostly light mixing).
        num_classes: needed when ``y`` holds integer labels.
        lam: a fixed mixing weight instead of a random one (``1`` returns the inputs).

    Returns: ``(mixed_x, mixed_y, lam)``; ``mixed_y`` is float ``(N, K)``, to be used with
    a soft-target loss such as ``cross_entropy(logits, mixed_y)``.
    """
    xa, x_tensor, _ = _unwrap("mixup", x, image=False)
    ya, y_tensor, _ = _unwrap("mixup", y, image=False)
    if len(xa) != len(ya):
        raise ValueError(f"mixup: x and y must hold the same number of samples, got shapes "
                         f"{xa.shape} and {ya.shape}")
    if ya.ndim == 1:
        if num_classes is None or ya.dtype.kind not in "iu":
            raise ValueError(f"mixup: y of shape {ya.shape} must be integer labels with "
                             f"num_classes given, or one-hot targets (N, K)")
        ya = np.eye(num_classes, dtype=xa.dtype if xa.dtype.kind == "f" else np.float32)[ya]
    elif ya.dtype.kind != "f":
        ya = ya.astype(np.float32)
    rng = rng_for(generator, seed)
    if lam is None:
        if not alpha > 0:
            raise ValueError(f"mixup: alpha must be > 0, got {alpha!r}")
        lam = float(rng.beta(alpha, alpha))
    elif not 0 <= lam <= 1:
        raise ValueError(f"mixup: lam must lie in [0, 1], got {lam!r}")
    perm = rng.permutation(len(xa))
    mixed_x = (lam * xa + (1 - lam) * xa[perm]).astype(xa.dtype, copy=False)
    mixed_y = (lam * ya + (1 - lam) * ya[perm]).astype(ya.dtype, copy=False)
    return (Tensor._wrap(mixed_x) if x_tensor else mixed_x,
            Tensor._wrap(mixed_y) if y_tensor else mixed_y, lam)
