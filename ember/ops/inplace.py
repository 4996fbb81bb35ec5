"""In-place ops: ``add_``, ``mul_``, ``zero_``, ``copy_``, ``x[i] = v``, ``x += y``, ...

Three cases, as in PyTorch:

- Grad mode on and the tensor is a leaf that requires grad: refused (its ``.grad`` would
  no longer be the gradient of anything).
- Grad mode on and the tensor (or the other operand) requires grad: the graph is
  *rebased*. The op is computed out of place on a new tensor object that stands for the
  old value (same array, same node), then ``self`` is pointed at the result. The old array
  is left intact, so arrays saved by earlier nodes stay valid.
- Otherwise (``no_grad``, or nothing requires grad): the array is modified in place, so
  tensors sharing it (``detach()``, ``.data``) see the change.

Every in-place op bumps the tensor's version: a node recorded with the old version then
refuses to backward (``autograd._check_versions``) instead of computing a wrong gradient.
"""
from __future__ import annotations

from ember import autograd
from ember.autograd import _new_tensor, bump_version
from ember.backend import xp
from ember.errors import shape_error
from ember.ops import elementwise as E
from ember.ops import index as X
from ember.ops import pointwise as P
from ember.ops import scan as C
from ember.ops import shape as S
from ember.ops import transcendental as T
from ember.random import rng_of
from ember.tensor import Tensor

_LEAF = "a leaf Variable that requires grad is being used in an in-place operation."


def _records(self, *others) -> bool:
    """Whether the op must go through the graph (and refuse a leaf that requires grad)."""
    if not autograd.is_grad_enabled():
        return False
    if self.requires_grad:
        if self._ctx is None:
            raise RuntimeError(_LEAF)
        return True
    return any(isinstance(o, Tensor) and o.requires_grad for o in others)


def _rebase(self, fn, *args, **kwargs):
    """Compute ``fn(old_self, ...)`` out of place and make ``self`` the result."""
    old = _new_tensor(self.array, self.requires_grad, self._ctx, self._idx)
    old._version = self._version
    out = fn(old, *args, **kwargs)
    if out.shape != self.shape:
        raise shape_error("inplace", f"output with shape {tuple(self.shape)} doesn't match "
                          f"the broadcast shape {tuple(out.shape)}", self.shape, out.shape)
    if out.dtype != self.dtype:
        if self.dtype.kind not in "fc":
            raise RuntimeError(f"result type {out.dtype} can't be cast to the desired output "
                               f"type {self.dtype}")
        out = E.Cast.apply(out, dtype=self.dtype)
    self.array, self._ctx, self._idx = out.array, out._ctx, out._idx
    self.requires_grad = out.requires_grad
    bump_version(self)
    return self


def _write(self, op, compute):
    """Run ``compute(array)``, which writes into ``array``; turn NumPy errors into ours."""
    a = self.array
    if isinstance(a, xp.generic):  # a NumPy scalar (e.g. a sum's result): nothing shares it
        a = self.array = xp.array(a)
    if not a.flags.writeable:
        raise RuntimeError(f"{op}: this tensor's memory is shared by several elements (an "
                           "expanded tensor); clone() it before writing in place")
    try:
        compute(a)
    except TypeError as err:  # a ufunc casting error: float result into an int tensor
        raise RuntimeError(f"{op}: result type can't be cast to the desired output type "
                           f"{a.dtype} ({err})") from None
    except ValueError:
        raise shape_error(op, f"the other operand cannot be broadcast to the tensor's shape "
                          f"{tuple(a.shape)}", a.shape) from None
    bump_version(self)
    return self


def _raw(x):
    return x.array if isinstance(x, Tensor) else x


# ----------------------------------------------------------------------------- arithmetic
def _arith(name, ufunc, graph_fn):
    def method(self, other, *, alpha=1):
        if alpha != 1:
            other = E.mul(other, alpha) if isinstance(other, Tensor) else other * alpha
        if _records(self, other):
            return _rebase(self, graph_fn, other)
        b = _raw(other)
        return _write(self, f"{name}_", lambda a: ufunc(a, b, out=a, casting="same_kind"))

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``: ``x.{name}_(y)`` is ``x = x.{name}(y)`` in place."
    return method


add_ = _arith("add", xp.add, E.add)
sub_ = _arith("sub", xp.subtract, E.sub)
mul_ = _arith("mul", xp.multiply, E.mul)
div_ = _arith("div", xp.true_divide, E.div)
floor_divide_ = _arith("floor_divide", xp.floor_divide, E.floor_divide)
remainder_ = _arith("remainder", xp.remainder, E.remainder)


def pow_(self, exponent):
    if _records(self, exponent):
        return _rebase(self, E.pow, exponent)
    b = _raw(exponent)
    return _write(self, "pow_", lambda a: xp.power(a, b, out=a, casting="same_kind"))


def clamp_(self, min=None, max=None):  # noqa: A002
    """Limit values to [min, max] in place."""
    if min is None and max is None:
        raise ValueError("clamp_: at least one of min and max must be given")
    if _records(self, min, max):
        return _rebase(self, E.clamp, min, max)
    lo, hi = _raw(min), _raw(max)
    return _write(self, "clamp_", lambda a: xp.clip(a, lo, hi, out=a))


def neg_(self):
    if _records(self):
        return _rebase(self, E.neg)
    # not xp.negative(a, out=a): NumPy 2.4's in-place negative reads the wrong elements of
    # some strided views (a column of a (n, 4) float32 array); multiply does not
    return _write(self, "neg_", lambda a: xp.multiply(a, a.dtype.type(-1), out=a))


def _unary(name, fn):
    """``x.<name>_(...)``: ``x = fn(x, ...)`` in place (written into the array under no_grad);
    other tensor arguments that require grad put it in the graph too."""
    def method(self, *args, **kwargs):
        if _records(self, *args, *kwargs.values()):
            return _rebase(self, fn, *args, **kwargs)
        out = fn(Tensor._wrap(self.array), *args, **kwargs).array
        return _write(self, f"{name}_", lambda a: xp.copyto(a, out, casting="same_kind"))

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``."
    return method


UNARY_INPLACE = {f"{name}_": _unary(name, fn) for name, fn in [
    ("relu", E.relu), ("sigmoid", E.sigmoid), ("tanh", E.tanh), ("exp", E.exp), ("log", E.log),
    ("abs", E.abs), ("sqrt", E.sqrt), ("square", E.square), ("floor", E.floor),
    ("ceil", E.ceil), ("round", E.round), ("sign", E.sign),
    ("clamp_min", lambda x, min: E.clamp(x, min=min)),  # noqa: A006
    ("clamp_max", lambda x, max: E.clamp(x, max=max)),  # noqa: A006
]}


UNARY_INPLACE.update({f"{name}_": _unary(name, fn) for name, fn in [
    ("erf", T.erf), ("erfc", T.erfc), ("log2", T.log2), ("log10", T.log10), ("exp2", T.exp2),
    ("tan", T.tan), ("asin", T.asin), ("acos", T.acos), ("atan", T.atan), ("sinh", T.sinh),
    ("cosh", T.cosh), ("atan2", T.atan2), ("hypot", T.hypot), ("xlogy", T.xlogy),
    ("reciprocal", P.reciprocal), ("lerp", P.lerp), ("addcmul", P.addcmul),
    ("addcdiv", P.addcdiv), ("nan_to_num", P.nan_to_num), ("cumprod", C.cumprod),
    ("index_add", X.index_add), ("index_copy", X.index_copy), ("index_fill", X.index_fill),
]})


# ----------------------------------------------------------------------------- views
def _view_inplace(name, fn):
    """``x.<name>_(...)`` for a view op (squeeze, unsqueeze, t): ``x`` is rebound to the
    view, sharing its memory; a non-leaf records the op (a leaf that requires grad is
    refused, as for every in-place op)."""
    def method(self, *args, **kwargs):
        if _records(self):
            old = _new_tensor(self.array, True, self._ctx, self._idx)
            old._version = self._version
            out = fn(old, *args, **kwargs)
            self.array, self._ctx, self._idx = out.array, out._ctx, out._idx
        else:
            self.array = fn(Tensor._wrap(self.array), *args, **kwargs).array
        bump_version(self)
        return self

    method.__name__ = f"{name}_"
    method.__doc__ = f"In-place ``{name}``: this tensor becomes the view."
    return method


VIEW_INPLACE = {f"{name}_": _view_inplace(name, fn) for name, fn in [
    ("squeeze", S.squeeze), ("unsqueeze", S.unsqueeze), ("t", S.t),
    ("transpose", S.transpose),
]}


# ----------------------------------------------------------------------------- filling
def _replace(old, value):
    """``value`` broadcast to ``old``'s shape: the gradient to ``old`` is zero."""
    return E.where(xp.ones((), bool), value, old)


def fill_(self, value):
    """Set every element to ``value``."""
    if _records(self, value):
        v = value.to(self.dtype) if isinstance(value, Tensor) else value
        return _rebase(self, _replace, v)
    v = _raw(value)
    return _write(self, "fill_", lambda a: a.fill(v.item() if hasattr(v, "item") else v))


def zero_(self):
    """Set every element to 0."""
    return fill_(self, 0)


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
    if _records(self, src):
        s = src.to(self.dtype) if isinstance(src, Tensor) else xp.asarray(src, self.dtype)
        return _rebase(self, _replace, s)
    s = _raw(src)
    return _write(self, "copy_", lambda a: xp.copyto(a, s, casting="unsafe"))


def masked_fill_(self, mask, value):
    """Set the elements where ``mask`` is true to ``value``."""
    if _records(self, value):
        return _rebase(self, X.masked_fill, mask, value)
    m, v = _raw(mask), _raw(value)
    if m.dtype != xp.bool_:
        raise TypeError(f"masked_fill_: mask must be a bool tensor, got {m.dtype}")
    return _write(self, "masked_fill_", lambda a: xp.copyto(a, v, where=m, casting="unsafe"))


def _scatter_method(name, graph_fn, write):
    def method(self, dim, index, src=None, *, value=None):
        if (src is None) == (value is None):
            raise TypeError(f"{name}: give exactly one of src (a tensor or number) and value")
        src = value if src is None else src
        if _records(self, src):
            return _rebase(self, graph_fn, dim, index, src)
        idx = _raw(index)
        X._check_gather(name, self.array, idx, dim % max(self.ndim, 1))
        where = X._along(idx, dim % max(self.ndim, 1))
        s = xp.asarray(_raw(src))
        part = s[tuple(slice(0, n) for n in idx.shape)] if s.ndim else s
        return _write(self, name, lambda a: write(a, where, part))

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: writes into this tensor along ``dim``."
    return method


def _put(a, where, part):
    a[where] = part


scatter_ = _scatter_method("scatter_", X.scatter, _put)
scatter_add_ = _scatter_method("scatter_add_", X.scatter_add, lambda a, w, p: xp.add.at(a, w, p))


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill with samples uniform in [a, b)."""
    sample = rng_of(generator).uniform(a, b, self.array.shape).astype(self.dtype)
    return copy_(self, sample)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal samples of the given mean and std."""
    sample = rng_of(generator).normal(mean, std, self.array.shape).astype(self.dtype)
    return copy_(self, sample)


def setitem(self, key, value):
    """``x[key] = value`` (broadcasting ``value``)."""
    if _records(self, value):
        _rebase(self, X.index_put, key, value)
        return
    k, v = X._key_arrays(key), _raw(value)

    def put(a):
        a[k] = v

    _write(self, "setitem", put)


# ----------------------------------------------------------------------------- operators
def _augmented(method):
    def operator(self, other):
        return method(self, other)

    return operator


INPLACE_METHODS = {
    **UNARY_INPLACE, **VIEW_INPLACE,
    "add_": add_, "sub_": sub_, "mul_": mul_, "div_": div_, "pow_": pow_,
    "subtract_": sub_, "multiply_": mul_, "divide_": div_, "true_divide_": div_,
    "clamp_": clamp_, "clip_": clamp_, "neg_": neg_, "fill_": fill_, "zero_": zero_,
    "copy_": copy_, "masked_fill_": masked_fill_, "scatter_": scatter_,
    "scatter_add_": scatter_add_, "uniform_": uniform_, "normal_": normal_,
    "__setitem__": setitem, "__iadd__": _augmented(add_), "__isub__": _augmented(sub_),
    "__imul__": _augmented(mul_), "__itruediv__": _augmented(div_),
    "__ipow__": _augmented(pow_), "floor_divide_": floor_divide_, "remainder_": remainder_,
    "__ifloordiv__": _augmented(floor_divide_), "__imod__": _augmented(remainder_),
}


def inplace_variant(name: str, fn):
    """The in-place form ``<name>_(x, ...)`` of an out-of-place op ``fn(x, ...)``, with the
    rules above (used for ``F.relu_``, ``F.elu_``, ...)."""
    return _unary(name, fn)
