"""Every layer of ``ember.nn``, one family per file."""
from ember.nn.modules.activation import *  # noqa: F401,F403
from ember.nn.modules.activation_extra import *  # noqa: F401,F403
from ember.nn.modules.container import ModuleDict, ModuleList, Sequential  # noqa: F401
from ember.nn.modules.container_params import ParameterDict, ParameterList  # noqa: F401
from ember.nn.modules.conv import *  # noqa: F401,F403
from ember.nn.modules.distance import *  # noqa: F401,F403
from ember.nn.modules.dropout import *  # noqa: F401,F403
from ember.nn.modules.flatten import *  # noqa: F401,F403
from ember.nn.modules.fold import *  # noqa: F401,F403
from ember.nn.modules.lazy import *  # noqa: F401,F403
from ember.nn.modules.linear import *  # noqa: F401,F403
from ember.nn.modules.loss import *  # noqa: F401,F403
from ember.nn.modules.loss_extra import *  # noqa: F401,F403
from ember.nn.modules.module import Module  # noqa: F401
from ember.nn.modules.normalization import *  # noqa: F401,F403
from ember.nn.modules.normalization_extra import *  # noqa: F401,F403
from ember.nn.modules.padding import *  # noqa: F401,F403
from ember.nn.modules.pixelshuffle import *  # noqa: F401,F403
from ember.nn.modules.pooling import *  # noqa: F401,F403
from ember.nn.modules.pooling_extra import *  # noqa: F401,F403
from ember.nn.modules.residual import *  # noqa: F401,F403
from ember.nn.modules.rnn import *  # noqa: F401,F403
from ember.nn.modules.sparse import *  # noqa: F401,F403
from ember.nn.modules.sparse_extra import *  # noqa: F401,F403
from ember.nn.modules.upsampling import *  # noqa: F401,F403
