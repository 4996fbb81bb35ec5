"""``Parameter``: a tensor that a ``Module`` registers as one of its weights."""
from __future__ import annotations

from ember.creation import to_array
from ember.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and is found by ``Module.parameters()``.

    ``Parameter(t)`` shares ``t``'s array (no copy), as in PyTorch.
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if isinstance(data, Tensor):
            array = data.array
        else:
            array = to_array([] if data is None else data)
        self.array = array
        self.grad = None
        self._ctx = None
        self._idx = 0
        self._version = 0
        self._hooks = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
