"""Matrix products: ``matmul`` (batched, with PyTorch's 1-D rules)."""
from __future__ import annotations

from ember.autograd import Function, unbroadcast
from ember.backend import xp
from ember.errors import shape_error


class MatMul(Function):
    def forward(self, x, y):
        if x.ndim == 0 or y.ndim == 0:
            raise shape_error("matmul", "both arguments need at least 1 dimension",
                              x.shape, y.shape)
        k_y = y.shape[0] if y.ndim == 1 else y.shape[-2]
        if x.shape[-1] != k_y:
            raise shape_error("matmul", f"inner dimensions differ ({x.shape[-1]} vs {k_y})",
                              x.shape, y.shape)
        self.x, self.y = x, y
        try:
            return x @ y
        except ValueError:
            raise shape_error("matmul", "batch dimensions cannot be broadcast",
                              x.shape, y.shape) from None

    def backward(self, g):
        x, y = self.x, self.y
        # restore the dimensions that 1-D operands dropped, then dX = G Y^T, dY = X^T G
        x2 = x[None, :] if x.ndim == 1 else x
        y2 = y[:, None] if y.ndim == 1 else y
        if y.ndim == 1:
            g = g[..., None]
        if x.ndim == 1:
            g = g[..., None, :]
        gx = gy = None
        if self.needs_input_grad(0):
            gx = unbroadcast(g @ xp.swapaxes(y2, -1, -2), x2.shape).reshape(x.shape)
        if self.needs_input_grad(1):
            gy = unbroadcast(xp.swapaxes(x2, -1, -2) @ g, y2.shape).reshape(y.shape)
        return gx, gy


def matmul(input, other):  # noqa: A002
    """Matrix product with broadcasting batch dimensions; 1-D operands as in PyTorch."""
    return MatMul.apply(input, other)


def mm(input, mat2):  # noqa: A002
    return MatMul.apply(input, mat2)


def bmm(input, mat2):  # noqa: A002
    return MatMul.apply(input, mat2)


class Einsum(Function):
    """``einsum(equation, *operands)``; each operand's gradient is another einsum."""

    def forward(self, *arrays, equation):
        eq = equation.replace(" ", "")
        if "..." in eq:
            raise NotImplementedError("einsum: '...' (ellipsis) is not supported yet")
        ins, _, out = eq.partition("->")
        terms = ins.split(",")
        if not _:
            out = "".join(sorted(c for c in set(ins) - {","} if ins.count(c) == 1))
        if len(terms) != len(arrays):
            raise ValueError(f"einsum: the equation {equation!r} names {len(terms)} operands, "
                             f"got {len(arrays)}")
        for t, a in zip(terms, arrays):
            if len(set(t)) != len(t):
                raise NotImplementedError(f"einsum: repeated index in {t!r} (a diagonal) is "
                                          "not supported")
            if len(t) != a.ndim:
                raise shape_error("einsum", f"operand term {t!r} does not match its "
                                  "dimensions", *(a.shape for a in arrays))
        self.terms, self.out, self.arrays = terms, out, arrays
        try:
            return xp.einsum(f"{','.join(terms)}->{out}", *arrays, optimize=len(arrays) > 2)
        except ValueError as err:
            raise shape_error("einsum", f"{err}", *(a.shape for a in arrays)) from None

    def backward(self, g):
        grads = []
        for i, (term, a) in enumerate(zip(self.terms, self.arrays)):
            if not self.needs_input_grad(i):
                grads.append(None)
                continue
            others = [t for j, t in enumerate(self.terms) if j != i]
            ops = [x for j, x in enumerate(self.arrays) if j != i]
            # letters of this operand missing everywhere else were summed out: broadcast back
            kept = "".join(c for c in term if c in self.out or any(c in t for t in others))
            gi = xp.einsum(f"{','.join([self.out] + others)}->{kept}", g, *ops,
                           optimize=len(ops) > 1)
            if kept != term:
                sizes = dict(zip(term, a.shape))
                gi = xp.broadcast_to(gi.reshape([sizes[c] if c in kept else 1 for c in term]),
                                     a.shape)
            grads.append(gi)
        return tuple(grads)


class Norm(Function):
    """Vector p-norm over ``dim``; gradients are 0 (not NaN) where the norm is 0."""

    def forward(self, x, p=2.0, dim=None, keepdim=False):
        from ember.ops.reduce import normalize_dims

        self.shape, self.keepdim, self.p = x.shape, keepdim, p
        self.axes = axes = normalize_dims("norm", dim, x.ndim)
        a = xp.abs(x)
        if p == float("inf"):
            n = a.max(axis=axes, keepdims=True)
        elif p == 2:
            n = xp.sqrt((x * x).sum(axis=axes, keepdims=True))
        elif p == 1:
            n = a.sum(axis=axes, keepdims=True)
        else:
            n = (a ** p).sum(axis=axes, keepdims=True) ** (1 / p)
        self.x, self.n = x, n
        if keepdim or x.ndim == 0:
            return n.reshape(n.shape if x.ndim else ())
        gone = range(x.ndim) if axes is None else axes
        return n.reshape(tuple(s for i, s in enumerate(x.shape) if i not in gone))

    def backward(self, g):
        from ember.ops.reduce import expand_reduced

        x, n, p = self.x, self.n, self.p
        if not self.keepdim and x.ndim:
            g = xp.expand_dims(g, tuple(range(x.ndim)) if self.axes is None else self.axes)
        safe = xp.where(n > 0, n, 1)
        if p == float("inf"):
            # ties share the gradient, as for amax
            mask = xp.abs(x) == n
            w = xp.sign(x) * mask / mask.sum(axis=self.axes, keepdims=True)
        elif p == 2:
            w = x / safe  # d |x| = x / |x|
        elif p == 1:
            w = xp.sign(x)
        else:
            # d |x|_p / dx_i = sign(x_i) |x_i|^(p-1) / |x|_p^(p-1)
            w = xp.sign(x) * xp.abs(x) ** (p - 1) / safe ** (p - 1)
        w = xp.where(n > 0, w, 0)
        return (expand_reduced(g * w, self.shape, None, True).astype(x.dtype),)


class Diag(Function):
    def forward(self, x, diagonal=0):
        if x.ndim not in (1, 2):
            raise shape_error("diag", "expected a 1-D or 2-D tensor", x.shape)
        self.ndim, self.diagonal, self.shape = x.ndim, diagonal, x.shape
        return xp.diag(x, diagonal)

    def backward(self, g):
        if self.ndim == 1:
            return (xp.diag(g, self.diagonal),)
        out = xp.zeros(self.shape, g.dtype)
        rows = xp.arange(g.shape[0]) + max(-self.diagonal, 0)
        out[rows, rows + self.diagonal] = g
        return (out,)


def einsum(equation, *operands):
    """Einstein summation: ``einsum("bij,bjk->bik", a, b)`` is a batched matmul."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return Einsum.apply(*operands, equation=equation)


def outer(input, vec2):  # noqa: A002
    """``input[i] * vec2[j]`` for 1-D inputs."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise shape_error("outer", "expected two 1-D tensors", input.shape, vec2.shape)
    return Einsum.apply(input, vec2, equation="i,j->ij")


ger = outer


def dot(input, other):  # noqa: A002
    """Inner product of two 1-D tensors of the same length."""
    if input.ndim != 1 or other.ndim != 1:
        raise shape_error("dot", "1D tensors expected", input.shape, other.shape)
    return MatMul.apply(input, other)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (mat1 @ mat2)``."""
    from ember.ops.elementwise import add, mul

    prod = MatMul.apply(mat1, mat2)
    if alpha != 1:
        prod = mul(prod, alpha)
    return add(input if beta == 1 else mul(input, beta), prod)


def diag(input, diagonal=0):  # noqa: A002
    """A 1-D input becomes a diagonal matrix; a 2-D input gives its diagonal."""
    return Diag.apply(input, diagonal=diagonal)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    """Vector p-norm (``p`` = 2 / 'fro', 1, inf, any float) over ``dim``; all elements when
    ``dim`` is None (the Frobenius norm for ``'fro'``); ``'nuc'`` is the nuclear norm of the
    matrices in ``dim`` (the last two when None)."""
    if p in ("fro", None):
        p = 2.0
    elif p == "nuc":
        from ember.linalg import matrix_norm

        out = matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim)
        return out if dtype is None else out.to(dtype)
    elif isinstance(p, str):
        raise ValueError(f"norm: unsupported p={p!r}; use 'fro', 'nuc', a number or inf")
    out = Norm.apply(input, p=float(p), dim=dim, keepdim=keepdim)
    return out if dtype is None else out.to(dtype)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices."""
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise shape_error("baddbmm", "batch1 and batch2 must be 3-D tensors", batch1.shape,
                          batch2.shape)
    return addmm(input, batch1, batch2, beta=beta, alpha=alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    """``beta * input + alpha * (mat @ vec)`` for a matrix and a vector."""
    if mat.ndim != 2 or vec.ndim != 1:
        raise shape_error("addmv", "expected a 2-D matrix and a 1-D vector", mat.shape,
                          vec.shape)
    return addmm(input, mat, vec, beta=beta, alpha=alpha)


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def tensordot(a, b, dims=2):
    """Sum of products over ``dims``: the last ``dims`` dimensions of ``a`` with the first
    of ``b`` (an int), or the listed pairs ``([a dims], [b dims])``."""
    if isinstance(dims, int):
        if dims < 0 or dims > min(a.ndim, b.ndim):
            raise shape_error("tensordot", f"dims ({dims}) must be between 0 and the smaller "
                              "number of dimensions", a.shape, b.shape)
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(da) != len(db):
        raise ValueError(f"tensordot: both dims lists must have the same length, got {da} "
                         f"and {db}")
    da, db = [d % max(a.ndim, 1) for d in da], [d % max(b.ndim, 1) for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise shape_error("tensordot", f"contracted dimensions {i} and {j} differ in size",
                              a.shape, b.shape)
    ta = list(_LETTERS[:a.ndim])
    tb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(da, db):
        tb[j] = ta[i]
    out = [c for k, c in enumerate(ta) if k not in da] + [
        c for k, c in enumerate(tb) if k not in db]
    return Einsum.apply(a, b, equation=f"{''.join(ta)},{''.join(tb)}->{''.join(out)}")


def kron(input, other):  # noqa: A002
    """The Kronecker product: every element of ``input`` times the whole of ``other``."""
    from ember.ops.elementwise import mul
    from ember.ops.shape import reshape

    nd = max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    # (a0, 1, a1, 1, ...) * (1, b0, 1, b1, ...) -> (a0, b0, a1, b1, ...) -> (a0 b0, a1 b1, ...)
    a = reshape(input, tuple(s for n in sa for s in (n, 1)))
    b = reshape(other, tuple(s for n in sb for s in (1, n)))
    return reshape(mul(a, b), tuple(m * n for m, n in zip(sa, sb)))


def cross(input, other, dim=None):  # noqa: A002
    """The cross product of 3-vectors along ``dim`` (the first dimension of size 3 when
    None), broadcasting."""
    from ember.ops.elementwise import mul, sub
    from ember.ops.index import index_select
    from ember.ops.shape import broadcast_to

    if tuple(input.shape) != tuple(other.shape):
        try:
            shape = xp.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        except ValueError:
            raise shape_error("cross", "shapes cannot be broadcast together", input.shape,
                              other.shape) from None
        input, other = broadcast_to(input, shape), broadcast_to(other, shape)
    if dim is None:
        dim = next((i for i, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise shape_error("cross", "no dimension of size 3", input.shape)
    if input.ndim == 0 or input.shape[dim] != 3:
        raise shape_error("cross", f"dimension {dim} must have size 3", input.shape,
                          other.shape)
    one, two = xp.asarray([1, 2, 0]), xp.asarray([2, 0, 1])
    return sub(mul(index_select(input, dim, one), index_select(other, dim, two)),
               mul(index_select(input, dim, two), index_select(other, dim, one)))
