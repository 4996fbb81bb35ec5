"""Resampling and adaptive pooling, 1-D to 3-D: ``Resample`` and ``AdaptiveMaxPool``.

``Resample`` applies one constant (out, in) matrix per resized dimension: nearest,
(bi/tri)linear and bicubic interpolation and adaptive average pooling are all such
separable linear maps, and the gradient is the transposed map.
"""
from __future__ import annotations

import itertools
import math

from ember.autograd import Function
from ember.backend import xp


class Resample(Function):
    """``out = x ×_1 A_1 ×_2 A_2 ..``: matrix ``A_i`` (out_i, in_i) applied along the i-th of
    the last ``len(mats)`` dimensions of ``x``.

    The caller builds the matrices in the input's dtype. Backward: the same with every
    ``A_i^T``. Each dimension is ONE GEMM over all the others folded together (not one
    small GEMM per image and channel); small maps are one GEMM altogether.
    """

    def forward(self, x, *mats):
        self.mats, self.shape = mats, x.shape
        return _separable(x, mats)

    def backward(self, g):
        gx = _separable(g, [a.T for a in self.mats]).reshape(self.shape)
        return (gx,) + (None,) * len(self.mats)


# Below this many entries, the Kronecker product of the matrices is applied as one GEMM
# over flattened images (global and small adaptive pooling: a single matrix-vector product
# over the batch).
_KRON_MAX = 1 << 16


def _separable(x, mats):
    """``x ×_1 mats[0] ×_2 mats[1] ..`` over the last ``len(mats)`` axes of ``x``."""
    nd = len(mats)
    lead, size = x.shape[:-nd], x.shape[-nd:]
    if nd > 1 and math.prod(a.size for a in mats) <= _KRON_MAX:
        # out[.., i, j] = sum_pq A[i, p] B[j, q] x[.., p, q]
        k = mats[0]
        for a in mats[1:]:
            k = xp.kron(k, a)
        flat = x.reshape(-1, math.prod(size))
        # a 1-pixel input (global pooling's backward) is an outer product: a broadcast beats
        # GEMM
        y = flat * k[:, 0] if flat.shape[1] == 1 else flat @ k.T
        return y.reshape(lead + tuple(a.shape[0] for a in mats))
    y = x
    for axis in range(-1, -nd - 1, -1):
        a = mats[axis]
        # contract this axis: bring it last, fold everything else, one GEMM
        moved = xp.moveaxis(y, axis, -1)
        z = moved.reshape(-1, moved.shape[-1]) @ a.T
        y = xp.moveaxis(z.reshape(moved.shape[:-1] + (a.shape[0],)), -1, axis)
    return y


def adaptive_bins(size: int, n_out: int):
    """PyTorch's adaptive pooling bins: [floor(i*size/n), ceil((i+1)*size/n)) for each i."""
    starts = [(i * size) // n_out for i in range(n_out)]
    ends = [-((-(i + 1) * size) // n_out) for i in range(n_out)]
    return starts, ends


def bin_matrix(size: int, n_out: int, dtype):
    """(n_out, size) matrix averaging each adaptive bin (adaptive average pooling)."""
    a = xp.zeros((n_out, size), dtype)
    for i, (s, e) in enumerate(zip(*adaptive_bins(size, n_out))):
        a[i, s:e] = 1.0 / (e - s)
    return a


class AdaptiveMaxPool(Function):
    """Max over PyTorch's adaptive bins of the last ``len(out)`` dimensions; ``out`` given.

    Bins can differ in size, so this loops over the output grid (one small reduction per
    output position, each vectorised over batch and channels). Returns the flat input
    indices (over the pooled dimensions) as a second output.
    """

    n_out = 2

    def forward(self, x, out=(1, 1)):
        nd = len(out)
        self.shape, size = x.shape, x.shape[-nd:]
        xm = x.reshape((-1,) + size)
        m = xm.shape[0]
        bins = [list(zip(*adaptive_bins(n, o))) for n, o in zip(size, out)]
        y = xp.empty((m,) + tuple(out), x.dtype)
        idx = xp.empty((m,) + tuple(out), xp.int64)
        rows = xp.arange(m)
        for cell in itertools.product(*(range(o) for o in out)):
            spans = [bins[i][c] for i, c in enumerate(cell)]
            block = xm[(slice(None),) + tuple(slice(s, e) for s, e in spans)]
            k = block.reshape(m, -1).argmax(axis=1)
            y[(slice(None),) + cell] = block.reshape(m, -1)[rows, k]
            within = xp.unravel_index(k, block.shape[1:])
            flat = 0
            for (s, _), w, n in zip(spans, within, size):
                flat = flat * n + s + w
            idx[(slice(None),) + cell] = flat
        self.idx = idx.reshape(m, -1)
        lead = x.shape[:-nd]
        return y.reshape(lead + tuple(out)), idx.reshape(lead + tuple(out))

    def backward(self, g, g_indices=None):
        m = self.idx.shape[0]
        dx = xp.zeros((m, math.prod(self.shape) // max(m, 1)), g.dtype)
        # bins may overlap, so several outputs can pick one input: accumulate per output
        gf = g.reshape(m, -1)
        rows = xp.arange(m)
        for k in range(self.idx.shape[1]):
            dx[rows, self.idx[:, k]] += gf[:, k]
        return (dx.reshape(self.shape),)
