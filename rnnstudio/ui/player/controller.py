"""The player: a cursor (step t, neurons computed k) over a trajectory, with transport actions.

The cursor is `(t, k)`: at step t the first k non-input nodes of the ordering have been computed
(k == K, all of them, after a full step). `t == -1` is "before the first step". Views listen to
`cursor_changed` and `trajectory_changed` and read values through `node_value` and `reads`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ...model import Network
from .trajectory import Trajectory, compute_trajectory

RESET_MESSAGE = "The network's structure changed: the player was reset."


class PlayerController(QObject):
    cursor_changed = Signal(int, int)  # t, k
    trajectory_changed = Signal()  # new values (sequence, weights or structure changed)
    playing_changed = Signal(bool)
    message = Signal(str)
    columns_changed = Signal()  # the network's inputs or outputs changed: refit the sequence

    def __init__(self, network: Network | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._net: Network | None = None
        self._X: np.ndarray | None = None
        self._Y: np.ndarray | None = None
        self.trajectory: Trajectory | None = None
        self.t, self.k = -1, 0
        self._micro = False  # the last move was a micro-step
        self._versions = (-1, -1)
        self._io: tuple = ((), ())  # the inputs and outputs the sequence was made for
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_play_tick)
        self._recheck = QTimer(self, singleShot=True, interval=0)
        self._recheck.timeout.connect(self._on_model_settled)
        self.speed = 4.0  # steps per second
        self.frozen = False  # while training runs: weight changes do not re-run the sequence
        if network is not None:
            self.set_network(network)

    # ------------------------------------------------------------------ inputs
    @property
    def network(self) -> Network | None:
        return self._net

    def set_network(self, net: Network) -> None:
        if self._net is not None:
            self._net.events.unsubscribe(self._on_model_event)
        self._net = net
        net.events.subscribe(self._on_model_event)
        self._io = _io(net)
        self._X = None
        self._Y = None
        self.trajectory = None
        self._go(-1, 0)

    def set_sequence(self, X: np.ndarray, Y: np.ndarray | None = None) -> None:
        """Play sequence X (T, n_inputs) with optional targets Y (T, n_outputs)."""
        self._X = np.asarray(X, float)
        self._Y = None if Y is None else np.asarray(Y, float)
        self._recompute()
        self._go(-1, self.K)

    @property
    def K(self) -> int:
        """How many nodes one step computes (every non-input node)."""
        if self.trajectory is None:
            return 0
        return len(self.trajectory.order) - self.trajectory.n_inputs

    @property
    def T(self) -> int:
        return 0 if self.trajectory is None else self.trajectory.T

    # ------------------------------------------------------------------ transport
    def step(self) -> None:
        if self.k < self.K:
            self._go(self.t, self.K)
        elif self.t < self.T - 1:
            self._go(self.t + 1, self.K)
        else:
            self.pause()

    def micro_step(self) -> None:
        """Compute just the next neuron in the ordering."""
        if self.k < self.K:
            self._go(self.t, self.k + 1, micro=True)
        elif self.t < self.T - 1 and self.K:
            self._go(self.t + 1, 1, micro=True)

    def back(self) -> None:
        """Back to the previous complete step (from a partial step too)."""
        if self.t >= 0:
            self._go(self.t - 1, self.K)

    def reset(self) -> None:
        self.pause()
        self._go(-1, self.K)

    def seek(self, t: int) -> None:
        self._go(max(-1, min(int(t), self.T - 1)), self.K)

    def play(self) -> None:
        if self.T == 0:
            return
        if self.t >= self.T - 1 and self.k == self.K:
            self._go(-1, self.K)
        self._timer.start(max(10, int(1000 / max(self.speed, 0.1))))
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = float(steps_per_second)
        if self._timer.isActive():
            self._timer.setInterval(max(10, int(1000 / max(self.speed, 0.1))))

    def _on_play_tick(self) -> None:
        if self.t >= self.T - 1 and self.k == self.K:
            self.pause()
        else:
            self.step()

    def _go(self, t: int, k: int, micro: bool = False) -> None:
        self.t, self.k, self._micro = t, k, micro
        self.cursor_changed.emit(t, k)

    # ------------------------------------------------------------------ what the views read
    def computing(self) -> str | None:
        """The node the last micro-step computed (None after any other move)."""
        if self.trajectory is None or self.t < 0 or not self._micro or self.k == 0:
            return None
        return self.trajectory.order[self.trajectory.n_inputs + self.k - 1]

    def is_computed(self, node: str) -> bool:
        """Has `node` been computed at the cursor's step?"""
        tr = self.trajectory
        if tr is None or self.t < 0:
            return False
        return tr.index(node) < tr.n_inputs + self.k

    def node_value(self, node: str) -> float | None:
        """The node's value at the cursor, or None where not computed yet at this step."""
        if self.trajectory is None or self.t < 0 or not self.is_computed(node):
            return None
        return self.trajectory.value(node, self.t)

    def values_at_cursor(self) -> np.ndarray:
        """Values of every node in ordering at the cursor, NaN where not computed yet."""
        tr = self.trajectory
        if tr is None:
            return np.zeros(0)
        out = np.full(len(tr.order), np.nan)
        if self.t >= 0:
            n = tr.n_inputs + self.k
            out[:n] = tr.values[self.t, :n]
        return out

    def target(self, output: str) -> float | None:
        tr = self.trajectory
        if tr is None or tr.Y is None or self.t < 0 or output not in tr.outputs:
            return None
        value = tr.Y[self.t, tr.outputs.index(output)]
        return None if np.isnan(value) else float(value)

    def reads(self, node: str) -> list[tuple[str, int, int, float]]:
        """What each incoming edge of `node` reads at the cursor: (source, delay, step, value)."""
        tr, net = self.trajectory, self._net
        if tr is None or net is None or self.t < 0:
            return []
        out = []
        for u in net.graph.predecessors(node):
            step, value = tr.read(u, node, self.t)
            out.append((u, tr.delays[(u, node)], step, value))
        return out

    # ------------------------------------------------------------------ model changes
    def _on_model_event(self, event) -> None:
        self._recheck.start()  # coalesce a burst of events into one re-run

    def set_frozen(self, frozen: bool) -> None:
        """Freeze re-runs (training is changing the weights many times a second); unfreezing
        re-runs once on the weights as they are then."""
        self.frozen = bool(frozen)
        if not self.frozen:
            self._recheck.start()

    def _on_model_settled(self) -> None:
        net = self._net
        if net is None or self._X is None:
            return
        if self.frozen and net.structure_version == self._versions[0]:
            return
        refitted = _io(net) != self._io
        if refitted:  # the sequence's owner refits it (set_sequence) before any re-run
            self._io = _io(net)
            self.columns_changed.emit()
        structure, params = net.structure_version, net.param_version
        if (structure, params) == self._versions:
            if refitted:
                self.message.emit(RESET_MESSAGE)
            return
        if structure != self._versions[0]:
            self.pause()
            if self._recompute():
                self._go(-1, self.K)
                self.message.emit(RESET_MESSAGE)
        elif self._recompute():
            self._go(min(self.t, self.T - 1), self.K if self.k == self.K else self.k)

    def _recompute(self) -> bool:
        net = self._net
        if net is None or self._X is None:
            return False
        self._versions = (net.structure_version, net.param_version)
        X = self._fit_columns(self._X, len(net.inputs))
        Y = None if self._Y is None else self._fit_columns(self._Y, len(net.outputs), np.nan)
        try:
            self.trajectory = compute_trajectory(net, X, Y)
        except Exception as exc:  # an invalid network: show why, keep the app running
            self.trajectory = None
            self.message.emit(f"Cannot run the network: {exc}")
            self.trajectory_changed.emit()
            return False
        self.trajectory_changed.emit()
        return True

    @staticmethod
    def _fit_columns(A: np.ndarray, n: int, fill: float = 0.0) -> np.ndarray:
        """Pad or cut the columns so the sequence fits the network's inputs or outputs."""
        A = np.asarray(A, float).reshape(len(A), -1)
        if A.shape[1] == n:
            return A
        out = np.full((len(A), n), fill)
        m = min(n, A.shape[1])
        out[:, :m] = A[:, :m]
        return out


def _io(net: Network) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(net.inputs), tuple(net.outputs)
