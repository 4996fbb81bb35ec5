"""``summary(model, input_shape)``: a table of layers, output shapes and parameter counts.

It runs one forward pass on zeros (in eval mode, without recording a graph) with a
forward hook on every leaf layer, so each row shows the shape that layer really produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ember.autograd import no_grad
from ember.creation import zeros
from ember.dtypes import float32
from ember.tensor import Tensor

__all__ = ["LayerInfo", "ModelSummary", "summary"]


@dataclass
class LayerInfo:
    """One row: a leaf layer's qualified name, type, output shape(s) and own parameters."""

    name: str
    type: str
    output_shape: list
    num_params: int
    trainable_params: int


@dataclass
class ModelSummary:
    """What ``summary`` measured; ``str()`` gives the printed table."""

    layers: list = field(default_factory=list)
    total_params: int = 0
    trainable_params: int = 0
    input_shape: tuple = ()

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    def __str__(self) -> str:
        heads = ("Layer (type)", "Output Shape", "Param #")
        cells = [(f"{r.name} ({r.type})", _shape_text(r.output_shape), f"{r.num_params:,}")
                 for r in self.layers]
        w0 = max([len(heads[0])] + [len(c[0]) for c in cells]) + 2
        w1 = max([len(heads[1])] + [len(c[1]) for c in cells]) + 2
        w2 = max([len(heads[2])] + [len(c[2]) for c in cells])
        rule = "=" * (w0 + w1 + w2)
        lines = [rule, f"{heads[0]:<{w0}}{heads[1]:<{w1}}{heads[2]:>{w2}}", rule]
        lines += [f"{a:<{w0}}{b:<{w1}}{c:>{w2}}" for a, b, c in cells]
        lines += [rule, f"Total params: {self.total_params:,}",
                  f"Trainable params: {self.trainable_params:,}",
                  f"Non-trainable params: {self.non_trainable_params:,}", rule]
        return "\n".join(lines)

    @property
    def text(self) -> str:
        return str(self)


def _shape_text(shape) -> str:
    return str(shape) if not shape or not isinstance(shape[0], list) else ", ".join(
        str(s) for s in shape)


def _output_shape(out):
    if isinstance(out, Tensor):
        return list(out.shape)
    if isinstance(out, (tuple, list)):
        return [_output_shape(o) for o in out if isinstance(o, (Tensor, tuple, list))]
    return []


def summary(model, input_shape, dtype=float32, verbose: bool = True) -> ModelSummary:
    """Run ``model`` on zeros of ``input_shape`` and tabulate its leaf layers.

    Args:
        model: a ``Module``.
        input_shape: the full input shape, batch included, e.g. ``(1, 1, 28, 28)``; a list
            of shapes for a model that takes several inputs.
        dtype: the inputs' dtype (``ember.int64`` for token ids).
        verbose: print the table.

    Returns a ``ModelSummary`` (``.layers``, ``.total_params``, ``.trainable_params``;
    ``str()`` is the table). Each leaf layer is listed once, in the order it first ran.
    """
    shapes = [tuple(s) for s in input_shape] if isinstance(input_shape[0], (tuple, list)) \
        else [tuple(input_shape)]
    rows: dict[int, LayerInfo] = {}
    handles = []
    for name, m in model.named_modules():
        if next(m.children(), None) is not None:
            continue

        def hook(module, inputs, output, name=name):
            key = id(module)
            if key not in rows:
                own = list(module.parameters(recurse=False))
                rows[key] = LayerInfo(name or type(module).__name__, type(module).__name__,
                                      [], sum(p.numel() for p in own),
                                      sum(p.numel() for p in own if p.requires_grad))
            rows[key].output_shape = _output_shape(output)

        handles.append(m.register_forward_hook(hook))
    modes = [(m, m.training) for m in model.modules()]
    model.eval()  # batch statistics of a batch of zeros would be meaningless
    try:
        with no_grad():
            model(*[zeros(*s, dtype=dtype) for s in shapes])
    finally:
        for h in handles:
            h.remove()
        for m, mode in modes:
            object.__setattr__(m, "training", mode)
    params = list(model.parameters())
    result = ModelSummary(list(rows.values()), sum(p.numel() for p in params),
                          sum(p.numel() for p in params if p.requires_grad),
                          shapes[0] if len(shapes) == 1 else tuple(shapes))
    if verbose:
        print(result)
    return result
