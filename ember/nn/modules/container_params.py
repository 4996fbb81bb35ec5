"""Parameter containers: ``ParameterList`` and ``ParameterDict``.

Each entry is registered as a parameter of the container under its position (``0``,
``1``, ...) or its key, so ``parameters()`` and ``state_dict()`` keys match PyTorch's
(``experts.0``, ``scales.alpha``). Plain tensors are wrapped in ``Parameter``.
"""
from __future__ import annotations

from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.tensor import Tensor

__all__ = ["ParameterList", "ParameterDict"]


def _as_parameter(owner: str, value):
    if isinstance(value, Parameter) or value is None:
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{owner}: entries must be Parameters or tensors, got "
                    f"{type(value).__name__}")


def _listing(module) -> str:
    """PyTorch's layout: one ``(key): Parameter containing: [...]`` line per entry."""
    lines = [f"  ({k}): {_describe(p)}" for k, p in module._parameters.items()]
    return type(module).__name__ + "(\n" + "\n".join(lines) + "\n)" if lines else (
        type(module).__name__ + "()")


def _describe(p) -> str:
    if p is None:
        return "None"
    size = "x".join(str(d) for d in p.shape)
    return f"Parameter containing: [ember.{p.dtype} of size {size}]"


class ParameterList(Module):
    """A list of parameters, registered as ``0``, ``1``, ...

    Example: ``self.scales = nn.ParameterList([nn.Parameter(ember.ones(4)) for _ in range(3)])``.
    """

    def __init__(self, values=None):
        super().__init__()
        for v in values or []:
            self.append(v)

    def append(self, value) -> ParameterList:
        self.register_parameter(str(len(self)), _as_parameter("ParameterList", value))
        return self

    def extend(self, values) -> ParameterList:
        for v in values:
            self.append(v)
        return self

    def _index(self, idx: int) -> str:
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"ParameterList: index {idx} is out of range for {n} parameters")
        return str(idx % n)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ParameterList(list(self._parameters.values())[idx])
        return self._parameters[self._index(idx)]

    def __setitem__(self, idx, value):
        self.register_parameter(self._index(idx), _as_parameter("ParameterList", value))

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __repr__(self):
        return _listing(self)


class ParameterDict(Module):
    """A dict of parameters, registered under their keys (``scales.alpha``)."""

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str):
        return self._parameters[key]

    def __setitem__(self, key: str, value) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict: keys must be strings, got {type(key).__name__}")
        self.register_parameter(key, _as_parameter("ParameterDict", value))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key):
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def values(self):
        return self._parameters.values()

    def items(self):
        return self._parameters.items()

    def get(self, key: str, default=None):
        return self._parameters.get(key, default)

    def pop(self, key: str):
        return self._parameters.pop(key)

    def clear(self) -> None:
        self._parameters.clear()

    def update(self, parameters) -> None:
        items = parameters.items() if hasattr(parameters, "items") else parameters
        for k, v in items:
            self[k] = v

    def __repr__(self):
        return _listing(self)
