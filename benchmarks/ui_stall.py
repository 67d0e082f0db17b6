"""The UI's worst event-loop stall while the training dock trains the Elman example.

A 5 ms QTimer probe runs on the UI thread of the real main window (offscreen) while the training
dock trains `examples/elman-sine.rnn.json` in its training process (a child process; a worker
thread relays its messages); the canvas receives the weights at <= 10 Hz and the plots redraw at
10 Hz. A stall is the time between two probe ticks beyond the 5 ms interval. Goal: worst < 50 ms.

    python benchmarks/ui_stall.py [--epochs N] [--example PATH] [--timeout S]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

PROBE_MS = 5
GOAL_MS = 50.0


class StallProbe:
    """Records the gaps between ticks of a fast timer on the UI thread."""

    def __init__(self, interval_ms: int = PROBE_MS):
        # Qt is imported here, not at the top: the training process (forkserver or spawn)
        # imports this script again as its __main__, and has no use for Qt
        from PySide6.QtCore import QElapsedTimer, QTimer
        self.interval = interval_ms
        self.gaps: list[float] = []
        self.times: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_tick)

    def start(self) -> None:
        self.gaps.clear()
        self.times.clear()
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_tick(self) -> None:
        self.gaps.append(self._clock.nsecsElapsed() / 1e6)
        self.times.append(time.perf_counter())
        self._clock.restart()

    def stalls(self, until: float | None = None, since: float | None = None) -> np.ndarray:
        """Stalls of the ticks that came before `until` / after `since` (perf_counter)."""
        gaps, times = np.asarray(self.gaps[1:]), np.asarray(self.times[1:])
        keep = np.ones(len(gaps), bool)
        if until is not None:
            keep &= times <= until
        if since is not None:
            keep &= times > since
        return np.maximum(gaps[keep] - self.interval, 0.0)


def run_until(app, done, timeout_s: float) -> None:
    end = time.perf_counter() + timeout_s
    while not done() and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.0005)


def measure(args) -> dict:
    from rnnstudio.ui.app import create_app
    app = create_app()
    from rnnstudio.ui.main_window import MainWindow
    window = MainWindow()
    window.files.open_example(Path(args.example))
    dock = window.training  # installed by the main window
    window.show()
    dock.raise_()  # in front of its tab group: the plots are drawn while it trains
    dock.settings_form.epochs.setValue(args.epochs)
    run_until(app, lambda: False, 0.5)  # settle: first paint, layout
    probe = StallProbe()
    probe.start()
    run_until(app, lambda: False, 1.0)
    idle = probe.stalls()
    probe.start()
    started = time.perf_counter()
    ended = []  # when the worker's result arrived: what follows is the end of the run
    results = []
    dock.controller.run_finished.connect(results.append)
    assert dock.train(), dock.status_label.text()
    run_until(app, lambda: dock.controller.worker is not None, args.timeout)  # data built
    dock.controller.worker.finished.connect(lambda *_: ended.append(time.perf_counter()))
    run_until(app, lambda: not dock.controller.active, args.timeout)
    run_until(app, lambda: False, 0.3)  # the end of the run: final weights, step-through
    seconds = time.perf_counter() - started
    probe.stop()
    end = ended[0] if ended else None
    training = probe.stalls(until=end)
    after = probe.stalls(since=end)
    window.doc.stack.setClean()
    window.close()
    return {"idle": idle, "training": training, "end of run": after, "seconds": seconds,
            "epochs": dock.history.n_epochs, "steps": len(dock.history.steps),
            "error": results[0].error if results else "no result within the timeout"}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=150)
    p.add_argument("--example", default=str(ROOT / "examples" / "elman-sine.rnn.json"))
    p.add_argument("--timeout", type=float, default=300.0)
    args = p.parse_args(argv)
    r = measure(args)
    for name in ("idle", "training", "end of run"):
        s = r[name]
        if not len(s):
            continue
        p50, p90, p99, p999 = np.percentile(s, [50, 90, 99, 99.9])
        print(f"{name:10s} ticks {len(s):6d}  worst stall {s.max():6.1f} ms  p99.9 {p999:5.1f}  "
              f"p99 {p99:5.1f}  p90 {p90:4.1f}  median {p50:4.1f} ms")
    print(f"trained {r['epochs']} epochs ({r['steps']} steps) in {r['seconds']:.1f} s")
    if r["error"]:
        print(f"the run failed: {r['error']}")
        return 2
    worst = float(r["training"].max())
    print(f"worst stall while training: {worst:.1f} ms "
          f"({'under' if worst < GOAL_MS else 'OVER'} the {GOAL_MS:.0f} ms goal)")
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
