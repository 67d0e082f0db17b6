"""Canvas speed: open a large network, repaint the full view, drag a node; open an LSTM of
1,000 cells collapsed and pan it.

    python benchmarks/canvas.py [--nodes 2000] [--edges 20000] [--lstm-cells 1000]
    python benchmarks/canvas.py --edits [--nodes 5000] [--edges 50000] [--scale 4]

Targets (issue 4, issue 10): open < 2 s; full-view repaint < 50 ms; a drag move < 16 ms;
the collapsed LSTM opens < 1 s and pans at < 16 ms a frame.
--edits (issue 14, see edit_bench.py): at 5,000 nodes / 50,000 edges load and save < 1 s, open
in the window < 2 s, an edit, undo or redo < 100 ms, select-all and paste of every node
< 300 ms, the recovery write holds the UI < 50 ms; edits and a paste's undo started while a
recovery write runs are timed too (same goals); `--scale 4` repeats it at 4x the size and
prints the growth of each figure (linear: 4x).
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
sys.path.insert(1, str(Path(__file__).resolve().parent))

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
    first = time.perf_counter() - t0
    while window.scene.drawing() or window.scene.routing():  # a big network's edges, in slices
        app.processEvents()
    window.view.viewport().repaint()
    return window, first, time.perf_counter() - t0


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
    scene.route_now()  # everything drawn (a big network's edges otherwise come in slices)
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


LSTM_ROWS = {"i": (1, -1.5), "g": (1, -0.5), "f": (1, 0.5), "o": (1, 1.5), "ig": (2, -0.5),
             "fc": (2, 0.5), "c": (3, 0.0), "tc": (4, 0.0), "h": (5, 0.0)}
LSTM_GROUPS = {"i": "input gate i", "f": "forget gate f", "g": "candidate g",
               "o": "output gate o", "ig": "i · g", "fc": "f · c(t-1)", "c": "cell c",
               "tc": "tanh(c)", "h": "hidden h"}
LSTM_WIRING = (("i", "ig", 0), ("g", "ig", 0), ("f", "fc", 0), ("c", "fc", 1), ("ig", "c", 0),
               ("fc", "c", 0), ("c", "tc", 0), ("o", "h", 0), ("tc", "h", 0))


def _lstm_attrs(p: str) -> dict:
    if p in ("ig", "fc", "h"):
        return {"aggregate": "product", "activation": "identity"}
    return {"activation": {"g": "tanh", "tc": "tanh", "c": "identity"}.get(p, "sigmoid")}


def lstm_network(cells: int = 1000, n_in: int = 2, reach: int = 2) -> rs.Network:
    """An LSTM layer as the template builds it (9 neurons a cell, gate families as groups, all
    collapsed) whose gates read the inputs and the h of the cells within `reach` (the
    template's full recurrence would be 4 million edges at 1,000 cells)."""
    net = rs.Network(f"bench-lstm-{cells}")
    with net.batch():
        for k in range(n_in):
            net.add_input(f"x{k}", x=0.0, y=(k - (n_in - 1) / 2) * 70.0)
        for j in range(cells):
            yc = (j - (cells - 1) / 2) * 280.0
            for p, (col, r) in LSTM_ROWS.items():
                net.add_neuron(f"{p}{j}", x=col * 130.0, y=yc + r * 70.0, **_lstm_attrs(p))
        net.add_output("y0", x=6 * 130.0, y=0.0)
        for j in range(cells):
            for gate in "ifgo":
                for k in range(n_in):
                    net.add_edge(f"x{k}", f"{gate}{j}", weight=0.1)
                for m in range(max(0, j - reach), min(cells, j + reach + 1)):
                    net.add_edge(f"h{m}", f"{gate}{j}", weight=0.05, delay=1)
            for u, v, d in LSTM_WIRING:
                net.add_edge(f"{u}{j}", f"{v}{j}", weight=1.0, delay=d)
            net.add_edge(f"h{j}", "y0", weight=0.01)
        net.add_group("inputs", [f"x{k}" for k in range(n_in)], label="inputs x",
                      collapsed=True)
        for p, label in LSTM_GROUPS.items():
            net.add_group(p, [f"{p}{j}" for j in range(cells)], label=label, collapsed=True)
        net.add_group("outputs", ["y0"], label="outputs y", collapsed=True)
    return net


def bench_pan(app, view, frames: int = 40):
    """Pan by 25 px a frame (right, then down), repainting each frame: median, worst."""
    h, v = view.horizontalScrollBar(), view.verticalScrollBar()
    times = []
    for k in range(frames):
        bar = h if k < frames // 2 else v
        t0 = time.perf_counter()
        bar.setValue(bar.value() + 25)
        view.viewport().repaint()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), max(times)


def bench_lstm(app, cells: int) -> None:
    from rnnstudio.ui.canvas.scene import NetworkScene
    from rnnstudio.ui.canvas.view import NetworkView
    t0 = time.perf_counter()
    net = lstm_network(cells)
    net.ordering()
    print(f"LSTM of {cells} cells: {len(net)} nodes, {net.graph.number_of_edges()} edges, "
          f"11 groups collapsed; model built and ordered: {_ms(time.perf_counter() - t0)}")
    scene = NetworkScene(rs.Network())
    view = NetworkView(scene)
    view.resize(1100, 600)
    view.show()
    app.processEvents()
    t0 = time.perf_counter()
    scene.set_network(net)
    scene.route_now()  # everything drawn (a big network's edges otherwise come in slices)
    view.fit()
    view.viewport().repaint()
    app.processEvents()
    print(f"open collapsed, canvas (scene + first full paint): "
          f"{_ms(time.perf_counter() - t0)}   target < 1000 ms")
    med, worst = bench_pan(app, view)
    print(f"pan, fit to view: median {_ms(med)}, worst {_ms(worst)} a frame   target < 16 ms")
    view.resetTransform()
    view.centerOn(scene.groups.blocks["c"])
    med, worst = bench_pan(app, view)
    print(f"pan, 1:1: median {_ms(med)}, worst {_ms(worst)} a frame   target < 16 ms")
    t0 = time.perf_counter()
    net.set_group_collapsed("c", False)
    scene.flush()
    view.viewport().repaint()
    print(f"expand the {cells} cells c (a block to {cells} nodes, their edges bundled per "
          f"node): {_ms(time.perf_counter() - t0)}")
    med, worst = bench_pan(app, view)
    print(f"pan, 1:1, one family expanded: median {_ms(med)}, worst {_ms(worst)} a frame")
    view.close()
    scene.set_network(rs.Network())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nodes", type=int, default=2000)
    p.add_argument("--edges", type=int, default=20000)
    p.add_argument("--random", action="store_true",
                   help="the worst case: random long edges across the canvas")
    p.add_argument("--lstm-cells", type=int, default=1000,
                   help="cells of the collapsed LSTM opened and panned (0: skip)")
    p.add_argument("--edits", action="store_true",
                   help="issue 14's figures instead: files, open, edits, select, paste, autosave")
    p.add_argument("--scale", type=float, default=0,
                   help="with --edits: also measure at this many times the size")
    args = p.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    if args.edits:
        return main_edits(app, args)
    if args.lstm_cells:
        bench_lstm(app, args.lstm_cells)
    t0 = time.perf_counter()
    build = random_network if args.random else layered_network
    net = build(args.nodes, args.edges)
    print(f"{build.__name__}: model built ({args.nodes} nodes, {args.edges} edges, "
          f"{len(net.backward_edges())} delayed): {_ms(time.perf_counter() - t0)}")
    t_canvas = bench_open_canvas_only(app, net)
    print(f"open, canvas only (scene + strip + first full paint): {_ms(t_canvas)}"
          "   target < 2000 ms")
    window, t_open, t_drawn = bench_open(app, net)
    print(f"open, whole main window (canvas and every dock): first paint {_ms(t_open)}, "
          f"canvas complete {_ms(t_drawn)}")
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


def main_edits(app, args) -> int:
    import edit_bench
    from rnnstudio.ui.main_window import MainWindow
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    sizes = [(args.nodes, args.edges)]
    if args.scale:
        sizes.append((int(args.nodes * args.scale), int(args.edges * args.scale)))
    results = []
    for nodes, edges in sizes:
        net = layered_network(nodes, edges)
        results.append(edit_bench.run(app, window, net, f"layered_network({nodes}, {edges})"))
    if len(results) == 2:
        edit_bench.print_ratios(results[0], results[1], args.scale)
    window.doc.stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
