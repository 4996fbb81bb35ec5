"""Ember's primitive ops (``Function`` subclasses) and the public functions over them.

Each family lives in its own file: ``elementwise``, ``reduce``, ``linalg``, ``shape``.
``methods`` installs the functions as ``Tensor`` methods and operators.
"""
from ember.ops.elementwise import *  # noqa: F401,F403
from ember.ops.elementwise import abs, pow, round  # noqa: F401,A004
from ember.ops.linalg import *  # noqa: F401,F403
from ember.ops.reduce import *  # noqa: F401,F403
from ember.ops.reduce import sum  # noqa: F401,A004
from ember.ops.shape import *  # noqa: F401,F403
from ember.ops import methods as _methods

_methods.install()
