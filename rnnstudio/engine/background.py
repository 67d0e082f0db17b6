"""Training in a child process: the run itself, its controls and its messages (no Qt).

Why a process: training is many small numpy calls that hold the GIL, and a UI thread sharing
the interpreter with a training thread waited up to a whole switch interval at every GIL
hand-over, so its event loop stalled for 40-130 ms while a run was on. A child process has its own
interpreter; the parent only receives what the run reports.

The parent builds a `TrainingJob` (the network as `Network.snapshot()` plain data, the trainer's
keyword arguments and the data as numpy arrays) and a `BackgroundRun` for it, then iterates
`BackgroundRun.messages()`: records in bunches at most 20 times a second, parameter snapshots at
most 10 times a second, and last a `RunResult`, also when the child fails or dies (the result's
`error` says why), so a consumer never waits forever. `pause`, `resume` (optionally with new
parameters, which restart the trainer from them for the remaining epochs), `stop` and the
`batches_done` counter work from any thread of the parent through shared multiprocessing flags
that the child checks after every batch, so Stop takes effect within one batch.

Start method: "forkserver" where the platform has it, with the engine preloaded in the server so
a run starts in tens of milliseconds (forking the app itself is unsafe: it runs Qt threads);
"spawn" elsewhere (Windows). Children run at a lower priority than the UI (CHILD_NICENESS), are
daemons, and also exit when the parent process dies.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Callable, Iterator

import numpy as np

from rnnstudio.model import Network

from .api import run as run_network
from .losses import loss_and_grad
from .trainer import Trainer

PARAMS_INTERVAL_S = 0.1  # at most 10 parameter snapshots per second go to the parent
RECORDS_INTERVAL_S = 0.05  # records go out in bunches, at most 20 times a second
STOP_TIMEOUT_S = 3.0  # shutdown(): how long a stopped child may take before it is terminated
JOIN_TIMEOUT_S = 2.0  # after its result, how long the child may take to exit
PARAMS_TIMEOUT_S = 30.0  # the child's wait for parameters the parent announced on resume
PAUSE_POLL_S = 0.02  # a paused child looks at its flags this often
# imported once by the fork server: the engine, and a warm-up that every run then inherits
PRELOAD = ["rnnstudio.engine.background", "rnnstudio.engine.prewarm"]
# the engine's default of one BLAS thread (DESIGN.md), for the children: threadpoolctl may be
# missing, and the limit must be in the environment before numpy loads
CHILD_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
RECORDS, PARAMS, RESULT = "records", "params", "result"  # the kinds of messages
PARENT_GONE_EXIT = 70  # the child's exit code when its parent died
# The child runs at a lower priority, so that the UI wins the CPU whenever the cores are busy:
# at the same priority, on 2 cores with other work running, the UI stalled for up to 250 ms
CHILD_NICENESS = 10


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


@dataclass
class TrainingJob:
    """Everything the child needs, as plain picklable data."""

    network: dict[str, Any]          # Network.snapshot()
    trainer: dict[str, Any]          # keyword arguments of rs.Trainer (validation is ours)
    epochs: int
    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray | None = None
    Y_val: np.ndarray | None = None

    @classmethod
    def of(cls, net: Network, trainer: dict[str, Any], epochs: int, X_train, Y_train,
           X_val=None, Y_val=None) -> "TrainingJob":
        """A job for a copy of `net` as it is now."""
        return cls(net.snapshot(), dict(trainer), int(epochs), X_train, Y_train, X_val, Y_val)


@dataclass
class Controls:
    """Flags and counters shared by the parent and the child of one run.

    They are plain shared memory with no lock (`RawValue`), each written by one side only: a
    lock the two processes share stays taken forever when the child is killed or frozen
    while it holds one (multiprocessing's Event and Value take one at every look), and the
    parent's Stop then waited for it for good (seen as a hung test: SIGSTOP sent to the child
    while it read its stop flag)."""

    stop: Any       # RawValue 0/1, written by the parent: the run is asked to stop
    running: Any    # RawValue 0/1, written by the parent: 0 while paused
    batches: Any    # RawValue: optimizer batches done (written by the child only)
    resumes: Any    # RawValue: parameter sets the parent has put on `params`
    params: Any     # Queue: parameters to restart from (resume with hand edits)

    @classmethod
    def create(cls, ctx) -> "Controls":
        params = ctx.Queue()
        params.cancel_join_thread()  # parameters the child never took must not block an exit
        return cls(ctx.RawValue("b", 0), ctx.RawValue("b", 1), ctx.RawValue("q", 0),
                   ctx.RawValue("q", 0), params)


@functools.cache
def context():
    """The multiprocessing context for runs: forkserver with the engine preloaded, or spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def warm_up() -> None:
    """Start the fork server now, so that the first run starts as fast as the next ones (the
    server imports numpy and the engine and warms them up once; every run is then a fork of
    it). Nothing to do with spawn."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver
        try:
            with child_environment():
                forkserver.ensure_running()
        except OSError:
            pass  # no process now: the first run tries again and reports why it cannot start


_environment_lock = threading.Lock()


@contextlib.contextmanager
def child_environment() -> Iterator[None]:
    """CHILD_ENVIRONMENT in os.environ while a child (or the fork server) is started, so it
    inherits them; a value the user set wins, and the parent's environment is put back."""
    with _environment_lock:
        added = [key for key in CHILD_ENVIRONMENT if key not in os.environ]
        for key in added:
            os.environ[key] = CHILD_ENVIRONMENT[key]
        try:
            yield
        finally:
            for key in added:
                os.environ.pop(key, None)


# ---------------------------------------------------------------------- the parent's side
class BackgroundRun:
    """The parent's handle on one training run in a child process.

    One thread iterates `messages()` (it starts the child); any thread may call `pause`,
    `resume`, `stop`, `shutdown` and read `paused` and `batches_done`.
    """

    def __init__(self, job: TrainingJob):
        self._ctx = context()
        self._job: TrainingJob | None = job
        self.controls = Controls.create(self._ctx)
        self._process = None
        self._conn = None
        self._epochs_seen = 0
        self._resume_lock = threading.Lock()  # the parent's threads add to `resumes` in turn

    # ------------------------------------------------------------------ controls
    def pause(self) -> None:
        self.controls.running.value = 0

    def resume(self, params: dict | None = None) -> None:
        """Continue; `params` (if given) restart the trainer from them first."""
        c = self.controls
        if params is not None:
            c.params.put(copy.deepcopy(params))
            with self._resume_lock:
                c.resumes.value += 1
        c.running.value = 1

    def stop(self) -> None:
        self.controls.stop.value = 1
        self.controls.running.value = 1

    def shutdown(self, timeout: float = STOP_TIMEOUT_S) -> bool:
        """Stop, and terminate the child if it has not ended within `timeout` seconds (then
        kill it if it ignores that too). True when the child has ended (or never started)."""
        self.stop()
        process = self._process
        if process is None:
            return True
        if wait([process.sentinel], timeout):
            return True
        process.terminate()
        if wait([process.sentinel], timeout):
            return True
        process.kill()
        return bool(wait([process.sentinel], timeout))

    @property
    def paused(self) -> bool:
        return not self.controls.running.value

    @property
    def batches_done(self) -> int:
        """Optimizer batches the child has finished, exact and current."""
        return int(self.controls.batches.value)

    @property
    def pid(self) -> int | None:
        """The child's process id (None before it started)."""
        process = self._process
        return None if process is None else process.pid

    # ------------------------------------------------------------------ the run
    def start(self) -> None:
        """Start the child (once); OSError and the like when that is impossible."""
        if self._process is not None:
            raise RuntimeError("this run has already started")
        receiver, sender = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(target=child_main, args=(self._job, self.controls, sender),
                                    name="rnnstudio-training", daemon=True)
        try:
            with child_environment():
                process.start()
        except BaseException:
            receiver.close()
            raise
        finally:
            sender.close()  # the child holds its own end: end of file here means it ended
        self._job = None  # the child has its copy
        self._process, self._conn = process, receiver

    def messages(self) -> Iterator[tuple[str, Any]]:
        """Start the child if needed, then yield (RECORDS, [record, ...]), (PARAMS, params) as
        they arrive and last (RESULT, RunResult). Waiting releases the GIL. A child that cannot
        start, fails or dies still ends the iteration with a result whose `error` says why."""
        if self._process is None:
            try:
                self.start()
            except Exception as exc:  # noqa: BLE001 - reported as the run's result
                yield RESULT, RunResult(error="the training process could not start: "
                                              f"{type(exc).__name__}: {exc}")
                return
        while True:
            message = self._receive()
            if message is None or message[0] == RESULT:
                exitcode = self._end()
                yield message or (RESULT, self._lost(exitcode))
                return
            if message[0] == RECORDS:
                self._epochs_seen += sum(1 for r in message[1] if r.get("batch") is None)
            yield message

    def _receive(self) -> tuple[str, Any] | None:
        """The child's next message, or None once it has ended without sending one."""
        conn = self._conn
        ready = wait([conn, self._process.sentinel])
        if conn in ready or conn.poll():
            try:
                return conn.recv()
            except (EOFError, OSError):
                return None  # the child died, maybe in the middle of a message
        return None

    def _end(self) -> int | None:
        """Wait for the child to exit (terminate it if it lingers); its exit code."""
        process = self._process
        process.join(JOIN_TIMEOUT_S)
        for end in (process.terminate, process.kill):
            if process.exitcode is None:
                end()
                process.join(JOIN_TIMEOUT_S)
        self._conn.close()
        return process.exitcode

    def _lost(self, exitcode: int | None) -> RunResult:
        """The result of a run whose child ended without reporting one."""
        if exitcode is not None and exitcode < 0:
            try:
                how = f"was killed by signal {signal.Signals(-exitcode).name}"
            except ValueError:
                how = f"was killed by signal {-exitcode}"
        elif exitcode is None:
            how = "stopped responding and could not be ended"
        else:
            how = f"exited with code {exitcode}"
        return RunResult(error=f"the training process {how} before it reported a result",
                         epochs_done=self._epochs_seen, stopped=bool(self.controls.stop.value))


# ---------------------------------------------------------------------- the child's side
def child_main(job: TrainingJob, controls: Controls, conn) -> None:
    """The child process's entry point: train, reporting over `conn`, then send the result."""
    _exit_with_parent()
    if hasattr(os, "nice"):  # POSIX
        os.nice(CHILD_NICENESS)
    try:
        result = ChildTraining(job, controls, conn.send).run()
        conn.send((RESULT, result))
    except OSError:
        pass  # the parent is gone (broken pipe): there is no one to report to
    finally:
        conn.close()


def _exit_with_parent() -> None:
    """Exit as soon as the parent process dies, even in the middle of a batch or a pause
    (daemon children are only ended by a parent that exits normally)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(PARENT_GONE_EXIT)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _copy_record(record: dict) -> dict[str, Any]:
    """A copy of an engine record with its arrays copied (the engine may reuse buffers, and
    records wait in the outbox until their bunch is sent)."""
    return {k: (np.array(v) if isinstance(v, np.ndarray) else copy.copy(v))
            for k, v in record.items()}


class ChildTraining:
    """The child's side of a run: fits a copy of the job's network and reports through `send`
    (records, throttled parameter snapshots), obeying the parent's controls between batches."""

    def __init__(self, job: TrainingJob, controls: Controls,
                 send: Callable[[tuple[str, Any]], None]):
        self._job, self._controls, self._send = job, controls, send
        self._net: Network | None = None
        self._eval_net: Network | None = None  # validation loss is computed on this copy
        self._trainer: Trainer | None = None
        self._restart = False
        self._pending_params: dict | None = None
        self._resumes_taken = 0
        self._outbox: list[dict] = []
        self._last_records_time = 0.0
        self._last_params_time = 0.0
        self._epochs_done = 0

    def run(self) -> RunResult:
        started = time.perf_counter()
        result = RunResult()
        try:
            self._net = Network()
            self._net.restore(self._job.network)
            self._eval_net = self._net.copy()
            self._fit_all(result)
            result.outputs = self._validation_outputs()
        except Exception as exc:  # noqa: BLE001 - reported to the parent, never raised there
            result.error = f"{type(exc).__name__}: {exc}"
        result.params = self._net.get_params() if result.error is None else None
        result.epochs_done = self._epochs_done
        result.stopped = bool(self._controls.stop.value)
        result.seconds = time.perf_counter() - started
        self._maybe_send_records(force=True)
        return result

    def _fit_all(self, result: RunResult) -> None:
        """Fit until the epochs are done or the run stops; parameters edited by hand during a
        pause restart the trainer from them for the remaining epochs."""
        epochs, stop = self._job.epochs, self._controls.stop
        while self._epochs_done < epochs and not stop.value:
            self._restart = False
            reason = self._fit_once(epochs - self._epochs_done)
            if self._restart:
                self._apply_pending_params()
                continue
            if reason and not stop.value and not reason.startswith("stopped by"):
                result.diverged = reason
            break

    def _fit_once(self, epochs: int) -> str | None:
        """One Trainer.fit on the child's copy (written back at the end); its stop reason."""
        job = self._job
        self._trainer = Trainer(self._net, validation=0.0, **job.trainer)
        if self._controls.stop.value:
            return None
        history = self._trainer.fit(job.X_train, job.Y_train, epochs=epochs,
                                    callback=self._on_record, write_back=True)
        return history.get("stopped_reason") if isinstance(history, dict) else None

    def _on_record(self, record: Any) -> bool:
        """The engine's callback after every batch and epoch: count, report, pause, stop."""
        c = self._controls
        rec = _copy_record(record)
        if rec.get("batch") is None:
            self._epochs_done += 1
            rec["epoch"] = self._epochs_done - 1
            rec["val_loss"] = self._validation_loss()
        else:
            c.batches.value += 1  # the only writer
            rec["epoch"] = self._epochs_done
        self._outbox.append(rec)
        self._maybe_send_records()
        self._maybe_send_params()
        self._wait_while_paused()
        self._take_new_params()
        return not (c.stop.value or self._restart)

    def _validation_loss(self) -> float | None:
        job = self._job
        if job.X_val is None:
            return None
        self._eval_net.set_params(self._trainer.params())
        out = run_network(self._eval_net, job.X_val)
        return float(loss_and_grad(self._trainer.loss, out, job.Y_val)[0])

    def _maybe_send_records(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self._outbox and (force or now - self._last_records_time >= RECORDS_INTERVAL_S):
            self._last_records_time = now
            records, self._outbox = self._outbox, []
            self._send((RECORDS, records))

    def _maybe_send_params(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._last_params_time >= PARAMS_INTERVAL_S:
            self._last_params_time = now
            self._send((PARAMS, self._trainer.params()))

    def _wait_while_paused(self) -> None:
        running = self._controls.running
        if running.value:
            return
        self._maybe_send_records(force=True)
        self._maybe_send_params(force=True)
        while not running.value:  # stop() sets it too; the parent's death ends this process
            time.sleep(PAUSE_POLL_S)

    def _take_new_params(self) -> None:
        """Take the parameters the parent sent with a resume (the latest wins); the trainer
        then restarts from them."""
        c = self._controls
        while self._resumes_taken < c.resumes.value:
            try:
                self._pending_params = c.params.get(timeout=PARAMS_TIMEOUT_S)
            except queue.Empty:
                raise RuntimeError("the weights sent with Resume did not reach the training "
                                   f"process within {PARAMS_TIMEOUT_S:.0f} s") from None
            self._resumes_taken += 1
        self._restart = self._pending_params is not None

    def _apply_pending_params(self) -> None:
        params, self._pending_params = self._pending_params, None
        if params is not None:
            self._net.set_params(params)

    def _validation_outputs(self) -> dict[str, Any] | None:
        job = self._job
        X, Y = (job.X_val, job.Y_val) if job.X_val is not None else (job.X_train, job.Y_train)
        if X is None or Y.shape[-1] == 0:
            return None
        n = min(X.shape[1], 64)
        out = np.asarray(run_network(self._net, X[:, :n]))
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
