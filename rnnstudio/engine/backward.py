"""Backpropagation through time over a forward Trace.

dVp (same layout as Vp) accumulates d loss / d value. Phases are undone in reverse order; a
sweep's backward runs its steps in the opposite direction, a few numpy calls per level and step.
All activation derivatives are computed in one vectorised pass first, and every weight gradient
is one GEMM over all T x N rows after the sweep.
"""

from __future__ import annotations

import numpy as np

from . import activations
from .blocks import block_backward, block_wgrad, prod_backward
from .forward import Trace, local, rows, simple_sweep, slab
from .program import Level, Phase, Program


def backward(tr: Trace, dY: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flat gradient over theta, dVp) given dY = d loss / d outputs (T, N, n_out)."""
    prog, Vp, T = tr.prog, tr.Vp, tr.T
    P = prog.P
    dVp = prog.workspace("dV", Vp.shape)
    dVp.fill(0.0)
    dVp[P:P + T, :, prog.out_cols] = dY
    g = np.zeros(prog.E + 2 * prog.S)
    for ph in reversed(prog.phases):
        if ph.kind == "parallel":
            for lv in reversed(ph.levels):
                _level_all_steps_back(prog, lv, Vp, dVp, T, g)
        else:
            _sweep_back(prog, ph, Vp, dVp, T, g)
    init = dVp[P + T:].sum(axis=(0, 1))
    if not tr.carried:
        init += dVp[:P].sum(axis=(0, 1))
    g[prog.E + prog.S:] = init[prog.n_in:prog.n_in + prog.S]
    return g, dVp


def norms_through_time(prog: Program, dVp: np.ndarray, T: int) -> np.ndarray:
    """||d loss / d y(t)|| over every neuron (and sequence) at each step: (T,)."""
    d = dVp[prog.P:prog.P + T, :, prog.n_in:prog.n_in + prog.S]
    return np.sqrt(np.einsum("tnc,tnc->t", d, d))


def _derivatives(lv: Level, y: np.ndarray, out: np.ndarray) -> None:
    for lo, hi, name in lv.acts:
        activations.derivative(name, y[..., lo:hi], out[..., lo:hi])


def _level_all_steps_back(prog, lv: Level, Vp, dVp, T: int, g: np.ndarray) -> None:
    P = prog.P
    dA = prog.workspace(("dA", lv.c0), (T * Vp.shape[1], lv.width))
    _derivatives(lv, rows(Vp[P:P + T])[:, lv.c0:lv.c1], dA)
    dA *= rows(dVp[P:P + T])[:, lv.c0:lv.c1]
    _level_grads(prog, lv, Vp, dVp, T, dA, g, internal_done=False)
    if lv.prod is not None:
        dP = dA[:, lv.n_sum:].reshape(T, -1, lv.prod.n)
        dW = prod_backward(lv.prod, Vp, dVp, P, np.arange(T), dP)
        g[lv.prod.eidx] = dW.reshape(-1)[lv.prod.fpos]


def _level_grads(prog, lv: Level, Vp, dVp, T: int, dA: np.ndarray, g: np.ndarray,
                 internal_done: bool) -> None:
    """Bias and weight gradients of a level's sum neurons from dA (T*N, width), and the
    gradient into the sources (except internal blocks already handled step by step)."""
    dS = dA[:, :lv.n_sum]
    i0 = prog.E + lv.c0 - prog.n_in
    g[i0:i0 + lv.n_sum] = dS.sum(axis=0)
    for b in lv.blocks:
        g[b.eidx] = block_wgrad(b, rows(slab(Vp, prog.P, b.shift, T)), dS)
        if b.needs_grad and not (internal_done and b.internal):
            block_backward(b, dS, rows(slab(dVp, prog.P, b.shift, T)), prog.scratch)


def _sweep_back(prog, ph: Phase, Vp, dVp, T: int, g: np.ndarray) -> None:
    """Undo a sweep step by step; dA for every step is kept in D, then the gradients of the
    weights (and of sources outside the sweep) are taken for all steps at once. Simple phases
    accumulate in a contiguous copy G of their gradient columns."""
    P, N, c0, c1 = prog.P, Vp.shape[1], ph.c0, ph.c1
    D = prog.workspace(("D", c0), (T, N, c1 - c0))
    for lv in ph.levels:
        _derivatives(lv, Vp[P:P + T, :, lv.c0:lv.c1], D[:, :, lv.c0 - c0:lv.c1 - c0])
    G, off = dVp, 0
    copy = simple_sweep(ph)
    if copy:
        G, off = prog.workspace(("G", c0), (dVp.shape[0], N, c1 - c0)), c0
        np.copyto(G, dVp[:, :, c0:c1])
    plans = [_back_plan(lv, ph, off, N) for lv in reversed(ph.levels)]
    prod_dW = _back_steps(prog, ph, plans, Vp, dVp, G, off, D, T)
    if copy:
        np.copyto(dVp[:, :, c0:c1], G)
    for lv, lo, hi, _, _ in plans:
        _level_grads(prog, lv, Vp, dVp, T, rows(D[:, :, lo:hi]), g, internal_done=True)
        if lv.prod is not None:
            g[lv.prod.eidx] = np.asarray(prod_dW[id(lv)]).reshape(-1)[lv.prod.fpos]


def _back_steps(prog, ph: Phase, plans, Vp, dVp, G, off: int, D, T: int) -> dict:
    """The sweep's steps in the opposite direction: dA = dL/dy * dy/da into D, then the
    internal blocks' gradients into earlier values (G is dVp or a contiguous copy of the
    phase's columns, offset by `off`). Returns the product weights' gradients per level."""
    P = prog.P
    prod_dW = {id(lv): 0.0 for lv in ph.levels if lv.prod is not None}
    for t in (range(T) if ph.reverse else range(T - 1, -1, -1)):
        row = P + t
        for lv, lo, hi, dense, coo in plans:
            dA = D[t][:, lo:hi]
            np.multiply(dA, G[row][:, lv.c0 - off:lv.c1 - off], out=dA)
            dS = dA[:, :lv.n_sum]
            for s, src, WT, buf in dense:
                np.matmul(dS, WT, out=buf)
                G[row - s][:, src] += buf
            for b in coo:
                block_backward(b, dS, dVp[row - b.shift])
            if lv.prod is not None:
                prod_dW[id(lv)] += prod_backward(lv.prod, Vp, dVp, P, np.array([t]),
                                                 dA[None, :, lv.n_sum:])
    return prod_dW


def _back_plan(lv: Level, ph: Phase, off: int, N: int) -> tuple:
    dense = []
    for b in lv.blocks:
        if b.internal and b.mode != "coo" and b.needs_grad:
            src = local(b.src, off)
            width = b.W.shape[0]
            dense.append((b.shift, src, b.W.T, np.empty((N, width), dtype=b.W.dtype)))
    coo = [b for b in lv.blocks if b.internal and b.mode == "coo" and b.needs_grad]
    return lv, lv.c0 - ph.c0, lv.c1 - ph.c0, dense, coo
