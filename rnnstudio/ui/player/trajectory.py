"""What the player shows: every node's value at every step of one sequence.

A `Trajectory` is computed once per sequence and per parameter change: the engine's `Simulator`
runs the whole sequence and its history is kept; stepping, stepping back, seeking and
micro-stepping are then lookups into it, so they are instant whatever the length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...model import Network
from ..style import value_scale


@dataclass
class Trajectory:
    """Values of one sequence: `values[t, i]` is node `order[i]` at step t."""

    order: list[str]  # the resolved ordering: inputs first
    values: np.ndarray  # (T, n_nodes)
    X: np.ndarray  # (T, n_inputs)
    Y: np.ndarray | None  # (T, n_outputs) targets, NaN where absent; None without targets
    outputs: list[str]
    initial: dict[str, float]  # each node's value "before the first step" (inputs: 0)
    delays: dict[tuple[str, str], int]
    reverse: set[str]  # reverse-time neurons

    @property
    def T(self) -> int:
        return self.values.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]

    def index(self, node: str) -> int:
        return self._index[node]

    def __post_init__(self) -> None:
        self._index = {n: i for i, n in enumerate(self.order)}
        finite = self.values[np.isfinite(self.values)]
        peak = float(np.abs(finite).max()) if finite.size else 1.0
        self._scale = value_scale(peak)

    def value(self, node: str, t: int) -> float:
        """y_node(t), or the node's initial value outside the sequence."""
        if 0 <= t < self.T:
            return float(self.values[t, self._index[node]])
        return self.initial.get(node, 0.0)

    def read(self, source: str, target: str, t: int) -> tuple[int, float]:
        """What edge source -> target reads when target is computed at step t: (step, value)."""
        d = self.delays[(source, target)]
        step = t + d if target in self.reverse else t - d
        return step, self.value(source, step)

    def outputs_over_time(self) -> np.ndarray:
        return self.values[:, [self._index[o] for o in self.outputs]]

    def scale(self) -> float:
        """The symmetric colour range of every view: 1 for squashed values, else a round
        number just above the largest magnitude (style.value_scale)."""
        return self._scale


def compute_trajectory(net: Network, X: np.ndarray, Y: np.ndarray | None = None) -> Trajectory:
    """Run the network on one sequence X (T, n_inputs) with the engine's `Simulator` and keep
    its whole history. The order is the inputs, then the neurons in the order micro-steps
    reveal them (the network's ordering)."""
    from ...engine import Simulator

    X = np.asarray(X, dtype=float).reshape(len(X), len(net.inputs))
    sim = Simulator(net, X=X[:, None, :])
    if len(X):
        sim.seek(len(X))
    order = list(net.inputs) + list(sim.order)
    history = sim.history
    values = np.stack([history[n][:, 0] for n in order], axis=1).astype(float) \
        if order and len(X) else np.zeros((len(X), len(order)))
    nodes = net.graph.nodes
    initial = {n: (0.0 if nodes[n]["kind"] == "input" else float(nodes[n]["initial"]))
               for n in order}
    reverse = {n for n in order if nodes[n].get("direction") == "reverse"}
    Y = None if Y is None else np.asarray(Y, dtype=float).reshape(len(X), len(net.outputs))
    return Trajectory(order, values, X, Y, list(net.outputs), initial, net.delays(), reverse)
