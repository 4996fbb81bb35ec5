"""RMSprop (Hinton's lecture 6e): divide the step by a running RMS of the gradient."""
from __future__ import annotations

from collections.abc import Iterable

from ember.backend import xp
from ember.optim.optimizer import Optimizer, add_scaled


class RMSprop(Optimizer):
    """RMSprop: ``v <- alpha v + (1 - alpha) g^2``, ``p <- p - lr * g / (sqrt(v) + eps)``.

    ``centered=True`` divides by an estimate of the gradient's standard deviation instead,
    ``sqrt(v - mean(g)^2)``; ``momentum`` accumulates the scaled steps in a velocity
    ``b <- mu b + g / (sqrt(v) + eps)`` and steps by ``lr * b``.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False, *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def init_state(self, param, group):
        state = {"step": 0, "square_avg": xp.zeros_like(param)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = xp.zeros_like(param)
        if group["centered"]:
            state["grad_avg"] = xp.zeros_like(param)
        return state

    def update(self, param, grad, state, group):
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        state["step"] += 1
        v, tmp = state["square_avg"], self.scratch(param)
        if wd:
            grad = grad + wd * param
        v *= alpha
        xp.multiply(grad, grad, out=tmp)
        add_scaled(v, 1.0 - alpha, tmp, tmp)
        if group["centered"]:
            mean = state["grad_avg"]
            mean += (grad - mean) * (1.0 - alpha)
            xp.multiply(mean, mean, out=tmp)
            xp.subtract(v, tmp, out=tmp)  # the variance v - mean^2
            xp.sqrt(tmp, out=tmp)
        else:
            xp.sqrt(v, out=tmp)
        tmp += eps
        xp.divide(grad, tmp, out=tmp)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += tmp
            add_scaled(param, -lr, buf, tmp)
        else:
            add_scaled(param, -lr, tmp, tmp)
