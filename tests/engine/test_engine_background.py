"""Training in a child process (rnnstudio.engine.background), headless: a run trains and reports,
Stop within one batch, pause and resume with new parameters, failures and deaths of the child
end the run with an error, shutdown ends a child that does not answer, and the child runs at a
lower priority and dies with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rnnstudio import tasks, templates
from rnnstudio.engine.background import (CHILD_NICENESS, PARAMS, RECORDS, RESULT,
                                         BackgroundRun, RunResult, TrainingJob)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 20.0  # generous: the runs here take a fraction of a second
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def small_job(epochs: int = 3, **trainer) -> TrainingJob:
    """Elman 1-3-1 on 8 sine sequences of 12 steps: 6 to train on (batches of 2), 2 held out."""
    net = templates.elman(1, 3, 1, seed=0)
    X, Y = tasks.make_task("sine", n_seq=8, T=12)
    kwargs = dict(loss="mse", optimizer="adam", lr=0.05, batch_size=2, seed=0)
    kwargs.update(trainer)
    return TrainingJob.of(net, kwargs, epochs, X[:, :6], Y[:, :6], X[:, 6:], Y[:, 6:])


class Collector:
    """Iterates a run's messages in a thread (as the app's relay thread does), so that the test
    can control the run meanwhile."""

    def __init__(self, run: BackgroundRun):
        self.run = run
        self.messages: list[tuple[str, object]] = []
        self._thread = threading.Thread(target=self._collect, daemon=True)
        self._thread.start()

    def _collect(self) -> None:
        for message in self.run.messages():
            self.messages.append(message)

    def of(self, kind: str) -> list:
        return [payload for k, payload in list(self.messages) if k == kind]

    def result(self) -> RunResult:
        self._thread.join(TIMEOUT_S)
        assert not self._thread.is_alive(), "the run did not end"
        results = self.of(RESULT)
        assert len(results) == 1 and self.messages[-1][0] == RESULT
        return results[0]


def wait_until(condition, timeout: float = TIMEOUT_S) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        assert time.perf_counter() < end, "timed out"
        time.sleep(0.005)


def test_a_short_run_trains_and_reports_one_epoch_record_per_epoch():
    job = small_job(epochs=3)
    start = templates.elman(1, 3, 1, seed=0).get_params()
    run = BackgroundRun(job)
    collected = Collector(run)
    result = collected.result()
    assert result.error is None and result.diverged is None and not result.stopped
    assert result.epochs_done == 3 and result.params is not None
    assert result.params["weights"].keys() == start["weights"].keys()
    assert result.params != start
    records = [r for bunch in collected.of(RECORDS) for r in bunch]
    epochs = [r for r in records if r["batch"] is None]
    batches = [r for r in records if r["batch"] is not None]
    assert [r["epoch"] for r in epochs] == [0, 1, 2]
    assert all(np.isfinite(r["loss"]) and np.isfinite(r["val_loss"]) for r in epochs)
    assert len(batches) == 3 * 3 == run.batches_done  # 6 sequences in batches of 2
    assert all(len(r["grad_norm_through_time"]) == 12 for r in batches)
    assert collected.of(PARAMS)  # at least the first snapshot
    assert result.outputs["outputs"].shape == result.outputs["targets"].shape == (12, 2)


def test_stop_takes_effect_within_one_batch():
    run = BackgroundRun(small_job(epochs=100_000, batch_size=1, lr=0.001))
    collected = Collector(run)
    wait_until(lambda: run.batches_done >= 3)
    run.stop()
    at_stop = run.batches_done
    result = collected.result()
    assert result.stopped and result.error is None and result.diverged is None
    assert run.batches_done <= at_stop + 1
    assert result.params is not None and result.epochs_done < 100_000


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="POSIX priorities")
def test_the_child_runs_at_a_lower_priority_than_its_parent():
    run = BackgroundRun(small_job(epochs=100_000))
    collected = Collector(run)
    wait_until(lambda: run.batches_done >= 1)
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert os.getpriority(os.PRIO_PROCESS, run.pid) == min(mine + CHILD_NICENESS, 19)
    run.stop()
    assert collected.result().stopped


def test_pause_then_resume_with_new_parameters_trains_on_from_them():
    job = small_job(epochs=100_000, batch_size=1, lr=0.001)
    run = BackgroundRun(job)
    collected = Collector(run)
    wait_until(lambda: run.batches_done >= 2)
    run.pause()
    assert run.paused
    wait_until(lambda: _still(run, 0.2))
    edited = collected.of(PARAMS)[-1]  # the child sends its parameters when it pauses
    edge = sorted(edited["weights"])[0]
    edited["weights"][edge] = 5.0
    seen = run.batches_done
    run.resume(edited)
    assert not run.paused
    wait_until(lambda: run.batches_done >= seen + 3)
    run.stop()
    result = collected.result()
    assert result.error is None and result.stopped
    assert abs(result.params["weights"][edge] - 5.0) < 0.5  # a small learning rate


def _still(run: BackgroundRun, seconds: float) -> bool:
    """Whether no batch finished for `seconds` (the child is paused)."""
    before = run.batches_done
    time.sleep(seconds)
    return run.batches_done == before


def test_an_exception_in_the_child_is_the_runs_error():
    result = Collector(BackgroundRun(small_job(loss="hinge"))).result()
    assert result.error.startswith("ValueError: unknown loss 'hinge'")
    assert result.params is None and result.epochs_done == 0


@POSIX_ONLY
def test_a_child_that_dies_ends_the_run_with_an_error():
    run = BackgroundRun(small_job(epochs=100_000))
    collected = Collector(run)
    wait_until(lambda: run.batches_done >= 3)
    os.kill(run.pid, signal.SIGKILL)
    result = collected.result()
    assert result.error == ("the training process was killed by signal SIGKILL before it "
                            "reported a result")
    assert result.params is None


@POSIX_ONLY
def test_shutdown_ends_a_child_that_does_not_stop():
    run = BackgroundRun(small_job(epochs=100_000))
    collected = Collector(run)
    wait_until(lambda: run.batches_done >= 1)
    os.kill(run.pid, signal.SIGSTOP)  # frozen: it will never see the stop flag (nor SIGTERM)
    started = time.perf_counter()
    assert run.shutdown(timeout=0.3)
    assert time.perf_counter() - started < 3.0
    assert "killed by signal SIGKILL" in collected.result().error


def test_a_child_that_cannot_start_is_the_runs_error():
    job = small_job()
    job.trainer["callback"] = lambda record: True  # a lambda cannot be pickled to the child
    result = Collector(BackgroundRun(job)).result()
    assert result.error.startswith("the training process could not start: ")
    assert result.params is None


@POSIX_ONLY
def test_the_child_dies_with_its_parent():
    code = textwrap.dedent("""
        import time
        from rnnstudio.engine.background import BackgroundRun
        from tests.engine.test_engine_background import small_job
        run = BackgroundRun(small_job(epochs=100_000))
        messages = run.messages()
        next(messages)
        run.pause()  # a paused child sends nothing, so no broken pipe would tell it
        time.sleep(0.2)
        print(run.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        child = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait(TIMEOUT_S)
    wait_until(lambda: not _alive(child), timeout=5.0)


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its reaper does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def test_the_child_side_imports_no_qt():
    code = ("import sys, rnnstudio.engine.background, rnnstudio.engine.prewarm\n"
            "print([m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'pyqtgraph')])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert out.strip() == "[]"


def _shared_locks(controls) -> list:
    """Every lock behind the run's shared flags and counters (a multiprocessing Event has a
    condition's, a synchronized Value its own)."""
    locks = []
    for flag in (controls.stop, controls.running, controls.batches, controls.resumes):
        if hasattr(flag, "get_lock"):
            locks.append(flag.get_lock())
        if hasattr(flag, "_cond"):
            locks.append(flag._cond)
    return locks


def test_the_parents_controls_never_wait_for_a_lock_the_child_may_hold():
    """A child killed or frozen (SIGSTOP) while it held a shared lock never releases it: the
    parent's Stop waited for it for good (a hung test run). Here every shared lock is held
    (by this process, as a dead child would hold it) while the parent uses every control."""
    run = BackgroundRun(small_job(epochs=1))
    locks = _shared_locks(run.controls)
    held = [lock.acquire(timeout=1) for lock in locks]
    done = threading.Event()

    def use_every_control():
        run.pause()
        assert run.paused
        run.resume({"w": 1})
        run.stop()
        assert run.batches_done == 0 and not run.paused
        assert run.shutdown(timeout=0.1)  # never started: nothing to wait for
        done.set()
    user = threading.Thread(target=use_every_control, daemon=True)
    user.start()
    try:
        assert done.wait(5), "a control waited for a lock of the child's"
    finally:
        for lock, ok in zip(locks, held):
            if ok:
                lock.release()
        user.join(5)
