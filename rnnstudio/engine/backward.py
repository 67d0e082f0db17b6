"""Backpropagation through time over a forward Trace.

G (same layout as Vp) accumulates d loss / d value. Phases are undone in reverse order, each in
chunks of steps (the last chunk first; reverse-time phases the first chunk first). For a chunk:
the activation derivatives of its steps in one vectorised pass into D (a chunk-sized buffer);
then, for a sweep, step by step in the opposite direction, dA = D * G per level and the
internal blocks' gradients into earlier values; then, once for the chunk, the weight and bias
gradients (one GEMM per block over all its rows) and the gradients into sources outside the
sweep. A hoisted level does all of it per chunk at once. G keeps d loss / d value (dA goes to
D), so the norms through time come from G afterwards; peak memory is the values, G and one
chunk of D.
"""

from __future__ import annotations

import numpy as np

from . import activations, blocks, products
from .forward import Trace
from .ops import level_back_ops
from .program import Level, Phase, Program

PRODUCTS = (products.ProdFamily, products.ProdGroup)

CHUNK_BYTES = 4 << 20   # at least this much for a chunk of D (more for big value arrays)


def backward(tr: Trace, dY: np.ndarray, need: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """(flat gradient over theta, G) given dY = d loss / d outputs (T, N, n_out). `need` masks
    the parameters whose gradient is wanted (default all); weight gradients of blocks with no
    needed weight are skipped (they are left 0)."""
    prog, Vp, T = tr.prog, tr.Vp, tr.T
    P = prog.P
    G = prog.workspace("dV", Vp.shape, zero=True)
    G[P:P + T, prog.out_cols] = dY.transpose(0, 2, 1)
    g = np.zeros(prog.E + 2 * prog.S)
    if need is None:
        need = np.ones(len(g), dtype=bool)
    for ph in reversed(prog.phases):
        _phase_back(prog, ph, Vp, G, tr, g, need)
    init = G[P + T:].sum(axis=(0, 2))
    if not tr.carried:
        init += G[:P].sum(axis=(0, 2))
    g[prog.E + prog.S:] = init[prog.n_in:prog.n_in + prog.S]
    return g, G


def norms_through_time(prog: Program, G: np.ndarray, T: int) -> np.ndarray:
    """||d loss / d y(t)|| over every neuron (and sequence) at each step: (T,)."""
    d = G[prog.P:prog.P + T, prog.n_in:prog.n_in + prog.S]
    return np.sqrt(np.einsum("tcn,tcn->t", d, d))


def _chunk_steps(prog: Program, ph: Phase, Vp: np.ndarray, T: int) -> int:
    N, size = Vp.shape[2], Vp.dtype.itemsize
    widest = ph.c1 - ph.c0
    for lv in ph.levels:
        for b in lv.blocks:
            widest = max(widest, b.k + b.hi - b.lo) if hasattr(b, "k") else widest
    budget = max(CHUNK_BYTES, Vp.nbytes // 8)
    return int(min(T, max(1, budget // (N * size * widest))))


def _phase_back(prog: Program, ph: Phase, Vp, G, tr: Trace, g, need) -> None:
    T = tr.T
    L = _chunk_steps(prog, ph, Vp, T)
    D = prog.workspace(("D", ph.c0), (L, ph.c1 - ph.c0, tr.N))
    chunks = [(a, min(a + L, T)) for a in range(0, T, L)]
    if not ph.reverse:
        chunks.reverse()
    sweep = ph.kind == "sequential"
    levels = [_LevelBack(prog, lv, ph, Vp, G, D, need, T) for lv in reversed(ph.levels)]
    if sweep:
        plan = [(lb, lb.ops(1, "internal")) for lb in levels]
    for a, b in chunks:
        for lb in levels:
            lb.derivatives(a, b)
        if sweep:
            _steps(plan, a, b, ph.reverse)
        else:
            i, k = (a, 0) if b - a == 1 else (slice(a, b), slice(0, b - a))
            for lb in levels:
                dA = lb.dA(i, k)
                for op in lb.ops(b - a, "all"):
                    op(i, dA)
        for lb in levels:
            lb.chunk_end(a, b, g, external=sweep)


def _steps(plan, a: int, b: int, reverse: bool) -> None:
    for t in (range(a, b) if reverse else range(b - 1, a - 1, -1)):
        k = t - a
        for lb, ops in plan:
            dA = lb.dA(t, k)
            for op in ops:
                op(t, dA)


class _LevelBack:
    """A level's backward pieces for one backward pass over steps 0 .. T - 1."""

    def __init__(self, prog, lv: Level, ph: Phase, Vp, G, D, need, T: int):
        self.prog, self.lv, self.Vp, self.G, self.T = prog, lv, Vp, G, T
        P = prog.P
        self.values = Vp[P:P + T, lv.c0:lv.c1]
        self.grad = G[P:P + T, lv.c0:lv.c1]
        self.D = D[:, lv.c0 - ph.c0:lv.c1 - ph.c0]
        self.N = Vp.shape[2]
        self.nonlinear = lv.nonlinear
        self.grads = [b for b in list(lv.blocks) + list(lv.prods) if need[b.eidx].any()]
        i0 = prog.E + lv.c0 - prog.n_in
        self.bias = need[i0:i0 + lv.n_sum].any()
        self._ops: dict = {}

    def ops(self, R: int, which: str) -> list:
        """Backward ops for R steps: "internal" (a sweep's step: products and internal
        blocks), "external" (a sweep's chunk: blocks reading outside it), "all" (a hoisted
        level)."""
        key = (R, which)
        if key not in self._ops:
            lv = self.lv
            use = [b for b in lv.blocks if which == "all" or b.internal == (which == "internal")]
            self._ops[key] = level_back_ops(lv, self.G, self.Vp, self.prog.P, self.T, R,
                                            self.N, use, products=which != "external")
        return self._ops[key]

    def derivatives(self, a: int, b: int) -> None:
        """D[:b - a] = dy/da of the level's columns at steps a:b (when some is not 1)."""
        if not self.nonlinear:
            return
        D, V = self.D[:b - a], self.values[a:b]
        for lo, hi, name in self.lv.acts:
            activations.derivative(name, V[:, lo:hi], D[:, lo:hi])

    def dA(self, i, k):
        """d loss / d pre-activations at step(s) i (D rows k): D *= G, or G itself where every
        activation is the identity."""
        if not self.nonlinear:
            return self.grad[i]
        D = self.D[k]
        np.multiply(D, self.grad[i], out=D)
        return D

    def chunk_end(self, a: int, b: int, g: np.ndarray, external: bool) -> None:
        """Bias and weight gradients of steps a:b (dA already computed), and for a sweep the
        gradients into sources outside it."""
        lv, prog, R = self.lv, self.prog, b - a
        dA = self.D[:R] if self.nonlinear else self.grad[a:b]
        if self.bias:
            i0 = prog.E + lv.c0 - prog.n_in
            g[i0:i0 + lv.n_sum] += dA[:, :lv.n_sum].sum(axis=0).sum(axis=1)
        r0, r1 = prog.P + a, prog.P + b
        cols = ChunkColumns(prog, self.Vp, r0, r1, dA[:, :lv.n_sum])
        for blk in self.grads:
            if isinstance(blk, PRODUCTS):
                g[blk.eidx] += products.wgrad(blk, self.Vp, r0, r1, dA)
            else:
                g[blk.eidx] += blocks.wgrad(blk, self.Vp, r0, r1, dA, cols)
        if external:
            i = a if R == 1 else slice(a, b)
            for op in self.ops(R, "external"):
                op(i, dA[0] if R == 1 else dA)


class ChunkColumns:
    """Column-major copies (columns, rows x batch) of a chunk's values and of a level's dA, in
    reused buffers: each weight gradient is then one GEMM over all rows x batch of the chunk
    (the (steps, columns, batch) layout has no such view)."""

    def __init__(self, prog: Program, Vp: np.ndarray, r0: int, r1: int, dA: np.ndarray):
        self.prog, self.Vp, self.r0, self.r1, self.dA = prog, Vp, r0, r1, dA
        self._grads = None

    def _copy(self, key, rows: np.ndarray) -> np.ndarray:
        R, k, N = rows.shape
        buf = self.prog.workspace(key, (k, R, N))
        np.copyto(buf.transpose(1, 0, 2), rows)
        return buf.reshape(k, R * N)

    def values(self, s: int, src) -> np.ndarray:
        """(k, R * N): the source columns `src` read with shift s."""
        return self._copy("wgrad V", blocks.rows_of(self.Vp, self.r0, self.r1, s, src))

    def grads(self, lo: int, hi: int) -> np.ndarray:
        """(hi - lo, R * N): dA of the level's sum columns lo:hi."""
        if self._grads is None:
            self._grads = self._copy("wgrad dA", self.dA)
        return self._grads[lo:hi]
