"""Every registry op against PyTorch 2.13: forward values and gradients, float32."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from tests.ops.cases import CASES
from tests.ops.harness import run

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**31 - 1))
def test_matches_torch(case, seed):
    arrays = case.sample(np.random.default_rng(seed))
    e_vals, e_grads = run(ember, case, arrays, np.float32)
    t_vals, t_grads = run(torch, case, arrays, np.float32)
    assert len(e_vals) == len(t_vals)
    for e, t in zip(e_vals, t_vals):
        assert e.shape == t.shape, f"{case.name}: shape {e.shape} vs torch {t.shape}"
        assert e.dtype == t.dtype, f"{case.name}: dtype {e.dtype} vs torch {t.dtype}"
        np.testing.assert_allclose(e, t, rtol=case.rtol, atol=case.atol)
    for i, (e, t) in enumerate(zip(e_grads, t_grads)):
        assert (e is None) == (t is None), f"{case.name}: gradient presence differs (input {i})"
        if e is not None:
            np.testing.assert_allclose(e, t, rtol=max(case.rtol, 1e-5), atol=max(case.atol, 1e-5),
                                       err_msg=f"{case.name}: gradient of input {i}")
