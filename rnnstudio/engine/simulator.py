"""Step-through: one time step, or one neuron, at a time, with instant stepping back.

Every computed value is kept, so seek(t) back is a lookup; seeking forward needs the inputs, so
the simulator may hold a whole sequence: Simulator(net, X=...). Reverse-time neurons need that
sequence: their sweep (last step to first) is computed for all of it up front.

A micro-step reveals the next non-input neuron of net.ordering(). The step's values are computed
once, with the same code as a full step, when its first neuron is revealed: micro-steps and
steps therefore agree bit for bit (a neuron's value cannot depend on the order it is shown in).
"""

from __future__ import annotations

import numpy as np

from .compiler import compile
from .forward import run_phase
from .ops import level_ops


class Simulator:
    def __init__(self, net, batch: int = 1, X=None, dtype="float64"):
        self.net, self.dtype = net, np.dtype(dtype)
        self._single = X is None and batch == 1
        self.X = None
        if X is not None:
            X = np.asarray(X, dtype=self.dtype)
            self._single = X.ndim == 2
            self.X = X[:, None, :] if X.ndim == 2 else X
            if self.X.ndim != 3 or self.X.shape[2] != len(net.inputs):
                raise ValueError(f"X must have shape (T, N, {len(net.inputs)}) or "
                                 f"(T, {len(net.inputs)}); got {np.shape(X)}")
            batch = self.X.shape[1]
        self.batch = batch
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Back to before the first step; forget every computed value and pick up any edit of
        the network since the last reset."""
        self.prog = compile(self.net, self.dtype)
        self._has_reverse = any(ph.reverse for ph in self.prog.phases)
        if self.X is None and self._has_reverse:
            raise ValueError("reverse-time neurons need the whole input sequence: "
                             "Simulator(net, X=...)")
        inputs = set(self.prog.inputs)
        self.order = [n for n in self.net.ordering() if n not in inputs]
        self.t = 0            # completed steps
        self.micro = 0        # neurons of step t revealed so far
        self._computed = 0    # steps whose values are in the buffer
        self._V = None
        self._alloc(self.X.shape[0] if self.X is not None else 64)
        if self.X is not None:
            self._reverse_sweep()

    @property
    def T(self) -> int | None:
        """Length of the held sequence (None when stepping with free inputs)."""
        return None if self.X is None else self.X.shape[0]

    def _alloc(self, cap: int) -> None:
        """Room for `cap` steps (values: (P + cap + Q, C, N)); the step plan reads it."""
        p = self.prog
        self._cap = cap
        V = np.empty((p.P + cap + p.Q, p.C, self.batch), dtype=p.dtype)
        V[:] = p.init_row[None, :, None]
        if getattr(self, "_V", None) is not None and self._computed:
            V[:p.P + self._computed] = self._V[:p.P + self._computed]
        self._V = V
        if self.X is not None:
            V[p.P:p.P + cap, :p.n_in] = self.X.transpose(0, 2, 1)
        self._plan = [(V[p.P:p.P + cap, lv.c0:lv.c1],
                       level_ops(lv, V, p.P, cap, 1, self.batch, lv.blocks, False, True))
                      for ph in p.phases if not ph.reverse for lv in ph.levels]

    def _reverse_sweep(self) -> None:
        p, T = self.prog, self.X.shape[0]
        with np.errstate(over="ignore"):
            for ph in p.phases:
                if ph.reverse:
                    run_phase(p, ph, self._V, T, self.batch)

    # ------------------------------------------------------------------ stepping
    def step(self, x_t=None) -> np.ndarray:
        """Complete the current step (inputs x_t: (n_in,) or (N, n_in); optional when the
        simulator holds X) and return its outputs."""
        if self.micro:
            self.micro = 0
        else:
            self._prepare(x_t)
        self.t += 1
        return self._outputs(self.t - 1)

    def micro_step(self, x_t=None) -> str:
        """Evaluate the next non-input neuron of the ordering; return its id."""
        if not self.order:
            raise ValueError("the network has no neurons to step through")
        if self.micro == 0:
            self._prepare(x_t)
        node = self.order[self.micro]
        self.micro += 1
        if self.micro == len(self.order):
            self.micro = 0
            self.t += 1
        return node

    @property
    def next_node(self) -> str | None:
        """The neuron the next micro-step evaluates."""
        return self.order[self.micro] if self.order else None

    def seek(self, t: int) -> None:
        """Make t steps completed: back is instant, forward computes with the held inputs."""
        if t < 0:
            raise ValueError("seek: t must be >= 0")
        self.micro = 0
        if t > self._computed:
            if self.X is None:
                raise ValueError(f"seek({t}): only {self._computed} steps are known; going "
                                 "further needs the inputs (Simulator(net, X=...))")
            if t > self.X.shape[0]:
                raise ValueError(f"seek({t}): the sequence has {self.X.shape[0]} steps")
            for s in range(self._computed, t):
                self._compute(s)
            self._computed = t
        self.t = t

    def _prepare(self, x_t) -> None:
        """Make the values of step t available (computing them unless already known)."""
        t, p = self.t, self.prog
        if self.X is not None and t >= self.X.shape[0]:
            raise IndexError(f"the sequence has {self.X.shape[0]} steps; all are done")
        if t >= self._cap:
            self._alloc(2 * self._cap)
        row = self._V[p.P + t]
        if x_t is not None:
            self._single = np.ndim(x_t) == 1 and self.batch == 1
            x = np.broadcast_to(np.asarray(x_t, dtype=p.dtype), (self.batch, p.n_in)).T
            same = np.array_equal(x, row[:p.n_in])
            if same and (t < self._computed):
                return
            if self._has_reverse and not same:
                raise ValueError("with reverse-time neurons the inputs come from the held X")
            row[:p.n_in] = x
        elif self.X is None:
            raise ValueError("step: x_t is required when the simulator holds no sequence")
        elif t < self._computed:
            return
        self._compute(t)
        self._computed = t + 1

    def _compute(self, t: int) -> None:
        """Every forward-time level at step t, each reading its blocks directly."""
        self._V[self.prog.P + t, self.prog.one] = 1.0
        with np.errstate(over="ignore"):
            for values, ops in self._plan:
                out = values[t]
                for op in ops:
                    op(t, out)

    # ------------------------------------------------------------------ reading
    def values(self, t: int | None = None) -> dict[str, np.ndarray]:
        """{node id: values (N,)} at step t (default: the step in progress if a micro-step
        started it, else the last completed one). Neurons not yet revealed are NaN."""
        if t is None:
            t = self.t if self.micro else self.t - 1
        if not 0 <= t < self._computed:
            raise IndexError(f"step {t} has not been computed")
        p = self.prog
        row = self._V[p.P + t]
        out = {n: row[p.col[n]].copy() for n in p.col}
        if t == self.t and self.micro:
            for n in self.order[self.micro:]:
                out[n][:] = np.nan
        return out

    @property
    def history(self) -> dict[str, np.ndarray]:
        """{node id: values (steps computed, N)}: everything computed so far (after a seek
        back this also covers the steps after t)."""
        p = self.prog
        vals = self._V[p.P:p.P + self._computed]
        return {n: vals[:, c].copy() for n, c in p.col.items()}

    def outputs(self, t: int) -> np.ndarray:
        return self._outputs(t)

    def _outputs(self, t: int) -> np.ndarray:
        p = self.prog
        out = self._V[p.P + t][p.out_cols].T.copy()
        return out[0] if self._single else out

