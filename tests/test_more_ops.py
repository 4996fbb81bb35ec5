"""The PyTorch functions without gradients (integer, bitwise and float-format ops,
predicates), the ones with several or integer outputs, and their error messages, each
compared with torch 2.13."""
# ruff: noqa: N803  (``T`` stands for the library, ember or torch)
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def both(fn, *arrays):
    """``fn`` applied in Ember and in torch to the same arrays, as NumPy arrays."""
    def run(lib):
        out = fn(lib, *[lib.tensor(a) for a in arrays])
        outs = out if isinstance(out, (tuple, list)) else [out]
        return [o.numpy() if hasattr(o, "numpy") else np.asarray(o) for o in outs]

    return run(ember), run(torch)


def same(fn, *arrays, rtol=1e-6):
    e, t = both(fn, *arrays)
    assert len(e) == len(t)
    for a, b in zip(e, t):
        assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
        np.testing.assert_allclose(a, b, rtol=rtol, equal_nan=True)


rng = np.random.default_rng(0)
INTS = rng.integers(-20, 20, (3, 4))
INTS_B = rng.integers(-20, 20, (4,))
BOOLS = rng.random((3, 4)) < 0.5
FLOATS = np.array([-2.5, -0.0, 0.0, 1.5, np.inf, -np.inf, np.nan, 3.0], np.float32)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor"])
def test_bitwise_binary(name):
    same(lambda T, a, b: getattr(T, name)(a, b), INTS, INTS_B)
    same(lambda T, a, b: getattr(a, name)(b), BOOLS, BOOLS[::-1].copy())


def test_bitwise_not_gcd_lcm():
    same(lambda T, a: (T.bitwise_not(a), a.bitwise_not()), INTS)
    same(lambda T, a: T.bitwise_not(a), BOOLS)
    same(lambda T, a, b: (T.gcd(a, b), a.lcm(b), T.lcm(a, b)), INTS, INTS_B)


def test_float_format_ops():
    same(lambda T, a: (T.signbit(a), T.isneginf(a), a.isposinf(), T.isreal(a)), FLOATS)
    same(lambda T, a: tuple(T.frexp(a[:4])) + tuple(a[:4].frexp()), FLOATS)
    same(lambda T, a, b: (T.nextafter(a, b), a.nextafter(b)), FLOATS[:4], FLOATS[4:])
    same(lambda T, a, v: (T.heaviside(a, v), a.heaviside(v)), FLOATS[:6],
         np.float32([0.5, 0.5, 0.25, 1, 1, 1]))
    same(lambda T, a: (T.isneginf(a), T.isposinf(a)), INTS)
    same(lambda T, a: T.sgn(a), INTS)


def test_integer_dtype_rules():
    same(lambda T, a: (T.deg2rad(a), T.lgamma(a.abs() + 1), T.digamma(a.abs() + 1),
                       T.i0(a), T.erfinv(a * 0), T.sinc(a), T.logit(a.abs() * 0 + 0)), INTS,
         rtol=1e-5)
    same(lambda T, a, b: (T.copysign(a, b), T.float_power(a, 2), T.ldexp(a, b.abs() % 4),
                          T.fmax(a, b)), INTS, INTS_B, rtol=1e-5)


def test_special_values():
    x = np.array([0.0, -1.0, -2.5, 1e-8, 50.0, 170.5, np.inf], np.float64)
    same(lambda T, a: (T.lgamma(a), T.digamma(a), T.special.i0e(a), T.special.i1(-a)), x,
         rtol=1e-10)
    y = np.array([-1.0, -0.999999, 0.0, 0.3, 1 - 1e-12, 1.0, 1.5])
    same(lambda T, a: (T.erfinv(a), T.special.ndtri((a + 1) / 2)), y, rtol=1e-9)
    same(lambda T, a: (T.special.entr(a), T.special.log_ndtr(a * 5)), x[:5] - 1, rtol=1e-9)


def test_log_ndtr_far_tail():
    a = np.array([-300.0, -50.0, -20.5, -19.5, -5.0, 0.0, 3.0, 40.0])
    same(lambda T, x: T.special.log_ndtr(x), a, rtol=1e-12)
    x, t = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ember.special.log_ndtr(x).sum().backward()
    torch.special.log_ndtr(t).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10)


def test_vander_gradient():
    a = rng.standard_normal(4)
    x = ember.tensor(a, requires_grad=True)
    ember.vander(x, N=4).sum().backward()
    t = torch.tensor(a, requires_grad=True)
    torch.stack([t ** k for k in (3, 2, 1, 0)], 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    assert ember.vander(x, 0).shape == torch.vander(t, 0).shape == (4, 0)


def test_shape_helpers():
    assert ember.broadcast_shapes((2, 1), (3, 1, 4), 4) == torch.broadcast_shapes(
        (2, 1), (3, 1, 4), 4)
    a = rng.standard_normal((7, 2))
    same(lambda T, x: T.tensor_split(x, 3) + T.tensor_split(x, [2, 9, 1]), a)
    same(lambda T, x: (T.combinations(x[:0, 0]), T.combinations(x[:, 0], 0)), a)
    same(lambda T, x: (T.atleast_1d(x[0, 0]), T.atleast_3d(x[0])), a)


@pytest.mark.parametrize("call, message", [
    (lambda: ember.bitwise_and(ember.tensor([1.0]), ember.tensor([1])),
     "bitwise_and: expected integer or bool tensors, got dtype float32"),
    (lambda: ember.gcd(ember.tensor([True]), ember.tensor([1])),
     "gcd: expected integer tensors, got dtype bool"),
    (lambda: ember.bitwise_or(ember.tensor([1, 2]), ember.tensor([1, 2, 3])),
     r"bitwise_or: shapes cannot be broadcast together \(got shapes \(2,\), \(3,\)\)"),
    (lambda: ember.frexp(ember.tensor([1, 2])), "frexp: input must be a floating-point"),
    (lambda: ember.nextafter(ember.tensor([1.0]), ember.tensor([1.0], dtype=ember.float64)),
     "nextafter: input and other must be floating-point tensors of the same dtype"),
    (lambda: ember.heaviside(ember.tensor([1.0]), ember.tensor([1])),
     "heaviside: input and values must have the same dtype, got float32 and int64"),
    (lambda: ember.frac(ember.tensor([1])), "frac: input must be a floating-point tensor"),
    (lambda: ember.polygamma(-1, ember.tensor([1.0])), "polygamma: n must be a non-negative"),
    (lambda: ember.mvlgamma(ember.tensor([0.5, 2.0]), p=3),
     r"mvlgamma: all elements of input must be greater than \(p - 1\) / 2 = 1.0"),
    (lambda: ember.fmax(ember.zeros(2), ember.zeros(3)),
     r"fmax: shapes cannot be broadcast together \(got shapes \(2,\), \(3,\)\)"),
    (lambda: ember.copysign(ember.zeros(2), ember.zeros(3)), "copysign: shapes cannot be"),
    (lambda: ember.fliplr(ember.zeros(3)), r"fliplr: input must have at least 2 dimensions"),
    (lambda: ember.flipud(ember.tensor(1.0)), r"flipud: input must have at least 1 dimension"),
    (lambda: ember.broadcast_shapes((2,), (3,)),
     r"broadcast_shapes: shapes cannot be broadcast together \(got shapes \(2,\), \(3,\)\)"),
    (lambda: ember.tensor_split(ember.zeros(3), 0), "tensor_split: number of sections"),
    (lambda: ember.hsplit(ember.zeros(2, 3), 2),
     r"hsplit: dimension 1 of size 3 is not divisible by sections=2"),
    (lambda: ember.vsplit(ember.zeros(3), 1), "vsplit: input must have at least 2 dimensions"),
    (lambda: ember.dsplit(ember.zeros(2, 2), 1), "dsplit: input must have at least 3 dim"),
    (lambda: ember.rot90(ember.zeros(2, 2), 1, (0, 0)), r"rot90: dims must be different"),
    (lambda: ember.rot90(ember.zeros(2), 1), r"rot90: needs 2 dims and an input of at least"),
    (lambda: ember.unflatten(ember.zeros(2, 6), 1, (4, -1)),
     r"unflatten: sizes \(4, -1\) do not multiply to the size 6 of dimension 1"),
    (lambda: ember.select(ember.zeros(2, 3), 1, 3),
     "select: index 3 is out of range for dimension 1 of size 3"),
    (lambda: ember.select(ember.zeros(2, 3), 2, 0), "select: dim 2 is out of range"),
    (lambda: ember.vander(ember.zeros(2, 2)), r"vander: x must be 1-D \(got shapes \(2, 2\)\)"),
    (lambda: ember.combinations(ember.zeros(2, 2)), "combinations: input must be 1-D"),
])
def test_errors_name_the_op(call, message):
    with pytest.raises((ValueError, TypeError, IndexError), match=message):
        call()


def test_histogram_isin_is_nonzero():
    x = rng.standard_normal(50).astype(np.float32)
    same(lambda T, a: tuple(T.histogram(a, 7)), x, rtol=1e-5)
    same(lambda T, a, w: tuple(T.histogram(a, bins=4, range=(-1.0, 1.0), weight=w,
                                           density=True)), x, np.abs(x), rtol=1e-5)
    same(lambda T, a, e: tuple(T.histogram(a, e)), x, np.float32([-2, -0.5, 0, 3]))
    same(lambda T, a, b: (T.isin(a, b), T.isin(a, b, invert=True), T.isin(a, 3)), INTS,
         INTS_B)
    assert ember.is_nonzero(ember.tensor([0.5])) is torch.is_nonzero(torch.tensor([0.5]))
    assert ember.tensor([[0]]).is_nonzero() is False
    same(lambda T, a, b: (T.dist(a, b, 0), T.kthvalue(a, 2)[1]), x[:6], x[6:12])


@pytest.mark.parametrize("call, message", [
    (lambda: ember.is_nonzero(ember.zeros(2)),
     r"is_nonzero: Boolean value of Tensor with more than one value is ambiguous"),
    (lambda: ember.is_nonzero(ember.zeros(0)), "Tensor with no values is ambiguous"),
    (lambda: ember.kthvalue(ember.zeros(2, 3), 4), r"kthvalue: k \(4\) is out of range for "
     r"dimension -1 of size 3 \(got shapes \(2, 3\)\)"),
    (lambda: ember.quantile(ember.zeros(3), 1.5), r"quantile: q values must be in the range"),
    (lambda: ember.quantile(ember.zeros(3), 0.5, interpolation="cubic"),
     "quantile: interpolation must be one of"),
    (lambda: ember.nanquantile(ember.tensor([1, 2]), 0.5), "nanquantile: input must be a float"),
    (lambda: ember.quantile(ember.zeros(0), 0.5), "quantile: input must not be empty"),
    (lambda: ember.histogram(ember.tensor([1, 2]), 3), "histogram: input must be a float"),
    (lambda: ember.cov(ember.zeros(2, 3, 4)), r"cov: input must have at most 2 dimensions"),
    (lambda: ember.cov(ember.zeros(2, 3), fweights=ember.tensor([1.0, 2.0, 3.0])),
     "cov: fweights must be integers"),
    (lambda: ember.cov(ember.zeros(2, 3), aweights=ember.ones(2)),
     r"cov: aweights must be 0-D or 1-D with one weight per observation \(3\)"),
    (lambda: ember.diff(ember.tensor(1.0)), "diff: input must have at least 1 dimension"),
    (lambda: ember.diff(ember.zeros(3), prepend=ember.zeros(1, 1)),
     "diff: prepend and append must have the dimensions of input"),
    (lambda: ember.gradient(ember.zeros(1, 3)), r"gradient: each dimension must have at least "
     r"edge_order \+ 1 = 2 elements \(dimension 0 has 1\)"),
    (lambda: ember.gradient(ember.zeros(3), edge_order=2), "gradient: only edge_order=1"),
    (lambda: ember.gradient(ember.zeros(3, 3), spacing=[1.0, 2.0, 3.0]),
     r"gradient: expected spacing to have one entry per dim \(2\), got 3"),
    (lambda: ember.trapezoid(ember.zeros(3), ember.zeros(4)),
     r"trapezoid: a 1-D x must have the size of y along dim \(3\)"),
    (lambda: ember.trapezoid(ember.zeros(3), ember.zeros(3), dx=1.0), "give x or dx, not both"),
    (lambda: ember.inner(ember.zeros(2, 3), ember.zeros(2)),
     r"inner: the last dimensions must match \(got shapes \(2, 3\), \(2,\)\)"),
    (lambda: ember.vdot(ember.zeros(2), ember.zeros(3)), "vdot: expected two 1-D tensors"),
    (lambda: ember.mv(ember.zeros(2, 3), ember.zeros(2)),
     r"mv: expected a matrix \(n, m\) and a vector \(m,\) \(got shapes \(2, 3\), \(2,\)\)"),
    (lambda: ember.addr(ember.zeros(2, 2), ember.zeros(2, 1), ember.zeros(2)),
     "addr: vec1 and vec2 must be 1-D"),
    (lambda: ember.addbmm(ember.zeros(2, 2), ember.zeros(2, 2, 3), ember.zeros(3, 3, 2)),
     r"addbmm: expected batches \(b, n, m\) and \(b, m, p\)"),
    (lambda: ember.chain_matmul(ember.zeros(2, 2), ember.zeros(2)),
     "chain_matmul: every operand must be 2-D"),
])
def test_statistics_errors_name_the_op(call, message):
    with pytest.raises((ValueError, TypeError, IndexError, RuntimeError), match=message):
        call()


def test_unravel_index_unique_consecutive():
    same(lambda T, i: T.unravel_index(i, (3, 4)), np.array([0, 5, 11, -1, 7]))
    same(lambda T, i: T.unravel_index(i, 6), np.array(4))
    runs = np.array([[1, 1, 2], [1, 1, 2], [3, 3, 3], [1, 1, 2]])
    same(lambda T, a: (T.unique_consecutive(a.flatten()),)
         + T.unique_consecutive(a, return_inverse=True, return_counts=True)
         + T.unique_consecutive(a, return_counts=True, dim=0)
         + a.unique_consecutive(return_inverse=True, dim=1), runs)
    same(lambda T, a: T.unique_consecutive(a[:0], return_counts=True), runs)


@pytest.mark.parametrize("call, message", [
    (lambda: ember.scatter_reduce(ember.zeros(3), 0, ember.tensor([0]), ember.zeros(1), "max"),
     r"scatter_reduce: reduce must be one of \('sum', 'prod', 'mean', 'amax', 'amin'\)"),
    (lambda: ember.scatter_reduce(ember.zeros(3), 0, ember.tensor([0]),
                                  ember.zeros(1, dtype=ember.float64), "sum"),
     "scatter_reduce: src must have the dtype of input"),
    (lambda: ember.scatter_reduce(ember.zeros(3), 0, ember.tensor([[0]]), ember.zeros(1, 1),
                                  "sum"), "scatter_reduce: index must have as many dimensions"),
    (lambda: ember.index_reduce(ember.zeros(3, 2), 0, ember.tensor([0]), ember.zeros(2, 2),
                                "amax"), r"index_reduce: index must be 1-D with one entry per "
     r"slice of source along dim 0 \(got shapes \(3, 2\), \(2, 2\), \(1,\)\)"),
    (lambda: ember.index_reduce(ember.zeros(3), 0, ember.tensor([0]), ember.zeros(1), "sum"),
     "index_reduce: reduce must be one of"),
    (lambda: ember.select_scatter(ember.zeros(2, 3), ember.zeros(3), 1, 0),
     r"select_scatter: src must have the shape of the selected slice \(2,\)"),
    (lambda: ember.slice_scatter(ember.zeros(2, 4), ember.zeros(2, 3), 1, 0, 4, 2),
     r"slice_scatter: src must have the shape of the slice \(2, 2\)"),
    (lambda: ember.masked_scatter(ember.zeros(3), ember.tensor([1, 0, 1]), ember.zeros(3)),
     "masked_scatter: mask must be a bool tensor"),
    (lambda: ember.masked_scatter(ember.zeros(3), ember.tensor([True] * 3), ember.zeros(2)),
     "masked_scatter: source has 2 elements but mask selects 3"),
    (lambda: ember.index_put(ember.zeros(3), (ember.tensor([0, 1]),), ember.zeros(3),
                             accumulate=True), "index_put: value cannot be broadcast"),
    (lambda: ember.unravel_index(ember.tensor([6]), (2, 3)),
     r"unravel_index: indices must be in \[-6, 6\) for shape \(2, 3\)"),
    (lambda: ember.unravel_index(ember.tensor([1.0]), (2, 3)),
     "unravel_index: indices must be integers"),
    (lambda: ember.unique_consecutive(ember.zeros(2), dim=1),
     "unique_consecutive: dim 1 is out of range"),
])
def test_scatter_errors_name_the_op(call, message):
    with pytest.raises((ValueError, TypeError, IndexError), match=message):
        call()
