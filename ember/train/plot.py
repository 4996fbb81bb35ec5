"""``plot_history``: loss and metric curves, training against validation, as a PNG.

The two curves tell the story: both high and flat is underfitting (too little capacity
or training); training falling while validation turns up is overfitting (stop earlier,
regularise, get more data). ``diagnose`` puts that reading into words.
"""
from __future__ import annotations

import io
import math
import os

import numpy as np

from ember.io.atomic import atomic_write_bytes


def _finite(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def diagnose(history, monitor: str = "loss", patience: int = 2, tolerance: float = 0.02
             ) -> str:
    """A one-line reading of the train/validation ``monitor`` curves (lower is better).

    Overfitting: the validation figure ended ``patience`` or more epochs after its best
    and more than ``tolerance`` (relative) above it while the training figure kept
    falling. Otherwise it reports the gap between the two at the end.
    """
    h = history.history if hasattr(history, "history") else history
    train = _finite(h.get(monitor, []))
    val = _finite(h.get(f"val_{monitor}", []))
    if train.size == 0:
        return f"no '{monitor}' figures recorded"
    if val.size == 0 or np.isnan(val).all():
        return (f"{monitor} {train[0]:.4g} -> {train[-1]:.4g} over {train.size} epochs; "
                f"no validation data, so over- and underfitting cannot be told apart")
    best = int(np.nanargmin(val))
    last = val.size - 1
    rising = val[last] > val[best] * (1 + tolerance) if val[best] > 0 else val[last] > val[best]
    if last - best >= patience and rising and train[last] < train[best]:
        return (f"overfitting: val_{monitor} was lowest at epoch {best + 1} ({val[best]:.4g}) "
                f"and rose to {val[last]:.4g} while {monitor} kept falling "
                f"({train[best]:.4g} -> {train[last]:.4g}); stop at epoch {best + 1} "
                f"(EarlyStopping) or regularise")
    gap = val[last] - train[last]
    return (f"{monitor} {train[last]:.4g}, val_{monitor} {val[last]:.4g} (gap {gap:+.3g}) at "
            f"the last epoch; val_{monitor} still at its best" if best == last else
            f"{monitor} {train[last]:.4g}, val_{monitor} {val[last]:.4g} (gap {gap:+.3g}); best "
            f"val_{monitor} {val[best]:.4g} at epoch {best + 1}")


def plot_history(history, path: str | os.PathLike, metrics=None, title: str | None = None,
                 show_iterations: bool = True) -> str:
    """Write a PNG of ``history``'s curves: one panel per figure (loss, each metric),
    training and validation together, per-iteration loss faintly behind.

    Args:
        history: the ``History`` that ``fit`` returned (or its ``.history`` dict).
        path: the PNG file to write (atomically).
        metrics: the figures to draw (default: every logged figure except ``lr``).
        title: the figure's title (default: the ``diagnose`` line).
    Returns the path written.
    """
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as err:  # an optional extra
        raise ImportError("plot_history needs matplotlib: pip install matplotlib "
                          "(or pip install 'ember[train]')") from err
    h = history.history if hasattr(history, "history") else dict(history)
    batch = getattr(history, "batch", {}) if show_iterations else {}
    batch_epoch = getattr(history, "batch_epoch", [])
    if metrics is None:
        metrics = [k for k in h if not k.startswith("val_") and k not in ("lr", "grad_norm")]
    metrics = list(metrics)
    missing = [m for m in metrics if m not in h]
    if missing:
        raise ValueError(f"plot_history: {missing} not in the history, which holds {sorted(h)}")
    if not metrics or not any(len(h.get(m, [])) for m in metrics):
        raise ValueError(f"plot_history: nothing to plot; the history holds {sorted(h)}")
    cols = min(len(metrics), 3)
    rows = math.ceil(len(metrics) / cols)
    fig = Figure(figsize=(5 * cols, 3.6 * rows + 0.6))
    FigureCanvasAgg(fig)
    epochs = np.arange(1, len(h[metrics[0]]) + 1)
    for k, name in enumerate(metrics):
        ax = fig.add_subplot(rows, cols, k + 1)
        if name in batch and len(batch_epoch):
            ax.plot(batch_epoch, batch[name], color="tab:blue", alpha=0.2, lw=0.8,
                    label=f"{name} (iteration)")
        ax.plot(epochs, h[name], "o-", color="tab:blue", label=f"train {name}")
        if f"val_{name}" in h:
            ax.plot(epochs, h[f"val_{name}"], "s-", color="tab:orange",
                    label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title if title is not None else diagnose(h), fontsize=9, wrap=True)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    atomic_write_bytes(path, buf.getvalue())
    return os.fspath(path)
