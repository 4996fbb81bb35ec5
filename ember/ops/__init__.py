"""Ember's primitive ops (``Function`` subclasses) and the public functions over them.

Each family lives in its own file: ``elementwise``, ``transcendental``, ``numeric``,
``special_functions``, ``pointwise``, ``reduce``, ``scan``, ``statistics``, ``calculus``,
``softmax_family``, ``activation``, ``linalg``, ``products``, ``diagonal``, ``shape``,
``join``, ``index``, ``scatter``, ``arrange``, ``ordering``, ``binning``, ``padding``,
``compare`` and ``inplace``.
``methods`` installs the functions as ``Tensor`` methods and operators.
"""
from ember.ops import methods as _methods
from ember.ops.activation import log_softmax, softmax  # noqa: F401
from ember.ops.arrange import *  # noqa: F401,F403
from ember.ops.binning import *  # noqa: F401,F403
from ember.ops.calculus import *  # noqa: F401,F403
from ember.ops.compare import allclose, equal, isclose  # noqa: F401
from ember.ops.diagonal import *  # noqa: F401,F403
from ember.ops.elementwise import *  # noqa: F401,F403
from ember.ops.elementwise import abs, pow, round  # noqa: F401,A004
from ember.ops.index import (  # noqa: F401
    argwhere,
    gather,
    index_add,
    index_copy,
    index_fill,
    index_put,
    index_select,
    masked_fill,
    masked_select,
    narrow,
    nonzero,
    one_hot,
    scatter,
    scatter_add,
    take,
    take_along_dim,
    tril,
    triu,
)
from ember.ops.join import (  # noqa: F401
    block_diag,
    cartesian_prod,
    cat,
    chunk,
    concat,
    concatenate,
    hstack,
    meshgrid,
    split,
    stack,
    unbind,
    vstack,
)
from ember.ops.linalg import *  # noqa: F401,F403
from ember.ops.numeric import *  # noqa: F401,F403
from ember.ops.ordering import argsort, median, mode, msort, sort, topk, unique  # noqa: F401
from ember.ops.padding import pad  # noqa: F401
from ember.ops.pointwise import *  # noqa: F401,F403
from ember.ops.products import *  # noqa: F401,F403
from ember.ops.reduce import *  # noqa: F401,F403
from ember.ops.reduce import all, any, max, min, sum  # noqa: F401,A004
from ember.ops.scan import *  # noqa: F401,F403
from ember.ops.scatter import *  # noqa: F401,F403
from ember.ops.shape import *  # noqa: F401,F403
from ember.ops.special_functions import *  # noqa: F401,F403
from ember.ops.statistics import *  # noqa: F401,F403
from ember.ops.transcendental import *  # noqa: F401,F403

_methods.install()
