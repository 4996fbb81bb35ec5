import pytest

import ember.graph as tf


@pytest.fixture(autouse=True)
def _fresh_default_graph():
    """Each test builds into a new, empty default graph."""
    tf.reset_default_graph()
    yield
