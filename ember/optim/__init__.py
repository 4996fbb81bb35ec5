"""``ember.optim``: optimizers, learning-rate schedulers and optimizer checkpoints."""
from ember.optim.adam import Adam, AdamW
from ember.optim.optimizer import Optimizer, flatten_state_dict, unflatten_state_dict
from ember.optim.sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "flatten_state_dict", "unflatten_state_dict"]
