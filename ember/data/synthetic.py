"""Small datasets made in code from a seed: XOR, spirals, moons and sine waves.

Each returns ``(inputs, targets)`` as tensors: float32 inputs, and int64 class labels
for the classification sets (``y.float().unsqueeze(1)`` gives targets for an MSE or
binary cross-entropy head). The same seed always gives the same data.
"""
from __future__ import annotations

import numpy as np

from ember.tensor import Tensor


def _check_count(fn: str, name: str, value, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{fn}: {name} must be an integer >= {minimum}, got {value!r}")


def _check_noise(fn: str, noise: float) -> None:
    if not noise >= 0:
        raise ValueError(f"{fn}: noise must be >= 0, got {noise!r}")


def _pair(x: np.ndarray, y: np.ndarray) -> tuple[Tensor, Tensor]:
    return Tensor._wrap(x.astype(np.float32)), Tensor._wrap(y.astype(np.int64))


def xor(n: int | None = None, noise: float = 0.0, seed: int = 0) -> tuple[Tensor, Tensor]:
    """The XOR problem: label 1 when exactly one of the two inputs is 1.

    Args:
        n: ``None`` gives the four corners of the unit square in order; an int draws
            ``n`` random corners.
        noise: standard deviation of Gaussian noise added to the inputs.
        seed: the seed of the draws.

    Shape: inputs ``(N, 2)``, labels ``(N,)``.

    Example: ``x, y = xor()`` gives ``y == [0, 1, 1, 0]``.
    """
    _check_noise("xor", noise)
    rng = np.random.default_rng(seed)
    if n is None:
        bits = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    else:
        _check_count("xor", "n", n)
        bits = rng.integers(0, 2, size=(n, 2))
    x = bits + noise * rng.standard_normal(bits.shape)
    return _pair(x, bits[:, 0] ^ bits[:, 1])


def spirals(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2,
            seed: int = 0) -> tuple[Tensor, Tensor]:
    """Interleaved spiral arms, one per class (CS231n's classic non-linear toy problem).

    Arm ``k`` is ``r * (sin t, cos t)`` for radius ``r`` in [0, 1] and angle ``t`` in
    ``[4k, 4k + 4]`` plus Gaussian noise of std ``noise`` on the angle.

    Shape: inputs ``(n_per_class * n_classes, 2)``, labels ``(N,)`` in ``0..n_classes-1``.
    """
    _check_count("spirals", "n_per_class", n_per_class)
    _check_count("spirals", "n_classes", n_classes)
    _check_noise("spirals", noise)
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    k = np.repeat(np.arange(n_classes), n_per_class)
    t = 4.0 * k + np.tile(np.linspace(0.0, 4.0, n_per_class), n_classes)
    t = t + noise * rng.standard_normal(t.shape)
    return _pair(np.stack([r * np.sin(t), r * np.cos(t)], axis=1), k)


def moons(n: int = 200, noise: float = 0.1, seed: int = 0,
          shuffle: bool = True) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``).

    The upper moon (label 0) has ``n // 2`` points, the lower one (label 1) the rest.

    Shape: inputs ``(n, 2)``, labels ``(n,)``.
    """
    _check_count("moons", "n", n, minimum=2)
    _check_noise("moons", noise)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    a, b = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.stack([np.cos(a), np.sin(a)], 1),
                        np.stack([1 - np.cos(b), 0.5 - np.sin(b)], 1)])
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    if shuffle:
        order = rng.permutation(n)
        x, y = x[order], y[order]
    return _pair(x + noise * rng.standard_normal(x.shape), y)


def sine_waves(n_sequences: int = 256, seq_len: int = 50, noise: float = 0.0,
               dt: float = 0.1, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Sine waves with random frequency (0.5 to 2 rad per unit time) and phase, for
    next-step prediction with a recurrent network.

    Args:
        n_sequences: how many sequences.
        seq_len: time steps per sequence.
        noise: std of Gaussian noise added to the inputs (the targets stay clean).
        dt: the time between two steps.
        seed: the seed of the frequencies, phases and noise.

    Shape: inputs and targets ``(n_sequences, seq_len, 1)`` (batch first);
    ``targets[:, t] == clean_inputs[:, t + 1]``.
    """
    _check_count("sine_waves", "n_sequences", n_sequences)
    _check_count("sine_waves", "seq_len", seq_len)
    _check_noise("sine_waves", noise)
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0.5, 2.0, size=(n_sequences, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n_sequences, 1))
    wave = np.sin(freq * dt * np.arange(seq_len + 1) + phase)
    inputs = wave[:, :-1] + noise * rng.standard_normal((n_sequences, seq_len))
    return (Tensor._wrap(inputs[..., None].astype(np.float32)),
            Tensor._wrap(wave[:, 1:, None].astype(np.float32)))
