"""Ember's primitive ops (``Function`` subclasses) and the public functions over them.

Each family lives in its own file: ``elementwise``, ``reduce``, ``activation`` (softmax),
``linalg``, ``shape``, ``join``, ``index``, ``ordering``, ``padding``, ``compare`` and ``inplace``.
``methods`` installs the functions as ``Tensor`` methods and operators.
"""
from ember.ops import methods as _methods
from ember.ops.activation import log_softmax, softmax  # noqa: F401
from ember.ops.compare import allclose, equal, isclose  # noqa: F401
from ember.ops.elementwise import *  # noqa: F401,F403
from ember.ops.elementwise import abs, pow, round  # noqa: F401,A004
from ember.ops.index import (  # noqa: F401
    argwhere,
    gather,
    index_select,
    masked_fill,
    masked_select,
    nonzero,
    one_hot,
    scatter,
    scatter_add,
    take_along_dim,
    tril,
    triu,
)
from ember.ops.join import (  # noqa: F401
    cat,
    chunk,
    concat,
    concatenate,
    hstack,
    split,
    stack,
    unbind,
    vstack,
)
from ember.ops.linalg import *  # noqa: F401,F403
from ember.ops.ordering import argsort, msort, sort, topk, unique  # noqa: F401
from ember.ops.padding import pad  # noqa: F401
from ember.ops.reduce import *  # noqa: F401,F403
from ember.ops.reduce import all, any, max, min, sum  # noqa: F401,A004
from ember.ops.shape import *  # noqa: F401,F403

_methods.install()
