"""``ember.nn.utils``: model summary, gradient clipping and ``rnn`` (padding, packing)."""
from ember.nn.utils import rnn  # noqa: F401
from ember.nn.utils.clip_grad import (  # noqa: F401
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from ember.nn.utils.summary import ModelSummary, summary  # noqa: F401
