"""The errors TF1 users know from ``tf.errors``, as Python exception classes.

``InvalidArgumentError`` is a ``ValueError`` (Ember's convention for bad arguments) and
``FailedPreconditionError`` a ``RuntimeError`` (the graph is fine, its state is not).
"""
from __future__ import annotations


class OpError(Exception):
    """Base class of the errors raised while running a graph."""


class InvalidArgumentError(OpError, ValueError):
    """A run was given bad arguments: an unfed placeholder, a fetch from another graph."""


class FailedPreconditionError(OpError, RuntimeError):
    """A run needs state that is not there yet: an uninitialised Variable."""
