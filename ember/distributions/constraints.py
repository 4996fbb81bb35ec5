"""Constraints: what values a parameter or a sample may take (PyTorch's names, simplified).

Each constraint is an object with ``check(value) -> bool tensor`` and a readable ``repr``
used in ``validate_args`` error messages.
"""
from __future__ import annotations

from ember.backend import xp
from ember.tensor import Tensor


def _array(value):
    return value.array if isinstance(value, Tensor) else xp.asarray(value)


class Constraint:
    """The set of valid values; ``event_dim`` is how many rightmost dims one event spans."""

    is_discrete = False
    event_dim = 0

    def check(self, value) -> Tensor:
        return Tensor._wrap(self._check(_array(value)))

    def _check(self, a):
        raise NotImplementedError

    def __repr__(self) -> str:
        return type(self).__name__.lstrip("_") + "()"


class _Real(Constraint):
    def _check(self, a):
        return a == a  # False only for NaN


class _Interval(Constraint):
    def __init__(self, low=None, high=None, low_open=False, high_open=False):
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open

    def _check(self, a):
        ok = a == a
        if self.low is not None:
            ok = ok & ((a > self.low) if self.low_open else (a >= self.low))
        if self.high is not None:
            ok = ok & ((a < self.high) if self.high_open else (a <= self.high))
        return ok

    def __repr__(self) -> str:
        return (f"Interval(low={self.low}{' (open)' if self.low_open else ''}, "
                f"high={self.high}{' (open)' if self.high_open else ''})")


class _IntegerInterval(_Interval):
    is_discrete = True

    def _check(self, a):
        return super()._check(a) & (a % 1 == 0)

    def __repr__(self) -> str:
        return f"IntegerInterval(low={self.low}, high={self.high})"


class _Boolean(Constraint):
    is_discrete = True

    def _check(self, a):
        return (a == 0) | (a == 1)


class _Simplex(Constraint):
    event_dim = 1

    def _check(self, a):
        return xp.all(a >= 0, axis=-1) & (xp.abs(a.sum(-1) - 1) < 1e-6)


class _OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def _check(self, a):
        return xp.all((a == 0) | (a == 1), axis=-1) & (a.sum(-1) == 1)


class _RealVector(Constraint):
    event_dim = 1

    def _check(self, a):
        return xp.all(a == a, axis=-1)


class _LowerCholesky(Constraint):
    event_dim = 2

    def _check(self, a):
        lower = xp.all(xp.triu(a, 1) == 0, axis=(-2, -1))
        return lower & xp.all(xp.diagonal(a, axis1=-2, axis2=-1) > 0, axis=-1)


class _PositiveDefinite(Constraint):
    event_dim = 2

    def _check(self, a):
        sym = xp.all(xp.abs(a - xp.swapaxes(a, -1, -2)) <= 1e-6 * xp.abs(a).max(), (-2, -1))
        return sym & xp.all(xp.linalg.eigvalsh(a) > 0, axis=-1)


class _Dependent(Constraint):
    """A support that depends on parameters; ``check`` is done by the distribution."""

    def _check(self, a):
        return xp.ones(a.shape, dtype=bool)


real = _Real()
positive = _Interval(0.0, None, low_open=True)
nonnegative = _Interval(0.0, None)
unit_interval = _Interval(0.0, 1.0)
open_unit_interval = _Interval(0.0, 1.0, True, True)
boolean = _Boolean()
nonnegative_integer = _IntegerInterval(0, None)
positive_integer = _IntegerInterval(1, None)
simplex = _Simplex()
one_hot = _OneHot()
real_vector = _RealVector()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
dependent = _Dependent()


def interval(low, high) -> Constraint:
    return _Interval(low, high)


def half_open_interval(low, high) -> Constraint:
    return _Interval(low, high, high_open=True)


def integer_interval(low, high) -> Constraint:
    return _IntegerInterval(low, high)


def greater_than(low) -> Constraint:
    return _Interval(low, None, low_open=True)


class _IndependentPositive(_Interval):
    """Positive entries, checked per vector (event_dim 1): a Dirichlet concentration."""

    event_dim = 1

    def __init__(self):
        super().__init__(0.0, None, low_open=True)

    def _check(self, a):
        return xp.all(super()._check(a), axis=-1)

    def __repr__(self) -> str:
        return "IndependentConstraint(GreaterThan(lower_bound=0.0), 1)"


independent_positive = _IndependentPositive()
