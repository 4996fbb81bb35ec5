"""``ember.nn``: modules, layers, losses (``torch.nn``'s names)."""
from ember.nn import functional, init, utils  # noqa: F401
from ember.nn.modules import *  # noqa: F401,F403
from ember.nn.parameter import Parameter  # noqa: F401
