"""Ember's benchmarks. Ember's backend is loaded first, as in a script that starts with
``import ember``: it sets OpenBLAS's thread spin before NumPy loads (``ember/backend.py``).
"""
import ember.backend  # noqa: F401
