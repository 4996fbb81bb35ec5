"""Float64 central-difference gradient check of every registry op."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ops.cases import CASES
from tests.ops.harness import gradcheck_case


@pytest.mark.parametrize("case", [c for c in CASES if c.grad and c.gradcheck],
                         ids=lambda c: c.name)
@settings(max_examples=8, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**31 - 1))
def test_gradcheck(case, seed):
    arrays = case.sample(np.random.default_rng(seed))
    assert gradcheck_case(case, arrays)
