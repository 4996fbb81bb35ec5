"""Datasets, preprocessing and augmentation.

- ``mnist()``, ``digits()``: real datasets as train/valid/test ``Split`` objects.
- ``xor``, ``spirals``, ``moons``, ``sine_waves``: toy datasets made from a seed.
- ``StandardScaler``, ``MinMaxScaler``: feature scaling fitted on training data.
- image transforms (``RandomCrop``, ``RandomRotation``, ``Normalize``, ``Compose``, ...),
  ``mixup``, numeric ``Jitter`` and word-level text edits, each seeded.
"""
from ember.data.augmentation import (
    Compose,
    Cutout,
    GaussianNoise,
    Jitter,
    Normalize,
    RandomAffine,
    RandomCrop,
    RandomHorizontalFlip,
    RandomRotation,
    RandomVerticalFlip,
    mixup,
)
from ember.data.datasets import Split, Splits, digits, mnist
from ember.data.preprocessing import MinMaxScaler, StandardScaler
from ember.data.synthetic import moons, sine_waves, spirals, xor
from ember.data.text_augmentation import (
    random_deletion,
    random_insertion,
    random_swap,
    synonym_replacement,
)

__all__ = [
    "Compose", "Cutout", "GaussianNoise", "Jitter", "MinMaxScaler", "Normalize",
    "RandomAffine", "RandomCrop", "RandomHorizontalFlip", "RandomRotation",
    "RandomVerticalFlip", "Split", "Splits", "StandardScaler", "digits", "mixup", "mnist",
    "moons", "random_deletion", "random_insertion", "random_swap", "sine_waves", "spirals",
    "synonym_replacement", "xor",
]
