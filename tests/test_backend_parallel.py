"""``ember.backend_parallel.parallel_chunks``: the chunks cover the arrays exactly once."""
import numpy as np
import pytest

from ember import backend_parallel


@pytest.fixture
def split_everything(monkeypatch):
    monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
    monkeypatch.setattr(backend_parallel, "NUM_THREADS", 3)


def test_chunks_cover_every_element_once(split_everything):
    x = np.arange(29 * 5, dtype=np.float32).reshape(29, 5)
    y = np.zeros_like(x)
    seen = []

    def fn(a, b):
        seen.append(a.shape)
        b += a + 1

    backend_parallel.parallel_chunks(fn, x, y)
    np.testing.assert_array_equal(y, x + 1)
    assert sum(s[0] for s in seen) == 29 and {s[1] for s in seen} == {5}
    assert len(seen) == 3 * backend_parallel.PIECES_PER_THREAD


def test_default_axis_is_the_outermost_in_memory(split_everything):
    x = np.ones((4, 6), np.float32).T  # (6, 4), axis 1 outermost in memory
    seen = []
    backend_parallel.parallel_chunks(lambda a: seen.append(a.shape), x)
    assert sorted(seen) == [(6, 1)] * 4


def test_one_axis_per_array(split_everything):
    x = np.arange(6, dtype=np.float32)
    out = np.zeros((2, 6), np.float32)
    backend_parallel.parallel_chunks(lambda a, b: np.copyto(b[1], a), x, out, axis=(0, 1))
    np.testing.assert_array_equal(out[1], x)


def test_small_arrays_and_one_thread_run_inline(monkeypatch):
    calls = []
    backend_parallel.parallel_chunks(lambda a: calls.append(a.shape), np.ones((4, 3)))
    monkeypatch.setattr(backend_parallel, "MIN_SIZE", 0)
    monkeypatch.setattr(backend_parallel, "NUM_THREADS", 1)
    backend_parallel.parallel_chunks(lambda a: calls.append(a.shape), np.ones((4, 3)))
    assert calls == [(4, 3), (4, 3)]


def test_errors_in_a_worker_are_raised(split_everything):
    def fn(a):
        if a[0] != 0:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        backend_parallel.parallel_chunks(fn, np.arange(6))


def test_nested_calls_run_inline(split_everything):
    out = np.zeros((8, 8), np.float32)

    def outer(block):
        backend_parallel.parallel_chunks(lambda b: b.__iadd__(1), block, axis=1)

    backend_parallel.parallel_chunks(outer, out)
    np.testing.assert_array_equal(out, 1)


def test_blocks_cover_the_range_once_and_are_numbered(split_everything):
    seen = []
    backend_parallel.parallel_blocks(lambda lo, hi, k: seen.append((lo, hi, k)), 23, 5)
    assert sorted(seen) == [(0, 5, 0), (5, 10, 1), (10, 15, 2), (15, 20, 3), (20, 23, 4)]


def test_one_block_and_no_rows_run_inline(monkeypatch):
    calls = []
    backend_parallel.parallel_blocks(lambda lo, hi, k: calls.append((lo, hi, k)), 4, 10)
    backend_parallel.parallel_blocks(lambda lo, hi, k: calls.append((lo, hi, k)), 0, 10)
    assert calls == [(0, 4, 0)]
