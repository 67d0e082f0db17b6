"""The UI-thread side of a training run: starts the worker (a thread relaying a child process
that trains), mirrors its progress into the document at a throttled rate, and records the whole
run as one undo step.

While a run is active the document's network receives the worker's parameters at most 10 times a
second through `net.set_params` (no undo step). The whole run is one undo macro: it opens with a
`RunStartCommand` (undo: the parameters from before the run), holds any weight the user edits by
hand while it runs, and closes with a `TrainRunCommand` that applies the final parameters. A run
that changed nothing leaves no undo step.

Any parameter change that does not come from the run (an edit by hand) pauses the run; resuming
first hands the document's parameters (with the edit) to the worker, and stopping keeps them. A
structural change stops the run and keeps the document as the user left it.
"""

from __future__ import annotations

import math
import time
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal

from rnnstudio.engine import background
from rnnstudio.model import events as ev

from .background_data import NetShape, build_in_background
from .commands import RunStartCommand, TrainRunCommand
from .data import Dataset, build_dataset, check_source
from .settings import TrainingSettings
from .worker import RunResult, TrainingWorker

IDLE, PREPARING, RUNNING, PAUSED, STOPPING = "idle", "preparing", "running", "paused", "stopping"
PARAM_KEYS = {"weight", "bias", "initial"}
DIVERGED_ADVICE = ("The loss or a gradient became NaN or infinite, so the weights of the last "
                   "good step were put back. Try a lower learning rate, or turn on gradient "
                   "clipping (Clip ‖∇‖ in the settings).")


class TrainingController(QObject):
    """Runs one training at a time for the network that `network_getter()` returns."""

    state_changed = Signal(str)          # idle / preparing / running / paused / stopping
    training_active = Signal(bool)       # True from start to end: disable structural edits
    running_changed = Signal(bool)       # True while the worker trains (not paused, not ended):
                                         # the step-through view freezes while it is True
    records = Signal(object)             # lists of record dicts from the worker
    progress = Signal(int, int, float, float)  # epoch done, epochs, loss, seconds left (nan)
    run_finished = Signal(object)        # RunResult
    message = Signal(str, str)           # title, text: something the user must read
    data_ready = Signal(object, object)  # settings, Dataset: built; the run begins right after
    run_started = Signal(object, object)  # settings, Dataset: the data is built, training began
    data_failed = Signal(str)            # the data could not be built (the run did not start)
    _data_built = Signal(object, object, object)  # token, Dataset, error (from a data thread)

    def __init__(self, network_getter: Callable, undo_stack=None,
                 status_callback: Callable[[str], None] | None = None, parent=None):
        super().__init__(parent)
        self._network = network_getter
        self._undo_stack = undo_stack
        self._status = status_callback or (lambda text: None)
        self.state = IDLE
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self.dataset: Dataset | None = None  # the data of the current (or last) run
        self._net = None                 # the network being trained (document's object)
        self._before: dict | None = None
        self._applying = False
        self._structure_changed = False
        self._edited = False  # parameters edited by hand while paused
        self._settings: TrainingSettings | None = None
        self._t0 = 0.0
        self._paused_at = 0.0
        self._paused_total = 0.0
        self._last_loss = math.nan
        self._epochs_seen = 0
        self._macro: int | None = None   # index of the run's undo macro on the stack
        self._running = False
        self._data_token = 0  # the data build this controller waits for (others are dropped)
        self._data_built.connect(self._on_data_built)
        background.warm_up()  # start the training fork server now: the first run starts fast

    # ------------------------------------------------------------------ commands
    @property
    def active(self) -> bool:
        return self.state != IDLE

    @property
    def worker(self) -> TrainingWorker | None:
        """The current run's worker (None when idle)."""
        return self._worker

    def start(self, settings: TrainingSettings, dataset: Dataset | None = None) -> None:
        """Validate and start a run (SettingsError / DataError at once for what can be told
        without reading data). The data is built off the UI thread (state PREPARING, structural
        edits already locked); then the run begins (`run_started`), or `data_failed` says why
        it cannot."""
        if self.active:
            return
        net = self._network()
        settings = settings.copy().validate()
        if dataset is not None:
            self._begin(net, settings, dataset)
            return
        check_source(settings, net)
        self._data_token += 1
        self._set_state(PREPARING)
        self.training_active.emit(True)
        self._status(f"Preparing the training data ({_source_name(settings)})…")
        shape = NetShape.of(net)
        build_in_background(lambda: build_dataset(settings, shape), self._data_built,
                            (self._data_token, net, settings))

    def _on_data_built(self, token, dataset: Dataset | None, error) -> None:
        number, net, settings = token
        if number != self._data_token or self.state != PREPARING:
            return  # cancelled (Stop, a new file) while it was built
        if error is None and net is not self._network():
            error = RuntimeError("the document's network was replaced")
        if error is not None:
            self._not_started(_data_error_text(error))
            return
        self.data_ready.emit(settings, dataset)
        self._begin(net, settings, dataset)

    def _not_started(self, text: str) -> None:
        """The run cannot begin: back to idle, saying why (the dock and the status bar)."""
        self._set_state(IDLE)
        self.training_active.emit(False)
        self._status(text)
        self.data_failed.emit(text)

    def _begin(self, net, settings: TrainingSettings, dataset: Dataset) -> None:
        try:
            worker = TrainingWorker(net, settings, dataset)
        except OSError as exc:  # its shared flags and pipe are made here: no /dev/shm...
            self._not_started("Training failed: the training process could not start: "
                              f"{type(exc).__name__}: {exc}")
            return
        self.dataset = dataset
        self._net, self._settings = net, settings
        self._before = net.get_params()
        self._structure_changed = False
        self._edited = False
        self._t0, self._paused_total, self._last_loss, self._epochs_seen = \
            time.perf_counter(), 0.0, math.nan, 0
        self._worker = worker
        self._thread = QThread(self)
        self._worker.moveToThread(self._thread)
        self._connect_worker(self._worker, self._thread)
        self._open_macro(net)
        net.events.subscribe(self._on_network_event)
        self._set_state(RUNNING)
        self.training_active.emit(True)
        self._status(f"Training on {dataset.description}: {dataset.n_train} training and "
                     f"{dataset.n_val} validation sequences, {settings.epochs} epochs. "
                     "Structural edits are off until it ends.")
        self._thread.start()
        self.run_started.emit(settings, dataset)

    def _connect_worker(self, worker: TrainingWorker, thread: QThread) -> None:
        thread.started.connect(worker.run)
        worker.records_ready.connect(self._on_records_ready)
        worker.params_ready.connect(self._on_params_ready)
        worker.finished.connect(self._on_worker_finished)
        worker.finished.connect(thread.quit)
        thread.finished.connect(worker.deleteLater)

    def pause(self) -> None:
        if self.state == RUNNING and self._worker is not None:
            self._worker.pause()
            self._paused_at = time.perf_counter()
            self._set_state(PAUSED)
            self._status("Training paused")

    def resume(self) -> None:
        if self.state == PAUSED and self._worker is not None:
            self._paused_total += time.perf_counter() - self._paused_at
            edited, self._edited = self._edited, False
            self._worker.resume(self._net.get_params() if edited else None)
            self._set_state(RUNNING)
            self._status("Training resumed")

    def stop(self) -> None:
        if self.state == PREPARING:  # the data being built is dropped when it arrives
            self._data_token += 1
            self._set_state(IDLE)
            self.training_active.emit(False)
            self._status("Training cancelled before it started")
            return
        if self.state in (RUNNING, PAUSED) and self._worker is not None:
            self._worker.stop()
            self._set_state(STOPPING)
            self._status("Stopping training…")

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the worker thread has ended (for closing the window and tests)."""
        return self._thread is None or self._thread.wait(msecs)

    def shutdown(self) -> None:
        """Stop any run and wait for its thread (call when the window closes); a training
        process that does not stop within STOP_TIMEOUT_S is terminated (the run then reports
        an error and the weights from before it are kept)."""
        self.stop()
        if self._worker is not None:
            self._worker.shutdown()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(5000)

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
        running = state in (RUNNING, STOPPING)
        if running != self._running:
            self._running = running
            self.running_changed.emit(running)

    # ------------------------------------------------------------------ the run's undo step
    def _open_macro(self, net) -> None:
        stack = self._undo_stack
        if stack is None:
            return
        stack.beginMacro("Train")
        self._macro = stack.index()
        stack.push(RunStartCommand(lambda: net, self._before))

    def _close_macro(self, after: dict | None, epochs: int) -> None:
        """Push the final parameters (if any) and close the macro; a run that changed nothing
        (no parameters, no edit by hand) is dropped from the stack."""
        stack, index, self._macro = self._undo_stack, self._macro, None
        if stack is None or index is None:
            if after is not None:
                self._apply(after)
            return
        if self._network() is not self._net or index >= stack.count():
            return  # the document was replaced: the stack was cleared with the macro
        net = self._net
        macro = stack.command(index)
        edits = macro.childCount() - 1  # commands pushed during the run (weights by hand)
        if after is not None and (after != net.get_params() or after != self._before):
            stack.push(TrainRunCommand(lambda: net, net.get_params(), after, epochs))
        macro.setText(f"Train {epochs} epoch{'s' if epochs != 1 else ''}")
        stack.endMacro()
        if edits == 0 and (after is None or after == self._before):
            macro.setObsolete(True)
            stack.undo()  # an obsolete command is removed without being undone

    # ------------------------------------------------------------------ from the worker
    def _on_records_ready(self, records: list) -> None:
        epochs = [r for r in records if r.get("batch") is None]
        if epochs:
            last = epochs[-1]
            self._epochs_seen = int(last.get("epoch", self._epochs_seen)) + 1
            loss = last.get("loss")
            self._last_loss = float(loss) if loss is not None else math.nan
        self.records.emit(records)
        if epochs:
            self.progress.emit(self._epochs_seen, self._settings.epochs, self._last_loss,
                           self._seconds_left())

    def _seconds_left(self) -> float:
        done = self._epochs_seen
        if done <= 0:
            return math.nan
        elapsed = time.perf_counter() - self._t0 - self._paused_total
        return elapsed / done * max(self._settings.epochs - done, 0)

    def _on_params_ready(self, params: dict) -> None:
        if self.active and not self._structure_changed and not self._edited:
            self._apply(params)

    def _apply(self, params: dict) -> None:
        self._applying = True
        try:
            self._net.set_params(params)
        finally:
            self._applying = False

    def _on_worker_finished(self, result: RunResult) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(2000)  # the worker has returned: its thread ends at once
        net = self._net
        net.events.unsubscribe(self._on_network_event)
        self._finish_document(result)
        self._worker = None
        self._set_state(IDLE)
        self.training_active.emit(False)
        self._report(result)
        self.run_finished.emit(result)

    def _finish_document(self, result: RunResult) -> None:
        if self._structure_changed:
            # the network is no longer the one trained: leave the user's edits alone
            self._close_macro(None, result.epochs_done)
            return
        if result.params is None:
            after = self._before       # a failed run keeps the weights from before it
        elif self._edited:
            after = self._net.get_params()  # edited by hand and not resumed: keep the edit
        else:
            after = result.params
        self._close_macro(after, result.epochs_done)

    def _report(self, result: RunResult) -> None:
        if self._structure_changed:
            text = "Training stopped: the network's structure changed while it ran."
            self.message.emit("Training stopped", text)
        elif result.error:
            text = f"Training failed: {result.error}"  # the cause, in the dock and status bar
            self.message.emit("Training failed", f"{text}\n"
                                                 "The weights from before the run were kept.")
        elif result.diverged:
            text = f"Training diverged and was stopped: {result.diverged}"
            self.message.emit("Training diverged", f"{text}.\n\n{DIVERGED_ADVICE}")
        else:
            verb = "stopped" if result.stopped else "finished"
            text = (f"Training {verb} after {result.epochs_done} epochs in "
                    f"{result.seconds:.1f} s; loss {self._last_loss:.4g}")
        self._status(text)

    # ------------------------------------------------------------------ from the document
    def _on_network_event(self, event: ev.Event) -> None:
        if self._applying or not self.active:
            return
        if _is_param_edit(event):
            self._edited = True
            if self.state == RUNNING:
                self.pause()
                self._status("Training paused: the weights were edited by hand. "
                             "Resume continues from the edited weights.")
        elif _is_structural(event):
            self._structure_changed = True
            self.stop()


def _source_name(settings: TrainingSettings) -> str:
    return f"CSV {settings.csv.get('path')}" if settings.csv is not None else \
        f"task '{settings.task}'"


def _data_error_text(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "The training data could not be built: not enough memory"
    if isinstance(error, (ValueError, OSError)):  # DataError, CSVError, TaskError, ...
        return f"The training data could not be built: {error}"
    return f"The training data could not be built: {type(error).__name__}: {error}"


def _is_param_edit(event: ev.Event) -> bool:
    if event.kind == ev.PARAMS_CHANGED:
        return True
    if event.kind in (ev.EDGE_CHANGED, ev.NODE_CHANGED):
        return set(event.changed) <= PARAM_KEYS | {"x", "y", "label"} and \
            bool(set(event.changed) & PARAM_KEYS)
    return False


def _is_structural(event: ev.Event) -> bool:
    if event.kind in ev.STRUCTURAL or event.kind == ev.IO_CHANGED:
        return True
    if event.kind in (ev.EDGE_CHANGED, ev.NODE_CHANGED):
        return bool(set(event.changed) - PARAM_KEYS - {"x", "y", "label"})
    return False
