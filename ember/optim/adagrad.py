"""Adagrad (Duchi et al., 2011): per-coordinate steps shrinking with the summed squares."""
from __future__ import annotations

from collections.abc import Iterable

from ember.backend import xp
from ember.optim.optimizer import Optimizer, add_scaled


class Adagrad(Optimizer):
    """Adagrad: ``s <- s + g^2``, ``p <- p - lr_t * g / (sqrt(s) + eps)``.

    ``lr_t = lr / (1 + (t - 1) * lr_decay)`` at step ``t``; ``s`` starts at
    ``initial_accumulator_value``. Coordinates with large past gradients take small steps.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def init_state(self, param, group):
        return {"step": 0,
                "sum": xp.full_like(param, group["initial_accumulator_value"])}

    def update(self, param, grad, state, group):
        state["step"] = t = state["step"] + 1
        s, tmp = state["sum"], self.scratch(param)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])
        xp.multiply(grad, grad, out=tmp)
        s += tmp
        xp.sqrt(s, out=tmp)
        tmp += group["eps"]
        xp.divide(grad, tmp, out=tmp)
        add_scaled(param, -lr_t, tmp, tmp)
