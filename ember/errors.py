"""Error classes that Ember raises.

``ShapeError`` is both a ``ValueError`` (Ember's convention: bad arguments are value
errors) and a ``RuntimeError`` (what PyTorch raises, so code that catches
``RuntimeError`` keeps working with ``import ember as torch``).
"""
from __future__ import annotations


class ShapeError(ValueError, RuntimeError):
    """Shapes that cannot broadcast, multiply or be reshaped as asked."""


class GradcheckError(RuntimeError):
    """Analytical and numerical gradients disagree (raised by ``gradcheck``)."""


def shape_error(op: str, message: str, *shapes) -> ShapeError:
    """Build a ``ShapeError`` naming the op and the shapes it saw."""
    seen = ", ".join(str(tuple(s)) for s in shapes)
    return ShapeError(f"{op}: {message} (got shapes {seen})" if shapes else f"{op}: {message}")
