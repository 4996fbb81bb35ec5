"""Graph-only ops: constants, placeholders, variables, assignments, grouping.

These have no eager counterpart (an eager tensor *is* its value), so they are not
``Function``s. Each ``Kernel`` says how a session runs it: ``compile(builder, op)``
returns a step ``step(vals, saved)`` that reads and writes the run's value slots, or
``None`` when the op needs no step (a constant lives in the program's template).
"""
from __future__ import annotations

from ember.backend import xp
from ember.graph.errors import FailedPreconditionError, InvalidArgumentError


class Kernel:
    """Base class of graph-only ops (never folded, merged or differentiated)."""

    n_out = 1
    differentiable = False
    stateful = True

    @classmethod
    def infer(cls, inputs, attrs):
        return [(None, None)] * cls.n_out

    @classmethod
    def compile(cls, builder, op):
        raise NotImplementedError(cls.__name__)


class Const(Kernel):
    """A value fixed when the graph is built."""

    stateful = False

    @classmethod
    def infer(cls, inputs, attrs):
        v = attrs["value"]
        return [(v.shape, v.dtype)]

    @classmethod
    def compile(cls, builder, op):
        builder.set_constant(builder.outputs(op)[0], op.attrs["value"])


class Placeholder(Kernel):
    """A value given at run time in ``feed_dict``; running without it is an error."""

    @classmethod
    def infer(cls, inputs, attrs):
        return [(attrs["shape"], attrs["dtype"])]

    @classmethod
    def compile(cls, builder, op):
        t = op.outputs[0]
        from ember.graph.tensor import format_shape

        raise InvalidArgumentError(
            f"You must feed a value for placeholder tensor '{op.name}' with dtype "
            f"{t._dtype} and shape {format_shape(t._shape)} (in feed_dict)")


class VariableV2(Kernel):
    """A Variable's current value: the session's copy, or an ``nn.Parameter``'s array."""

    type_name = "VariableV2"

    @classmethod
    def infer(cls, inputs, attrs):
        return [(attrs["shape"], attrs["dtype"])]

    @classmethod
    def compile(cls, builder, op):
        o = builder.outputs(op)[0]
        param = op.attrs.get("param")
        if param is not None:
            def read_parameter(vals, saved):
                vals[o] = param.array

            return read_parameter
        store = builder.session.variables
        name = op.name

        def read_variable(vals, saved):
            v = store.get(op)
            if v is None:
                raise FailedPreconditionError(
                    f"Attempting to use uninitialized value {name}: run "
                    f"global_variables_initializer() (or {name}.initializer) first")
            vals[o] = v

        return read_variable


class Assign(Kernel):
    """``var = value`` (``mode`` "add" or "sub" for ``assign_add`` / ``assign_sub``)."""

    @classmethod
    def infer(cls, inputs, attrs):
        var = attrs["var"]
        return [(var._shape, var._dtype)]

    @classmethod
    def compile(cls, builder, op):
        (i,) = builder.inputs(op)
        o = builder.outputs(op)[0]
        var_op, mode = op.attrs["var"].op, op.attrs["mode"]
        shape, dtype = op.attrs["var"]._shape, op.attrs["var"]._dtype
        param = var_op.attrs.get("param")
        store = builder.session.variables

        def assign(vals, saved):
            value = xp.asarray(vals[i])
            if mode == "set":
                if shape is not None and value.shape != shape:
                    raise InvalidArgumentError(
                        f"Assign to {var_op.name}: value of shape {value.shape} does not "
                        f"match the variable's shape {shape}")
                new = value.astype(dtype, copy=True)
            else:
                old = param.array if param is not None else store.get(var_op)
                if old is None:
                    raise FailedPreconditionError(
                        f"Attempting to use uninitialized value {var_op.name}")
                new = (old + value if mode == "add" else old - value).astype(dtype, copy=False)
            if param is not None:
                param.array[...] = new
            else:
                store[var_op] = new
            vals[o] = new

        return assign


class NoOp(Kernel):
    """Does nothing; with control inputs it groups ops (``group``, the initializer)."""

    n_out = 0

    @classmethod
    def infer(cls, inputs, attrs):
        return []

    @classmethod
    def compile(cls, builder, op):
        return None


class StopGradient(Kernel):
    """The input's value, through which no gradient flows (``tensor.detach()``)."""

    stateful = False

    @classmethod
    def infer(cls, inputs, attrs):
        (t,) = inputs
        return [(t._shape, t._dtype)]

    @classmethod
    def compile(cls, builder, op):
        (i,) = builder.inputs(op)
        o = builder.outputs(op)[0]

        def identity(vals, saved):
            vals[o] = vals[i]

        return identity
