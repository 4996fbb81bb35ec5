"""Activation primitives: the pointwise activations, and the softmax family re-exported.

``softmax`` and ``log_softmax`` live in ``ember.ops.softmax_family``. The pointwise activations
of ``ember.nn.functional`` (relu6, leaky_relu,
elu/selu/celu, gelu, silu, swish, mish, softplus, hard*, softsign, prelu, step) follow,
one small primitive each; ``relu``, ``sigmoid`` and ``tanh`` live in ``elementwise``.
"""
from __future__ import annotations

from ember.autograd import Function
from ember.backend import xp
from ember.backend_parallel import parallel_chunks
from ember.ops.softmax_family import LogSoftmax, Softmax, log_softmax, softmax  # noqa: F401


# ----------------------------------------------------------------------------- pointwise
def stable_sigmoid(x):
    """``1 / (1 + exp(-x))`` in place in one new array: four passes instead of seven.

    Where ``exp(-x)`` overflows (x below -88.7 in float32) the result is 1 / inf = 0, as
    in PyTorch (the true value is below float32's normal range), so the overflow warning
    is silenced rather than avoided. Accurate relative to the result on both sides.
    """
    s = xp.negative(x, out=xp.empty_like(x))  # (an array even for 0-d input)
    with xp.errstate(over="ignore"):
        xp.exp(s, out=s)
    s += 1
    return xp.reciprocal(s, out=s)


def stable_softplus(x):
    """``log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|))``: no overflow for any ``x``."""
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


class Step(Function):
    """Heaviside step: 1 where ``x > 0``, else 0; its gradient is 0 everywhere."""

    def forward(self, x):
        self.shape, self.dtype = x.shape, x.dtype
        return (x > 0).astype(x.dtype)

    def backward(self, g):
        return (xp.zeros(self.shape, self.dtype),)


class Hardtanh(Function):
    def forward(self, x, min_val=-1.0, max_val=1.0):
        self.inside = (x > min_val) & (x < max_val)
        return xp.clip(x, min_val, max_val)

    def backward(self, g):
        # slope 1 strictly inside (min_val, max_val), 0 on and beyond the edges
        return (g * self.inside,)


class LeakyRelu(Function):
    def forward(self, x, negative_slope=0.01):
        self.pos = pos = x > 0
        self.slope = negative_slope
        return xp.where(pos, x, x * negative_slope)

    def backward(self, g):
        return (xp.where(self.pos, g, g * self.slope),)


class Elu(Function):
    """``scale * x`` above 0, ``scale * alpha * (exp(input_scale * x) - 1)`` below.

    ELU is (alpha, 1, 1); SELU fixes alpha and scale; CELU is (alpha, 1, 1 / alpha).
    """

    def forward(self, x, alpha=1.0, scale=1.0, input_scale=1.0):
        self.pos = pos = x > 0
        self.params = alpha, scale, input_scale
        # exp of the non-positive part only, so large x never overflows
        self.e = e = xp.exp(xp.minimum(x, 0) * input_scale)
        return xp.where(pos, x * scale, (e - 1) * (alpha * scale))

    def backward(self, g):
        alpha, scale, input_scale = self.params
        # d/dx = scale above 0, scale * alpha * input_scale * exp(input_scale x) below
        return (g * xp.where(self.pos, scale, self.e * (alpha * scale * input_scale)),)


# Coefficients of fdlibm's s_erf.c (Sun Microsystems, 1993), lowest degree first: rational
# approximations with relative error below 1e-16 on each piece of |x|.
_ERF_SMALL = ((1.28379167095512558561e-01, -3.25042107247001499370e-01,  # |x| < 0.84375
               -2.84817495755985104766e-02, -5.77027029648944159157e-03,
               -2.37630166566501626084e-05),
              (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02,
               5.08130628187576562776e-03, 1.32494738004321644526e-04,
               -3.96022827877536812320e-06))
_ERF_MID = ((-2.36211856075265944077e-03, 4.14856118683748331666e-01,  # 0.84375 <= |x| < 1.25
             -3.72207876035701323847e-01, 3.18346619901161753674e-01,
             -1.10894694282396677476e-01, 3.54783043256182359371e-02,
             -2.16637559486879084300e-03),
            (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01,
             7.18286544141962662868e-02, 1.26171219808761642112e-01,
             1.36370839120290507362e-02, 1.19844998467991074170e-02))
_ERF_MID_BASE = 8.45062911510467529297e-01  # erf(1) rounded to float32
_ERFC_NEAR = ((-9.86494403484714822705e-03, -6.93858572707181764372e-01,  # 1.25 <= |x| < 1/0.35
               -1.05586262253232909814e+01, -6.23753324503260060396e+01,
               -1.62396669462573470355e+02, -1.84605092906711035994e+02,
               -8.12874355063065934246e+01, -9.81432934416914548592e+00),
              (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02,
               4.34565877475229228821e+02, 6.45387271733267880336e+02,
               4.29008140027567833386e+02, 1.08635005541779435134e+02,
               6.57024977031928170135e+00, -6.04244152148580987438e-02))
_ERFC_FAR = ((-9.86494292470009928597e-03, -7.99283237680523006574e-01,  # 1/0.35 <= |x| < 6
              -1.77579549177547519889e+01, -1.60636384855821916062e+02,
              -6.37566443368389627722e+02, -1.02509513161107724954e+03,
              -4.83519191608651397019e+02),
             (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02,
              1.53672958608443695994e+03, 3.19985821950859553908e+03,
              2.55305040643316442583e+03, 4.74528541206955367215e+02,
              -2.24409524465858183362e+01))


def _polynomial(s, coefficients, out=None):
    """``c0 + s (c1 + s (c2 + ...))`` by Horner's rule, in place (no temporary per term)."""
    r = xp.multiply(s, coefficients[-1], out=out)
    for c in coefficients[-2:0:-1]:
        r += c
        r *= s
    r += coefficients[0]
    return r


def _rational(s, coefficients):
    p, q = coefficients
    num = _polynomial(s, p)
    num /= _polynomial(s, q)
    return num


# erf of float32 arrays: one branch-free rational, Eigen's generic_fast_erf_float (also
# XLA's): erf(x) = x P(x^2) / Q(x^2) on x clamped to [-c, c]; its own error is below 4e-8.
# Eigen takes c = erfinv(1 - 2^-23) = 3.8325 and selects sign(x) beyond; at c = 3.85 the
# rational is 1 - 7e-9 and rounds to exactly 1.0f, so the clamp alone gives erf = +-1
# there (and GELU of large negative x is exactly -0, as in PyTorch). Evaluated in float32,
# its 22 roundings reach 3.4e-7 (5.7 ulp near x = 2.3); in float64 (over blocks of _BLOCK
# elements, so that the float64 temporaries stay small) it is within 6e-8 of math.erf.
# ember.erf forward + backward on (128, 1024) float32: 4.3 ms -> 0.66 ms (PyTorch 0.27).
_ERF32_CLAMP = 3.85
_ERF32_P = (1.128379143519084, 0.18520832239976145, 0.050955695062380861,
            0.0034082910107109506, 0.00022905065861350646)  # odd: x (p0 + p1 x^2 + ...)
_ERF32_Q = (1.0, 0.49746925110067538, 0.11098505178285362, 0.014070470171167667,
            0.0010179625278914885, 0.000023547966471313185, -1.1791602954361697e-7)


def _scaled_erf_coefficients(a):
    """Clamp, P and Q of ``erf(a x)`` as a rational of ``x``: p_k a^(2k+1), q_k a^(2k)."""
    return (_ERF32_CLAMP / a, tuple(p * a ** (2 * k + 1) for k, p in enumerate(_ERF32_P)),
            tuple(q * a ** (2 * k) for k, q in enumerate(_ERF32_Q)))


_ERF32 = _scaled_erf_coefficients(1.0)
# Elements per block. Two threads hand the GIL over at each NumPy call (about 8 us here),
# so calls must be long: float32 exact GELU forward on (32, 64, 1536), two threads, took
# 12 ms with blocks of 2**15, 7.8 with 2**16, 6.0 with 2**17 and 4.7 with 2**19.
_BLOCK = 1 << 19
# Above this many elements the blocks are split over two threads (parallel_chunks): the
# same GELU, 43 ms -> 24 ms; on (64, 8192), 3.3 ms -> 2.1 ms. At 2**17 elements the
# hand-offs cost more than they save (1.1 ms split vs 0.77 ms inline).
_PARALLEL_MIN = 1 << 18


def _blockwise(kernel, *arrays):
    """``kernel(*blocks)`` on consecutive blocks of the flattened ``arrays``, which have
    one shape; outputs among them must be C-contiguous (their flat views are written)."""
    flat = [a.reshape(-1) for a in arrays]

    def run(*chunks):
        n = chunks[0].size
        for i in range(0, n, _BLOCK):
            kernel(*(c[i:i + _BLOCK] for c in chunks))

    parallel_chunks(run, *flat, min_size=_PARALLEL_MIN)


def _erf_float32(x, out, coefficients=_ERF32):
    """Write ``erf(a x)`` of the float32 block ``x`` into ``out`` (``coefficients`` from
    ``_scaled_erf_coefficients(a)``), evaluated in float64."""
    clamp, p, q = coefficients
    z = xp.clip(x, -clamp, clamp, dtype=xp.float64)  # NaN stays NaN
    s = z * z
    num = _polynomial(s, p)
    num *= z
    xp.divide(num, _polynomial(s, q), out=out)


def erf_array(x):
    """The error function of a float array, accurate to the array's precision.

    float32: one rational (``_erf_float32``), within 6e-8 of the true value. Other
    dtypes: fdlibm's piecewise rational approximations, relative error below 1e-16 in
    float64; each element is evaluated by its own piece only.
    """
    if x.dtype == xp.float32:
        out = xp.empty(x.shape, x.dtype)
        _blockwise(_erf_float32, x, out)
        return out
    a = xp.abs(x)
    out = xp.empty_like(x)
    small = a < 0.84375
    if small.all():  # the common case for activations: no masking needed
        return x + x * _rational(x * x, _ERF_SMALL)
    if small.any():  # erf(x) = x + x R(x^2)
        z = x[small]
        out[small] = z + z * _rational(z * z, _ERF_SMALL)
    mid = (a >= 0.84375) & (a < 1.25)
    if mid.any():  # erf(1 + s) = erf(1) + P(s) / Q(s)
        out[mid] = xp.copysign(_rational(a[mid] - 1, _ERF_MID) + _ERF_MID_BASE, x[mid])
    for lo, hi, coefficients in ((1.25, 1 / 0.35, _ERFC_NEAR), (1 / 0.35, 6.0, _ERFC_FAR)):
        tail = (a >= lo) & (a < hi)
        if tail.any():  # erfc(x) = exp(-x^2 - 0.5625 + R(1/x^2) / S(1/x^2)) / x
            v = a[tail]
            erfc = xp.exp(_rational(1 / (v * v), coefficients) - v * v - 0.5625) / v
            out[tail] = xp.copysign(1 - erfc, x[tail])
    big = ~(a < 6)  # |x| >= 6 and NaN: erf is +-1 to double precision (NaN stays NaN)
    if big.any():
        out[big] = xp.sign(x[big])
    return out


def erfc_array(x):
    """``1 - erf(x)`` of a float array, without the cancellation of ``1 - erf_array(x)``.

    The same fdlibm pieces: where erf is near 1 (x >= 0.84375), erfc is evaluated
    directly; below, ``1 - erf`` loses nothing. Exactly 0 from x >= 28, 2 below -6.
    """
    a = xp.abs(x)
    out = xp.asarray(1 - erf_array(x))  # an array even for 0-d input (written below)
    mid = (x >= 0.84375) & (x < 1.25)
    if mid.any():  # erfc(1 + s) = 1 - erf(1) - P(s) / Q(s)
        out[mid] = (1 - _ERF_MID_BASE) - _rational(a[mid] - 1, _ERF_MID)
    for lo, hi, coefficients in ((1.25, 1 / 0.35, _ERFC_NEAR), (1 / 0.35, 28.0, _ERFC_FAR)):
        tail = (x >= lo) & (x < hi)
        if tail.any():
            v = a[tail]
            out[tail] = xp.exp(_rational(1 / (v * v), coefficients) - v * v - 0.5625) / v
    out[x >= 28] = 0
    return out


_SQRT_HALF = 0.7071067811865476  # 1 / sqrt(2)
_INV_SQRT_2PI = 0.3989422804014327  # 1 / sqrt(2 pi)
_SQRT_2_OVER_PI = 0.7978845608028654  # sqrt(2 / pi)
_GELU_CUBIC = 0.044715


# Phi(x) = (1 + tanh(x P(x^2))) / 2 for float32 GELU, P of degree 6 fitted (minimax, weighted
# by GELU's tolerance) to atanh(erf(x / sqrt 2)) / x on [0, 7]: tanh damps P's error by
# 1 - tanh^2 = 4 Phi (1 - Phi), so Phi's error falls with Phi in the tails, where GELU's
# values are small; P > 0.79 and x P(x^2) grows without bound, so Phi reaches exactly 0
# and 1 (tanh rounds to +-1 from |x| = 5.5). Evaluated in float32, Phi is within 1.8e-7
# of the normal CDF (3 units of float32 near 1); GELU and its gradient stay within 0.2
# of the registry's tolerance of the exact values (PyTorch's own values reach 1.1 times
# it). 14 float32 passes and one tanh, where the rational erf took 27 float64 passes:
# exact GELU on (32, 64, 1536) float32, forward 9.7 -> 4.0 ms (PyTorch 1.2), forward +
# backward 14.9 -> 7.4 ms (PyTorch 3.8).
_GELU_P = (0.7978837732080384, 0.03633586646904317, -3.424262034804097e-05,
           -5.4940424999251374e-05, 3.932658560908867e-06, -1.3144931703602975e-07,
           1.765935383665976e-09)


def _gelu_cdf_float32(x, cdf, y):
    # cdf = Phi(x) (kept for backward), y = x Phi(x); y holds x^2 until the end
    with xp.errstate(over="ignore"):  # |x| > 1e6: x P(x^2) overflows to +-inf, tanh to +-1
        _polynomial(xp.multiply(x, x, out=y), _GELU_P, out=cdf)
        cdf *= x
    xp.tanh(cdf, out=cdf)
    cdf *= 0.5
    cdf += 0.5
    xp.multiply(x, cdf, out=y)


def _gelu_grad(g, x, cdf, gx):
    # d gelu = Phi(x) + x phi(x), phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
    with xp.errstate(over="ignore"):  # x^2 = inf: phi = 0
        xp.multiply(x, x, out=gx)
    gx *= -0.5
    xp.exp(gx, out=gx)
    gx *= x
    gx *= _INV_SQRT_2PI
    gx += cdf
    gx *= g


_TANH_A = _SQRT_2_OVER_PI * _GELU_CUBIC


def _gelu_tanh(x, t, y):
    # t = tanh(sqrt(2/pi) (x + c x^3)) (kept for backward), y = x (1 + t) / 2
    xp.multiply(x, x, out=t)
    t *= _TANH_A
    t += _SQRT_2_OVER_PI
    t *= x
    xp.tanh(t, out=t)
    xp.add(t, 1, out=y)
    y *= x
    y *= 0.5


def _gelu_tanh_grad(g, x, t, gx):
    # d/dx = (1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 c x^2) / 2
    one_minus_t2 = xp.multiply(t, t)
    xp.subtract(1, one_minus_t2, out=one_minus_t2)
    xp.multiply(x, x, out=gx)
    gx *= 1.5 * _TANH_A
    gx += 0.5 * _SQRT_2_OVER_PI
    gx *= x
    gx *= one_minus_t2
    gx += 0.5
    xp.multiply(t, 0.5, out=one_minus_t2)
    gx += one_minus_t2
    gx *= g


class Gelu(Function):
    """``x * Phi(x)`` with ``Phi`` the standard normal CDF, exact (erf) or tanh-approximated.

    Forward keeps ``Phi(x)`` (or the tanh) for backward; forward and backward run block by
    block, on two threads for large arrays. float32 ``Phi`` is ``_gelu_cdf_float32``'s
    tanh form; float64 uses the exact erf.
    """

    def forward(self, x, approximate="none"):
        self.x, self.approximate = x, approximate
        y = xp.empty(x.shape, x.dtype)
        if approximate == "tanh":
            self.t = xp.empty(x.shape, x.dtype)
            _blockwise(_gelu_tanh, x, self.t, y)
            return y
        if x.dtype == xp.float32:
            self.cdf = xp.empty(x.shape, x.dtype)
            _blockwise(_gelu_cdf_float32, x, self.cdf, y)
            return y
        self.cdf = cdf = erf_array(x * _SQRT_HALF)
        cdf += 1
        cdf *= 0.5
        return x * cdf

    def backward(self, g):
        x = self.x
        gx = xp.empty(x.shape, xp.result_type(g, x))
        if self.approximate == "tanh":
            _blockwise(_gelu_tanh_grad, g, x, self.t, gx)
        else:
            _blockwise(_gelu_grad, g, x, self.cdf, gx)
        return (gx,)


class Silu(Function):
    def forward(self, x):
        self.x = x
        self.s = s = stable_sigmoid(x)
        return x * s

    def backward(self, g):
        # d (x s) = s (1 + x (1 - s)), in place in one array
        s = self.s
        gx = xp.subtract(1, s, dtype=xp.result_type(g, s))
        gx *= self.x
        gx += 1
        gx *= s
        gx *= g
        return (gx,)


class Swish(Function):
    """``x * sigmoid(beta * x)`` with a differentiable ``beta`` (a tensor or a number)."""

    def forward(self, x, beta):
        self.x, self.beta = x, beta
        self.s = s = stable_sigmoid(x * beta)
        return x * s

    def backward(self, g):
        x, s, beta = self.x, self.s, self.beta
        ds = s * (1 - s)  # sigmoid' at beta x
        gx = g * (s + x * beta * ds)
        gbeta = g * x * x * ds if self.needs_input_grad(1) else None
        return gx, gbeta


class Mish(Function):
    def forward(self, x):
        self.x = x
        self.t = t = xp.tanh(stable_softplus(x))
        return x * t

    def backward(self, g):
        # d (x tanh(softplus x)) = t + x (1 - t^2) sigmoid(x)
        t, x = self.t, self.x
        return (g * (t + x * (1 - t * t) * stable_sigmoid(x)),)


class Softplus(Function):
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``."""

    def forward(self, x, beta=1.0, threshold=20.0):
        z = x * beta
        self.z, self.linear = z, z > threshold
        return xp.where(self.linear, x, stable_softplus(z) / beta)

    def backward(self, g):
        # d/dx = sigmoid(beta x) on the curved part, 1 on the linear part
        return (xp.where(self.linear, g, g * stable_sigmoid(self.z)),)


class Hardsigmoid(Function):
    def forward(self, x):
        self.inside = (x > -3) & (x < 3)
        return xp.clip(x * (1 / 6) + 0.5, 0, 1)

    def backward(self, g):
        return (g * self.inside * (1 / 6),)


class Hardswish(Function):
    def forward(self, x):
        self.x = x
        return x * xp.clip(x + 3, 0, 6) * (1 / 6)

    def backward(self, g):
        # 0 below -3, x/3 + 1/2 on [-3, 3], 1 above (PyTorch's one-sided edges)
        x = self.x
        slope = xp.where(x < -3, 0, xp.where(x <= 3, x * (1 / 3) + 0.5, 1)).astype(x.dtype)
        return (g * slope,)


class Softsign(Function):
    def forward(self, x):
        self.d = d = 1 + xp.abs(x)
        return x / d

    def backward(self, g):
        # d (x / (1 + |x|)) = 1 / (1 + |x|)^2
        return (g / (self.d * self.d),)


class Prelu(Function):
    """``x`` above 0, ``w * x`` below, one learnable slope per channel (dimension 1)."""

    def forward(self, x, w):
        self.w_shape = w.shape
        if w.size == 1:
            w = w.reshape(())
        else:
            if x.ndim < 2 or x.shape[1] != w.size:
                raise ValueError(
                    f"prelu: weight has {w.size} slopes but the input's channel dimension 1 "
                    f"has size {x.shape[1] if x.ndim >= 2 else 1} (input shape "
                    f"{tuple(x.shape)}); use one slope for inputs of fewer than 2 dimensions"
                )
            w = w.reshape((-1,) + (1,) * (x.ndim - 2))
        self.x, self.w = x, w
        self.pos = pos = x > 0
        return xp.where(pos, x, x * w)

    def backward(self, g):
        x, w, pos = self.x, self.w, self.pos
        gx = xp.where(pos, g, g * w)
        gw = None
        if self.needs_input_grad(1):
            # d/dw = x where x <= 0, summed over everything but the channel
            full = xp.where(pos, 0, g * x)
            axes = None if w.ndim == 0 else tuple(i for i in range(x.ndim) if i != 1)
            gw = full.sum(axis=axes).reshape(self.w_shape).astype(x.dtype, copy=False)
        return gx, gw
