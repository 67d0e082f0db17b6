"""Big networks stay interactive (issue 14): load, save, open, edits and their undo/redo,
select-all, paste of every node, and the recovery write's UI stall, through the main window.

Used by `benchmarks/canvas.py --edits`; every figure is wall time until the window is idle
again (zero-timers run, the canvas repainted), the best of a few tries where it is repeated.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QObject, QPointF, QTimer

import rnnstudio as rs

STALL_WATCH_S = 1.5  # after an action, how long its deferred work is watched (at least)
STALL_WAIT_S = 8.0  # ... and at most, while the player's worker still runs
WRITE_LEAD_S = 0.03  # a recovery write started this long before an edit (bench_during_write)

GOALS = {"edit": 100, "open": 2000, "select": 300, "paste": 300, "stall": 50, "load": 1000,
         "save": 1000}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def settle(app, window) -> None:
    """Run what the last action queued (zero-timers: scene flush, strip, player) and paint."""
    for _ in range(4):
        app.processEvents()
    window.view.viewport().repaint()


def quiet(app, window, seconds: float = 2.0) -> None:
    """Let the deferred work of earlier steps (timers, the player's worker) finish."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)
    settle(app, window)


def idle(app, window) -> None:
    """`quiet`, and then until the player's worker is done too (at most STALL_WAIT_S)."""
    quiet(app, window)
    end = time.perf_counter() + STALL_WAIT_S
    while _busy(window) and time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)
    settle(app, window)


def timed(fn, tries: int = 1) -> float:
    best = float("inf")
    for _ in range(tries):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_files(net, folder: Path) -> dict:
    path = folder / "big.rnn.json"
    return {"save": timed(lambda: rs.save(net, path), 3),
            "load": timed(lambda: rs.load(path), 3), "path": path}


def bench_open(app, window, path: Path) -> tuple[float, float, float]:
    """(first paint, complete, worst stall) of opening the file: loaded, the canvas and the
    docks built and the window painted (a big network's nodes; the window answers); then its
    edges drawn a slice at a time, the ordering shown and the loops routed."""
    def open_it():
        window.files.open_path(path, ask=False)
        window.view.fit()
    return drawn_in_steps(app, window, open_it, routed=True)


def _edits(window, net) -> list[tuple[str, callable]]:
    """A spread of single edits on nodes in the middle of the network."""
    e, g = window.editor, net.graph
    nodes = [n for n in g if g.nodes[n]["kind"] == "neuron"]
    mid = nodes[len(nodes) // 2]
    busy = max(nodes[:200], key=g.degree)
    u, v = next((a, b) for a in nodes[10:] for b in nodes[60:] if not g.has_edge(a, b))
    w_edge = next(iter(g.out_edges(mid)))

    def delete():
        window.scene.select_nodes([busy])
        e.delete_selection()

    return [
        ("add neuron", lambda: e.add_node_at("neuron", QPointF(-300, -300))),
        ("add edge", lambda: e.add_edge(u, v)),
        ("set weight", lambda: e.set_edge_attrs([w_edge], weight=0.123)),
        ("set activation", lambda: e.set_node_attrs([mid], activation="relu")),
        ("set delay", lambda: e.set_edge_attrs([w_edge], delay=2)),
        ("move", lambda: e.set_node_attrs([mid], x=g.nodes[mid]["x"] + 40)),
        (f"delete node (degree {g.degree(busy)})", delete),
    ]


class StallWatch:
    """The UI thread's stalls while a 5 ms timer ticks: the largest gap between two ticks is
    the longest the UI could not answer (a click, a repaint)."""

    def __init__(self, app):
        self.app, self.gaps = app, []
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self.last = self.clock.elapsed()
        self.timer.start()

    def stop(self) -> float:
        """The worst gap in seconds since `start`."""
        self.timer.stop()
        return max(self.gaps + [self.clock.elapsed() - self.last]) / 1000


def _busy(window) -> bool:
    """The player's worker still runs (its result lands on the UI thread when it is in)."""
    player = getattr(window, "player", None)
    controller = getattr(player, "controller", None)
    return controller is not None and controller.rerun_due()


def stall_after(app, window) -> float:
    """The worst UI-thread stall in the STALL_WATCH_S after an action (which has run and been
    drawn): the deferred work it triggered (the ordering, the loops' routing, the player's
    re-run and the views it updates), watched until the player's worker is done too."""
    watch = StallWatch(app)
    watch.start()
    t0 = time.perf_counter()
    while True:
        app.processEvents()
        time.sleep(0.001)
        spent = time.perf_counter() - t0
        if spent > STALL_WAIT_S or (spent > STALL_WATCH_S and not _busy(window)):
            break
    app.processEvents()
    return watch.stop()


def bench_edits(app, window) -> list[tuple[str, float, float, float, float]]:
    """(edit, do, undo, redo, worst stall after any of them) seconds for each edit."""
    net, stack = window.doc.net, window.doc.stack
    out = []
    for name, do in _edits(window, net):
        settle(app, window)
        stall_after(app, window)  # what the previous step left
        stalls = []

        def action(fn):
            took = timed(lambda: (fn(), settle(app, window)))
            stalls.append(stall_after(app, window))
            return took
        t_do, t_undo, t_redo = action(do), action(stack.undo), action(stack.redo)
        stack.undo()
        settle(app, window)
        out.append((name, t_do, t_undo, t_redo, max(stalls)))
    return out


class PaintWatch(QObject):
    """Counts the canvas's paint events (its viewport's)."""

    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def drawn_in_steps(app, window, fn, routed: bool = False) -> tuple[float, float, float]:
    """(first paint, complete, worst stall) seconds for an action the canvas may draw in
    slices (a big paste, its redo): the action and the canvas's first paint after it; the
    canvas complete (nothing left to draw, then painted); the longest the UI thread was held
    between two ticks of a 5 ms timer from the action's return to the end. `routed`: complete
    once the ordering is shown and the loops routed too."""
    watch, paints = StallWatch(app), PaintWatch(window.view.viewport())
    scene = window.scene
    t0 = time.perf_counter()
    fn()
    watch.start()
    while not paints.count:
        app.processEvents()
    first = time.perf_counter() - t0
    while scene.drawing() or (routed and scene.routing()):
        app.processEvents()
    settle(app, window)
    return first, time.perf_counter() - t0, watch.stop()


def bench_select_paste(app, window) -> dict:
    e = window.editor
    t_select = timed(lambda: (e.select_all(), settle(app, window)))
    n = len(window.scene.selected_nodes())
    e.copy()
    idle(app, window)
    out = {"select": t_select, "selected": n}
    for name, fn in (("paste", e.paste), ("paste undo", window.doc.stack.undo),
                     ("paste redo", window.doc.stack.redo)):
        out[name], out[name + " complete"], out[name + " stall"] = drawn_in_steps(
            app, window, fn)
        if name == "paste":
            out["pasted"] = len(window.scene.selected_nodes())
        idle(app, window)  # what it left for later (the ordering strip, the player's re-run:
        # its worker thread shares the interpreter, and slowed the next undo 2-4x)
    window.doc.stack.undo()
    window.scene.select_nodes([])
    settle(app, window)
    return out


def bench_autosave(app, window) -> dict:
    """The recovery write while a 5 ms timer ticks: how long the UI thread is held."""
    window.editor.set_node_attrs([next(iter(window.doc.net.graph))], label="modified")
    quiet(app, window)  # what earlier steps left for later (a big network's player re-run,
    # its loops' routing: 200-250 ms timers and a worker) is not the recovery write's stall
    watch = StallWatch(app)
    watch.start()
    for _ in range(5):  # a few calm ticks first
        app.processEvents()
        time.sleep(0.005)
    watch.start()
    t0 = time.perf_counter()
    window.doc.write_recovery()
    call = time.perf_counter() - t0
    session = getattr(window.doc, "recovery", None)
    deadline = time.perf_counter() + 60
    while session is not None and session.busy() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    done = time.perf_counter() - t0
    app.processEvents()
    stall = watch.stop()
    window.doc.stack.undo()
    return {"call": call, "total": done, "stall": max(call, stall)}


def _write_then(app, window, what, lead: float = WRITE_LEAD_S):
    """Start a recovery write, let the event loop wait `lead`, then run `what()` from a timer
    event and return what it returns (the write goes on meanwhile: 0.5-1 s at 5,000 nodes /
    50,000 edges), then let it finish."""
    session = window.doc.recovery

    def finish_writing():  # the 30 s timer's write may be running (it comes after a pause,
        # from an event: the last look at the events must come before the last look at busy)
        deadline = time.perf_counter() + 60
        app.processEvents()
        while session.busy() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.001)
    finish_writing()
    assert window.doc.write_recovery(), "nothing to write: the document must be modified"
    out = []
    loop = QEventLoop()

    def edit():  # as a user's edit comes: an event, after `lead` of the UI waiting for one
        out.append(what())
        loop.quit()
    QTimer.singleShot(round(lead * 1000), edit)
    loop.exec()
    finish_writing()
    return out[0]


def bench_during_write(app, window) -> dict:
    """Each edit of `bench_edits`, and a paste's undo, started while the recovery file is
    being written: a writer that shares the UI's interpreter slows them (the UI thread waits
    for the interpreter at each Qt call)."""
    net, stack, e = window.doc.net, window.doc.stack, window.editor
    first = next(iter(net.graph))
    edits = []
    for name, do in _edits(window, net):
        e.set_node_attrs([first], label="modified")  # something to write
        quiet(app, window)
        edits.append(_write_then(app, window, lambda: timed(lambda: (do(), settle(app, window)))))
        stack.undo()
        stack.undo()
        quiet(app, window)
    e.select_all()
    settle(app, window)
    e.copy()
    e.paste()
    while window.scene.drawing():
        app.processEvents()
    idle(app, window)
    first_paint, complete, stall = _write_then(
        app, window, lambda: drawn_in_steps(app, window, stack.undo))
    window.scene.select_nodes([])
    idle(app, window)
    return {"edits": edits, "paste undo": first_paint, "paste undo complete": complete,
            "paste undo stall": stall}


def run(app, window, net, label: str) -> dict:
    """Every figure for one network; prints them with the goals."""
    print(f"--- {label}: {len(net)} nodes, {net.graph.number_of_edges()} edges")
    with tempfile.TemporaryDirectory() as folder:
        files = bench_files(net, Path(folder))
        print(f"save {_ms(files['save'])}   load {_ms(files['load'])}   (goal < 1000 ms each)")
        t_open, t_drawn, open_stall = bench_open(app, window, files["path"])
        print(f"open in the window (load, canvas, docks, first paint): {_ms(t_open)}"
              f"   (goal < 2000 ms)   canvas complete {_ms(t_drawn)}   worst UI stall "
              f"{_ms(open_stall)} in between")
        edits = bench_edits(app, window)
        for name, do, undo, redo, stall in edits:
            print(f"  {name:28s} do {_ms(do):>8s}  undo {_ms(undo):>8s}  redo {_ms(redo):>8s}"
                  f"  stall after {_ms(stall):>8s}")
        worst = max(max(r[1:4]) for r in edits)
        median = statistics.median([t for r in edits for t in r[1:4]])
        after = max(r[4] for r in edits)
        print(f"edit/undo/redo: median {_ms(median)}, worst {_ms(worst)}   (goal < 100 ms)")
        print(f"worst UI stall after an edit/undo/redo (its deferred work: ordering, loops, "
              f"player): {_ms(after)}   (goal < 100 ms)")
        sp = bench_select_paste(app, window)
        print(f"select all ({sp['selected']} nodes) {_ms(sp['select'])}   (goal < 300 ms)")
        for name in ("paste", "paste undo", "paste redo"):
            what = f"paste of {sp['pasted']} nodes" if name == "paste" else name
            print(f"  {what:22s} command + first paint {_ms(sp[name]):>8s}   canvas complete "
                  f"{_ms(sp[name + ' complete']):>8s}   worst UI stall {_ms(sp[name + ' stall'])}"
                  "   (goal < 300 ms)")
        auto = bench_autosave(app, window)
        print(f"recovery write: UI thread held {_ms(auto['call'])}, worst tick gap "
              f"{_ms(auto['stall'])} while it ran ({_ms(auto['total'])} in all)"
              "   (goal: stall < 50 ms)")
        during = bench_during_write(app, window)
        print(f"while a recovery write runs (started {_ms(WRITE_LEAD_S)} before): edit median "
              f"{_ms(statistics.median(during['edits']))}, worst {_ms(max(during['edits']))}"
              f"   (goal < 100 ms)   paste undo {_ms(during['paste undo'])}, canvas complete "
              f"{_ms(during['paste undo complete'])}, worst UI stall "
              f"{_ms(during['paste undo stall'])}   (goal < 300 ms)")
        window.doc.stack.setClean()
    return {"save": files["save"], "load": files["load"], "open": t_open, "open complete": t_drawn,
            "edit": worst,
            "edit median": median, "stall after edit": after, "select": sp["select"], "paste": sp["paste"],
            "paste complete": sp["paste complete"],
            "stall": auto["stall"], "edit in write": max(during["edits"]),
            "paste undo in write": during["paste undo"]}


def print_ratios(small: dict, big: dict, factor: float) -> None:
    """Growth from the small to the big network (linear: about `factor`)."""
    print(f"--- growth for {factor:.0f}x the size (linear = {factor:.0f}x):")
    print("   " + "   ".join(f"{k} {big[k] / max(small[k], 1e-9):.1f}x" for k in small))
