"""Reading and writing tensors, weights and checkpoints (safetensors; never pickle)."""
from ember.io.atomic import atomic_write_bytes
from ember.io.checkpoint import load_checkpoint, save_checkpoint
from ember.io.weights import (
    StateMismatchError,
    load_file,
    load_metadata,
    load_model,
    save_file,
    save_model,
)

__all__ = [
    "StateMismatchError", "atomic_write_bytes", "load_checkpoint", "load_file",
    "load_metadata", "load_model", "save_checkpoint", "save_file", "save_model",
]
