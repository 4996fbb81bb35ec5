"""``Optimizer``: parameter groups, per-parameter state and checkpoints for every optimizer.

A subclass writes only its update rule: ``init_state`` (the buffers one parameter needs)
and ``update`` (one step on raw arrays, in place). The base class owns what PyTorch users
know: ``param_groups`` (a list of dicts, each with ``"params"`` and its hyperparameters,
missing ones taken from ``defaults``), ``state`` (a dict from parameter to its state),
``zero_grad``, ``step(closure)``, ``state_dict`` / ``load_state_dict`` and
``add_param_group``.

State buffers are raw arrays (``xp``), not tensors: the update runs a few in-place array
calls per parameter and nothing is recorded by autograd.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy

from ember.autograd import enable_grad
from ember.backend import to_numpy, xp
from ember.tensor import Tensor

# Hyperparameter checks shared by every optimizer: name -> (is valid, PyTorch's message).
_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "lr": (lambda v: v >= 0.0, "Invalid learning rate: {}"),
    "eps": (lambda v: v >= 0.0, "Invalid epsilon value: {}"),
    "momentum": (lambda v: v >= 0.0, "Invalid momentum value: {}"),
    "weight_decay": (lambda v: v >= 0.0, "Invalid weight_decay value: {}"),
    "alpha": (lambda v: v >= 0.0, "Invalid alpha value: {}"),
    "rho": (lambda v: 0.0 <= v <= 1.0, "Invalid rho value: {}"),
    "lr_decay": (lambda v: v >= 0.0, "Invalid lr_decay value: {}"),
    "initial_accumulator_value": (lambda v: v >= 0.0,
                                  "Invalid initial_accumulator_value value: {}"),
}


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of tensors, or of dicts (parameter groups) with a ``"params"``
            entry and per-group options that override ``defaults``.
        defaults: the default value of every hyperparameter of the optimizer.

    Subclasses define ``init_state(param, group) -> dict`` and
    ``update(param, grad, state, group)`` on raw arrays.
    """

    def __init__(self, params: Iterable, defaults: dict[str, Any]):
        self.defaults = dict(defaults)
        # PyTorch's layout: a parameter without state reads as {}
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        self._scratch: dict[tuple, Any] = {}
        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name}: params should be an iterable of Tensors or dicts, "
                f"but got a Tensor; pass [tensor] or model.parameters()"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    # ------------------------------------------------------------------ the update rule
    def init_state(self, param, group: dict[str, Any]) -> dict[str, Any]:
        """The state of one parameter before its first step (``param`` is its array)."""
        return {}

    def update(self, param, grad, state: dict[str, Any], group: dict[str, Any]) -> None:
        """One step on ``param`` (an array, updated in place) from ``grad``."""
        raise NotImplementedError(f"{self._name} does not define update()")

    def check_group(self, group: dict[str, Any]) -> None:
        """Refuse invalid hyperparameters; subclasses add their own rules."""
        for name, (valid, message) in _CHECKS.items():
            if name in group and not valid(group[name]):
                raise ValueError(f"{self._name}: " + message.format(group[name]))
        if "betas" in group:
            for i, beta in enumerate(group["betas"]):
                if not 0.0 <= beta < 1.0:
                    raise ValueError(
                        f"{self._name}: Invalid beta parameter at index {i}: {beta}")

    def scratch(self, array):
        """A reusable work buffer shaped like ``array`` (one per shape and dtype)."""
        key = (array.shape, array.dtype)
        buf = self._scratch.get(key)
        if buf is None:
            buf = self._scratch[key] = xp.empty_like(array)
        return buf

    # ------------------------------------------------------------------ the loop
    def step(self, closure: Callable[[], Any] | None = None):
        """Update every parameter that has a gradient; returns ``closure()`` if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            maximize = group.get("maximize", False)
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.array
                if maximize:
                    grad = -grad
                state = self.state[p]
                if not state:
                    state.update(self.init_state(p.array, group))
                self.update(p.array, grad, state, group)
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set them to ``None``, or zero their arrays in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.array.fill(0)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"`` and optional options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"{self._name}: param_group must be a dict, "
                            f"but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(f"{self._name}: parameters must be in an ordered collection "
                            f"(a set's order changes between runs); use a list")
        group["params"] = params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{self._name}: optimizer can only optimize Tensors, "
                                f"but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{self._name}: can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        self.check_group(group)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{self._name}: some parameters appear in more than one "
                             f"parameter group")
        self.param_groups.append(group)

    # ------------------------------------------------------------------ checkpoints
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as plain data, PyTorch's layout.

        ``{"state": {index: {name: array or int}}, "param_groups": [{option: value,
        "params": [index, ...]}]}``: parameters are numbered 0, 1, ... across the groups in
        order, and only parameters that have taken a step have state. Arrays are NumPy
        copies, so the dict does not change as training goes on.
        ``flatten_state_dict`` turns it into ``{name: array}`` for safetensors.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if self.state.get(p):
                    state[index[id(p)]] = {
                        k: to_numpy(v).copy() if hasattr(v, "shape") else v
                        for k, v in self.state[p].items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned (the parameters themselves are not touched)."""
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError(f"{self._name}: loaded state dict has a different number of "
                             f"parameter groups ({len(saved)} vs {len(self.param_groups)})")
        for s, g in zip(saved, self.param_groups):
            if len(s["params"]) != len(g["params"]):
                raise ValueError(f"{self._name}: loaded state dict contains a parameter group "
                                 f"that doesn't match the size of optimizer's group")
        by_index = {}
        for s, g in zip(saved, self.param_groups):
            by_index.update(zip(s["params"], g["params"]))
        self.state = defaultdict(dict)
        for idx, values in state_dict["state"].items():
            p = by_index[int(idx)]
            self.state[p] = {k: _restore(k, v, p.array) for k, v in values.items()}
        for s, g in zip(saved, self.param_groups):
            g.update({k: v for k, v in s.items() if k != "params"})

    def __repr__(self):
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def add_scaled(y, alpha: float, x, scratch) -> None:
    """``y += alpha * x`` in place; ``scratch`` (which may be ``x``) holds the product."""
    if alpha == 1.0:
        y += x
    else:
        xp.multiply(x, alpha, out=scratch)
        y += scratch


def _restore(name: str, value, param):
    """A saved state entry as a fresh buffer: float arrays take the parameter's dtype."""
    if isinstance(value, Tensor):
        value = value.array
    if name == "step":  # a count (PyTorch saves it as a float tensor)
        return int(float(value))
    if hasattr(value, "shape"):
        return xp.array(value, dtype=param.dtype if value.dtype.kind == "f" else value.dtype)
    return value


def flatten_state_dict(state_dict: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """``state_dict`` as ``({name: array}, {"param_groups": json})`` for safetensors.

    Names are ``state.<param index>.<buffer>`` (``state.0.exp_avg``, ``state.0.step``);
    scalars become 0-d arrays and the hyperparameters go to the metadata as JSON.
    ``unflatten_state_dict`` inverts it.
    """
    arrays = {}
    for idx, values in state_dict["state"].items():
        for name, v in values.items():
            arrays[f"state.{idx}.{name}"] = numpy.asarray(to_numpy(v) if hasattr(v, "shape")
                                                          else v)
    return arrays, {"param_groups": json.dumps(state_dict["param_groups"])}


def unflatten_state_dict(arrays: dict[str, Any], metadata: dict[str, str]) -> dict[str, Any]:
    """Rebuild the ``state_dict`` that ``flatten_state_dict`` flattened."""
    state: dict[int, dict[str, Any]] = {}
    for key, value in arrays.items():
        _, idx, name = key.split(".", 2)
        state.setdefault(int(idx), {})[name] = value
    groups = json.loads(metadata["param_groups"])
    for g in groups:
        for k, v in g.items():
            if isinstance(v, list) and k != "params":
                g[k] = tuple(v)  # betas
    return {"state": state, "param_groups": groups}
