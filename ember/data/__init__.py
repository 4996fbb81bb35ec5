"""Datasets, preprocessing and augmentation.

- ``mnist()``, ``digits()``: real datasets as train/valid/test ``Split`` objects.
- ``xor``, ``spirals``, ``moons``, ``sine_waves``: toy datasets made from a seed.
"""
from ember.data.datasets import Split, Splits, digits, mnist
from ember.data.synthetic import moons, sine_waves, spirals, xor

__all__ = ["Split", "Splits", "digits", "mnist", "moons", "sine_waves", "spirals", "xor"]
