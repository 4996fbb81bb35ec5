"""ember.utils.data: datasets, samplers, collation and the DataLoader."""
from collections import namedtuple

import numpy as np
import pytest
import torch

import ember
from ember.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    random_split,
)


def _data(n=10):
    x = ember.from_numpy(np.arange(n * 3, dtype=np.float32).reshape(n, 3))
    y = ember.from_numpy(np.arange(n, dtype=np.int64))
    return x, y


def _seeded(seed):
    return ember.Generator().manual_seed(seed)


def _labels(loader):
    return np.concatenate([yb.numpy() for _, yb in loader])


class Pairs(Dataset):
    """A plain map-style dataset (no fast path): sample i is (float row, int label)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full(2, i, dtype=np.float32), i


# ----------------------------------------------------------------- TensorDataset, Subset, Concat
def test_tensor_dataset_items_and_length():
    x, y = _data()
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    np.testing.assert_array_equal(xi.numpy(), x.numpy()[3])
    assert yi.item() == 3


def test_tensor_dataset_rejects_different_first_dimensions():
    with pytest.raises(ValueError, match=r"TensorDataset.*dimension 0.*\(10, 3\).*\(9,\)"):
        TensorDataset(ember.zeros(10, 3), ember.zeros(9))


def test_subset_and_concat_index_like_pytorch():
    x, y = _data()
    ds = TensorDataset(x, y)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[1][1].item() == 2
    cat = ConcatDataset([ds, sub])
    assert len(cat) == 13
    assert [cat[i][1].item() for i in (0, 9, 10, 12, -1)] == [0, 9, 7, 5, 5]
    with pytest.raises(IndexError):
        cat[13]
    assert len(ds + sub) == 13


# ----------------------------------------------------------------- DataLoader
def test_sequential_batches_are_consecutive_slices():
    x, y = _data()
    batches = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert [tuple(xb.shape) for xb, _ in batches] == [(4, 3), (4, 3), (2, 3)]
    np.testing.assert_array_equal(batches[1][0].numpy(), x.numpy()[4:8])
    assert batches[2][1].dtype == ember.int64


@pytest.mark.parametrize("n,bs,drop_last,expected", [
    (10, 4, False, 3), (10, 4, True, 2), (10, 5, True, 2), (10, 10, False, 1),
    (10, 1, False, 10), (3, 5, True, 0),
])
def test_len_counts_batches(n, bs, drop_last, expected):
    loader = DataLoader(TensorDataset(*_data(n)), batch_size=bs, drop_last=drop_last)
    assert len(loader) == expected == len(list(loader))


def test_full_batch_stochastic_and_mini_batch_gradient_descent():
    ds = TensorDataset(*_data(12))
    assert [len(yb) for _, yb in DataLoader(ds, batch_size=len(ds))] == [12]
    assert [len(yb) for _, yb in DataLoader(ds, batch_size=1)] == [1] * 12
    assert [len(yb) for _, yb in DataLoader(ds, batch_size=5)] == [5, 5, 2]


def test_shuffle_visits_every_sample_once_in_a_new_order_each_epoch():
    loader = DataLoader(TensorDataset(*_data(50)), batch_size=8, shuffle=True,
                        generator=_seeded(1))
    first, second = _labels(loader), _labels(loader)
    assert sorted(first.tolist()) == list(range(50)) == sorted(second.tolist())
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, np.arange(50))


def test_shuffle_repeats_for_the_same_seed():
    ds = TensorDataset(*_data(50))
    a = DataLoader(ds, batch_size=8, shuffle=True, generator=_seeded(3))
    b = DataLoader(ds, batch_size=8, shuffle=True, generator=_seeded(3))
    c = DataLoader(ds, batch_size=8, shuffle=True, generator=_seeded(4))
    np.testing.assert_array_equal(_labels(a), _labels(b))
    assert not np.array_equal(_labels(a), _labels(c))


def test_default_generator_follows_manual_seed():
    ds = TensorDataset(*_data(50))
    ember.manual_seed(7)
    a = _labels(DataLoader(ds, batch_size=8, shuffle=True))
    ember.manual_seed(7)
    b = _labels(DataLoader(ds, batch_size=8, shuffle=True))
    np.testing.assert_array_equal(a, b)


def test_fast_path_indexes_tensors_without_calling_getitem(monkeypatch):
    x, y = _data(20)
    ds = TensorDataset(x, y)
    sub = Subset(Subset(ds, list(range(19, -1, -1))), [0, 2, 4, 6, 8])

    def per_item(self, index):
        raise AssertionError("the fast path must not fetch samples one by one")

    monkeypatch.setattr(TensorDataset, "__getitem__", per_item)
    (xb, yb), = list(DataLoader(sub, batch_size=5))
    assert yb.tolist() == [19, 17, 15, 13, 11]
    np.testing.assert_array_equal(xb.numpy(), x.numpy()[[19, 17, 15, 13, 11]])


def test_fast_path_matches_per_item_collation():
    ds = TensorDataset(*_data(23))
    fast = DataLoader(ds, batch_size=6, shuffle=True, generator=_seeded(5))
    slow = DataLoader(ds, batch_size=6, shuffle=True, generator=_seeded(5),
                      collate_fn=lambda items: default_collate(items))
    for (xf, yf), (xs, ys) in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(xf.numpy(), xs.numpy())
        np.testing.assert_array_equal(yf.numpy(), ys.numpy())


def test_custom_dataset_and_collate_fn():
    loader = DataLoader(Pairs(5), batch_size=2, collate_fn=lambda items: len(items))
    assert list(loader) == [2, 2, 1]
    xb, yb = next(iter(DataLoader(Pairs(5), batch_size=3)))
    assert xb.shape == (3, 2) and xb.dtype == ember.float32
    assert yb.tolist() == [0, 1, 2] and yb.dtype == ember.int64


def test_sampler_and_batch_sampler_arguments():
    ds = Pairs(6)
    order = [yb.tolist() for _, yb in DataLoader(ds, batch_size=4, sampler=[5, 4, 3, 2, 1, 0])]
    assert order == [[5, 4, 3, 2], [1, 0]]
    batches = [[0, 1, 2], [5], [3, 4]]
    loader = DataLoader(ds, batch_sampler=batches)
    assert [yb.tolist() for _, yb in loader] == batches and len(loader) == 3


def test_batch_size_none_yields_single_converted_samples():
    items = list(DataLoader(Pairs(3), batch_size=None))
    assert len(items) == 3
    x, y = items[2]
    assert isinstance(x, ember.Tensor) and x.shape == (2,) and y == 2


def test_iterable_dataset_is_batched_in_order():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5],
                                                                        [6]]
    assert len(list(DataLoader(Stream(), batch_size=3, drop_last=True))) == 2
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Stream(), shuffle=True)


@pytest.mark.parametrize("bs", [0, -3, 2.5, True])
def test_bad_batch_size_raises(bs):
    with pytest.raises(ValueError, match="DataLoader: batch_size must be a positive integer"):
        DataLoader(Pairs(3), batch_size=bs)


def test_exclusive_arguments_raise():
    with pytest.raises(ValueError, match="sampler is mutually exclusive with shuffle"):
        DataLoader(Pairs(3), sampler=[0, 1], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler is mutually exclusive"):
        DataLoader(Pairs(3), batch_size=2, batch_sampler=[[0]])


def test_num_workers_is_accepted_and_ignored():
    loader = DataLoader(Pairs(4), batch_size=2, num_workers=4, pin_memory=True)
    assert [yb.tolist() for _, yb in loader] == [[0, 1], [2, 3]]


# ----------------------------------------------------------------- collation
def _assert_same(ours, theirs):
    """Same structure, values and dtypes as PyTorch's default_collate (modulo the float
    default: Python floats are float32 in Ember, float64 in PyTorch)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ember.Tensor)
        expected = theirs.numpy()
        if theirs.dtype == torch.float64 and ours.dtype == ember.float32:
            expected = expected.astype(np.float32)
        assert ours.dtype == expected.dtype
        np.testing.assert_array_equal(ours.numpy(), expected)
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict) and ours.keys() == theirs.keys()
        for k in theirs:
            _assert_same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_same(a, b)
    else:
        assert ours == theirs


Point = namedtuple("Point", "x y")


@pytest.mark.parametrize("make", [
    lambda i: (np.full((2, 2), i, np.float64), i),
    lambda i: {"image": np.ones(3, np.float32) * i, "label": i, "name": f"s{i}"},
    lambda i: [float(i), bool(i % 2), np.int32(i)],
    lambda i: Point(np.arange(3) + i, {"w": 0.5 * i}),
    lambda i: (i, (np.zeros(1, np.uint8), [1.0, 2.0])),
])
def test_default_collate_matches_pytorch(make):
    items = [make(i) for i in range(4)]
    torch_items = [make(i) for i in range(4)]
    _assert_same(default_collate(items), torch.utils.data.default_collate(torch_items))


def test_default_collate_stacks_tensors_keeping_dtype():
    batch = default_collate([ember.ones(2, 3, dtype=ember.float64) for _ in range(5)])
    assert batch.shape == (5, 2, 3) and batch.dtype == ember.float64


def test_ragged_items_name_the_field_and_shapes():
    class Ragged(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return {"tokens": np.zeros(3 + i), "label": i}

    with pytest.raises(ValueError, match=r"field \['tokens'\].*item 0 has shape \(3,\) but "
                                         r"item 1 has shape \(4,\)"):
        next(iter(DataLoader(Ragged(), batch_size=4)))
    with pytest.raises(ValueError, match=r"field \[0\].*\(2,\).*\(5,\)"):
        default_collate([(np.zeros(2), 1), (np.zeros(5), 2)])
    with pytest.raises(ValueError, match="different lengths"):
        default_collate([(1, 2), (1, 2, 3)])


# ----------------------------------------------------------------- random_split
def test_random_split_partitions_the_dataset():
    ds = TensorDataset(*_data(10))
    parts = random_split(ds, [6, 3, 1], generator=_seeded(0))
    assert [len(p) for p in parts] == [6, 3, 1]
    seen = sorted(i for p in parts for i in p.indices)
    assert seen == list(range(10))
    again = random_split(ds, [6, 3, 1], generator=_seeded(0))
    assert [p.indices for p in parts] == [p.indices for p in again]


@pytest.mark.parametrize("n,fractions", [(10, [0.8, 0.2]), (11, [0.5, 0.3, 0.2]),
                                         (7, [1 / 3, 1 / 3, 1 / 3]), (5, [0.1, 0.9])])
def test_random_split_fractions_give_pytorchs_lengths(n, fractions):
    ours = random_split(Pairs(n), fractions, generator=_seeded(0))
    theirs = torch.utils.data.random_split(range(n), fractions)
    assert [len(p) for p in ours] == [len(p) for p in theirs]


def test_random_split_with_wrong_lengths_raises():
    with pytest.raises(ValueError, match=r"random_split: lengths \[5, 4\] sum to 9.*10 samples"):
        random_split(Pairs(10), [5, 4])
    with pytest.raises(ValueError, match="fractions must lie in"):
        random_split(Pairs(10), [0.5, 0.6])


# ----------------------------------------------------------------- samplers
def test_batch_sampler_yields_lists_like_pytorch():
    ours = list(BatchSampler(SequentialSampler(range(7)), 3, drop_last=False))
    theirs = list(torch.utils.data.BatchSampler(range(7), 3, drop_last=False))
    assert ours == theirs
    assert len(BatchSampler(range(7), 3, drop_last=True)) == 2
    with pytest.raises(ValueError, match="BatchSampler: batch_size"):
        BatchSampler(range(7), 0, drop_last=False)


def test_random_samplers():
    perm = list(RandomSampler(range(9), generator=_seeded(0)))
    assert sorted(perm) == list(range(9))
    many = list(RandomSampler(range(4), num_samples=10, generator=_seeded(0)))
    assert len(many) == 10 and sorted(many[:4]) == [0, 1, 2, 3]
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=_seeded(0)))
    assert set(drawn) <= {0, 1, 2} and len(drawn) == 50
    sub = list(SubsetRandomSampler([10, 20, 30], generator=_seeded(0)))
    assert sorted(sub) == [10, 20, 30]


def test_custom_sampler_defining_only_iter_drives_the_loader():
    class EvenFirst(Sampler):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter([*range(0, self.n, 2), *range(1, self.n, 2)])

        def __len__(self):
            return self.n

    loader = DataLoader(TensorDataset(*_data(6)), batch_size=4, sampler=EvenFirst(6))
    assert [yb.tolist() for _, yb in loader] == [[0, 2, 4, 1], [3, 5]]
    with pytest.raises(NotImplementedError, match="must define __iter__"):
        iter(Sampler())


def test_weighted_sampler_follows_the_weights():
    draws = np.array(list(WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=_seeded(0))))
    counts = np.bincount(draws, minlength=3) / len(draws)
    assert counts[0] == 0
    np.testing.assert_allclose(counts[1:], [0.25, 0.75], atol=0.03)


# ----------------------------------------------------------------- PyTorch-style use
def _fit_linear(batch_size, epochs, lr):
    """Linear regression by gradient descent, written as PyTorch code with Ember."""
    import ember as torch

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(64, 3, generator=gen)
    y = x @ torch.tensor([[1.5], [-2.0], [0.5]]) + 0.3
    w = torch.zeros(3, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y),
                                         batch_size=batch_size, shuffle=True,
                                         generator=torch.Generator().manual_seed(1))
    steps = 0
    for _ in range(epochs):
        for xb, yb in loader:
            loss = ((xb @ w + b - yb) ** 2).mean()
            loss.backward()
            with torch.no_grad():
                w -= lr * w.grad
                b -= lr * b.grad
            w.grad = b.grad = None
            steps += 1
    return w.detach().numpy().ravel(), b.item(), steps


@pytest.mark.parametrize("batch_size,epochs,lr,steps", [
    (64, 300, 0.1, 300),     # batch gradient descent: one update per epoch
    (1, 10, 0.02, 640),      # stochastic: one update per sample
    (16, 40, 0.05, 160),     # mini-batch
])
def test_batch_stochastic_and_mini_batch_gradient_descent_all_fit(batch_size, epochs, lr,
                                                                   steps):
    w, b, n_steps = _fit_linear(batch_size, epochs, lr)
    assert n_steps == steps
    np.testing.assert_allclose(w, [1.5, -2.0, 0.5], atol=0.02)
    assert abs(b - 0.3) < 0.02
