"""Variable-length batches for recurrent layers: padding and packing.

A ``PackedSequence`` holds a batch of sequences of different lengths without padding:
sorted by decreasing length, time-major, step t keeps the first ``batch_sizes[t]``
sequences (those still running), so ``data`` is (sum of lengths, *). ``nn.RNN``,
``nn.LSTM`` and ``nn.GRU`` take one and return one; each sequence's ``h_n`` is then its
state at its own last step, not after padding.

Every conversion is one row gather (``index_select``) of the padded or packed rows, so
gradients flow through packing and unpacking, and graph mode records them like any op.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ember.creation import full
from ember.errors import shape_error
from ember.ops.index import index_select
from ember.ops.join import cat
from ember.ops.shape import reshape
from ember.tensor import Tensor

__all__ = ["PackedSequence", "pack_padded_sequence", "pack_sequence", "pad_packed_sequence",
           "pad_sequence", "unpack_sequence", "unpad_sequence"]


def _ints(op, name, values) -> np.ndarray:
    """``values`` (a list, an array or a tensor) as a 1-D int64 NumPy array."""
    a = values.array if isinstance(values, Tensor) else np.asarray(values)
    if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise TypeError(f"{op}: {name} must be a 1-D sequence of integers, got "
                        f"{a.dtype} of shape {tuple(a.shape)}")
    return a.astype(np.int64)


def _index(values) -> Tensor:
    return Tensor._wrap(np.ascontiguousarray(values, dtype=np.int64))


class _Packed(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_Packed):
    """A packed batch of variable-length sequences (``torch.nn.utils.rnn.PackedSequence``).

    Attributes:
        data: (sum of lengths, *) rows, time-major, longest sequences first in each step.
        batch_sizes: int64 (max length,): how many sequences are running at each step.
        sorted_indices: int64 (B,): the original index of each packed position (None
            when the batch was already sorted).
        unsorted_indices: its inverse: the packed position of each original sequence.

    Build one with ``pack_padded_sequence`` or ``pack_sequence``, not by hand.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if batch_sizes is None:
            raise ValueError("PackedSequence: batch_sizes is required; build one with "
                             "pack_padded_sequence or pack_sequence")
        if not isinstance(batch_sizes, Tensor):
            batch_sizes = _index(_ints("PackedSequence", "batch_sizes", batch_sizes))
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _index(np.argsort(sorted_indices.array))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs) -> PackedSequence:
        """A copy with ``data`` converted by ``Tensor.to`` (the indices stay int64)."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, *self[1:])

    def float(self) -> PackedSequence:
        return self.to(dtype=np.float32)

    def double(self) -> PackedSequence:
        return self.to(dtype=np.float64)

    def cpu(self) -> PackedSequence:
        return self

    @property
    def is_cuda(self) -> bool:
        return False


def _sizes(lengths: np.ndarray) -> np.ndarray:
    """``batch_sizes`` of lengths sorted in decreasing order: sequences alive per step."""
    return (lengths[None, :] > np.arange(int(lengths[0]))[:, None]).sum(1)


def pack_padded_sequence(input, lengths, batch_first: bool = False,  # noqa: A002
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch of sequences.

    Args:
        input: (T, B, *) padded sequences, or (B, T, *) with ``batch_first``.
        lengths: the B sequence lengths (a list, array or int64 tensor), each in [1, T].
        enforce_sorted: require lengths sorted in decreasing order; with False the batch
            is sorted here and ``sorted_indices`` records the order.

    Shape: ``data`` (sum(lengths), *).
    """
    op = "pack_padded_sequence"
    lengths = _ints(op, "lengths", lengths)
    if input.ndim < 2:
        raise shape_error(op, "input must be (T, B, *) or (B, T, *) with batch_first",
                          input.shape)
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else input.shape[:2]
    if lengths.shape[0] != batch:
        raise shape_error(op, f"expected {batch} lengths (one per sequence of the batch), "
                          f"got {lengths.shape[0]}", input.shape, lengths.shape)
    if lengths.min() < 1 or lengths.max() > steps:
        raise ValueError(f"{op}: every length must be in [1, {steps}] (the padded length), "
                         f"got {lengths.tolist()}")
    if enforce_sorted:
        if np.any(lengths[1:] > lengths[:-1]):
            raise ValueError(f"{op}: lengths must be sorted in decreasing order when "
                             f"enforce_sorted is True, got {lengths.tolist()}; pass "
                             "enforce_sorted=False to pack an unsorted batch")
        order = np.arange(batch)
        sorted_indices = None
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = _index(order)
    sizes = _sizes(lengths[order])
    t = np.repeat(np.arange(sizes.shape[0]), sizes)
    seq = order[np.concatenate([np.arange(b) for b in sizes])]
    rows = seq * steps + t if batch_first else t * batch + seq
    flat = reshape(input, -1, *input.shape[2:])
    return PackedSequence(index_select(flat, 0, _index(rows)), _index(sizes), sorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0, total_length: int | None = None):
    """Unpack a ``PackedSequence`` into a padded batch: ``(padded, lengths)``.

    Args:
        sequence: the packed batch.
        batch_first: return (B, T, *) instead of (T, B, *).
        padding_value: the value of the padded positions.
        total_length: pad to this many steps (at least the longest sequence), e.g. to
            undo ``pack_padded_sequence`` on a batch padded further.

    Shape: padded (T, B, *); lengths int64 (B,), in the original order of the batch.
    """
    op = "pad_packed_sequence"
    data, sizes = sequence.data, sequence.batch_sizes.array
    steps, batch = sizes.shape[0], int(sizes[0])
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"{op}: total_length must be at least the length of the longest "
                             f"sequence ({steps}), got total_length={total_length}")
        steps = total_length
    lengths = (sizes[None, :] > np.arange(batch)[:, None]).sum(1)  # in packed order
    position = np.arange(batch) if sequence.unsorted_indices is None else (
        sequence.unsorted_indices.array)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    t = np.arange(steps)[:, None]
    live = t < lengths[position][None, :]
    rows = np.where(live, starts[np.minimum(t, sizes.shape[0] - 1)] + position[None, :],
                    data.shape[0])  # the padding row, appended below
    if batch_first:
        rows = rows.T
    pad = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    padded = index_select(cat([data, pad]), 0, _index(rows.reshape(-1)))
    padded = reshape(padded, *rows.shape, *data.shape[1:])
    return padded, _index(lengths[position])


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences of different lengths into one padded tensor.

    Args:
        sequences: tensors (L_i, *) with the same trailing dimensions.
        batch_first: return (B, T, *) instead of (T, B, *).
        padding_value: the value of the padded positions.
        padding_side: "right" (padding after each sequence) or "left".

    Shape: (T, B, *) with T the longest L_i.
    """
    op = "pad_sequence"
    if padding_side not in ("left", "right"):
        raise ValueError(f"{op}: padding_side must be 'left' or 'right', got {padding_side!r}")
    sequences = list(sequences)
    if not sequences:
        raise ValueError(f"{op}: received an empty list of sequences")
    trail = tuple(sequences[0].shape[1:])
    if any(s.ndim == 0 or tuple(s.shape[1:]) != trail for s in sequences):
        raise shape_error(op, "every sequence must be (L_i, *) with the same trailing "
                          "dimensions", *(s.shape for s in sequences))
    lengths = np.array([s.shape[0] for s in sequences])
    steps, total = int(lengths.max()), int(lengths.sum())
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    t = np.arange(steps)[:, None]
    shift = 0 if padding_side == "right" else steps - lengths[None, :]
    live = (t >= shift) & (t < shift + lengths[None, :])
    rows = np.where(live, starts[None, :] + t - shift, total)  # (T, B); total: padding
    if batch_first:
        rows = rows.T
    pad = full((1,) + trail, padding_value, dtype=sequences[0].dtype)
    padded = index_select(cat(sequences + [pad]), 0, _index(rows.reshape(-1)))
    return reshape(padded, *rows.shape, *trail)


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences (L_i, *): ``pack_padded_sequence(pad_sequence(...))``."""
    sequences = list(sequences)
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first: bool = False) -> list:
    """The inverse of ``pad_sequence``: the list of (L_i, *) sequences of a padded batch."""
    lengths = _ints("unpad_sequence", "lengths", lengths)
    if batch_first:
        return [padded_sequences[j, :int(n)] for j, n in enumerate(lengths)]
    return [padded_sequences[:int(n), j] for j, n in enumerate(lengths)]


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The inverse of ``pack_sequence``: the list of (L_i, *) sequences, in input order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
