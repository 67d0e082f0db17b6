"""Canvas speed: open a large network, repaint the full view, drag a node.

    python benchmarks/canvas.py [--nodes 2000] [--edges 20000]

Targets (issue 4): open < 2 s; full-view repaint < 50 ms; a drag move < 16 ms.
Runs offscreen; prints one line per figure.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import rnnstudio as rs  # noqa: E402


def layered_network(n_nodes: int, n_edges: int, seed: int = 0, column: int = 50) -> rs.Network:
    """A deep recurrent net as people draw one: columns of neurons, edges mostly to the next
    column, some within a column (recurrent) and some back to the previous one."""
    rng = random.Random(seed)
    net = rs.Network("bench-layered")
    cols = [list(range(c, min(c + column, n_nodes))) for c in range(0, n_nodes, column)]
    with net.batch():
        for ci, col in enumerate(cols):
            kind = "input" if ci == 0 else "output" if ci == len(cols) - 1 else "neuron"
            for r, i in enumerate(col):
                net.add_node(f"n{i}", kind, x=ci * 130.0, y=r * 60.0)
        added = 0
        while added < n_edges:
            ci = rng.randrange(len(cols) - 1)
            step = rng.choices((1, 0, -1), (6, 3, 1))[0]
            cj = min(max(ci + step, 1), len(cols) - 1)
            u = rng.choice(cols[ci])
            v = rng.choice(cols[cj][max(0, u % column - 8):u % column + 9] or cols[cj])
            if not net.has_edge(f"n{u}", f"n{v}"):
                net.add_edge(f"n{u}", f"n{v}", weight=rng.uniform(-2, 2))
                added += 1
    return net


def random_network(n_nodes: int, n_edges: int, seed: int = 0) -> rs.Network:
    """Worst case: nodes scattered on a wide canvas, edges between random pairs (long lines
    crossing the whole picture, some backward, some self-loops)."""
    rng = random.Random(seed)
    net = rs.Network("bench")
    n_io = max(1, n_nodes // 100)
    ids = []
    with net.batch():
        for i in range(n_nodes):
            kind = "input" if i < n_io else "output" if i >= n_nodes - n_io else "neuron"
            ids.append(net.add_node(f"n{i}", kind, x=rng.uniform(0, 6000), y=rng.uniform(0, 4000)))
        targets = ids[n_io:]
        added = 0
        while added < n_edges:
            u, v = rng.choice(ids), rng.choice(targets)
            if not net.has_edge(u, v):
                net.add_edge(u, v, weight=rng.uniform(-2, 2))
                added += 1
    return net


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_open(app, net):
    from rnnstudio.ui.main_window import MainWindow
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    t0 = time.perf_counter()
    window.doc.new(net)
    window.view.fit()
    window.view.viewport().repaint()
    app.processEvents()
    return window, time.perf_counter() - t0


def bench_open_canvas_only(app, net):
    """The editor's own part of opening: scene, view and ordering strip, first full paint
    (without the panels other issues add to the window)."""
    from rnnstudio.ui.canvas.scene import NetworkScene
    from rnnstudio.ui.canvas.view import NetworkView
    from rnnstudio.ui.ordering_strip import OrderingStripWidget
    scene = NetworkScene(rs.Network())
    view = NetworkView(scene)
    view.resize(1100, 600)
    view.show()
    strip = OrderingStripWidget()
    strip.set_network(rs.Network())
    app.processEvents()
    t0 = time.perf_counter()
    scene.set_network(net)
    strip.set_network(net)
    view.fit()
    view.viewport().repaint()
    app.processEvents()
    seconds = time.perf_counter() - t0
    view.close()
    scene.set_network(rs.Network())
    return seconds


def bench_repaint(app, window, rounds: int = 5):
    vp = window.view.viewport()
    warm, cold = [], []
    for k in range(rounds):
        t0 = time.perf_counter()
        vp.repaint()
        warm.append(time.perf_counter() - t0)
        window.view.scale(1.001 if k % 2 else 1 / 1.001, 1.0)  # invalidates the item caches
        t0 = time.perf_counter()
        vp.repaint()
        cold.append(time.perf_counter() - t0)
    return statistics.median(warm), statistics.median(cold)


def bench_drag(app, window, node: str, moves: int = 30):
    view, net = window.view, window.doc.net
    view.resetTransform()
    a = net.graph.nodes[node]
    view.centerOn(a["x"], a["y"])
    app.processEvents()
    vp = view.viewport()
    start = view.mapFromScene(QPointF(a["x"], a["y"]))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    times = []
    for k in range(1, moves + 1):
        t0 = time.perf_counter()
        QTest.mouseMove(vp, start + QPoint(4 * k, 2 * k))
        app.processEvents()
        vp.repaint()
        times.append(time.perf_counter() - t0)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(4 * moves, 2 * moves))
    return statistics.median(times), max(times), window.doc.stack.count()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nodes", type=int, default=2000)
    p.add_argument("--edges", type=int, default=20000)
    p.add_argument("--random", action="store_true",
                   help="the worst case: random long edges across the canvas")
    args = p.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    t0 = time.perf_counter()
    build = random_network if args.random else layered_network
    net = build(args.nodes, args.edges)
    print(f"{build.__name__}: model built ({args.nodes} nodes, {args.edges} edges, "
          f"{len(net.backward_edges())} delayed): {_ms(time.perf_counter() - t0)}")
    t_canvas = bench_open_canvas_only(app, net)
    print(f"open, canvas only (scene + strip + first full paint): {_ms(t_canvas)}"
          "   target < 2000 ms")
    window, t_open = bench_open(app, net)
    print(f"open, whole main window (canvas and every dock): {_ms(t_open)}")
    warm, cold = bench_repaint(app, window)
    print(f"full-view repaint, warm caches: {_ms(warm)}   after a zoom (cold): {_ms(cold)}"
          "   target < 50 ms")
    busiest = max(net.graph.nodes, key=lambda n: net.graph.degree(n))
    med, worst, steps = bench_drag(app, window, busiest)
    print(f"drag node {busiest} (degree {net.graph.degree(busiest)}): median {_ms(med)}, "
          f"worst {_ms(worst)} per move   target < 16 ms   (undo steps: {steps})")
    window.doc.stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
