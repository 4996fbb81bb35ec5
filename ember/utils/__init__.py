"""Utilities with PyTorch's names: ``ember.utils.data`` (datasets, samplers, loaders)."""
from ember.utils import data  # noqa: F401
