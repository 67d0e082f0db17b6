"""The forward pass over a whole sequence batch: hoisted phases at once, sweeps step by step.

One step of a sweep is one matrix product per level (plus the level's activation); what comes
from outside the sweep (inputs, hoisted neurons, the bias) is added for all steps at once first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import activations
from .blocks import block_forward, prod_forward
from .program import Level, Phase, Program


@dataclass
class Trace:
    """Every value of a forward pass: Vp (P + T + Q, N, C), see program.py for the layout."""
    prog: Program
    Vp: np.ndarray
    T: int
    N: int
    carried: bool = False   # the leading padding holds values carried from a previous chunk

    @property
    def values(self) -> np.ndarray:
        return self.Vp[self.prog.P:self.prog.P + self.T]

    def outputs(self) -> np.ndarray:
        """(T, N, n_out), a copy."""
        return self.values[:, :, self.prog.out_cols]

    def carry(self) -> np.ndarray:
        """The last P steps, to continue the sequence in the next chunk."""
        P = self.prog.P
        return self.Vp[self.T:self.T + P].copy()


def slab(Vp: np.ndarray, P: int, shift: int, T: int) -> np.ndarray:
    """Values read at every step t = 0..T-1 with time shift s: Vp[P + t - s]."""
    return Vp[P - shift:P - shift + T]


def rows(a: np.ndarray) -> np.ndarray:
    """(T, N, C) -> (T*N, C) without copying."""
    return a.reshape(-1, a.shape[-1])


def forward(prog: Program, X: np.ndarray, carry: np.ndarray | None = None,
            reuse: bool = True) -> Trace:
    """Run the program on X (T, N, n_in). `reuse` keeps the value buffer for the next call (the
    trace is then only valid until then)."""
    T, N, _ = X.shape
    P, Q = prog.P, prog.Q
    shape = (P + T + Q, N, prog.C)
    Vp = prog.workspace("V", shape) if reuse else np.empty(shape, dtype=prog.dtype)
    Vp[:P] = prog.init_row if carry is None else carry
    Vp[P + T:] = prog.init_row
    Vp[P:P + T, :, :prog.n_in] = X
    Vp[P:P + T, :, prog.one] = 1.0
    with np.errstate(over="ignore"):
        for ph in prog.phases:
            if ph.kind == "parallel":
                for lv in ph.levels:
                    level_all_steps(prog, lv, Vp, T)
            else:
                sweep(prog, ph, Vp, T)
    return Trace(prog, Vp, T, N, carry is not None)


def activate(lv: Level, sums: np.ndarray, prods: np.ndarray | None, out: np.ndarray) -> None:
    """Apply the level's activations: sums/prods are pre-activations (clobbered)."""
    n = lv.n_sum
    for lo, hi, name in lv.acts:
        src = sums[..., lo:hi] if lo < n else prods[..., lo - n:hi - n]
        activations.apply(name, src, out[..., lo:hi])


def level_all_steps(prog: Program, lv: Level, Vp: np.ndarray, T: int) -> None:
    """A hoisted level: every step at once, one GEMM per block."""
    P = prog.P
    sums = weighted_sums(prog, lv, Vp, T, ("sums", lv.c0), lambda b: True)
    prods = None
    if lv.prod is not None:
        prods = rows(prod_forward(lv.prod, Vp, P, np.arange(T)))
    activate(lv, sums, prods, rows(Vp[P:P + T])[:, lv.c0:lv.c1])


def weighted_sums(prog: Program, lv: Level, Vp: np.ndarray, T: int, key, use,
                  folded: bool = False) -> np.ndarray:
    """bias + the blocks selected by `use`, for all steps: (T*N, n_sum) in a work buffer
    (times lv.fold when `folded`)."""
    out = prog.workspace(key, (T * Vp.shape[1], lv.n_sum))
    first = True
    for b in lv.blocks:
        if use(b):
            block_forward(b, rows(slab(Vp, prog.P, b.shift, T)), out, prog.scratch, first,
                          folded)
            first = False
    bias = lv.bias_f if folded else lv.bias
    if first:
        out[:] = bias
    else:
        out += bias
    return out


def external_part(prog: Program, lv: Level, Vp: np.ndarray, T: int) -> np.ndarray:
    """bias + everything a swept level reads from outside the sweep, for all steps, times
    lv.fold: (T, N, n_sum)."""
    ext = weighted_sums(prog, lv, Vp, T, ("ext", lv.c0), lambda b: not b.internal, True)
    return ext.reshape(T, Vp.shape[1], lv.n_sum)


def sweep(prog: Program, ph: Phase, Vp: np.ndarray, T: int) -> None:
    """A sequential phase: for each step (backward in time for reverse neurons), each level:
    one matrix product per internal block, then the activation. Simple phases (no products, no
    sparse internal blocks) run on a contiguous copy of their columns (A), copied back after."""
    P, c0, c1 = prog.P, ph.c0, ph.c1
    A, off = Vp, 0
    copy = simple_sweep(ph)
    if copy:
        A, off = prog.workspace(("H", c0), (Vp.shape[0], Vp.shape[1], c1 - c0)), c0
        A[:P] = Vp[:P, :, c0:c1]
        A[P + T:] = Vp[P + T:, :, c0:c1]
    plans = [_sweep_plan(prog, lv, Vp, T, off) for lv in ph.levels]
    steps = range(T - 1, -1, -1) if ph.reverse else range(T)
    for t in steps:
        row = P + t
        for lv, ext, dense, coo, act, lo, hi in plans:
            acc = ext[t]
            for s, src, W, buf in dense:
                np.matmul(A[row - s][:, src], W, out=buf)
                acc += buf
            for b in coo:
                block_forward(b, Vp[row - b.shift], acc, folded=True)
            if act is not None:
                act(acc, A[row][:, lo:hi])
            else:
                prods = None if lv.prod is None else prod_forward(lv.prod, Vp, P, np.array([t]))[0]
                activate(lv, acc, prods, A[row][:, lo:hi])
    if copy:
        Vp[P:P + T, :, c0:c1] = A[P:P + T]


def simple_sweep(ph: Phase) -> bool:
    return all(lv.prod is None and all(b.mode != "coo" for b in lv.blocks if b.internal)
               for lv in ph.levels)


def local(src, off: int):
    """Source columns shifted left by `off` (a phase's own column range)."""
    if isinstance(src, slice):
        return slice(src.start - off, src.stop - off)
    return src - off


def _sweep_plan(prog: Program, lv: Level, Vp: np.ndarray, T: int, off: int) -> tuple:
    """(level, external part, internal dense blocks with their buffers, internal coo blocks,
    activation(a, out) or None for the general path, output columns in A)."""
    N = Vp.shape[1]
    dense = [(b.shift, local(b.src, off), b.Wf, np.empty((N, lv.n_sum), dtype=prog.dtype))
             for b in lv.blocks if b.internal and b.mode != "coo"]
    coo = [b for b in lv.blocks if b.internal and b.mode == "coo"]
    act = None
    if lv.fold == 2.0:
        act = activations.tanh_folded
    elif lv.prod is None and len(lv.acts) == 1:
        act = activations.FORWARD[lv.acts[0][2]]
    return lv, external_part(prog, lv, Vp, T), dense, coo, act, lv.c0 - off, lv.c1 - off
