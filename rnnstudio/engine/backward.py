"""Backpropagation through time over a forward Trace.

G (same layout as Vp, with `prog.margin` zero rows on both sides for the pulls) accumulates
d loss / d value. Phases are undone in reverse order, each in chunks of steps (the last chunk
first; reverse-time phases the first chunk first). For a chunk: the activation derivatives of
its steps in one vectorised pass into D (a chunk-sized buffer); then, for a sweep, step by step
in the opposite direction, per level: what its sparse readers owe it (sparse.PullBlock), then
dA = D * G in place in G (its norm taken just before), then the gradients into its sources
(one-to-one blocks, products, dense blocks); then, once for the chunk, the weight and bias
gradients (one small GEMM per block and step, summed) and the gradients into sources outside
the sweep. A hoisted level does all of it per chunk at once. Peak memory: the values, G and
one chunk of D.
"""

from __future__ import annotations

import numpy as np

from . import activations, blocks, products, sparse
from .forward import Trace
from .ops import level_back_ops
from .program import Level, Phase, Program

PRODUCTS = (products.ProdFamily, products.ProdGroup)

CHUNK_BYTES = 4 << 20   # a chunk of D may take this much, or an eighth of the value array


def backward(tr: Trace, dY: np.ndarray, need: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat gradient over theta, G, norms through time) given dY = d loss / d outputs (T, N,
    n_out). `need` masks the parameters whose gradient is wanted (default all); weight
    gradients of blocks with no needed weight are skipped (left 0). G ends with dA (d loss / d
    pre-activation) in the columns of levels with a non-identity activation, d loss / d value
    elsewhere; norms[t] = ||d loss / d y(t)|| over every neuron and sequence."""
    prog, Vp, T = tr.prog, tr.Vp, tr.T
    P, M = prog.P, prog.margin
    full = prog.workspace("dV", (Vp.shape[0] + 2 * M,) + Vp.shape[1:], zero=True)
    G = full[M:M + Vp.shape[0]]
    G[P:P + T, prog.out_cols] = dY.transpose(0, 2, 1)
    g = np.zeros(prog.E + 2 * prog.S)
    sq = np.zeros(T)
    if need is None:
        need = np.ones(len(g), dtype=bool)
    for ph in reversed(prog.phases):
        _phase_back(prog, ph, Vp, full, tr, g, need, sq)
    init = G[P + T:].sum(axis=(0, 2))
    if not tr.carried:
        init += G[:P].sum(axis=(0, 2))
    g[prog.E + prog.S:] = init[prog.n_in:prog.n_in + prog.S]
    for lv in prog.levels():
        if not lv.nonlinear:
            d = G[P:P + T, lv.c0:lv.c1]
            sq += np.einsum("tcn,tcn->t", d, d)
    return g, G, np.sqrt(sq)


def _chunk_steps(prog: Program, ph: Phase, Vp: np.ndarray, T: int) -> int:
    N, size = Vp.shape[2], Vp.dtype.itemsize
    widest = ph.c1 - ph.c0
    for lv in ph.levels:
        for b in lv.blocks:
            widest = max(widest, b.k + b.hi - b.lo) if hasattr(b, "k") else widest
    budget = max(CHUNK_BYTES, Vp.nbytes // 8)
    return int(min(T, max(1, budget // (N * size * widest))))


def _phase_back(prog: Program, ph: Phase, Vp, full, tr: Trace, g, need, sq) -> None:
    T = tr.T
    L = _chunk_steps(prog, ph, Vp, T)
    D = prog.workspace(("D", ph.c0), (L, ph.c1 - ph.c0, tr.N))
    chunks = [(a, min(a + L, T)) for a in range(0, T, L)]
    if not ph.reverse:
        chunks.reverse()
    sweep = ph.kind == "sequential"
    weights = sparse.phase_weights(ph) if sweep else None
    levels = [_LevelBack(prog, lv, ph, Vp, full, D, need, T, sq, weights)
              for lv in reversed(ph.levels)]
    whole = _PhaseChunk(prog, ph, Vp, levels[0].G, D, need, T)
    busy = [lb for lb in levels if lb.has_chunk_work(sweep)]
    if sweep:
        plan = [(lb.step, lb.ops(1, "internal")) for lb in levels]
    for a, b in chunks:
        whole.derivatives(a, b)
        if sweep:
            _steps(plan, prog.P, a, b, ph.reverse)
        else:
            i, k = (a, 0) if b - a == 1 else (slice(a, b), slice(0, b - a))
            for lb in levels:
                dA = lb.dA(i, k)
                for op in lb.ops(b - a, "all"):
                    op(i, dA)
        whole.bias(a, b, g)
        for lb in busy:
            lb.chunk_end(a, b, external=sweep)
    if sweep and getattr(ph, "padding", None) is not None:
        sparse.pull_padding(ph, levels[0].G, Vp, prog.P, T, weights, g, need)
    for lb in levels:
        for wg in lb.grads:
            wg.flush(g)


def _steps(plan, P: int, a: int, b: int, reverse: bool) -> None:
    for t in (range(a, b) if reverse else range(b - 1, a - 1, -1)):
        k = t - a
        for step, ops in plan:
            dA = step(t, k)
            for op in ops:
                op(t, dA)



class _LevelBack:
    """A level's backward pieces for one backward pass over steps 0 .. T - 1."""

    def __init__(self, prog, lv: Level, ph: Phase, Vp, full, D, need, T: int, sq, weights):
        self.prog, self.lv, self.Vp, self.T, self.sq = prog, lv, Vp, T, sq
        P, M = prog.P, prog.margin
        self.G = full[M:M + Vp.shape[0]]
        self.values = Vp[P:P + T, lv.c0:lv.c1]
        self.grad = self.G[P:P + T, lv.c0:lv.c1]
        self.D = D[:, lv.c0 - ph.c0:lv.c1 - ph.c0]
        self.N = Vp.shape[2]
        self.nonlinear = lv.nonlinear
        wanted = [b for b in list(lv.blocks) + list(lv.prods)
                  if not isinstance(b, sparse.EllBlock) and need[b.eidx].any()]
        self.grads = [(products if isinstance(b, PRODUCTS) else blocks).wgrad(b, Vp, P, T)
                      for b in wanted]
        self.pull = None
        if weights is not None and lv.pull is not None:
            wg = sparse.pull_wgrad(lv.pull) if need[lv.pull.eidx].any() else None
            self.pull = sparse.pull_op(lv.pull, lv, full, M, Vp, self.N, weights, wg)
            self.grads += [wg] if wg is not None else []
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

    def dA(self, i, k):
        """d loss / d pre-activations at step(s) i (D rows k), in place in G: G *= D (the
        squared norm of G is added to sq[i] first), or G itself where every activation is the
        identity."""
        grad = self.grad[i]
        if not self.nonlinear:
            return grad
        if isinstance(i, slice):
            self.sq[i] += np.einsum("tcn,tcn->t", grad, grad)
        else:
            self.sq[i] += np.vdot(grad, grad)
        np.multiply(grad, self.D[k], out=grad)
        return grad

    @property
    def step(self):
        """(t, k) -> dA of step t of a sweep (D row k), after what the level's readers owe it
        (its pull) is in G."""
        pull, P, grad, D, sq = self.pull, self.prog.P, self.grad, self.D, self.sq
        if not self.nonlinear:
            if pull is None:
                return lambda t, k: grad[t]

            def pull_identity(t, k):
                pull(P + t)
                return grad[t]
            return pull_identity

        def step(t, k):
            if pull is not None:
                pull(P + t)
            g = grad[t]
            sq[t] += np.vdot(g, g)
            np.multiply(g, D[k], out=g)
            return g
        return step

    def has_chunk_work(self, sweep: bool) -> bool:
        return any(wg.per_chunk for wg in self.grads) or (
            sweep and any(b.needs_grad and not b.internal for b in self.lv.blocks))

    def chunk_end(self, a: int, b: int, external: bool) -> None:
        """Weight gradients of steps a:b (dA already computed), and for a sweep the gradients
        into sources outside it."""
        R = b - a
        dA = self.grad[a:b]
        for wg in self.grads:
            wg.add(a, b, dA)
        if external:
            i = a if R == 1 else slice(a, b)
            for op in self.ops(R, "external"):
                op(i, dA[0] if R == 1 else dA)


class _PhaseChunk:
    """The activation derivatives and the bias gradients of a whole phase, per chunk of steps:
    one call per activation, not per level (a general graph has hundreds of small levels)."""

    def __init__(self, prog: Program, ph: Phase, Vp, G, D, need, T: int):
        P, c0, c1 = prog.P, ph.c0, ph.c1
        self.values, self.grad, self.D = Vp[P:P + T, c0:c1], G[P:P + T, c0:c1], D
        cols: dict[str, list] = {}
        sums = []
        for lv in ph.levels:
            sums.append(np.arange(lv.c0, lv.c0 + lv.n_sum))
            if lv.nonlinear:
                for lo, hi, name in lv.acts:
                    cols.setdefault(name, []).append(np.arange(lv.c0 + lo, lv.c0 + hi) - c0)
        ident = cols.pop("identity", [])
        for sel in _selections(np.concatenate(ident)) if ident else []:
            D[:, sel] = 1.0                      # identity columns of nonlinear levels
        self.kinds = [(name, _selections(np.concatenate(c))) for name, c in cols.items()]
        sums = np.concatenate(sums) if sums else np.zeros(0, dtype=np.intp)
        theta = prog.E + sums - prog.n_in
        keep = need[theta]
        self.bias_cols, self.bias_idx = _selections(sums[keep] - c0), theta[keep]

    def derivatives(self, a: int, b: int) -> None:
        """D[:b - a] = dy/da at steps a:b for the columns whose activation is not identity."""
        D, V = self.D[:b - a], self.values[a:b]
        for name, sels in self.kinds:
            for sel in sels:
                if isinstance(sel, slice):
                    activations.derivative(name, V[:, sel], D[:, sel])
                else:
                    y = V[:, sel]
                    activations.derivative(name, y, y)
                    D[:, sel] = y

    def bias(self, a: int, b: int, g: np.ndarray) -> None:
        """The bias gradients of steps a:b (dA is in G)."""
        if not len(self.bias_idx):
            return
        dA = self.grad[a:b]
        g[self.bias_idx] += np.concatenate([dA[:, sel].sum(axis=0).sum(axis=1)
                                            for sel in self.bias_cols])


def _selections(cols: np.ndarray, runs: int = 4) -> list:
    """The (sorted) columns as at most `runs` slices, else as one index array."""
    if not len(cols):
        return []
    cuts = np.flatnonzero(np.diff(cols) != 1) + 1
    if len(cuts) < runs:
        return [slice(int(r[0]), int(r[-1]) + 1) for r in np.split(cols, cuts)]
    return [cols]
