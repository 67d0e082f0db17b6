"""The forward pass over a whole sequence batch: hoisted phases at once, sweeps step by step.

A hoisted level runs its ops once over every step (one batched GEMM per block). Before a sweep,
each of its levels gets bias + everything it reads from outside the sweep for all steps at
once, written straight into its columns of Vp; a step of the sweep then adds the internal parts
in place and applies the activations: a few numpy calls per level and step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ops import level_ops, prefill, whole
from .program import Phase, Program


@dataclass
class Trace:
    """Every value of a forward pass: Vp (P + T + Q, C, N), see program.py for the layout."""
    prog: Program
    Vp: np.ndarray
    T: int
    N: int
    carried: bool = False   # the leading padding holds values carried from a previous chunk

    @property
    def values(self) -> np.ndarray:
        """(T, N, C): a view."""
        return self.Vp[self.prog.P:self.prog.P + self.T].transpose(0, 2, 1)

    def node_values(self, col: int) -> np.ndarray:
        """(T, N) values of one column (a view)."""
        return self.Vp[self.prog.P:self.prog.P + self.T, col]

    def outputs(self) -> np.ndarray:
        """(T, N, n_out), a copy."""
        P = self.prog.P
        out = self.Vp[P:P + self.T][:, self.prog.out_cols]
        return np.ascontiguousarray(out.transpose(0, 2, 1))

    def carry(self) -> np.ndarray:
        """The last P steps, to continue the sequence in the next chunk."""
        P = self.prog.P
        return self.Vp[self.T:self.T + P].copy()


def start_values(prog: Program, Vp: np.ndarray, X: np.ndarray, carry=None) -> None:
    """Fill the padding (initial values or a carry), the inputs and the constant column."""
    P, T = prog.P, X.shape[0]
    init = prog.init_row[None, :, None]
    if carry is None:
        Vp[:P] = init
    else:
        Vp[:P] = carry
    Vp[P + T:] = init
    Vp[P:P + T, :prog.n_in] = X.transpose(0, 2, 1)
    Vp[P:P + T, prog.one] = 1.0


def forward(prog: Program, X: np.ndarray, carry: np.ndarray | None = None,
            reuse: bool = True) -> Trace:
    """Run the program on X (T, N, n_in). `reuse` keeps the value buffer for the next call (the
    trace is then only valid until then)."""
    T, N, _ = X.shape
    shape = (prog.P + T + prog.Q, prog.C, N)
    Vp = prog.workspace("V", shape) if reuse else np.empty(shape, dtype=prog.dtype)
    start_values(prog, Vp, X, carry)
    with np.errstate(over="ignore"):
        for ph in prog.phases:
            run_phase(prog, ph, Vp, T, N)
    return Trace(prog, Vp, T, N, carry is not None)


def run_phase(prog: Program, ph: Phase, Vp: np.ndarray, T: int, N: int) -> None:
    P = prog.P
    if ph.kind == "parallel":
        i = whole(T)
        for lv in ph.levels:
            out = Vp[P:P + T, lv.c0:lv.c1][i]
            for op in level_ops(lv, Vp, P, T, T, N, lv.blocks, prefilled=False, bias=True):
                op(i, out)
    else:
        sweep(prog, ph, Vp, T, N)


def sweep(prog: Program, ph: Phase, Vp: np.ndarray, T: int, N: int) -> None:
    """A sequential phase: for each step (backward in time for reverse neurons), each level:
    its internal blocks, then its activations and products."""
    P = prog.P
    plan = []
    for lv in ph.levels:
        filled = prefill(lv, Vp, P, T, N)
        internal = [b for b in lv.blocks if b.internal]
        plan.append((Vp[P:P + T, lv.c0:lv.c1],
                     level_ops(lv, Vp, P, T, 1, N, internal, filled, bias=False)))
    for t in (range(T - 1, -1, -1) if ph.reverse else range(T)):
        for values, ops in plan:
            out = values[t]
            for op in ops:
                op(t, out)
