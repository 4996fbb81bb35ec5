"""Fused loss primitives: softmax cross-entropy, NLL, binary cross-entropy, KL divergence.

Cross-entropy over logits is one primitive (log-softmax and NLL fused) because every
classifier calls it once per step: the forward is a handful of NumPy calls over the batch
and the gradient is simply ``softmax - target distribution``. The binary cross-entropies
and the KL term are pointwise primitives whose forward and backward stay stable at the
edges (probabilities of exactly 0 or 1, logits of +-1000), which a chain of ``log`` and
``exp`` primitives is not. Weighting by a broadcast ``weight`` and the ``reduction`` are
applied around the pointwise ones by ``ember.nn.functional.loss``.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.errors import shape_error

REDUCTIONS = ("none", "mean", "sum")


# ----------------------------------------------------------------------------- layout
def class_last(x):
    """Rows of class scores: (N, C) as is, (C,) as (1, C), (N, C, d1, ...) as (N*d1*..., C)."""
    if x.ndim == 2:
        return x
    if x.ndim == 1:
        return x[None]
    return xp.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def class_first(rows, shape):
    """The inverse of ``class_last``: (M, C) rows back to the input's ``shape``."""
    if len(shape) == 2:
        return rows
    if len(shape) == 1:
        return rows[0]
    n, c, rest = shape[0], shape[1], tuple(shape[2:])
    return xp.moveaxis(rows.reshape((n,) + rest + (c,)), -1, 1)


def _index_target_shape(op, x, target):
    """Check that ``target`` holds one class index per row of ``x``; return C."""
    if x.ndim == 0:
        raise shape_error(op, "input must have a class dimension", x.shape)
    if target.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: a class-index target must be an integer tensor (got {target.dtype}, shape "
            f"{tuple(target.shape)}); float targets are class probabilities of the input's "
            f"shape {tuple(x.shape)}"
        )
    expected = () if x.ndim == 1 else (x.shape[0],) + tuple(x.shape[2:])
    if target.shape != expected:
        raise shape_error(
            op, f"target must have shape {expected} (input (N, C, d1, ...) -> target (N, d1, "
            f"...)); a batch size or spatial size differs", x.shape, target.shape)
    return x.shape[0] if x.ndim == 1 else x.shape[1]


def _gather_targets(op, target, n_classes, weight, ignore_index):
    """Flat class indices (ignored rows sent to class 0) and what each row counts for.

    Returns ``(t, valid, wt, denom)``: ``valid`` is None when no row is ignored, else a
    boolean mask; ``wt`` is None when every row counts with weight 1, else each row's
    weight (``weight[t]``, 0 for ignored rows); ``denom`` is the divisor of 'mean', the
    summed weights of the rows that count (PyTorch's weighted mean).
    """
    t = target.reshape(-1)
    valid = None
    lo, hi = (int(t.min()), int(t.max())) if t.size else (0, 0)
    if lo <= ignore_index <= hi:  # only then can a target be ignored
        mask = t != ignore_index
        if not mask.all():
            valid, kept = mask, t[mask]
            lo, hi = (int(kept.min()), int(kept.max())) if kept.size else (0, 0)
            t = xp.where(mask, t, 0)
    if lo < 0 or hi >= n_classes:
        raise IndexError(
            f"{op}: target {lo if lo < 0 else hi} is out of bounds: class indices must lie "
            f"in [0, {n_classes - 1}] for C = {n_classes} classes (or equal "
            f"ignore_index={ignore_index})"
        )
    if weight is not None:
        if weight.shape != (n_classes,):
            raise shape_error(op, f"weight must have one entry per class, shape ({n_classes},)",
                              weight.shape)
        wt = weight[t] if valid is None else weight[t] * valid
        return t, valid, wt, wt.sum()
    if valid is None:
        return t, None, None, t.size
    return t, valid, valid, int(valid.sum())


def _softmax_rows(z):
    """``(s, e, total)``: shifted logits ``s``, ``e = exp(s)`` and its row sums.

    One shift by the global max (a single fast reduction; NumPy's row-wise max over a few
    columns costs several times more) keeps ``exp`` from overflowing. Should it underflow a
    whole row (rows whose logits lie far apart), the rows are shifted by their own max.
    """
    ones = xp.ones(z.shape[1], z.dtype)
    if z.size:
        s = z - z.max()
        e = xp.exp(s)
        total = e @ ones  # row sums through BLAS
        if total.min() > 1e-20:  # (false for NaN too)
            return s, e, total
    s = z - z.max(axis=1, keepdims=True)
    e = xp.exp(s)
    return s, e, e @ ones


def _scale(g, reduction, denom):
    """Multiplier of each row's gradient: the upstream gradient, divided for 'mean'."""
    if reduction == "none":
        return g.reshape(-1, 1)
    return g / denom if reduction == "mean" else g


# ----------------------------------------------------------------------------- primitives
class CrossEntropy(Function):
    """Softmax cross-entropy over logits (class dimension 1), with PyTorch's options.

    Targets are class indices (integers, the input's shape without dimension 1) or class
    probabilities (floats, the input's shape). Each row ``i`` compares ``log p_i`` with a
    target distribution ``q_i`` (one-hot, smoothed, weighted): ``loss_i = -sum_c q_ic log
    p_ic``, whose gradient is ``s_i p_i - q_i`` with ``s_i = sum_c q_ic``.

    The 'mean' of index targets divides by the summed weights of the non-ignored rows
    (PyTorch's weighted mean); the 'mean' of probability targets by the number of rows.
    """

    def forward(self, x, target, weight=None, ignore_index=-100, label_smoothing=0.0,
                reduction="mean"):
        self.shape, self.reduction = x.shape, reduction
        probs = target.dtype.kind == "f" and target.ndim == x.ndim
        if probs:
            if target.shape != x.shape:
                raise shape_error("cross_entropy", "a probability target must have the "
                                  "input's shape", x.shape, target.shape)
            n_classes = x.shape[0] if x.ndim == 1 else x.shape[1]
        else:
            n_classes = _index_target_shape("cross_entropy", x, target)
        self.s, self.e, self.total = s, e, total = _softmax_rows(class_last(x))
        self.lse = lse = xp.log(total)  # log sum exp of the shifted logits, one per row
        eps = label_smoothing
        self.eps, self.n_classes, self.weight = eps, n_classes, weight
        if probs:
            return self._forward_probs(class_last(target), weight, eps, n_classes,
                                       target.shape)
        self.probs = False
        t, valid, wt, denom = _gather_targets("cross_entropy", target, n_classes, weight,
                                              ignore_index)
        self.t, self.valid, self.wt = t, valid, wt
        loss = lse - s[xp.arange(t.size), t]  # -log p_t
        if wt is not None:
            loss = loss * wt
        if eps:
            # label smoothing mixes in eps/C of every class: -(eps/C) sum_c w_c log p_c,
            # with sum_c w_c log p_c = s @ w - lse sum_c w_c
            w = xp.ones(n_classes, s.dtype) if weight is None else weight
            smooth = lse * w.sum() - s @ w
            if valid is not None:
                smooth = smooth * valid
            loss = loss * (1.0 - eps) + smooth * (eps / n_classes)
        return self._reduce(loss, target.shape, denom)

    def _forward_probs(self, q, weight, eps, n_classes, shape):
        self.probs = True
        if eps:
            q = q * (1.0 - eps) + eps / n_classes
        if weight is not None:
            if weight.shape != (n_classes,):
                raise shape_error("cross_entropy", f"weight must have one entry per class, "
                                  f"shape ({n_classes},)", weight.shape)
            q = q * weight
        self.q = q
        self.logp = logp = self.s - self.lse[:, None]
        loss = -(q * logp).sum(axis=1)
        out_shape = () if len(shape) == 1 else (shape[0],) + tuple(shape[2:])
        return self._reduce(loss, out_shape, loss.size)

    def _reduce(self, loss, shape, denom):
        self.denom = denom
        if self.reduction == "none":
            return loss.reshape(shape)
        total = loss.sum()
        if self.reduction == "mean":
            with xp.errstate(invalid="ignore"):  # every target ignored: 0 / 0 = nan, as PyTorch
                total = total / denom
        return xp.asarray(total, dtype=loss.dtype)

    def backward(self, g):
        # the gradient of each row is (sum_c q_c) p - q, times the upstream gradient
        e, total = self.e, self.total
        col = _scale(g, self.reduction, self.denom).reshape(-1)  # (1,) or one per row
        if self.probs:
            q = self.q
            gx = e * (q.sum(axis=1) * col / total)[:, None] - q * col[:, None]
            gt = None
            if self.needs_input_grad(1):
                # d loss / d target_c = -(1 - eps) w_c log p_c
                w = 1.0 - self.eps if self.weight is None else self.weight * (1.0 - self.eps)
                gt = class_first(self.logp * w * -col[:, None], self.shape)
            return class_first(gx, self.shape), gt, None
        t, valid, wt, eps, c = self.t, self.valid, self.wt, self.eps, self.n_classes
        hit = 1.0 - eps if wt is None else wt * (1.0 - eps)  # the true class's share of q
        mass = hit
        if eps:
            counts = 1.0 if valid is None else valid
            w_sum = c if self.weight is None else self.weight.sum()
            mass = hit + (eps / c) * w_sum * counts
        gx = e * (mass * col / total)[:, None]  # mass * softmax
        if eps:
            spread = eps / c if self.weight is None else self.weight * (eps / c)
            gx -= (col if valid is None else valid * col)[:, None] * spread
        gx[xp.arange(t.size), t] -= hit * col
        return class_first(gx, self.shape), None, None


class NllLoss(Function):
    """Negative log-likelihood of log-probabilities: ``-w_t x[t]`` per row (class dim 1)."""

    def forward(self, x, target, weight=None, ignore_index=-100, reduction="mean"):
        n_classes = _index_target_shape("nll_loss", x, target)
        self.shape, self.dtype, self.reduction = x.shape, x.dtype, reduction
        t, _, wt, denom = _gather_targets("nll_loss", target, n_classes, weight, ignore_index)
        self.t, self.wt, self.denom = t, wt, denom
        loss = -class_last(x)[xp.arange(t.size), t]
        if wt is not None:
            loss = loss * wt
        if reduction == "none":
            return loss.reshape(target.shape)
        total = loss.sum()
        if reduction == "mean":
            with xp.errstate(invalid="ignore"):
                total = total / denom
        return xp.asarray(total, dtype=x.dtype)

    def backward(self, g):
        t, wt = self.t, self.wt
        col = _scale(g, self.reduction, self.denom).reshape(-1)
        c = self.shape[0] if len(self.shape) == 1 else self.shape[1]
        gx = xp.zeros((t.size, c), self.dtype)
        gx[xp.arange(t.size), t] = -(col if wt is None else wt * col)
        return class_first(gx, self.shape), None, None


# log(0) is clamped to -100, as PyTorch does, so a confident wrong answer costs 100
_LOG_FLOOR = -100.0
_EPSILON = 1e-12


class BinaryCrossEntropy(Function):
    """Pointwise ``-(t log x + (1 - t) log(1 - x))`` of probabilities ``x``, logs >= -100."""

    def forward(self, x, t):
        if x.size and not (x.min() >= 0 and x.max() <= 1):
            raise ValueError(
                f"binary_cross_entropy: all elements of input should be between 0 and 1 (got "
                f"values in [{float(x.min()):.4g}, {float(x.max()):.4g}]); pass logits to "
                f"binary_cross_entropy_with_logits instead"
            )
        self.x, self.t = x, t
        with xp.errstate(divide="ignore"):
            self.log_x = lx = xp.maximum(xp.log(x), _LOG_FLOOR)
            self.log_1mx = l1 = xp.maximum(xp.log1p(-x), _LOG_FLOOR)
        return -(t * lx + (1 - t) * l1)

    def backward(self, g):
        x, t = self.x, self.t
        # d/dx = (x - t) / (x (1 - x)), the denominator kept away from 0 as in PyTorch
        gx = g * (x - t) / xp.maximum(x * (1 - x), _EPSILON)
        gt = g * (self.log_1mx - self.log_x) if self.needs_input_grad(1) else None
        return gx, gt


class BinaryCrossEntropyWithLogits(Function):
    """Pointwise binary cross-entropy of logits, stable for any magnitude.

    With ``l = 1 + (pos_weight - 1) t``: ``loss = (1 - t) x + l softplus(-x)``, where
    ``softplus(-x) = max(-x, 0) + log1p(exp(-|x|))`` never overflows.
    """

    def forward(self, x, t, pos_weight=None):
        self.x, self.t, self.pw = x, t, pos_weight
        e = xp.exp(-xp.abs(x))
        self.sp = sp = xp.maximum(-x, 0) + xp.log1p(e)
        # sigmoid(x) from the same exp: 1/(1+e) for x >= 0, e/(1+e) below
        self.sig = xp.where(x >= 0, 1, e) / (1 + e)
        if pos_weight is None:
            return (1 - t) * x + sp
        self.lw = lw = 1 + (pos_weight - 1) * t
        return (1 - t) * x + lw * sp

    def backward(self, g):
        x, t, pw = self.x, self.t, self.pw
        if pw is None:
            gx = g * (self.sig - t)  # d/dx = sigmoid(x) - t
            gt = -g * x if self.needs_input_grad(1) else None
            return gx, gt, None
        # d/dx = (1 - t) - l (1 - sigmoid(x));  d/dt = -x + (pw - 1) softplus(-x)
        gx = g * ((1 - t) - self.lw * (1 - self.sig))
        gt = g * ((pw - 1) * self.sp - x) if self.needs_input_grad(1) else None
        gpw = g * t * self.sp if self.needs_input_grad(2) else None
        return gx, gt, gpw


class KlDivergence(Function):
    """Pointwise KL term ``t (log t - x)`` of log-probabilities ``x`` (0 where ``t == 0``).

    With ``log_target`` the target is given as ``log t``: ``exp(t) (t - x)``.
    """

    def forward(self, x, t, log_target=False):
        self.x, self.t, self.log_target = x, t, log_target
        if log_target:
            self.et = et = xp.exp(t)
            return et * (t - x)
        pos = t > 0
        with xp.errstate(divide="ignore", invalid="ignore"):
            self.log_t = log_t = xp.where(pos, xp.log(xp.where(pos, t, 1)), 0).astype(t.dtype)
        return t * log_t - t * x

    def backward(self, g):
        x, t = self.x, self.t
        if self.log_target:
            et = self.et
            gt = g * et * (t - x + 1) if self.needs_input_grad(1) else None
            return -g * et, gt
        gt = g * (self.log_t + 1 - x) if self.needs_input_grad(1) else None
        return -g * t, gt
