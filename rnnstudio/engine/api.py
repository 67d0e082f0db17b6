"""The engine's public functions on networks: run and gradients."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backward import backward
from .compiler import compile
from .forward import forward
from .losses import loss_and_grad
from .program import KEEP_BYTES, Program


def as_batch(prog: Program, X, what: str = "X", width: int | None = None) -> tuple[np.ndarray, bool]:
    """X as (T, N, width) in the program's dtype, and whether it was a single (T, width)
    sequence."""
    width = prog.n_in if width is None else width
    X = np.asarray(X, dtype=prog.dtype)
    single = X.ndim == 2
    if single:
        X = X[:, None, :]
    if X.ndim != 3 or X.shape[2] != width:
        raise ValueError(f"{what} must have shape (T, N, {width}) or (T, {width}); got "
                         f"{np.shape(X)}")
    return X, single


@dataclass
class Grads:
    """Exact gradients of the loss; keys are edges (source, target) and node ids."""
    weights: dict = field(default_factory=dict)
    biases: dict = field(default_factory=dict)
    initials: dict = field(default_factory=dict)
    through_time: np.ndarray = field(default_factory=lambda: np.zeros(0))  # ||dL/dy(t)||
    flat: np.ndarray = field(default_factory=lambda: np.zeros(0))          # over Program.theta

    @classmethod
    def from_flat(cls, prog: Program, g: np.ndarray, through_time: np.ndarray) -> "Grads":
        E, S = prog.E, prog.S
        return cls(weights={e: float(g[i]) for i, e in enumerate(prog.edges)},
                   biases={n: float(g[E + i]) for i, n in enumerate(prog.nodes)},
                   initials={n: float(g[E + S + i]) for i, n in enumerate(prog.nodes)},
                   through_time=through_time, flat=g)

    def norm(self) -> float:
        return float(np.sqrt(np.dot(self.flat, self.flat)))


def run(net, X, return_states: bool = False, dtype="float64"):
    """Outputs of the network for inputs X: (T, N, n_in) -> (T, N, n_out), or
    (T, n_in) -> (T, n_out). With return_states, also {node id: values (T, N) or (T,)}.
    Work buffers over 16 MB are released before returning."""
    prog = compile(net, dtype)
    X, single = as_batch(prog, X)
    tr = forward(prog, X)
    out = tr.outputs()
    states = {n: tr.node_values(c).copy() for n, c in prog.col.items()} if return_states \
        else None
    prog.release(KEEP_BYTES)  # the network keeps no large buffer after the call
    if single:
        out = out[:, 0, :]
    if not return_states:
        return out
    if single:
        states = {n: v[:, 0] for n, v in states.items()}
    return out, states


def gradients(net, X, Y, loss: str = "mse", dtype="float64") -> tuple[float, Grads]:
    """(loss, Grads): exact BPTT gradients of the loss w.r.t. every weight, bias and initial
    value. Y has the shape of the outputs; NaN means no target."""
    prog = compile(net, dtype)
    X, single = as_batch(prog, X)
    Y, _ = as_batch(prog, Y, "Y", prog.n_out)
    if Y.shape[:2] != X.shape[:2]:
        raise ValueError(f"Y covers {Y.shape[:2]} (T, N) but X covers {X.shape[:2]}")
    tr = forward(prog, X)
    value, dY = loss_and_grad(loss, tr.outputs(), Y)
    g, _, norms = backward(tr, dY)
    grads = Grads.from_flat(prog, g, norms)
    prog.release(KEEP_BYTES)
    return value, grads
