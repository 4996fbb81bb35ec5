"""``Distribution``: the base class of every probability distribution (torch.distributions).

Shapes follow PyTorch: a distribution has a ``batch_shape`` (independent, differently
parameterised copies) and an ``event_shape`` (the shape of one draw, ``()`` for a scalar
distribution, ``(k,)`` for a ``k``-dimensional one). ``sample(sample_shape)`` returns
``sample_shape + batch_shape + event_shape``; ``log_prob(value)`` returns the log density of
each event, shape ``sample_shape + batch_shape``.
"""
from __future__ import annotations

import ember
from ember.backend import xp
from ember.distributions import constraints
from ember.dtypes import get_default_dtype
from ember.random import rng_of
from ember.tensor import Size, Tensor

_validate_default = True


def set_default_validate_args(value: bool) -> None:
    """Turn argument validation on or off for distributions built afterwards."""
    global _validate_default
    _validate_default = bool(value)


def as_param(value, like=None) -> Tensor:
    """``value`` as a float tensor (Python numbers take ``like``'s dtype or the default)."""
    if isinstance(value, Tensor):
        return value
    dtype = like.array.dtype if isinstance(like, Tensor) else get_default_dtype()
    return ember.tensor(value, dtype=dtype)


def broadcast_all(*values) -> tuple[Tensor, ...]:
    """Tensors (and numbers) broadcast to one shape, differentiably (``expand``)."""
    like = next((v for v in values if isinstance(v, Tensor)
                 and xp.issubdtype(v.array.dtype, xp.floating)), None)
    tensors = [as_param(v, like) for v in values]
    shape = xp.broadcast_shapes(*(t.array.shape for t in tensors))
    return tuple(t if t.array.shape == shape else t.expand(*shape) for t in tensors)


def standard_normal(shape, like: Tensor) -> Tensor:
    """Standard normal noise of ``shape`` and ``like``'s dtype from Ember's generator."""
    return Tensor._wrap(rng_of().standard_normal(shape).astype(like.array.dtype))


def uniform_open(shape, like: Tensor) -> Tensor:
    """Uniform noise in the open interval (0, 1)."""
    dtype = like.array.dtype
    u = rng_of().random(shape)
    return Tensor._wrap(xp.clip(u, xp.finfo(dtype).tiny, 1 - xp.finfo(dtype).eps).astype(dtype))


class Distribution:
    """Base class: subclasses set ``arg_constraints`` and ``support`` and define the
    methods they have; the others raise ``NotImplementedError`` like PyTorch's."""

    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict = {}
    support = None

    set_default_validate_args = staticmethod(set_default_validate_args)

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        self._validate_args = _validate_default if validate_args is None else validate_args
        if self._validate_args:
            for name, constraint in self.arg_constraints.items():
                if constraint is constraints.dependent or name not in self.__dict__:
                    continue  # a lazily computed alternative (probs vs logits)
                value = getattr(self, name)
                if not bool(constraint.check(value).array.all()):
                    raise ValueError(
                        f"Expected parameter {name} ({type(value).__name__} of shape "
                        f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                        f"constraint {constraint!r}, but found invalid values:\n{value}")

    # ---------------------------------------------------------------- shapes
    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    def _extended_shape(self, sample_shape=()) -> tuple:
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        return tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape)

    def expand(self, batch_shape, _instance=None):
        """The same distribution broadcast to a larger ``batch_shape`` (parameters expand)."""
        batch_shape = Size(batch_shape)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        for name in self.arg_constraints:
            if name in self.__dict__:
                value = self.__dict__[name]
                new.__dict__[name] = value.expand(*batch_shape, *value.shape[
                    len(value.shape) - self._param_event_dims(name):])
        new._batch_shape = batch_shape
        return new

    def _param_event_dims(self, name) -> int:
        return self.arg_constraints[name].event_dim

    # ---------------------------------------------------------------- sampling
    def sample(self, sample_shape=()) -> Tensor:
        """A draw without gradient, shape ``sample_shape + batch_shape + event_shape``."""
        with ember.no_grad():
            if self.has_rsample:
                return self.rsample(sample_shape).detach()
            raise NotImplementedError(f"{type(self).__name__} has no sample")

    def rsample(self, sample_shape=()) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} has no rsample (reparameterised "
                                  "sampling); use sample()")

    def sample_n(self, n: int) -> Tensor:
        return self.sample((n,))

    # ---------------------------------------------------------------- statistics
    def log_prob(self, value):
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError(f"{type(self).__name__} has no cdf")

    def icdf(self, value):
        raise NotImplementedError(f"{type(self).__name__} has no icdf")

    def entropy(self):
        raise NotImplementedError(f"{type(self).__name__} has no entropy")

    def perplexity(self):
        return ember.exp(self.entropy())

    @property
    def mean(self):
        raise NotImplementedError(f"{type(self).__name__} has no mean")

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__} has no mode")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self).__name__} has no variance")

    @property
    def stddev(self):
        return self.variance.sqrt()

    # ---------------------------------------------------------------- validation
    def _validate_sample(self, value) -> None:
        """Raise ``ValueError`` when ``value`` has a bad type, shape or lies outside support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dims = len(self._event_shape)
        if tuple(value.shape[len(value.shape) - event_dims:]) != tuple(self._event_shape) \
                and event_dims:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{tuple(value.shape)} vs {tuple(self._event_shape)}.")
        actual = tuple(value.shape)
        expected = tuple(self._batch_shape) + tuple(self._event_shape)
        try:
            xp.broadcast_shapes(actual, expected)
        except ValueError:
            raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                             f"{actual} vs {expected}.") from None
        support = self.support
        if support is not None and not bool(support.check(value).array.all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape {actual}) to be "
                f"within the support ({support!r}) of the distribution {self!r}, but found "
                f"invalid values:\n{value}")

    def _value(self, value) -> Tensor:
        """``value`` as a tensor, checked against the support when validating."""
        if self._validate_args:
            self._validate_sample(value)
        return as_param(value)

    def __repr__(self) -> str:
        params = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                v = self.__dict__[name]
                params.append(f"{name}: {v.item() if v.numel() == 1 else v.shape}")
        return f"{type(self).__name__}({', '.join(params)})"


class LocScale(Distribution):
    """A real distribution with a location ``loc`` (its mean and mode) and a positive
    ``scale``, broadcast together (Normal, Laplace)."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc
