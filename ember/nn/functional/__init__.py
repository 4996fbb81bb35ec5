"""``ember.nn.functional`` (imported as ``F``): layers and losses as functions."""
from ember.nn.functional.activation import *  # noqa: F401,F403
from ember.nn.functional.activation_extra import *  # noqa: F401,F403
from ember.nn.functional.attention import *  # noqa: F401,F403
from ember.nn.functional.conv import *  # noqa: F401,F403
from ember.nn.functional.ctc import *  # noqa: F401,F403
from ember.nn.functional.distance import *  # noqa: F401,F403
from ember.nn.functional.dropout import *  # noqa: F401,F403
from ember.nn.functional.folding import *  # noqa: F401,F403
from ember.nn.functional.grid_sample import *  # noqa: F401,F403
from ember.nn.functional.linear import *  # noqa: F401,F403
from ember.nn.functional.loss import *  # noqa: F401,F403
from ember.nn.functional.loss_extra import *  # noqa: F401,F403
from ember.nn.functional.normalization import *  # noqa: F401,F403
from ember.nn.functional.normalization_extra import *  # noqa: F401,F403
from ember.nn.functional.pixelshuffle import *  # noqa: F401,F403,E402
from ember.nn.functional.pooling import *  # noqa: F401,F403
from ember.nn.functional.pooling_extra import *  # noqa: F401,F403
from ember.nn.functional.sparse import *  # noqa: F401,F403
from ember.nn.functional.sparse_extra import *  # noqa: F401,F403
from ember.nn.functional.upsampling import *  # noqa: F401,F403
from ember.ops.padding import pad  # noqa: F401,E402  (core op, re-exported as F.pad)
