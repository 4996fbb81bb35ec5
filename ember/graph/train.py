"""TF1's ``train`` optimizers: ``minimize(loss)`` returns one op that runs the forward
pass, the backward pass and the update of every variable.

The update runs in place on the variables' arrays (an ``nn.Parameter``'s array for
layers used in a graph), with per-variable scratch buffers allocated on the first run
and reused after, so a training step allocates nothing for the update. The update rules
are PyTorch's (``ember.optim``), so graph and eager training give the same losses:
``GradientDescentOptimizer`` is SGD, ``MomentumOptimizer`` SGD with momentum (TF's and
PyTorch's rules agree), ``AdamOptimizer`` Adam with ``epsilon`` added to the
bias-corrected ``sqrt(v)``, as ``torch.optim.Adam`` does.
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

from ember.backend import xp
from ember.graph.errors import FailedPreconditionError
from ember.graph.gradients import gradients
from ember.graph.kernels import Kernel
from ember.graph.tensor import Tensor
from ember.graph.variables import trainable_variables


class Optimizer:
    """Base class: subclasses define ``update(state, var, grad, lr)`` on arrays, in place."""

    def __init__(self, learning_rate, use_locking: bool = False, name: str = "Optimizer"):
        if not isinstance(learning_rate, Tensor) and learning_rate < 0:
            raise ValueError(f"{name}: learning_rate must be >= 0, got {learning_rate}")
        self.learning_rate = learning_rate
        self.name = name

    def compute_gradients(self, loss, var_list=None):
        """``[(gradient, variable)]`` for ``var_list`` (default: the trainable variables)."""
        var_list = list(trainable_variables(loss.graph) if var_list is None else var_list)
        if not var_list:
            raise ValueError(f"{self.name}: no variables to optimize")
        return list(zip(gradients(loss, var_list), var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An op that updates each variable with its gradient (and bumps ``global_step``)."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            names = [v.op.name for _, v in grads_and_vars]
            raise ValueError(f"No gradients provided for any variable: {names}; does the "
                             f"loss depend on them?")
        grads = [g for g, _ in pairs]
        inputs = grads + ([self.learning_rate] if isinstance(self.learning_rate, Tensor)
                          else [])
        attrs = {"optimizer": self, "vars": tuple(v for _, v in pairs),
                 "global_step": global_step}
        return grads[0].graph.add_op(ApplyGradients, inputs, attrs, name=name or self.name)

    def minimize(self, loss, global_step=None, var_list=None, name=None):
        """One op: compute ``loss``, its gradients, and update ``var_list`` in place."""
        return self.apply_gradients(self.compute_gradients(loss, var_list), global_step, name)

    def update(self, state, var, grad, lr):
        raise NotImplementedError


class GradientDescentOptimizer(Optimizer):
    """``var -= lr * grad``."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(learning_rate, use_locking, name)

    def update(self, state, var, grad, lr):
        buf = state.get("buf")
        if buf is None:
            buf = state["buf"] = xp.empty_like(var)
        xp.multiply(grad, lr, out=buf)
        var -= buf


class MomentumOptimizer(Optimizer):
    """``accum = momentum * accum + grad; var -= lr * accum`` (Nesterov if asked)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(learning_rate, use_locking, name)
        self.momentum = momentum
        self.use_nesterov = use_nesterov

    def update(self, state, var, grad, lr):
        accum = state.get("accum")
        if accum is None:
            accum = state["accum"] = xp.zeros_like(var)
            state["buf"] = xp.empty_like(var)
        buf = state["buf"]
        accum *= self.momentum
        accum += grad
        if self.use_nesterov:  # var -= lr * (grad + momentum * accum)
            xp.multiply(accum, self.momentum, out=buf)
            buf += grad
            buf *= lr
        else:
            xp.multiply(accum, lr, out=buf)
        var -= buf


class AdamOptimizer(Optimizer):
    """Adam: moving averages ``m``, ``v`` of the gradient and its square, bias-corrected."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(learning_rate, use_locking, name)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def update(self, state, var, grad, lr):
        b1, b2 = self.beta1, self.beta2
        m = state.get("m")
        if m is None:
            m = state["m"] = xp.zeros_like(var)
            state["v"] = xp.zeros_like(var)
            state["buf"] = xp.empty_like(var)
            state["t"] = 0
        v, buf = state["v"], state["buf"]
        state["t"] = t = state["t"] + 1
        # m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
        m *= b1
        xp.multiply(grad, 1 - b1, out=buf)
        m += buf
        v *= b2
        xp.multiply(grad, grad, out=buf)
        buf *= 1 - b2
        v += buf
        # var -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
        xp.sqrt(v, out=buf)
        buf /= math.sqrt(1 - b2 ** t)
        buf += self.epsilon
        xp.divide(m, buf, out=buf)
        buf *= lr / (1 - b1 ** t)
        var -= buf


class ApplyGradients(Kernel):
    """Updates variables in place with their gradients (the op ``minimize`` returns)."""

    n_out = 0

    @classmethod
    def infer(cls, inputs, attrs):
        return []

    @classmethod
    def compile(cls, builder, op):
        optimizer = op.attrs["optimizer"]
        variables = op.attrs["vars"]
        slots = builder.inputs(op)
        lr_slot = slots[len(variables)] if len(slots) > len(variables) else None
        lr_value = optimizer.learning_rate
        # the update is elementwise: variables are cut into pieces of about PIECE elements,
        # shared between UPDATE_THREADS threads (NumPy releases the GIL in ufuncs)
        entries, sizes = [], []
        for v, g in zip(variables, slots):
            n = 1
            for d in v._shape or ():
                n *= d or 0
            cuts = list(range(0, n, PIECE)) + [n] if n > PIECE else [0, n]
            pieces = [(a, b) for a, b in zip(cuts, cuts[1:])]
            entries.append((v.op, v.op.attrs.get("param"), g, pieces))
            sizes.extend(b - a for a, b in pieces)
        states = builder.session.slots.setdefault(id(op), [{} for _ in sizes])
        groups = _balance(sizes, UPDATE_THREADS if sum(sizes) >= PARALLEL_FROM else 1)
        store = builder.session.variables
        step_var = op.attrs["global_step"]

        def apply(vals, saved):
            lr = lr_value if lr_slot is None else float(vals[lr_slot])
            work = []
            for var_op, param, g, pieces in entries:
                var = param.array if param is not None else store.get(var_op)
                if var is None:
                    raise FailedPreconditionError(
                        f"Attempting to use uninitialized value {var_op.name}")
                grad = vals[g]
                if len(pieces) == 1 or not var.flags.c_contiguous:
                    work.append((var, grad))
                    work.extend((None, None) for _ in pieces[1:])
                    continue
                flat, gflat = var.reshape(-1), grad.reshape(-1)
                work.extend((flat[a:b], gflat[a:b]) for a, b in pieces)

            def run(group):
                for i in group:
                    var, grad = work[i]
                    if var is not None:
                        optimizer.update(states[i], var, grad, lr)

            if len(groups) == 1:
                run(groups[0])
            else:
                futures = [_pool().submit(run, grp) for grp in groups[1:]]
                run(groups[0])
                for f in futures:
                    f.result()
            if step_var is not None:
                store[step_var.op] = store[step_var.op] + 1

        return apply


PIECE = 1 << 16
PARALLEL_FROM = 1 << 17  # below this many elements, threads cost more than they save
# threads for the update (1: serial). Two threads did not measurably help on a loaded
# 2-core machine, so this is off unless EMBER_GRAPH_UPDATE_THREADS asks for it.
UPDATE_THREADS = max(1, min(int(os.environ.get("EMBER_GRAPH_UPDATE_THREADS", "1")),
                            os.cpu_count() or 1))
_executor = []


def _pool():
    if not _executor:
        _executor.append(ThreadPoolExecutor(UPDATE_THREADS - 1,
                                            thread_name_prefix="ember-update"))
    return _executor[0]


def _balance(sizes, n):
    """Piece indices in ``n`` groups of about equal total size (largest first)."""
    groups = [[] for _ in range(n)]
    load = [0] * n
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        k = load.index(min(load))
        groups[k].append(i)
        load[k] += sizes[i]
    return [sorted(g) for g in groups if g] or [[]]
