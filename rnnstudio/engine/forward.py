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


def weighted_sums(prog: Program, lv: Level, Vp: np.ndarray, T: int, key, use) -> np.ndarray:
    """bias + the blocks selected by `use`, for all steps: (T*N, n_sum) in a work buffer."""
    out = prog.workspace(key, (T * Vp.shape[1], lv.n_sum))
    first = True
    for b in lv.blocks:
        if use(b):
            block_forward(b, rows(slab(Vp, prog.P, b.shift, T)), out, prog.scratch, first)
            first = False
    if first:
        out[:] = lv.bias
    else:
        out += lv.bias
    return out


def external_part(prog: Program, lv: Level, Vp: np.ndarray, T: int) -> np.ndarray:
    """bias + everything a swept level reads from outside the sweep, for all steps: (T, N, n)."""
    ext = weighted_sums(prog, lv, Vp, T, ("ext", lv.c0), lambda b: not b.internal)
    return ext.reshape(T, Vp.shape[1], lv.n_sum)


def sweep(prog: Program, ph: Phase, Vp: np.ndarray, T: int) -> None:
    """A sequential phase: for each step (backward in time for reverse neurons), each level."""
    P = prog.P
    plans = [(lv, external_part(prog, lv, Vp, T), _internal_dense(lv),
              [b for b in lv.blocks if b.internal and b.mode == "coo"]) for lv in ph.levels]
    steps = range(T - 1, -1, -1) if ph.reverse else range(T)
    for t in steps:
        row = P + t
        for lv, ext, dense, coo in plans:
            acc = ext[t]
            for s, src, W in dense:
                acc += Vp[row - s][:, src] @ W
            for b in coo:
                block_forward(b, Vp[row - b.shift], acc)
            prods = None
            if lv.prod is not None:
                prods = prod_forward(lv.prod, Vp, P, np.array([t]))[0]
            activate(lv, acc, prods, Vp[row][:, lv.c0:lv.c1])


def _internal_dense(lv: Level) -> list[tuple]:
    return [(b.shift, b.src, b.W) for b in lv.blocks if b.internal and b.mode != "coo"]
