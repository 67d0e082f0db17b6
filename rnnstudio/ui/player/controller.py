"""The player: a cursor (step t, neurons computed k) over a trajectory, with transport actions.

The cursor is `(t, k)`: at step t the first k non-input nodes of the ordering have been computed
(k == K, all of them, after a full step). `t == -1` is "before the first step". Views listen to
`cursor_changed` and `trajectory_changed` and read values through `node_value` and `reads`.

After an edit the sequence runs again. A big network (more than BACKGROUND_SIZE nodes and
edges) waits until the edits settle and runs on a copy in a worker thread, so editing stays
interactive; meanwhile a structure change drops the old trajectory (views see None). The copy
is taken on the UI thread at C speed (`marshal`: 10-40 ms at 50,000 edges, where a snapshot of
dicts took 0.2-0.3 s) and made into a network in the worker.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ...collector import QuietCollector, freeze_young
from ...model import Network
from ...workers import Worker
from ..turns import drop, next_turn, queued
from .netcopy import discard, frozen_pieces, thawed
from .trajectory import Trajectory, compute_trajectory

RESET_MESSAGE = "The network's structure changed: the player was reset."
BACKGROUND_SIZE = 20_000  # nodes + edges past which a re-run goes to a worker thread ...
SETTLE_MS = 250  # ... once the network has been still for this long
MAX_HOLDS = 20  # ... and the canvas done drawing a big paste (asked this often at most)
ORDERING_POLL_MS = 25  # ... and its ordering is known (Network.ordering_later)
COPY_SLICE_S = 0.012  # ... and the copy's pieces are made this long per UI turn at most
WORKER = Worker("rnnstudio-player")  # runs the big networks' re-runs, one after another


class PlayerController(QObject):
    cursor_changed = Signal(int, int)  # t, k
    trajectory_changed = Signal()  # new values (sequence, weights or structure changed)
    playing_changed = Signal(bool)
    message = Signal(str)
    columns_changed = Signal()  # the network's inputs or outputs changed: refit the sequence
    _computed = Signal(object, object)  # a worker's (token, Trajectory or Exception)

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
        self._busy, self._held = (lambda: False), 0  # hold_while: nothing holds a re-run
        self._recheck.timeout.connect(self._settled)
        self._token = None  # the running worker's, if any
        self._then = None  # what follows when its trajectory is in
        self._rerun = False  # the network changed while a worker ran
        self._waited = False  # a big network's re-run waited for the ordering
        self._copy = None  # a big network's copy being made: (token, pieces, blob, X, Y)
        self._prior = (-1, -1)  # the versions run before the copy's (it may be dropped)
        self._computed.connect(self._on_computed)
        # a big network's dropped trajectory is announced once the edit is done (views clear)
        self._dropped = QTimer(self, singleShot=True, interval=0)
        self._dropped.timeout.connect(self.trajectory_changed.emit)
        self._kick = QTimer(self, singleShot=True, interval=0)
        self._arming = False  # _arm's zero timer is pending: the settle timer starts next
        self._kick.timeout.connect(self._arm)
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
        self._drop_copy()
        self._token, self._rerun = None, False
        self._go(-1, 0)

    def set_sequence(self, X: np.ndarray, Y: np.ndarray | None = None) -> None:
        """Play sequence X (T, n_inputs) with optional targets Y (T, n_outputs)."""
        self._X = np.asarray(X, float)
        self._Y = None if Y is None else np.asarray(Y, float)
        self._recompute(lambda ok: self._go(-1, self.K))
        self._go(-1, self.K)  # now too: a big network's run comes later

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
    def is_current(self) -> bool:
        """The trajectory was computed for the network's present structure. After an edit it
        is re-run a moment later (`trajectory_changed`); until then a view must not mix it with
        the network (its edges and nodes may be gone)."""
        tr, net = self.trajectory, self._net
        return tr is not None and net is not None and self._versions[0] == net.structure_version

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
        net = self._net
        if net is None:
            return
        self._drop_copy()  # of the network as it was: copied again once the edits settle
        big = self._is_big(net)
        if big and self.trajectory is not None and net.structure_version != self._versions[0]:
            self.trajectory = None  # it no longer matches the network's nodes and edges
            self._dropped.start()
        # coalesce a burst of events into one re-run; a big network's, once edits settle
        if big:
            self._recheck.stop()
            self._kick.start()
        else:
            self._recheck.start(0)

    def _arm(self) -> None:
        """Count the settling time from when the UI is idle again: after the canvas and the
        other views have drawn the edit (zero timers queued with it), which can take longer
        than SETTLE_MS in a big network."""
        self._arming = True
        QTimer.singleShot(0, self, self._armed)

    def _armed(self) -> None:
        self._arming = False
        if not self._kick.isActive():
            self._recheck.start(SETTLE_MS)

    def rerun_due(self) -> bool:
        """Is a re-run under way: due once the edits settle, waiting for the ordering, being
        copied or running in the worker (for tools measuring what follows an edit)?"""
        return self._token is not None or self._recheck.isActive() or self._then is not None \
            or self._kick.isActive() or self._arming or queued(self, self._on_model_settled)

    def runs_in_background(self) -> bool:
        """Is the network big enough for its re-runs to go to a worker thread (its views then
        spread their updates over the UI's next turns)?"""
        return self._net is not None and self._is_big(self._net)

    @staticmethod
    def _is_big(net: Network) -> bool:
        return len(net) + net.edge_count() > BACKGROUND_SIZE

    def set_frozen(self, frozen: bool) -> None:
        """Freeze re-runs (training is changing the weights many times a second); unfreezing
        re-runs once on the weights as they are then."""
        self.frozen = bool(frozen)
        if not self.frozen:
            self._recheck.start()

    def hold_while(self, busy) -> None:
        """A big network's re-run waits while `busy()` says so (the canvas drawing a big
        paste a slice at a time: the worker thread shares the interpreter with it, and the
        paste took twice as long to be all drawn)."""
        self._busy = busy

    def _settled(self) -> None:
        """The edits settled: a big network's re-run starts in a turn of the UI of its own
        (asking for the ordering copies the network for its worker: 20-40 ms)."""
        if self.runs_in_background():
            if self._busy() and self._held < MAX_HOLDS:
                self._held += 1  # asked again a moment later (never held for long)
                self._recheck.start(SETTLE_MS)
                return
            self._held = 0
            next_turn(self, self._on_model_settled)
        else:
            self._on_model_settled()

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
            self._recompute(self._after_structure)
        else:
            self._recompute(self._after_params)

    def _after_structure(self, ok: bool) -> None:
        if ok:
            self._go(-1, self.K)
            self.message.emit(RESET_MESSAGE)

    def _after_params(self, ok: bool) -> None:
        if ok:
            self._go(min(self.t, self.T - 1), self.K if self.k == self.K else self.k)

    def _recompute(self, then) -> None:
        """Run the sequence on the network as it is, then call `then(ok)`: now, or for a big
        network when a worker thread has run it on a copy (a newer edit meanwhile runs it again
        and the worker's result is dropped)."""
        net = self._net
        if net is None or self._X is None:
            return
        self._drop_copy()
        prior, self._versions = self._versions, (net.structure_version, net.param_version)
        X = self._fit_columns(self._X, len(net.inputs))
        Y = None if self._Y is None else self._fit_columns(self._Y, len(net.outputs), np.nan)
        if not self._is_big(net):
            then(self._install(_run(net, X, Y)))
            return
        self._then = then
        if self._token is not None:
            self._rerun = True  # one worker at a time: the latest state runs next
            return
        if net.ordering_later():  # its worker first: the copy takes the ordering along
            self._waited = True
            QTimer.singleShot(ORDERING_POLL_MS, self,
                              lambda: next_turn(self, self._when_ordered))
            return
        if self._waited:  # the canvas, polling for the same ordering, routes its loops
            self._waited = False  # first (a UI callback the worker's GIL time would slow)
            QTimer.singleShot(2 * ORDERING_POLL_MS, self,
                              lambda: next_turn(self, self._when_ordered))
            return
        token = self._token = object()
        self._prior = prior
        self._copy = (token, frozen_pieces(net), [], X, Y)
        next_turn(self, self._copy_some)  # in turns of the UI shared with the other views

    def _copy_some(self) -> None:
        """Make the copy's next pieces (COPY_SLICE_S at most; the rest on the next turn), and
        start the worker on it once it is whole."""
        if self._copy is None:
            return
        token, pieces, blob, X, Y = self._copy
        end = time.perf_counter() + COPY_SLICE_S
        for piece in pieces:
            blob.append(piece)
            if time.perf_counter() > end:
                next_turn(self, self._copy_some)
                return
        self._copy = None
        QuietCollector.hold()  # released by the worker once its copy is gone
        try:
            WORKER.submit(self._work, token, blob, X, Y)
        except BaseException:
            QuietCollector.release()
            raise

    def _drop_copy(self) -> None:
        """A copy being made is of a network that changed (or went): no worker runs it, and
        the versions it was for were never run."""
        if self._copy is None:
            return
        drop(self, self._copy_some)
        if self._token is self._copy[0]:
            self._token = None
            self._versions = self._prior
        self._copy = None

    def _when_ordered(self) -> None:
        if self._then is not None and self._token is None:
            self._recompute(self._then)

    def _work(self, token, blob: list[bytes], X, Y) -> None:
        """In the worker thread: no widget, no signal but `_computed` (queued to the UI). The
        copy's hundred thousand objects would trigger a full collection of the app (0.2-0.5 s,
        every thread held) at about every re-run: the collector is off while the copy lives,
        and the copy goes by reference counting."""
        try:
            copy = thawed(blob)
            result = _run(copy, X, Y)
            discard(copy)
            del copy
            freeze_young()  # the trajectory's 50,000 new delay keys: else the UI thread's next
            # young collection walks them all (10-60 ms, at every re-run) before it is shown
        finally:
            QuietCollector.release()
        self._computed.emit(token, result)

    def _on_computed(self, token, result) -> None:
        if token is not self._token:
            return  # another network, or a sequence set since
        self._token = None
        then, self._then = self._then, None
        if self._rerun:  # the network or the sequence changed meanwhile: run the latest
            self._rerun = False
            self._recompute(then or self._after_params)
            return
        net = self._net
        if (net.structure_version, net.param_version) != self._versions:
            return  # edited while it ran (its re-run is due): views never see a stale network
        ok = self._install(result)
        if then is not None:
            then(ok)
        freeze_young()  # the trajectory, and what the views made of it (see collector)

    def _install(self, result) -> bool:
        if isinstance(result, Exception):  # an invalid network: say why, keep the app running
            self.trajectory = None
            self.message.emit(f"Cannot run the network: {result}")
            self.trajectory_changed.emit()
            return False
        self.trajectory = result
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


def _run(net: Network, X, Y):
    """The trajectory, or the exception that says why the network cannot run."""
    try:
        return compute_trajectory(net, X, Y)
    except Exception as exc:  # noqa: BLE001 - any model or engine refusal is shown, not raised
        return exc


def _io(net: Network) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(net.inputs), tuple(net.outputs)
