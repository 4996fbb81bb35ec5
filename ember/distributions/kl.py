"""``kl_divergence(p, q)``: KL(p || q) by a table of closed forms, extended by ``register_kl``.

The implementation for the most specific registered pair of types is used (the pair whose
classes are nearest to ``type(p)`` and ``type(q)`` in their method resolution orders); an
unregistered pair raises ``NotImplementedError`` as in PyTorch.
"""
from __future__ import annotations

import ember
from ember.distributions.distribution import Distribution

_KL_REGISTRY: dict = {}
_KL_CACHE: dict = {}


def register_kl(type_p, type_q):
    """Decorator registering ``fn(p, q)`` as KL(p || q) for ``type_p`` and ``type_q``.

    Example::

        @register_kl(Normal, Normal)
        def kl_normal_normal(p, q): ...
    """
    if not (isinstance(type_p, type) and issubclass(type_p, Distribution)
            and isinstance(type_q, type) and issubclass(type_q, Distribution)):
        raise TypeError(f"register_kl: expected subclasses of Distribution, "
                        f"got {type_p!r} and {type_q!r}")

    def decorator(fn):
        _KL_REGISTRY[type_p, type_q] = fn
        _KL_CACHE.clear()
        return fn

    return decorator


def _dispatch(type_p, type_q):
    matches = [(type_p.__mro__.index(p) + type_q.__mro__.index(q), fn)
               for (p, q), fn in _KL_REGISTRY.items()
               if issubclass(type_p, p) and issubclass(type_q, q)]
    return min(matches, key=lambda m: m[0])[1] if matches else None


def kl_divergence(p: Distribution, q: Distribution):
    """KL(p || q), shape ``batch_shape``; ``NotImplementedError`` for unknown pairs."""
    key = (type(p), type(q))
    if key not in _KL_CACHE:
        _KL_CACHE[key] = _dispatch(*key)
    fn = _KL_CACHE[key]
    if fn is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p = {type(p).__name__} "
                                  f"and q = {type(q).__name__}")
    return fn(p, q)


def infinite_where(mask, values):
    """``values`` with ``inf`` where ``mask`` holds (support mismatch)."""
    return ember.where(mask, ember.full_like(values, float("inf")), values)


def zero_where(mask, values):
    return ember.where(mask, ember.zeros_like(values), values)
