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
from .forward import Trace, rows, slab
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
    weights (and of sources outside the sweep) are taken for all steps at once."""
    P, N = prog.P, Vp.shape[1]
    D = prog.workspace(("D", ph.c0), (T, N, ph.c1 - ph.c0))
    for lv in ph.levels:
        lo, hi = lv.c0 - ph.c0, lv.c1 - ph.c0
        _derivatives(lv, Vp[P:P + T, :, lv.c0:lv.c1], D[:, :, lo:hi])
    plans = [_back_plan(lv, ph) for lv in reversed(ph.levels)]
    prod_dW = {id(lv): 0.0 for lv in ph.levels if lv.prod is not None}
    steps = range(T) if ph.reverse else range(T - 1, -1, -1)
    for t in steps:
        row = P + t
        for lv, lo, hi, dense, coo in plans:
            dA = D[t][:, lo:hi]
            np.multiply(dA, dVp[row][:, lv.c0:lv.c1], out=dA)
            dS = dA[:, :lv.n_sum]
            for s, src, WT in dense:
                dVp[row - s][:, src] += dS @ WT
            for b in coo:
                block_backward(b, dS, dVp[row - b.shift])
            if lv.prod is not None:
                prod_dW[id(lv)] += prod_backward(lv.prod, Vp, dVp, P, np.array([t]),
                                                 dA[None, :, lv.n_sum:])
    for lv, lo, hi, _, _ in plans:
        _level_grads(prog, lv, Vp, dVp, T, rows(D[:, :, lo:hi]), g, internal_done=True)
        if lv.prod is not None:
            g[lv.prod.eidx] = np.asarray(prod_dW[id(lv)]).reshape(-1)[lv.prod.fpos]


def _back_plan(lv: Level, ph: Phase) -> tuple:
    dense = [(b.shift, b.src, b.W.T) for b in lv.blocks
             if b.internal and b.mode != "coo" and b.needs_grad]
    coo = [b for b in lv.blocks if b.internal and b.mode == "coo" and b.needs_grad]
    return lv, lv.c0 - ph.c0, lv.c1 - ph.c0, dense, coo
