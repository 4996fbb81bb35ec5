"""``ember.optim``: optimizers, learning-rate schedulers and optimizer checkpoints."""
from ember.optim import lr_scheduler
from ember.optim.adadelta import Adadelta
from ember.optim.adagrad import Adagrad
from ember.optim.adam import Adam, AdamW
from ember.optim.optimizer import Optimizer, flatten_state_dict, unflatten_state_dict
from ember.optim.rmsprop import RMSprop
from ember.optim.sgd import SGD

__all__ = [
    "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "AdamW", "Optimizer",
    "flatten_state_dict", "unflatten_state_dict", "lr_scheduler",
]
