"""The table of ``Tensor`` methods and operators, each one a function of ``ember.ops``.

``install(cls)`` puts them on a tensor class: the eager ``Tensor`` and the graph-mode
tensor of ``ember.graph`` share this one table, so an op written once is a method of both.
"""
from __future__ import annotations

from ember import creation as C
from ember import dtypes as D
from ember.dtypes import as_dtype
from ember.ops import activation as M
from ember.ops import arrange as A
from ember.ops import binning as B
from ember.ops import calculus as Q
from ember.ops import compare as K
from ember.ops import diagonal as G
from ember.ops import elementwise as E
from ember.ops import index as X
from ember.ops import inplace as I
from ember.ops import join as J
from ember.ops import linalg as L
from ember.ops import numeric as N
from ember.ops import ordering as O
from ember.ops import pointwise as P
from ember.ops import products as Pr
from ember.ops import reduce as R
from ember.ops import scan as C2
from ember.ops import scatter as Sc
from ember.ops import shape as S
from ember.ops import special_functions as F
from ember.ops import statistics as St
from ember.ops import transcendental as T
from ember.tensor import Tensor


def _to(self, *args, **kwargs):
    """``to(dtype)``, ``to(device)``, ``to(device, dtype)`` or ``to(other_tensor)``."""
    from ember.tensor import check_device, device

    dtype = kwargs.get("dtype")
    for a in args + tuple(v for k, v in kwargs.items() if k == "device"):
        if isinstance(a, (str, device)):
            check_device(a)
        elif hasattr(a, "dtype") and not isinstance(a, type):
            dtype = a.dtype
        elif a is not None:
            dtype = a
    dtype = as_dtype(dtype)
    if dtype is None or dtype == self.dtype:
        return self
    if dtype.kind not in "fc":
        return E.CastDiscrete.apply(self, dtype=dtype)
    return E.Cast.apply(self, dtype=dtype)


def _caster(dtype):
    def cast(self):
        return _to(self, dtype)

    return cast


def _view(self, *shape):
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        return _to(self, shape[0])  # view(dtype)
    return S.reshape(self, *shape)


def _type_as(self, other):
    return _to(self, other.dtype)


def _type(self, dtype=None):
    if dtype is None:
        return f"ember.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}"
    if isinstance(dtype, str) and dtype.rpartition(".")[2] in C.LEGACY_TYPES:
        dtype = C.LEGACY_TYPES[dtype.rpartition(".")[2]].dtype  # "torch.FloatTensor"
    return _to(self, dtype)


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
               "int32": "IntTensor", "bool": "BoolTensor", "uint8": "ByteTensor"}


def _flip(self, *dims):
    return S.flip(self, S._shape_arg(dims))


def _flip_args(fn):
    def reflected(self, other):
        return fn(other, self)

    return reflected


METHODS = {
    "__add__": E.add, "__radd__": E.add, "__sub__": E.sub, "__rsub__": E.rsub,
    "__mul__": E.mul, "__rmul__": E.mul, "__truediv__": E.div, "__rtruediv__": E.rdiv,
    "__pow__": E.pow, "__rpow__": E.rpow, "__neg__": E.neg, "__abs__": E.abs,
    "__floordiv__": E.floor_divide, "__rfloordiv__": E.rfloor_divide,
    "__mod__": E.remainder, "__rmod__": E.rremainder,
    "__matmul__": L.matmul, "__rmatmul__": _flip_args(L.matmul),
    "__eq__": E.eq, "__ne__": E.ne, "__lt__": E.lt, "__le__": E.le, "__gt__": E.gt,
    "__ge__": E.ge, "__getitem__": X.getitem,
    "__and__": E.logical_and, "__or__": E.logical_or, "__xor__": E.logical_xor,
    "__invert__": E.logical_not,
    "add": E.add, "sub": E.sub, "mul": E.mul, "div": E.div, "pow": E.pow, "neg": E.neg,
    "abs": E.abs, "exp": E.exp, "log": E.log, "log1p": E.log1p, "expm1": E.expm1,
    "sqrt": E.sqrt, "rsqrt": E.rsqrt, "sin": E.sin, "cos": E.cos, "tanh": E.tanh,
    "sigmoid": E.sigmoid, "relu": E.relu, "clamp": E.clamp, "clip": E.clamp,
    "clamp_min": lambda self, min: E.clamp(self, min=min),  # noqa: A006
    "clamp_max": lambda self, max: E.clamp(self, max=max),  # noqa: A006
    "maximum": E.maximum, "minimum": E.minimum, "eq": E.eq, "ne": E.ne, "lt": E.lt,
    "le": E.le, "gt": E.gt, "ge": E.ge, "sign": E.sign, "floor": E.floor, "ceil": E.ceil,
    "round": E.round, "isnan": E.isnan, "isinf": E.isinf, "isfinite": E.isfinite,
    "logical_not": E.logical_not, "logical_and": E.logical_and, "logical_or": E.logical_or,
    "multiply": E.mul, "subtract": E.sub, "divide": E.div, "true_divide": E.div,
    "floor_divide": E.floor_divide, "remainder": E.remainder, "fmod": E.fmod,
    "where": lambda self, condition, other: E.where(condition, self, other),
    "square": E.square, "isclose": K.isclose, "allclose": K.allclose, "equal": K.equal,
    "sum": R.sum, "mean": R.mean, "prod": R.prod, "var": R.var, "std": R.std,
    "max": R.max, "min": R.min, "amax": R.amax, "amin": R.amin, "argmax": R.argmax,
    "argmin": R.argmin, "logsumexp": R.logsumexp, "cumsum": R.cumsum, "all": R.all,
    "any": R.any, "count_nonzero": R.count_nonzero,
    "softmax": M.softmax, "log_softmax": M.log_softmax,
    "sort": O.sort, "argsort": O.argsort, "topk": O.topk, "unique": O.unique,
    "matmul": L.matmul, "mm": L.mm, "bmm": L.bmm, "dot": L.dot, "outer": L.outer,
    "einsum": L.einsum, "norm": L.norm, "addmm": L.addmm, "diag": L.diag,
    "reshape": S.reshape, "view": _view, "permute": S.permute, "transpose": S.transpose,
    "t": S.t,
    "swapaxes": S.swapaxes, "movedim": S.movedim, "flatten": S.flatten,
    "squeeze": S.squeeze, "unsqueeze": S.unsqueeze, "expand": S.expand,
    "expand_as": S.expand_as, "broadcast_to": S.broadcast_to, "repeat": S.repeat,
    "flip": _flip, "roll": S.roll, "clone": S.clone, "contiguous": S.contiguous,
    "view_as": S.view_as, "reshape_as": S.reshape_as,
    "split": J.split, "chunk": J.chunk, "unbind": J.unbind,
    "gather": X.gather, "take_along_dim": X.take_along_dim, "scatter_add": X.scatter_add,
    "scatter": X.scatter,
    "masked_fill": X.masked_fill, "index_select": X.index_select,
    "masked_select": X.masked_select, "nonzero": X.nonzero, "tril": X.tril, "triu": X.triu,
    "new_tensor": C.new_tensor, "new_zeros": C.new_zeros, "new_ones": C.new_ones,
    "new_empty": C.new_empty, "new_full": C.new_full, "type_as": _type_as, "type": _type,
    "to": _to, "float": _caster(D.float32), "double": _caster(D.float64),
    "long": _caster(D.int64), "int": _caster(D.int32), "bool": _caster(D.bool_),
    "half": _caster(D.float16),
    "erf": T.erf, "erfc": T.erfc, "log2": T.log2, "log10": T.log10, "exp2": T.exp2,
    "tan": T.tan, "asin": T.asin, "acos": T.acos, "atan": T.atan, "sinh": T.sinh,
    "cosh": T.cosh, "asinh": T.asinh, "acosh": T.acosh, "atanh": T.atanh,
    "arcsin": T.asin, "arccos": T.acos, "arctan": T.atan, "atan2": T.atan2,
    "arctan2": T.atan2, "hypot": T.hypot, "logaddexp": T.logaddexp, "xlogy": T.xlogy,
    "reciprocal": P.reciprocal, "lerp": P.lerp, "addcmul": P.addcmul, "addcdiv": P.addcdiv,
    "nan_to_num": P.nan_to_num,
    "cumprod": C2.cumprod, "cummax": C2.cummax, "cummin": C2.cummin,
    "logcumsumexp": C2.logcumsumexp, "median": O.median, "mode": O.mode,
    "nansum": R.nansum, "nanmean": R.nanmean, "aminmax": R.aminmax,
    "repeat_interleave": S.repeat_interleave, "index_add": X.index_add,
    "index_copy": X.index_copy, "index_fill": X.index_fill, "narrow": X.narrow,
    "take": X.take, "diagonal": G.diagonal, "diag_embed": G.diag_embed, "trace": G.trace,
    "kron": L.kron, "baddbmm": L.baddbmm, "addmv": L.addmv, "cross": L.cross,
    "histc": B.histc, "bincount": B.bincount,
    "absolute": E.abs, "negative": E.neg, "greater": E.gt, "greater_equal": E.ge,
    "less": E.lt, "less_equal": E.le, "not_equal": E.ne, "swapdims": S.swapaxes,
    "moveaxis": S.movedim, "ravel": S.ravel, "fliplr": S.fliplr, "flipud": S.flipud,
    "sgn": N.sgn, "signbit": N.signbit, "copysign": N.copysign, "frac": N.frac,
    "heaviside": N.heaviside, "logit": N.logit, "deg2rad": N.deg2rad, "rad2deg": N.rad2deg,
    "fmax": N.fmax, "fmin": N.fmin, "float_power": N.float_power, "ldexp": N.ldexp,
    "frexp": N.frexp, "nextafter": N.nextafter, "gcd": N.gcd, "lcm": N.lcm,
    "bitwise_and": N.bitwise_and, "bitwise_or": N.bitwise_or, "bitwise_xor": N.bitwise_xor,
    "bitwise_not": N.bitwise_not, "logaddexp2": N.logaddexp2, "isneginf": N.isneginf,
    "isposinf": N.isposinf, "isreal": N.isreal,
    "lgamma": F.lgamma, "digamma": F.digamma, "polygamma": lambda self, n: F.polygamma(n, self),
    "mvlgamma": F.mvlgamma, "erfinv": F.erfinv, "i0": F.i0, "sinc": F.sinc,
    "tile": A.tile, "unflatten": A.unflatten, "select": A.select,
    "tensor_split": A.tensor_split, "hsplit": A.hsplit, "vsplit": A.vsplit, "dsplit": A.dsplit,
    "rot90": A.rot90, "diagflat": A.diagflat, "index_put": X.index_put,
    "kthvalue": St.kthvalue, "quantile": St.quantile, "nanquantile": St.nanquantile,
    "nanmedian": St.nanmedian, "histogram": St.histogram, "cov": St.cov,
    "corrcoef": St.corrcoef, "diff": Q.diff, "inner": Pr.inner, "vdot": Pr.vdot, "mv": Pr.mv,
    "addr": Pr.addr, "addbmm": Pr.addbmm, "dist": Pr.dist,
    "is_nonzero": N.is_nonzero, "scatter_reduce": Sc.scatter_reduce,
    "index_reduce": Sc.index_reduce, "select_scatter": Sc.select_scatter,
    "slice_scatter": Sc.slice_scatter, "masked_scatter": Sc.masked_scatter,
    "unique_consecutive": Sc.unique_consecutive,
}


def _linalg_methods():
    """``inverse``, ``det``, ``svd``, ... as methods (ember.linalg is built on ember.ops, so
    it is imported once the ops exist)."""
    from ember import linalg_aliases as A

    return {"inverse": A.inverse, "det": A.det, "logdet": A.logdet, "slogdet": A.slogdet,
            "svd": A.svd, "cholesky": A.cholesky, "matrix_power": A.matrix_power,
            "matrix_exp": A.matrix_exp, "pinverse": A.pinverse,
            "cholesky_inverse": A.cholesky_inverse}

METHODS.update(I.INPLACE_METHODS)

PROPERTIES = {
    "T": lambda self: S.permute(self, *reversed(range(self.ndim))),
    "mT": lambda self: S.transpose(self, -2, -1),
}


def install(cls=Tensor, methods=None, properties=None) -> None:
    """Put every method and property of the table on ``cls``."""
    if methods is None and "inverse" not in METHODS:
        METHODS.update(_linalg_methods())
    for name, fn in (methods or METHODS).items():
        setattr(cls, name, fn)
    for name, fn in (properties or PROPERTIES).items():
        setattr(cls, name, property(fn))
