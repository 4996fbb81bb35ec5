"""``ember.nn.utils.rnn``: padding and packing against PyTorch (values, the fields of a
PackedSequence, gradients), round trips, and every error message."""
import numpy as np
import pytest

import ember
from ember.nn.utils import rnn as ernn

torch = pytest.importorskip("torch")
trnn = torch.nn.utils.rnn


def seqs(rng, lengths, trail=(3,)):
    return [rng.standard_normal((n,) + trail).astype(np.float32) for n in lengths]


def grads_of(lib, arrays, fn):
    """``fn(tensors)``'s value and the gradients of sum(w * value) w.r.t. each array."""
    ts = [lib.tensor(a).requires_grad_(True) for a in arrays]
    out = fn(ts)
    w = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(np.float32)
    (out * lib.tensor(w)).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in ts]


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_matches_torch(batch_first, side):
    arrays = seqs(np.random.default_rng(0), [2, 5, 1, 3], trail=(2, 3))
    results = [grads_of(lib, arrays, lambda ts, mod=mod: mod.pad_sequence(
        ts, batch_first=batch_first, padding_value=-1.5, padding_side=side))
        for lib, mod in ((torch, trnn), (ember, ernn))]
    (t_out, t_grads), (e_out, e_grads) = results
    assert e_out.shape == t_out.shape
    np.testing.assert_array_equal(e_out, t_out)
    for e, t in zip(e_grads, t_grads):
        np.testing.assert_array_equal(e, t)


@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_padded_sequence_fields_and_gradients_match_torch(batch_first, enforce_sorted):
    lengths = [6, 4, 3, 1] if enforce_sorted else [3, 6, 1, 4]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 6, 3) if batch_first else (6, 4, 3)).astype(np.float32)
    packs = {}
    for lib, mod in ((torch, trnn), (ember, ernn)):
        xt = lib.tensor(x).requires_grad_(True)
        p = mod.pack_padded_sequence(xt, lengths, batch_first=batch_first,
                                     enforce_sorted=enforce_sorted)
        w = np.random.default_rng(2).standard_normal(tuple(p.data.shape)).astype(np.float32)
        (p.data * lib.tensor(w)).sum().backward()
        packs[lib.__name__] = p, xt.grad.numpy()
    (tp, t_grad), (ep, e_grad) = packs["torch"], packs["ember"]
    assert isinstance(ep, ernn.PackedSequence) and isinstance(ep, tuple) and len(ep) == 4
    np.testing.assert_array_equal(ep.data.detach().numpy(), tp.data.detach().numpy())
    assert ep.batch_sizes.dtype == ember.int64
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist()
    for field in ("sorted_indices", "unsorted_indices"):
        e, t = getattr(ep, field), getattr(tp, field)
        assert (e is None) == (t is None)
        if e is not None:
            assert e.tolist() == t.tolist()
    np.testing.assert_array_equal(e_grad, t_grad)


@pytest.mark.parametrize("total_length", [None, 8])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_packed_sequence_matches_torch(batch_first, total_length):
    arrays = seqs(np.random.default_rng(3), [3, 5, 5, 2])  # a tie: order may differ, values not

    def round_trip(mod):
        def fn(ts):
            packed = mod.pack_sequence(ts, enforce_sorted=False)
            padded, lengths = mod.pad_packed_sequence(
                packed, batch_first=batch_first, padding_value=0.25, total_length=total_length)
            assert lengths.tolist() == [3, 5, 5, 2]
            return padded
        return fn

    (t_out, t_grads), (e_out, e_grads) = [grads_of(lib, arrays, round_trip(mod))
                                          for lib, mod in ((torch, trnn), (ember, ernn))]
    assert e_out.shape == t_out.shape
    np.testing.assert_array_equal(e_out, t_out)
    for e, t in zip(e_grads, t_grads):
        np.testing.assert_array_equal(e, t)


def test_pack_sequence_sorted_and_unpack_round_trip():
    arrays = seqs(np.random.default_rng(4), [4, 3, 3, 1])
    packed = ernn.pack_sequence([ember.tensor(a) for a in arrays])
    t_packed = trnn.pack_sequence([torch.tensor(a) for a in arrays])
    assert packed.sorted_indices is None and packed.unsorted_indices is None
    np.testing.assert_array_equal(packed.data.numpy(), t_packed.data.numpy())
    assert packed.batch_sizes.tolist() == [4, 3, 3, 1]
    for got, want in zip(ernn.unpack_sequence(packed), arrays):
        np.testing.assert_array_equal(got.numpy(), want)
    padded = ernn.pad_sequence([ember.tensor(a) for a in arrays], batch_first=True)
    for got, want in zip(ernn.unpad_sequence(padded, ember.tensor([4, 3, 3, 1]), True), arrays):
        np.testing.assert_array_equal(got.numpy(), want)


def test_packed_sequence_to_and_a_module_round_trip_keep_the_indices():
    arrays = seqs(np.random.default_rng(5), [2, 4, 3])
    packed = ernn.pack_sequence([ember.tensor(a) for a in arrays], enforce_sorted=False)
    assert packed.sorted_indices.tolist() == [1, 2, 0]
    assert packed.unsorted_indices.tolist() == [2, 0, 1]
    double = packed.double()
    assert double.data.dtype == ember.float64 and double.batch_sizes is packed.batch_sizes
    assert packed.to(ember.float32) is packed and packed.cpu() is packed and not packed.is_cuda
    out, h = ember.nn.GRU(3, 4)(packed)
    assert isinstance(out, ernn.PackedSequence) and tuple(out.data.shape) == (9, 4)
    assert out.batch_sizes is packed.batch_sizes
    assert out.sorted_indices is packed.sorted_indices
    assert tuple(h.shape) == (1, 3, 4)
    again = ernn.PackedSequence(packed.data, packed.batch_sizes, packed.sorted_indices)
    assert again.unsorted_indices.tolist() == [2, 0, 1]  # derived from sorted_indices


def test_errors_name_the_function_and_argument():
    x = ember.randn(5, 3, 2)
    with pytest.raises(ValueError, match=r"pack_padded_sequence: lengths must be sorted in "
                       r"decreasing order when enforce_sorted is True, got \[2, 5, 1\]; pass "
                       r"enforce_sorted=False"):
        ernn.pack_padded_sequence(x, [2, 5, 1])
    with pytest.raises(ValueError, match=r"pack_padded_sequence: expected 3 lengths \(one per "
                       r"sequence of the batch\), got 2 \(got shapes \(5, 3, 2\), \(2,\)\)"):
        ernn.pack_padded_sequence(x, [5, 2])
    with pytest.raises(ValueError, match=r"pack_padded_sequence: every length must be in "
                       r"\[1, 5\] \(the padded length\), got \[6, 2, 0\]"):
        ernn.pack_padded_sequence(x, [6, 2, 0], enforce_sorted=False)
    with pytest.raises(TypeError, match=r"pack_padded_sequence: lengths must be a 1-D "
                       r"sequence of integers, got float64 of shape \(3,\)"):
        ernn.pack_padded_sequence(x, [5.0, 2.0, 1.0])
    with pytest.raises(ValueError, match=r"pack_padded_sequence: input must be \(T, B, \*\)"):
        ernn.pack_padded_sequence(ember.randn(5), [5])
    packed = ernn.pack_padded_sequence(x, [5, 2, 1])
    with pytest.raises(ValueError, match=r"pad_packed_sequence: total_length must be at least "
                       r"the length of the longest sequence \(5\), got total_length=4"):
        ernn.pad_packed_sequence(packed, total_length=4)
    with pytest.raises(ValueError, match="pad_sequence: received an empty list"):
        ernn.pad_sequence([])
    with pytest.raises(ValueError, match=r"pad_sequence: every sequence must be \(L_i, \*\) "
                       r"with the same trailing dimensions \(got shapes \(2, 3\), \(4, 2\)\)"):
        ernn.pad_sequence([ember.randn(2, 3), ember.randn(4, 2)])
    with pytest.raises(ValueError, match="pad_sequence: padding_side must be 'left' or "
                       "'right', got 'top'"):
        ernn.pad_sequence([ember.randn(2, 3)], padding_side="top")
    with pytest.raises(ValueError, match="PackedSequence: batch_sizes is required"):
        ernn.PackedSequence(ember.randn(4, 2))
