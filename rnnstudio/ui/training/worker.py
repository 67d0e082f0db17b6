"""The training worker: runs `rs.Trainer.fit` off the UI thread on a copy of the network.

The worker owns its network copy and its trainer; it never touches a widget or the document's
network. Everything it reports goes out by Qt signals carrying plain copies (dicts, floats,
numpy arrays), queued to the UI thread. Pause, resume and stop are thread-safe: the engine's
per-batch callback checks them, so Stop takes effect within one batch.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

import rnnstudio as rs
from rnnstudio.engine import loss_and_grad

from .data import Dataset
from .settings import TrainingSettings

PARAMS_INTERVAL_S = 0.1  # at most 10 parameter snapshots per second go to the UI
RECORDS_INTERVAL_S = 0.05  # records go to the UI in bunches, at most 20 times a second
GATE_TIMEOUT_S = 0.1  # the longest the worker waits for the UI to finish a redraw


class UiGate:
    """Lets the UI thread have the GIL to itself while it redraws.

    Training is many small numpy calls that hold the GIL; a UI redraw is Python code too (the
    canvas restyling its edges, pyqtgraph setting data), and under contention each GIL hand-over
    can cost the UI thread a whole switch interval, so a 10 ms redraw could stall the event loop
    for 40-60 ms. The UI thread `close()`s the gate before such work and `open()`s it after; the
    worker `wait()`s at the gate between batches (never longer than GATE_TIMEOUT_S), so the UI
    runs alone for at most the rest of one batch. Closes nest; only the UI thread calls them.
    """

    def __init__(self) -> None:
        self._open = threading.Event()
        self._open.set()
        self._depth = 0

    def close(self) -> None:
        self._depth += 1
        self._open.clear()

    def open(self) -> None:
        self._depth = max(self._depth - 1, 0)
        if self._depth == 0:
            self._open.set()

    def release_all(self) -> None:
        self._depth = 0
        self._open.set()

    def wait(self, timeout: float = GATE_TIMEOUT_S) -> bool:
        return self._open.wait(timeout)


@dataclass
class RunResult:
    """What a finished run reports back (all copies)."""

    params: dict | None = None       # the final (or last good) parameters; None on error
    epochs_done: int = 0
    stopped: bool = False            # the user pressed Stop
    diverged: str | None = None      # why the run was stopped on a non-finite loss/gradient
    error: str | None = None         # an unexpected failure, in words
    outputs: dict[str, Any] | None = None  # validation outputs against targets, for the plot
    seconds: float = 0.0


def _copy_record(record: dict) -> dict[str, Any]:
    """A copy of an engine record with its arrays copied (the engine may reuse buffers)."""
    return {k: (np.array(v) if isinstance(v, np.ndarray) else copy.copy(v))
            for k, v in record.items()}


def trainer_kwargs(settings: TrainingSettings) -> dict[str, Any]:
    """The keyword arguments of `rs.Trainer` for these settings (validation is split by us)."""
    return dict(loss=settings.loss, optimizer=settings.optimizer, lr=settings.lr,
                clip=settings.clip, tbptt=settings.tbptt, batch_size=settings.batch_size,
                seed=settings.seed, momentum=settings.momentum)


class TrainingWorker(QObject):
    """Lives in a QThread; `run` trains and emits records, parameters and the result."""

    records_ready = Signal(object)  # list of record dicts (per batch and per epoch), batched
    params_ready = Signal(object)  # parameter dict (throttled to PARAMS_INTERVAL_S)
    finished = Signal(object)      # RunResult

    def __init__(self, network, settings: TrainingSettings, dataset: Dataset,
                 gate: UiGate | None = None):
        super().__init__()
        self.gate = gate or UiGate()
        self._net = network.copy()
        self._settings = settings.copy()
        self._data = dataset
        self._trainer = None
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._pending_params: dict | None = None
        self._restart = False
        self._eval_net = self._net.copy()  # validation loss is computed on this copy
        self._last_params_time = 0.0
        self._outbox: list[dict] = []
        self._last_records_time = 0.0
        self._epochs_done = 0
        self.batches_done = 0  # optimizer batches finished (read by tests, any thread)

    # ------------------------------------------------------------------ thread-safe controls
    def pause(self) -> None:
        self._running.clear()

    def resume(self, params: dict | None = None) -> None:
        """Continue; `params` (if given) replace the trainer's parameters first."""
        if params is not None:
            with self._lock:
                self._pending_params = copy.deepcopy(params)
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()
        trainer = self._trainer
        if trainer is not None:
            trainer.stop()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # ------------------------------------------------------------------ the run
    @Slot()
    def run(self) -> None:
        started = time.perf_counter()
        result = RunResult()
        try:
            self._fit_all(result)
            result.outputs = self._validation_outputs()
        except Exception as exc:  # noqa: BLE001 - reported to the user, never raised in Qt
            result.error = f"{type(exc).__name__}: {exc}"
        result.params = self._net.get_params() if result.error is None else None
        result.epochs_done = self._epochs_done
        result.stopped = self._stop.is_set()
        result.seconds = time.perf_counter() - started
        self._maybe_send_records(force=True)
        self.finished.emit(result)

    def _fit_all(self, result: RunResult) -> None:
        """Fit until the epochs are done or the run stops; parameters edited by hand during a
        pause restart the trainer from them for the remaining epochs."""
        while self._epochs_done < self._settings.epochs and not self._stop.is_set():
            self._restart = False
            reason = self._fit_once(self._settings.epochs - self._epochs_done)
            if self._restart:
                self._apply_pending_params()
                continue
            if reason and not self._stop.is_set() and not reason.startswith("stopped by"):
                result.diverged = reason
            break

    def _fit_once(self, epochs: int) -> str | None:
        """One Trainer.fit on the worker's copy (written back at the end); its stop reason."""
        d = self._data
        self._trainer = rs.Trainer(self._net, validation=0.0, **trainer_kwargs(self._settings))
        if self._stop.is_set():
            return None
        history = self._trainer.fit(d.X_train, d.Y_train, epochs=epochs,
                                    callback=self._on_record, write_back=True)
        return history.get("stopped_reason") if isinstance(history, dict) else None

    def _on_record(self, record: Any) -> bool:
        """The engine's callback (worker thread): forward, throttle params, pause, stop."""
        self.gate.wait()  # the UI is redrawing: let it have the GIL
        rec = _copy_record(record)
        if rec.get("batch") is not None:
            self.batches_done += 1
        if rec.get("batch") is None:
            self._epochs_done += 1
            rec["epoch"] = self._epochs_done - 1
            rec["val_loss"] = self._validation_loss()
        else:
            rec["epoch"] = self._epochs_done
        self._outbox.append(rec)
        self._maybe_send_records()
        self._maybe_send_params()
        self._wait_while_paused()
        with self._lock:
            self._restart = self._pending_params is not None
        return not (self._stop.is_set() or self._restart)

    def _validation_loss(self) -> float | None:
        d = self._data
        if d.X_val is None:
            return None
        self._eval_net.set_params(self._trainer.params())
        out = rs.run(self._eval_net, d.X_val)
        return float(loss_and_grad(self._settings.loss, out, d.Y_val)[0])

    def _maybe_send_records(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self._outbox and (force or now - self._last_records_time >= RECORDS_INTERVAL_S):
            self._last_records_time = now
            records, self._outbox = self._outbox, []
            self.records_ready.emit(records)

    def _maybe_send_params(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._last_params_time >= PARAMS_INTERVAL_S:
            self._last_params_time = now
            self.params_ready.emit(self._trainer.params())

    def _wait_while_paused(self) -> None:
        if self._running.is_set():
            return
        self._maybe_send_records(force=True)
        self._maybe_send_params(force=True)
        while not self._running.wait(0.05):
            pass

    def _apply_pending_params(self) -> None:
        with self._lock:
            params, self._pending_params = self._pending_params, None
        if params is not None:
            self._net.set_params(params)

    def _validation_outputs(self) -> dict[str, Any] | None:
        d = self._data
        X, Y = (d.X_val, d.Y_val) if d.X_val is not None else (d.X_train, d.Y_train)
        if X is None or Y.shape[-1] == 0:
            return None
        n = min(X.shape[1], 64)
        out = np.asarray(rs.run(self._net, X[:, :n]))
        return outputs_for_plot(out, Y[:, :n], self._net.outputs)


def outputs_for_plot(out: np.ndarray, Y: np.ndarray, names: list[str]) -> dict[str, Any]:
    """Output column 0 against its targets: time series, or a last-step scatter when only the
    last step has targets (many-to-one tasks)."""
    present = np.isfinite(Y[..., 0])
    label = names[0] if names else "output"
    if present.any() and not present[:-1].any():
        return {"many_to_one": True, "outputs": out[-1, :, 0].copy(),
                "targets": Y[-1, :, 0].copy(), "label": label}
    return {"many_to_one": False, "outputs": out[..., 0].copy(), "targets": Y[..., 0].copy(),
            "label": label}


