"""Step-through speed: how long one step takes to redraw with 1,000 neurons on the canvas.

    python benchmarks/player.py [--nodes 1000] [--edges 10000] [--steps 60]

A step recolours the node items (never rebuilds them), moves the plots' cursors, recolours the
unrolled view's changed columns and the table's row. The figure is the wall time from `step()`
until the event loop has repainted every widget that changed (canvas, unrolled view, plots,
table), per step, as a user sees it. Goal (issue 5): < 16 ms.
Also: the re-run after a weight edit (the Simulator over the whole sequence) and a seek.
Runs offscreen; prints one line per figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from PySide6.QtWidgets import QApplication  # noqa: E402

from canvas import layered_network  # noqa: E402

GOAL_MS = 16.0


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--edges", type=int, default=10000)
    ap.add_argument("--steps", type=int, default=60)
    args = ap.parse_args()

    app = QApplication.instance() or QApplication([])
    from rnnstudio.ui.main_window import MainWindow
    from rnnstudio.ui.player.sequence_dock import SOURCE_TABLE

    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    net = layered_network(args.nodes, args.edges)
    t0 = time.perf_counter()
    window.doc.new(net)
    app.processEvents()
    window.view.fit()
    app.processEvents()
    dock, player = window.player.sequence, window.player.controller
    dock.source.setCurrentText(SOURCE_TABLE)
    dock.length.setValue(args.steps + 5)
    app.processEvents()
    load_ms = (time.perf_counter() - t0) * 1e3
    n_neurons = sum(1 for n in net.graph.nodes if net.graph.nodes[n]["kind"] != "input")
    print(f"network: {net.graph.number_of_nodes()} nodes ({n_neurons} computed per step), "
          f"{net.graph.number_of_edges()} edges; open + first run {load_ms:.0f} ms")

    def frame(action) -> float:
        """ms from the action to the end of the repaint it causes (one event-loop pass)."""
        t0 = time.perf_counter()
        action()
        app.processEvents()
        return (time.perf_counter() - t0) * 1e3

    times = [frame(player.step) for _ in range(args.steps)]
    steady = times[1:]
    med, p95, worst = statistics.median(steady), percentile(steady, 0.95), max(steady)
    print(f"step + repaint of every widget: median {med:.1f} ms, p95 {p95:.1f} ms, worst {worst:.1f} ms "
          f"(first {times[0]:.1f} ms); goal {GOAL_MS:.0f} ms: median/goal {med / GOAL_MS:.2f}x "
          f"-> {'met' if p95 < GOAL_MS else 'MISSED'}")

    viewport = window.view.viewport()
    times = []
    for _ in range(args.steps):  # back along the sequence, then forward again
        t0 = time.perf_counter()
        player.back() if player.t > 1 else player.seek(args.steps - 1)
        viewport.repaint()  # the canvas alone, synchronously
        times.append((time.perf_counter() - t0) * 1e3)
        app.processEvents()  # the other widgets, not timed here
    med = statistics.median(times)
    print(f"step + canvas repaint only: median {med:.1f} ms, p95 {percentile(times, 0.95):.1f} ms"
          f"; goal {GOAL_MS:.0f} ms: {med / GOAL_MS:.2f}x")

    times = [frame(lambda t=t: player.seek(args.steps - 1 - t)) for t in range(0, args.steps, 3)]
    print(f"seek (slider jump) + repaint: median {statistics.median(times):.1f} ms, "
          f"worst {max(times):.1f} ms")

    times = []
    for _ in range(5):
        frame(player.micro_step)
        times.append(frame(player.micro_step))
    print(f"micro-step (reads drawn) + repaint: median {statistics.median(times):.1f} ms")

    edge = next(iter(net.graph.edges))
    times = [frame(lambda k=k: net.set_edge_attrs(*edge, weight=0.1 * (k + 1)))
             for k in range(5)]  # the player re-runs on its coalescing timer in the same pass
    print(f"weight edit -> re-run of {args.steps + 5} steps + repaint: "
          f"median {statistics.median(times):.1f} ms")
    window.doc.stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
