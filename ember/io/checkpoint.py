"""Training checkpoints in one safetensors file: model, optimizer, epoch, RNG state.

Layout of the file:

- tensors ``model.<key>``: the model's ``state_dict``;
- tensors ``optimizer.state.<i>.<name>``: per-parameter optimizer state (Adam's
  ``exp_avg`` of parameter ``i``, ...); non-array state (a Python ``step``) goes to JSON;
- metadata (str -> JSON text): ``format``, ``epoch``, ``extra``, ``rng`` (the state of
  Ember's default generator and of any named generators, e.g. a DataLoader's),
  ``optimizer.param_groups`` (hyperparameters), ``optimizer.state_json``,
  ``scheduler`` (an lr scheduler's ``state_dict``), ``callbacks`` (the training
  callbacks' states, their arrays as tensors ``callbacks.<name>.<key>...``).

Restoring all of it makes a resumed run repeat an uninterrupted one exactly: the shuffling
of the next epochs and the dropout masks come from the restored generators.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping

import numpy as np

from ember import random as ember_random
from ember.backend import to_numpy
from ember.io.atomic import atomic_write_bytes
from ember.io.weights import check_state_fits, load_arrays, serialize
from ember.tensor import Tensor

FORMAT = "ember.checkpoint.v1"


def _json(value, fn: str, what: str) -> str:
    try:
        return json.dumps(value, default=_json_default)
    except TypeError as err:
        raise TypeError(f"{fn}: {what} must be JSON-serialisable ({err})") from err


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (np.ndarray, Tensor)):
        return np.asarray(value).tolist()
    raise TypeError(f"object of type {type(value).__name__} is not JSON serialisable")


def _generator_state(gen) -> dict:
    return {"seed": gen.initial_seed(), "state": gen.get_state()}


def _set_generator_state(gen, saved: dict) -> None:
    gen.set_state(saved["state"])  # the seed is kept for the record only


def _optimizer_entries(optimizer, fn: str) -> tuple[dict, dict]:
    """Split ``optimizer.state_dict()`` into arrays (tensors of the file) and JSON text."""
    sd = optimizer.state_dict()
    arrays, state_json = {}, {}
    for idx, per_param in sd.get("state", {}).items():
        for name, value in per_param.items():
            key = f"optimizer.state.{idx}.{name}"
            if isinstance(value, Tensor):
                arrays[key] = to_numpy(value.array)
                state_json.setdefault(str(idx), {})[name] = {"tensor": key}
            elif isinstance(value, np.ndarray):
                arrays[key] = value
                state_json.setdefault(str(idx), {})[name] = {"array": key}
            else:
                state_json.setdefault(str(idx), {})[name] = {"value": value}
    meta = {
        "optimizer.class": type(optimizer).__name__,
        "optimizer.param_groups": _json(sd.get("param_groups", []), fn,
                                        "the optimizer's param_groups"),
        "optimizer.state_json": _json(state_json, fn, "the optimizer's state"),
    }
    return arrays, meta


def _pack(value, prefix: str, arrays: dict):
    """``value`` as JSON-able data, its arrays moved to ``arrays`` under dotted keys."""
    if isinstance(value, (np.ndarray, Tensor)):
        arrays[prefix] = to_numpy(value.array) if isinstance(value, Tensor) else value
        return {"__array__": prefix}
    if isinstance(value, Mapping):
        return {str(k): _pack(v, f"{prefix}.{k}", arrays) for k, v in value.items()}
    return value


def _unpack(value, arrays: dict):
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        return {k: _unpack(v, arrays) for k, v in value.items()}
    return value


def save_checkpoint(path: str | os.PathLike, model, optimizer=None, epoch: int | None = None,
                    extra: Mapping | None = None, scheduler=None,
                    generators: Mapping | None = None,
                    callbacks: Mapping | None = None) -> None:
    """Write a training checkpoint to ``path`` atomically.

    Args:
        model: the ``Module`` whose ``state_dict`` is saved.
        optimizer: its optimizer (per-parameter state and hyperparameters), optional.
        epoch: the number of epochs completed.
        extra: any JSON-serialisable dict (history so far, best score, ...).
        scheduler: an lr scheduler with ``state_dict()`` (JSON-serialisable), optional.
        generators: ``ember.Generator`` objects by name (e.g. a DataLoader's), saved with
            the default generator, which is always saved.
        callbacks: states by name (a callback's ``state_dict()``: JSON-serialisable
            values, NumPy arrays and dicts of them), given back by ``load_checkpoint``.
    """
    fn = "save_checkpoint"
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    rng = {"default": _generator_state(ember_random.default_generator),
           "named": {name: _generator_state(g) for name, g in (generators or {}).items()}}
    meta = {"format": FORMAT, "model.class": type(model).__name__,
            "epoch": _json(epoch, fn, "epoch"), "extra": _json(extra, fn, "extra"),
            "rng": _json(rng, fn, "the RNG state")}
    if optimizer is not None:
        arrays, opt_meta = _optimizer_entries(optimizer, fn)
        tensors.update(arrays)
        meta.update(opt_meta)
    if scheduler is not None:
        meta["scheduler"] = _json(scheduler.state_dict(), fn, "the scheduler's state_dict")
    if callbacks:
        arrays = {}
        meta["callbacks"] = _json(_pack(dict(callbacks), "callbacks", arrays), fn,
                                  "the callbacks' states")
        tensors.update(arrays)
    atomic_write_bytes(path, serialize(tensors, meta, fn))


def _tupled_like(loaded: dict, current: dict) -> dict:
    """JSON turns tuples (Adam's ``betas``) into lists: give them back their type."""
    return {k: tuple(v) if isinstance(current.get(k), tuple) and isinstance(v, list) else v
            for k, v in loaded.items()}


def _optimizer_state_dict(arrays: dict, meta: dict, optimizer, fn: str, source: str) -> dict:
    if "optimizer.param_groups" not in meta:
        raise ValueError(f"{fn}: {source} holds no optimizer state (saved without one)")
    saved_class = meta.get("optimizer.class")
    if saved_class != type(optimizer).__name__:
        raise ValueError(f"{fn}: {source} holds the state of a {saved_class} optimizer, "
                         f"not of a {type(optimizer).__name__}")
    groups = json.loads(meta["optimizer.param_groups"])
    current = optimizer.state_dict().get("param_groups", [])
    if len(groups) != len(current) or any(len(g.get("params", [])) != len(c.get("params", []))
                                          for g, c in zip(groups, current)):
        raise ValueError(
            f"{fn}: {source} holds an optimizer over "
            f"{[len(g.get('params', [])) for g in groups]} parameters per group; this one has "
            f"{[len(c.get('params', [])) for c in current]}")
    groups = [_tupled_like(g, c) for g, c in zip(groups, current)]
    state = {}
    for idx, entries in json.loads(meta["optimizer.state_json"]).items():
        per_param = {}
        for name, entry in entries.items():
            if "tensor" in entry:
                per_param[name] = Tensor._wrap(arrays[entry["tensor"]])
            elif "array" in entry:
                per_param[name] = arrays[entry["array"]]
            else:
                per_param[name] = entry["value"]
        state[int(idx)] = per_param
    return {"state": state, "param_groups": groups}


def load_checkpoint(path: str | os.PathLike, model, optimizer=None, scheduler=None,
                    generators: Mapping | None = None, strict: bool = True,
                    restore_rng: bool = True) -> dict:
    """Restore a checkpoint written by ``save_checkpoint`` into ``model`` (and
    ``optimizer``, ``scheduler``, ``generators`` when given).

    A checkpoint from another architecture is refused before anything changes, with the
    missing/unexpected keys or the shapes that differ. With ``restore_rng`` the default
    generator (and the named ``generators``) continue where the saved run was.

    Returns ``{"epoch": ..., "extra": ..., "callbacks": {name: state}, "metadata": ...}``.
    """
    fn = "load_checkpoint"
    source = repr(os.fspath(path))
    arrays, meta = load_arrays(path, fn)
    if meta.get("format") != FORMAT:
        raise ValueError(f"{fn}: {source} is not an Ember checkpoint (format "
                         f"{meta.get('format')!r}); load plain weights with ember.io.load_model")
    model_state = {k[len("model."):]: v for k, v in arrays.items() if k.startswith("model.")}
    check_state_fits(model, model_state, strict, fn, source)
    opt_state = (None if optimizer is None
                 else _optimizer_state_dict(arrays, meta, optimizer, fn, source))
    rng = json.loads(meta["rng"])
    if generators:
        unknown = [n for n in generators if n not in rng["named"]]
        if unknown:
            raise ValueError(f"{fn}: {source} holds no state for generators {unknown}; it has "
                             f"{sorted(rng['named'])}")
    if scheduler is not None and "scheduler" not in meta:
        raise ValueError(f"{fn}: {source} holds no lr scheduler state")
    # every check passed: now change things
    model.load_state_dict(model_state, strict=strict)
    if opt_state is not None:
        optimizer.load_state_dict(opt_state)
    if scheduler is not None:
        scheduler.load_state_dict(json.loads(meta["scheduler"]))
    if restore_rng:
        _set_generator_state(ember_random.default_generator, rng["default"])
        for name, gen in (generators or {}).items():
            _set_generator_state(gen, rng["named"][name])
    callbacks = _unpack(json.loads(meta["callbacks"]), arrays) if "callbacks" in meta else {}
    return {"epoch": json.loads(meta["epoch"]), "extra": json.loads(meta["extra"]),
            "callbacks": callbacks, "metadata": meta}
