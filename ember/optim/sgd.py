"""Stochastic gradient descent, with momentum and Nesterov momentum."""
from __future__ import annotations

from collections.abc import Iterable

from ember.optim.optimizer import Optimizer, add_scaled


class SGD(Optimizer):
    """Stochastic gradient descent: ``p <- p - lr * g``, optionally with momentum.

    With momentum ``mu`` the step follows a velocity ``b <- mu * b + (1 - dampening) * g``
    (``b = g`` on the first step), or ``g + mu * b`` with ``nesterov=True``. PyTorch's
    formulation: ``lr`` multiplies the velocity, not the gradient inside it.

    Example: ``opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)``
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 *, maximize: bool = False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def check_group(self, group):
        super().check_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")

    def update(self, param, grad, state, group):
        lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
        tmp = self.scratch(param)
        if wd:
            grad = grad + wd * param  # L2 penalty (wd / 2) * |p|^2
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= mu
                add_scaled(buf, 1.0 - group["dampening"], grad, tmp)
            grad = grad + mu * buf if group["nesterov"] else buf
        add_scaled(param, -lr, grad, tmp)
