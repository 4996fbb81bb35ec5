"""Depthwise convolution (``groups == C_in``) as sums of shifted slices, without im2col or GEMM.

Output channel ``o = c*m + j`` (``m`` the channel multiplier) reads input channel ``c``
only: ``y[n, o] = sum_k w[o, k] * window_k(x[n, c]) + b[o]`` over the K = prod(kernel)
kernel offsets. As im2col + a per-group GEMM this is K-row GEMMs (4-5x slower than
PyTorch); here each offset is ONE multiply-add over a long contiguous run:

* The padded input of one channel is laid out as a grid of ``Q_0 x Q_1 x ..`` per sample
  (one grid per stride phase ``xpad[..., a0::s0, ..]``), flattened over samples, with
  ``Q_i = out_i + (k_i - 1)*d_i // s_i``. Output position ``q`` of the grid reads
  position ``q + delta_k`` of one phase, ``delta_k = sum_i (k_i*d_i // s_i) * stride_i(Q)``:
  a plain shifted slice. Positions ``q_i >= out_i`` are computed too (a few percent
  more work) and cropped.
* Forward: ``acc = sum_k w[o, k] * phase_k[delta_k : delta_k + L]``.
* Backward: with ``g`` placed on the same grid (zeros at the cropped positions),
  ``dw[o, k] = g . phase_k[delta_k : ..]`` (one dot product per offset) and the input
  gradient is the adjoint, ``dphase_k[delta_k : ..] += w[o, k] * g``.

Work goes in blocks of (some channels) x (some samples), about ``BLOCK`` grid positions:
a block's grid buffers are filled, used K times and emptied while they are in the cache;
chunks of channels run on two threads. The input is read in whatever layout it has; the
output is channel-major (O, N, *out) as every convolution's.
"""
from __future__ import annotations

import itertools
import math

from ember import backend_parallel
from ember.backend import xp

# grid positions per block. Each NumPy call then runs long enough that the per-call cost
# and the two threads' turns at the GIL matter little: (32, 64, 56, 56) forward + backward
# took 64, 55, 42 and 38 ms with 2**16, 2**17, 2**18 and 2**19 (two threads), and 54 ms
# with 2**20, whose buffers (4 MB each) no longer stay in the caches
BLOCK = 1 << 19


def applies(geo, groups: int, cg: int) -> bool:
    """Whether a convolution is depthwise (one input channel per group, several groups)."""
    return cg == 1 and groups == geo.c and groups > 1


def _phase_fill(key, stride, before, size, grid):
    """For phase ``key``, the grid index range and the input slice that fill it, per
    dimension: grid ``q`` holds input ``q*s + a - before`` (zero outside the input)."""
    grid_index, input_index = [], []
    for a, s, b, n, q_len in zip(key, stride, before, size, grid):
        q0 = max(0, -((a - b) // s))  # first q with q*s + a - b >= 0
        q1 = min(q_len, -((a - b - n) // s))  # first q with q*s + a - b >= n
        if q1 <= q0:
            return None
        i0 = q0 * s + a - b
        grid_index.append(slice(q0, q1))
        input_index.append(slice(i0, i0 + (q1 - q0 - 1) * s + 1, s))
    return tuple(grid_index), tuple(input_index)


class DepthwisePlan:
    """The grid geometry of one depthwise convolution, and its forward and backward."""

    def __init__(self, geo, w, x):
        self.geo, self.x, self.w_shape = geo, x, w.shape
        self.m = w.shape[0] // geo.c
        self.k = math.prod(geo.kernel)
        # weights as (m, K, C, 1): one column of per-channel factors per (j, offset)
        self.w = xp.ascontiguousarray(
            w.reshape(geo.c, self.m, self.k).transpose(1, 2, 0))[..., None]
        shifts = [((k - 1) * d) // s for k, d, s in zip(geo.kernel, geo.dilation, geo.stride)]
        self.grid = tuple(o + sh for o, sh in zip(geo.out, shifts))
        self.plane = math.prod(self.grid)
        grid_strides = [math.prod(self.grid[i + 1:]) for i in range(geo.nd)]
        self.keys = geo.phase_keys()
        phase_of = {key: i for i, key in enumerate(self.keys)}
        # per kernel offset (row-major, as the weight's flattened kernel): phase, delta
        self.taps = []
        for offset in itertools.product(*(range(k) for k in geo.kernel)):
            r = [k * d for k, d in zip(offset, geo.dilation)]
            key = tuple(ri % s for ri, s in zip(r, geo.stride))
            delta = sum((ri // s) * gs for ri, s, gs in zip(r, geo.stride, grid_strides))
            self.taps.append((phase_of[key], delta))
        self.tail = max(delta for _, delta in self.taps)
        self.fills = [_phase_fill(key, geo.stride, geo.before, geo.size, self.grid)
                      for key in self.keys]
        self.crop = (slice(None), slice(None)) + tuple(slice(0, o) for o in geo.out)
        # blocks of (cb channels) x (nb samples), about BLOCK grid positions each
        n = geo.n
        if n * self.plane <= BLOCK:
            self.nb, self.cb = n, max(1, BLOCK // (n * self.plane))
        else:
            parts = -(-n * self.plane // BLOCK)
            self.nb, self.cb = -(-n // parts), 1
        self.sample_blocks = [(n0, min(n, n0 + self.nb)) for n0 in range(0, n, self.nb)]

    # ------------------------------------------------------------------ blocks
    def _buffer(self, zero=True, dtype=None):
        """Phase grids (P, cb, nb*plane + tail), zeroed (the borders must stay 0)."""
        shape = (len(self.keys), self.cb, self.nb * self.plane + self.tail)
        return (xp.zeros if zero else xp.empty)(shape, dtype or self.x.dtype)

    def _grids(self, flat, cb, nb):
        """``flat`` (.., cb, >= nb*plane) viewed as (cb, nb, *grid)."""
        return flat[..., :cb, :nb * self.plane].reshape(flat.shape[:-2] + (cb, nb) + self.grid)

    def _fill(self, buf, xs):
        """Copy ``xs`` (cb, nb, *size) into the phase grids (their borders stay 0)."""
        cb, nb = xs.shape[:2]
        for p, fill in enumerate(self.fills):
            if fill is not None:
                grid_index, input_index = fill
                self._grids(buf[p], cb, nb)[(Ellipsis,) + grid_index] = \
                    xs[(Ellipsis,) + input_index]

    def _unfill(self, gbuf, gxs):
        """The adjoint of ``_fill``: each input position takes its phase grid's value."""
        cb, nb = gxs.shape[:2]
        for p, fill in enumerate(self.fills):
            if fill is not None:
                grid_index, input_index = fill
                gxs[(Ellipsis,) + input_index] = \
                    self._grids(gbuf[p], cb, nb)[(Ellipsis,) + grid_index]

    def _run(self, work):
        """``work(c_lo, c_hi)`` on chunks of the channels, on two threads when the input is
        large enough to gain from it."""
        c = self.geo.c

        def chunk(channels):
            work(int(channels[0]), int(channels[-1]) + 1)

        big = self.x.size >= backend_parallel.MIN_SIZE
        backend_parallel.parallel_chunks(chunk, xp.arange(c), min_size=0 if big else c + 1)

    def _block_list(self, c_lo, c_hi):
        return [(c0, min(c_hi, c0 + self.cb), n0, n1) for c0 in range(c_lo, c_hi, self.cb)
                for n0, n1 in self.sample_blocks]

    # ------------------------------------------------------------------ forward
    def forward(self, b):
        geo, m, x = self.geo, self.m, self.x
        y = xp.empty((geo.c, m, geo.n) + geo.out, x.dtype)
        bk = None if b is None else b.reshape((geo.c, m) + (1,) * (geo.nd + 1))
        xc = x.swapaxes(0, 1)

        def work(c_lo, c_hi):
            buf = self._buffer()
            acc = xp.empty((self.cb, self.nb * self.plane), x.dtype)
            tmp = xp.empty_like(acc)
            for c0, c1, n0, n1 in self._block_list(c_lo, c_hi):
                cb, nb = c1 - c0, n1 - n0
                length = nb * self.plane
                self._fill(buf, xc[c0:c1, n0:n1])
                a, t = acc[:cb, :length], tmp[:cb, :length]
                for j in range(m):
                    for k, (p, delta) in enumerate(self.taps):
                        # a += w[., j, k] * (the offset's shifted run)
                        src, wk = buf[p, :cb, delta:delta + length], self.w[j, k, c0:c1]
                        if k == 0:
                            xp.multiply(src, wk, out=a)
                        else:
                            xp.multiply(src, wk, out=t)
                            a += t
                    grids = self._grids(acc, cb, nb)[self.crop]
                    if bk is None:
                        y[c0:c1, j, n0:n1] = grids
                    else:
                        xp.add(grids, bk[c0:c1, j], out=y[c0:c1, j, n0:n1])

        self._run(work)
        return y.reshape((geo.c * m, geo.n) + geo.out)

    # ------------------------------------------------------------------ backward
    def backward(self, g, want_x, want_w, want_b):
        """Gradients of x, w and b from ``g`` (N, O, *out) (None where not wanted)."""
        geo, m, x = self.geo, self.m, self.x
        gk = g.reshape((geo.n, geo.c, m) + geo.out)
        gw = xp.zeros((m, self.k, geo.c), g.dtype) if want_w else None
        gb = xp.zeros((geo.c, m), g.dtype) if want_b else None
        gx = gxc = None
        if want_x:
            # with a stride, inputs that no window reads get no gradient from _unfill
            gx = (xp.zeros_like if geo.strided else xp.empty_like)(x, dtype=g.dtype)
            gxc = gx.swapaxes(0, 1)
        xc = x.swapaxes(0, 1)

        def work(c_lo, c_hi):
            buf = self._buffer() if want_w else None
            gbuf = self._buffer(zero=False, dtype=g.dtype) if want_x else None
            # g on the grid: zeros at the cropped positions, so they add nothing
            gfull = xp.zeros((m, self.cb, self.nb * self.plane), g.dtype)
            tmp = xp.empty((self.cb, self.nb * self.plane), g.dtype)
            for c0, c1, n0, n1 in self._block_list(c_lo, c_hi):
                cb, nb = c1 - c0, n1 - n0
                length = nb * self.plane
                for j in range(m):
                    self._grids(gfull[j], cb, nb)[self.crop] = gk[n0:n1, c0:c1, j].swapaxes(0, 1)
                if want_w:
                    self._fill(buf, xc[c0:c1, n0:n1])
                if want_b:
                    gb[c0:c1] += gfull[:, :cb, :length].sum(axis=2).T
                if want_x:
                    # the first term (offset 0: phase 0, no shift) is written, not added
                    gbuf[1:, :cb, :length + self.tail] = 0
                    gbuf[0, :cb, length:length + self.tail] = 0
                t = tmp[:cb, :length]
                for j in range(m):
                    gj = gfull[j, :cb, :length]
                    for k, (p, delta) in enumerate(self.taps):
                        if want_w:  # dw = g . (the offset's shifted run), per channel
                            gw[j, k, c0:c1] += xp.vecdot(buf[p, :cb, delta:delta + length], gj)
                        if want_x and j == k == 0:
                            xp.multiply(gj, self.w[0, 0, c0:c1], out=gbuf[0, :cb, :length])
                        elif want_x:  # the adjoint of the forward's shifted read
                            xp.multiply(gj, self.w[j, k, c0:c1], out=t)
                            gbuf[p, :cb, delta:delta + length] += t
                if want_x:
                    self._unfill(gbuf, gxc[c0:c1, n0:n1])

        self._run(work)
        if gw is not None:
            gw = gw.transpose(2, 0, 1).reshape(self.w_shape)
        if gb is not None:
            gb = gb.reshape(-1)
        return gx, gw, gb
