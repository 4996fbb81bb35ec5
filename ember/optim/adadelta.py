"""Adadelta (Zeiler, 2012): steps in the units of the parameter, no learning rate needed."""
from __future__ import annotations

from collections.abc import Iterable

from ember.backend import xp
from ember.optim.optimizer import Optimizer, add_scaled


class Adadelta(Optimizer):
    """Adadelta: the step is ``g * RMS(past steps) / RMS(past gradients)``.

    ``v <- rho v + (1 - rho) g^2``, ``d = sqrt(u + eps) / sqrt(v + eps) * g``,
    ``u <- rho u + (1 - rho) d^2``, ``p <- p - lr * d`` (``lr`` 1.0 is the paper's method).
    """

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

    def init_state(self, param, group):
        return {"step": 0, "square_avg": xp.zeros_like(param),
                "acc_delta": xp.zeros_like(param)}

    def update(self, param, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        state["step"] += 1
        v, u, tmp = state["square_avg"], state["acc_delta"], self.scratch(param)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        v *= rho
        xp.multiply(grad, grad, out=tmp)
        add_scaled(v, 1.0 - rho, tmp, tmp)
        delta = xp.sqrt(u + eps)
        delta /= xp.sqrt(v + eps, out=tmp)
        delta *= grad
        u *= rho
        xp.multiply(delta, delta, out=tmp)
        add_scaled(u, 1.0 - rho, tmp, tmp)
        add_scaled(param, -group["lr"], delta, tmp)
