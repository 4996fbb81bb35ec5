"""TF1-style graph mode: build a dataflow graph first, run it later in a ``Session``.

``import ember.graph as tf`` makes a TF1 program read as it did::

    a = tf.placeholder(tf.float32)
    b = a * 2
    with tf.Session() as sess:
        print(sess.run(b, feed_dict={a: 3.0}))   # 6.0

Graph tensors have every method and operator of ``ember.Tensor`` and go through every
``ember`` op and ``ember.nn`` layer: the op records a node instead of computing (the same
op classes run later, in the session).
"""
from ember.dtypes import bool_ as bool  # noqa: A001  (TF's name)
from ember.dtypes import float16, float32, float64, int8, int16, int32, int64, uint8
from ember.graph import train
from ember.graph.errors import FailedPreconditionError, InvalidArgumentError, OpError  # noqa: F401
from ember.graph.gradients import gradients
from ember.graph.graph import Graph, Operation, get_default_graph, reset_default_graph
from ember.graph.session import InteractiveSession, Session, get_default_session
from ember.graph.tensor import Tensor, TensorShape
from ember.graph.tensor import install_methods as _install_methods
from ember.graph.tf_ops import *  # noqa: F401,F403
from ember.graph.variables import (
    Variable,
    constant,
    global_variables,
    global_variables_initializer,
    group,
    placeholder,
    trainable_variables,
    variables_initializer,
)

_install_methods()


def name_scope(name: str):
    """``with name_scope("layer1"):`` prefixes the names of the ops created inside."""
    return get_default_graph().name_scope(name)


__all__ = [
    "FailedPreconditionError", "Graph", "InteractiveSession", "InvalidArgumentError",
    "Operation", "Session", "Tensor", "TensorShape", "Variable", "bool", "constant",
    "float16", "float32", "float64", "get_default_graph", "get_default_session",
    "global_variables", "global_variables_initializer", "gradients", "group", "int8",
    "int16", "int32", "int64", "name_scope", "placeholder", "reset_default_graph",
    "train", "trainable_variables", "uint8", "variables_initializer",
]
