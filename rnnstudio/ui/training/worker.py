"""The training worker: the Qt relay of a run that trains in a child process.

The computation runs in `rnnstudio.engine.background` (a child process, so training never
competes with the UI thread for the GIL). The worker lives in a QThread whose loop blocks on the
child's pipe (which releases the GIL) and re-emits what arrives as Qt signals, queued to the UI
thread: bunches of records, parameter snapshots and the `RunResult`, which always comes, also
when the child fails or dies. Pause, resume, stop and `batches_done` go straight to flags and a
counter shared with the child, from any thread; Stop takes effect within one batch.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from rnnstudio.engine.background import (PARAMS, RECORDS, RESULT, STOP_TIMEOUT_S,
                                         BackgroundRun, RunResult, TrainingJob)

from .data import Dataset
from .settings import TrainingSettings

__all__ = ["RunResult", "TrainingWorker", "trainer_kwargs"]


def trainer_kwargs(settings: TrainingSettings) -> dict[str, Any]:
    """The keyword arguments of `rs.Trainer` for these settings (validation is split by us)."""
    return dict(loss=settings.loss, optimizer=settings.optimizer, lr=settings.lr,
                clip=settings.clip, tbptt=settings.tbptt, batch_size=settings.batch_size,
                seed=settings.seed, momentum=settings.momentum)


class TrainingWorker(QObject):
    """Lives in a QThread; `run` starts the child process and relays its messages."""

    records_ready = Signal(object)  # list of record dicts (per batch and per epoch), batched
    params_ready = Signal(object)  # parameter dict (at most 10 a second)
    finished = Signal(object)      # RunResult

    def __init__(self, network, settings: TrainingSettings, dataset: Dataset):
        super().__init__()
        job = TrainingJob.of(network, trainer_kwargs(settings), settings.epochs,
                             dataset.X_train, dataset.Y_train, dataset.X_val, dataset.Y_val)
        self._run = BackgroundRun(job)

    # ------------------------------------------------------------------ thread-safe controls
    def pause(self) -> None:
        self._run.pause()

    def resume(self, params: dict | None = None) -> None:
        """Continue; `params` (if given) replace the trainer's parameters first."""
        self._run.resume(params)

    def stop(self) -> None:
        self._run.stop()

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Stop, terminating the child if it has not ended within `timeout` seconds."""
        return self._run.shutdown(timeout)

    @property
    def paused(self) -> bool:
        return self._run.paused

    @property
    def batches_done(self) -> int:
        """Optimizer batches finished so far (exact: a counter shared with the child)."""
        return self._run.batches_done

    @property
    def pid(self) -> int | None:
        """The training process's id, once it has started."""
        return self._run.pid

    # ------------------------------------------------------------------ the relay
    @Slot()
    def run(self) -> None:
        signals = {RECORDS: self.records_ready, PARAMS: self.params_ready,
                   RESULT: self.finished}
        for kind, payload in self._run.messages():
            signals[kind].emit(payload)
