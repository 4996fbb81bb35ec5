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
        self._init_leaf(array, requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
