"""Adam (Kingma and Ba, 2015) and AdamW (Loshchilov and Hutter, 2019)."""
from __future__ import annotations

import math
from collections.abc import Iterable

from ember.backend import xp
from ember.optim.optimizer import Optimizer


class Adam(Optimizer):
    """Adam: steps scaled by running estimates of the gradient's first and second moments.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``, then
    ``p <- p - lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)``. ``weight_decay`` adds
    ``wd * p`` to the gradient (L2, coupled to the moments) unless
    ``decoupled_weight_decay=True`` (that is AdamW). ``amsgrad`` divides by the running
    maximum of ``v`` instead of ``v``.

    Example: ``opt = ember.optim.Adam(model.parameters(), lr=1e-3)``
    """

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def init_state(self, param, group):
        state = {"step": 0, "exp_avg": xp.zeros_like(param), "exp_avg_sq": xp.zeros_like(param)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = xp.zeros_like(param)
        return state

    def update(self, param, grad, state, group):
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        state["step"] = t = state["step"] + 1
        m, v, tmp = state["exp_avg"], state["exp_avg_sq"], self.scratch(param)
        if wd and group["decoupled_weight_decay"]:
            param *= 1.0 - lr * wd
        elif wd:
            grad = grad + wd * param
        xp.subtract(grad, m, out=tmp)  # m <- m + (1 - b1)(g - m), PyTorch's lerp
        tmp *= 1.0 - beta1
        m += tmp
        v *= beta2
        xp.multiply(grad, grad, out=tmp)
        tmp *= 1.0 - beta2
        v += tmp
        if group["amsgrad"]:
            v = xp.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
        xp.sqrt(v, out=tmp)  # sqrt(v_hat) + eps, with v_hat = v / (1 - b2^t)
        tmp /= math.sqrt(1.0 - beta2 ** t)
        tmp += eps
        xp.divide(m, tmp, out=tmp)
        tmp *= lr / (1.0 - beta1 ** t)  # m_hat = m / (1 - b1^t)
        param -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p <- p * (1 - lr * wd)`` before the Adam step.

    Unlike L2 in ``Adam``, the decay does not pass through the moment estimates, so every
    weight shrinks at the same rate whatever its gradient history.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, decoupled_weight_decay=True)
