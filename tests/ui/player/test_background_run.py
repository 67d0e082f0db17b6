"""A big network's sequence runs again off the UI thread once edits settle (issue 14: edits
stay interactive); the result is the one a run on the UI thread gives."""

from __future__ import annotations

import threading

import numpy as np

from rnnstudio.ui.player import controller as player_controller
from rnnstudio.ui.player.trajectory import compute_trajectory

from .conftest import small_net


def test_a_big_networks_rerun_happens_in_a_worker_with_the_same_values(window, qtbot,
                                                                        monkeypatch):
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)  # every network is "big"
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    threads = _threads_of_reruns(monkeypatch)
    window.doc.new(small_net())
    player = window.player.controller
    X = np.linspace(-1, 1, 12).reshape(12, 1)
    player.set_sequence(X)
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    ed, net = window.editor, window.doc.net
    seen = []
    player.trajectory_changed.connect(lambda: seen.append(player.trajectory))
    ed.set_node_attrs(["h"], bias=0.3)  # parameters: the old values stay until the new come
    assert player.trajectory is not None
    ed.add_node_at("neuron", window.view.mapToScene(10, 10))  # structure: dropped at once
    assert player.trajectory is None
    qtbot.waitUntil(lambda: bool(seen) and seen[0] is None, timeout=1000)  # and the views clear
    ed.add_edge("h", "g", weight=0.7)  # a burst: one re-run after it settles
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    expected = compute_trajectory(net, X)
    assert player.trajectory.order == expected.order
    np.testing.assert_array_equal(player.trajectory.values, expected.values)
    assert (player.t, player.k) == (-1, player.K)  # a structure change resets the cursor


def test_a_run_overtaken_by_an_edit_is_dropped(window, qtbot, monkeypatch):
    """An edit while the worker runs (before its re-run is due): the worker's trajectory is of
    a network that no longer exists and is never shown (the unrolled view raised KeyError on
    its removed edges); the re-run after the edit is."""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    started, release = threading.Event(), threading.Event()
    real = player_controller.compute_trajectory

    def slow(net, X, Y=None):
        started.set()
        release.wait(5)
        return real(net, X, Y)
    window.doc.new(small_net())
    player = window.player.controller
    X = np.linspace(-1, 1, 12).reshape(12, 1)
    player.set_sequence(X)
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    monkeypatch.setattr(player_controller, "compute_trajectory", slow)
    window.editor.set_node_attrs(["h"], bias=0.3)
    qtbot.waitUntil(started.is_set, timeout=5000)  # the worker runs on the old edges ...
    monkeypatch.setattr(player_controller, "SETTLE_MS", 60_000)  # (hold the edit's re-run)
    net = window.doc.net
    window.scene.select_edges([("h", "y")])
    window.editor.delete_selection()
    assert not net.graph.has_edge("h", "y")
    release.set()  # ... and finishes after the edit
    qtbot.wait(200)
    assert player.trajectory is None  # dropped at the edit, the stale run not shown
    player._recheck.start(0)
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    assert ("h", "y") not in player.trajectory.delays
    np.testing.assert_array_equal(player.trajectory.values, real(net, X).values)


def test_a_run_that_ends_after_an_undo_is_not_shown(window, qtbot, monkeypatch):
    """The worker ran on the pasted network; the paste was undone before it ended. Its result
    must not be shown as the network's (the unrolled view looked its edges up in the graph:
    KeyError "The edge ('x0', 'h6') is not in the graph."): the latest state runs instead."""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    gate, entered = threading.Event(), []
    real = player_controller.compute_trajectory

    def slow(net, X, Y=None):
        entered.append(set(net.graph))
        gate.wait(10)
        return real(net, X, Y)
    monkeypatch.setattr(player_controller, "compute_trajectory", slow)
    window.doc.new(small_net())
    player, net = window.player.controller, window.doc.net
    gate.set()
    player.set_sequence(np.linspace(-1, 1, 12).reshape(12, 1))
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    shown = []
    player.trajectory_changed.connect(
        lambda: shown.append(None if player.trajectory is None else set(player.trajectory.order)))
    gate.clear()
    entered.clear()
    window.editor.select_all()
    window.editor.copy()
    pasted = window.editor.paste()
    qtbot.waitUntil(lambda: bool(entered), timeout=5000)  # the pasted network is running
    assert set(pasted) <= entered[0]
    monkeypatch.setattr(player_controller, "SETTLE_MS", 2000)  # the undo's re-run waits
    window.doc.stack.undo()
    gate.set()  # the pasted network's run ends now, before the undo's re-run starts
    qtbot.wait(300)
    assert all(s is None or s <= set(net.graph) for s in shown), "a stale run was shown"
    assert not player.is_current() or set(player.trajectory.order) <= set(net.graph)
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=10000)
    assert set(player.trajectory.order) == set(net.graph) and player.is_current()


def test_a_rerun_after_an_edit_keeps_the_unrolled_views_row_names(window, qtbot, monkeypatch):
    """Issue 14: a big network's structure edit drops the trajectory until its re-run is in;
    the unrolled view's row names (5,000 at 5k nodes: 0.1 s to make) are hidden meanwhile and
    come back as they were, not made again; a new node's row gets a name in its place. (The
    plots' legends: test_a_rerun_after_an_edit_keeps_the_legends.)"""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    window.show()
    qtbot.waitExposed(window)
    window.player.unrolled_dock.raise_()  # (it lays out only while it is seen)
    window.doc.new(small_net())
    player, unrolled = window.player.controller, window.player.unrolled
    player.set_sequence(np.linspace(-1, 1, 6).reshape(6, 1))
    qtbot.waitUntil(lambda: player.trajectory is not None and bool(unrolled.names.items),
                    timeout=5000)
    names = {item.text: item for item in unrolled.names.items}
    window.editor.set_node_attrs(["g"], activation="relu")  # structure: a re-run
    assert player.trajectory is None
    qtbot.waitUntil(lambda: all(not item.isVisible() for item in names.values()), timeout=1000)
    qtbot.waitUntil(lambda: player.trajectory is not None and not unrolled._stale, timeout=5000)
    assert {item.text: item for item in unrolled.names.items} == names  # the same items
    assert all(item.isVisible() for item in names.values())
    window.editor.add_edge("g", "y")  # g's row moves: its name moves with it
    qtbot.waitUntil(lambda: player.trajectory is not None and player.is_current()
                    and unrolled.rows and not unrolled._stale, timeout=5000)
    for row, y, item in zip(unrolled.rows, unrolled.row_y, unrolled.names.items):
        assert item.text == row.label and item.pos().y() == float(y) and item.isVisible()


def _big_and_seen(window, qtbot, monkeypatch):
    """The small network run as a big one (a worker, views updated over a few turns), the
    unrolled view on screen."""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    window.show()
    qtbot.waitExposed(window)
    window.player.unrolled_dock.raise_()
    window.doc.new(small_net())
    player, unrolled = window.player.controller, window.player.unrolled
    player.set_sequence(np.linspace(-1, 1, 6).reshape(6, 1))
    qtbot.waitUntil(lambda: player.trajectory is not None and unrolled.columns
                    and not unrolled._stale, timeout=5000)
    return player, unrolled


def test_a_big_networks_unrolled_view_lays_out_after_the_other_views(window, qtbot,
                                                                     monkeypatch):
    """Issue 14: the new trajectory's views (plots, canvas, sequence: 20-30 ms at 5,000 nodes)
    and the unrolled view's layout (40-100 ms) do not share one callback: the unrolled view
    lays out on the UI's next turns, then shows the new trajectory."""
    player, unrolled = _big_and_seen(window, qtbot, monkeypatch)
    stale_when_told = []
    player.trajectory_changed.connect(
        lambda: player.trajectory is not None and stale_when_told.append(unrolled._stale))
    window.editor.set_node_attrs(["h"], bias=0.4)  # parameters: a re-run
    qtbot.waitUntil(lambda: bool(stale_when_told) and not unrolled._stale, timeout=5000)
    assert stale_when_told[0] is True
    tr = player.trajectory
    t = unrolled.window[0]
    assert unrolled.value_shown("h", t) in (None, float(tr.values[t, tr.index("h")]))
    assert set(unrolled.columns) == set(range(unrolled.window[0], unrolled.window[1] + 1))


def test_rows_come_back_from_a_dropped_trajectory_when_the_ordering_stays(window, qtbot,
                                                                          monkeypatch):
    """A structure edit drops a big network's trajectory; when its re-run keeps the ordering
    the unrolled view's rows come back as they were (building 5,000 took 10-30 ms), and an
    edit that changes the ordering gets rows built anew, in the new ordering."""
    player, unrolled = _big_and_seen(window, qtbot, monkeypatch)
    rows, before = list(unrolled.rows), list(player.trajectory.order)
    window.editor.set_node_attrs(["g"], activation="relu")  # structure, the same ordering
    assert player.trajectory is None
    qtbot.waitUntil(lambda: player.trajectory is not None and not unrolled._stale,
                    timeout=5000)
    assert all(a is b for a, b in zip(unrolled.rows, rows)) and len(unrolled.rows) == len(rows)
    window.editor.add_edge("y", "g")  # g now reads y: the ordering changes
    qtbot.waitUntil(lambda: player.trajectory is not None and player.is_current()
                    and not unrolled._stale, timeout=5000)
    order = player.trajectory.order
    assert list(order) != before and [r.key for r in unrolled.rows] == list(order)
    assert [r.index.tolist() for r in unrolled.rows] == [[i] for i in range(len(order))]


def test_a_big_networks_copy_is_made_over_several_turns_and_dropped_if_it_changes(
        window, qtbot, monkeypatch):
    """The worker's copy of a big network (40-100 ms at 50,000 edges in one piece) is made a
    few pieces per turn of the UI; an edit before it is whole drops it, and the run is of the
    network as edited."""
    player, _ = _big_and_seen(window, qtbot, monkeypatch)
    monkeypatch.setattr(player_controller, "COPY_SLICE_S", 0.0)  # a piece per turn
    turns = []
    real = player_controller.PlayerController._copy_some

    def copy_some(self):
        turns.append(None if self._copy is None else len(self._copy[2]))
        if len(turns) == 2:  # the copy half made: an edit
            window.editor.set_node_attrs(["h"], bias=-0.6)
        real(self)
    monkeypatch.setattr(player_controller.PlayerController, "_copy_some", copy_some)
    net = window.doc.net
    window.editor.set_node_attrs(["h"], bias=0.6)
    qtbot.waitUntil(lambda: len(turns) > 4 and player.trajectory is not None
                    and player.is_current() and player._token is None, timeout=5000)
    assert turns[:2] == [0, 1]  # a piece a turn
    assert net.graph.nodes["h"]["bias"] == -0.6
    expected = compute_trajectory(net, player.trajectory.X)
    np.testing.assert_array_equal(player.trajectory.values, expected.values)


def test_a_big_networks_hidden_unrolled_view_catches_up_when_shown(window, qtbot, monkeypatch):
    """Its re-run comes while the unrolled tab is behind the plots: nothing is laid out then
    (no turn is spent on it), and showing the tab lays out the new trajectory."""
    player, unrolled = _big_and_seen(window, qtbot, monkeypatch)
    window.player.plots_dock.raise_()
    qtbot.waitUntil(lambda: not unrolled.active(), timeout=2000)
    layouts = []
    real = unrolled._layout
    monkeypatch.setattr(unrolled, "_layout", lambda: (layouts.append(1), real()))
    window.editor.set_node_attrs(["h"], bias=0.8)
    qtbot.waitUntil(lambda: player.trajectory is not None and player.is_current()
                    and not player.rerun_due(), timeout=5000)
    qtbot.wait(50)
    assert not layouts and unrolled._stale
    window.player.unrolled_dock.raise_()
    qtbot.waitUntil(lambda: unrolled.active() and not unrolled._stale, timeout=2000)
    t = unrolled.window[0]
    player.seek(t)
    tr = player.trajectory
    assert unrolled.value_shown("h", t) == float(tr.values[t, tr.index("h")])


def test_a_big_networks_views_follow_a_burst_of_selection_changes_once_later(
        window, qtbot, monkeypatch):
    """A delete selects a node, then clears the selection: in a big network the plots and
    the unrolled view (25-50 ms each time at 5,000 nodes) followed both changes inside the
    edit; they follow the last one, once, on a later turn."""
    player, unrolled = _big_and_seen(window, qtbot, monkeypatch)
    calls = []
    real = window.player.plots.set_selected
    monkeypatch.setattr(window.player.plots, "set_selected",
                        lambda nodes: (calls.append(list(nodes)), real(nodes)))
    scene = window.scene
    neuron = next(n for n in scene.nodes if window.doc.net.graph.nodes[n]["kind"] == "neuron")
    scene.select_nodes([neuron])
    scene.select_nodes([])
    scene.select_nodes([neuron])
    assert calls == []  # not inside the edit
    qtbot.waitUntil(lambda: bool(calls), timeout=2000)
    qtbot.wait(50)
    assert calls == [[neuron]] and unrolled.focus_nodes == {neuron}


def test_a_big_networks_rerun_waits_while_the_canvas_draws_a_big_edit(window, qtbot,
                                                                      monkeypatch):
    """The re-run's worker thread shares the interpreter with the canvas drawing a big paste
    a slice at a time (a redo at 5k/50k was all drawn after ~2 s with it, 1.1-1.3 s
    without): it starts once the canvas is done, and never waits for long."""
    player, _ = _big_and_seen(window, qtbot, monkeypatch)
    drawing = [True]
    monkeypatch.setattr(window.scene, "drawing", lambda: drawing[0])
    window.editor.set_node_attrs(["h"], bias=0.7)
    qtbot.wait(300)  # settled (SETTLE_MS 20) several times over: still held
    assert player.rerun_due() and player._token is None
    drawing[0] = False
    qtbot.waitUntil(lambda: not player.rerun_due(), timeout=5000)
    tr = player.trajectory
    assert tr is not None and player.is_current()
    drawing[0] = True  # a canvas that never finishes holds the re-run a while, not for ever
    monkeypatch.setattr(player_controller, "MAX_HOLDS", 3)
    window.editor.set_node_attrs(["h"], bias=0.2)
    qtbot.waitUntil(lambda: not player.rerun_due() and player.trajectory is not tr,
                    timeout=5000)


def test_re_runs_go_to_one_long_lived_worker_thread(window, qtbot, monkeypatch):
    """A re-run is handed to a worker thread that lives on (starting a thread per re-run made
    the UI thread wait in `Thread.start` until the new thread had run)."""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    threads = _threads_of_reruns(monkeypatch)
    window.doc.new(small_net())
    player = window.player.controller
    player.set_sequence(np.linspace(-1, 1, 12).reshape(12, 1))
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    window.editor.add_node_at("neuron", window.view.mapToScene(10, 10))
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    assert len(threads) == 2 and threads[0] is threads[1]
    assert threads[0] is not threading.main_thread() and threads[0].is_alive()


def test_a_rerun_after_an_edit_keeps_the_legends(window, qtbot, monkeypatch):
    """The selected neurons' and the outputs' legends are hidden while a big network's re-run
    is due and come back as they were (making their entries again cost 20-100 ms at every
    re-run at 5k/50k; the outputs' 0.1 s for 50)."""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    window.show()
    qtbot.waitExposed(window)
    window.player.plots_dock.raise_()  # (a big network's plots follow while on screen)
    window.doc.new(small_net())
    player, plots = window.player.controller, window.player.plots
    player.set_sequence(np.linspace(-1, 1, 6).reshape(6, 1))
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    for tab in (plots.outputs, plots.states):  # the states' tab in front: both made
        plots.setCurrentWidget(tab.parentWidget())
        qtbot.waitUntil(tab.isVisible, timeout=1000)
    plots.set_selected(["h", "g"])
    states, outputs = (w.getPlotItem().legend for w in (plots.states, plots.outputs))
    entries = [list(legend.items) for legend in (states, outputs)]
    assert [label.text for _, label in entries[0]] == ["h", "g"]
    window.editor.set_node_attrs(["g"], activation="relu")  # structure: a re-run
    qtbot.waitUntil(lambda: not states.isVisible(), timeout=1000)
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    plots.setCurrentWidget(plots.outputs.parentWidget())
    qtbot.waitUntil(lambda: states.isVisible() and outputs.isVisible(), timeout=1000)
    assert [list(legend.items) for legend in (states, outputs)] == entries
    plots.set_selected(["g"])
    assert [label.text for _, label in states.items] == ["g"]


def test_a_big_networks_hidden_plots_follow_when_shown(window, qtbot, monkeypatch):
    """A big network's re-run updates the plots on screen; those behind another tab (the
    outputs' curves: 25-50 ms at 5k/50k) when their tab is shown, with the same data."""
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    window.show()
    qtbot.waitExposed(window)
    plots = window.player.plots
    window.player.plots_dock.raise_()  # (in front of its tab group)
    window.doc.new(small_net())
    player = window.player.controller
    player.set_sequence(np.linspace(-1, 1, 6).reshape(6, 1))
    qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
    plots.setCurrentWidget(plots.outputs.parentWidget())
    qtbot.waitUntil(lambda: bool(plots._output_curves), timeout=1000)
    before = plots._output_curves[0].getData()[1].copy()
    plots.setCurrentWidget(plots.states.parentWidget())
    qtbot.waitUntil(lambda: plots.states.isVisible() and not plots.outputs.isVisible(),
                    timeout=1000)
    window.editor.set_node_attrs(["h"], bias=0.7)  # new values
    qtbot.waitUntil(lambda: player.trajectory is not None and player.is_current()
                    and player._versions[1] == window.doc.net.param_version, timeout=5000)
    qtbot.wait(20)
    np.testing.assert_array_equal(plots._output_curves[0].getData()[1], before)  # not yet
    plots.setCurrentWidget(plots.outputs.parentWidget())
    out = player.trajectory.outputs_over_time()[:, 0]
    qtbot.waitUntil(lambda: np.array_equal(plots._output_curves[0].getData()[1], out),
                    timeout=1000)


def test_a_big_networks_unrolled_rows_and_arrows_come_in_turns_of_their_own(window, qtbot,
                                                                             monkeypatch):
    """The unrolled view's rows, its arrows' shapes and its items are made in three turns of
    the UI, other timers running between (rows and arrows were one turn of 45-70 ms at
    5,000 nodes)."""
    from PySide6.QtCore import QTimer
    player, unrolled = _big_and_seen(window, qtbot, monkeypatch)
    ticks, at = [0], {}
    ticker = QTimer(interval=0)
    ticker.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    for name in ("_set_rows", "_build_templates", "_layout"):
        real = getattr(unrolled, name)
        monkeypatch.setattr(unrolled, name, lambda *a, _n=name, _r=real: (
            at.__setitem__(_n, ticks[0]), _r(*a))[1])  # (the last call)
    ticker.start()
    window.editor.add_node_at("neuron", window.view.mapToScene(10, 10))  # new rows
    qtbot.waitUntil(lambda: player.trajectory is not None and player.is_current()
                    and not unrolled._stale and "_layout" in at, timeout=5000)
    ticker.stop()
    assert at["_set_rows"] < at["_build_templates"] < at["_layout"]


def _threads_of_reruns(monkeypatch) -> list:
    """The threads the player's re-runs run in, one entry a re-run (filled as they run)."""
    threads = []
    real = player_controller.compute_trajectory

    def spy(net, X, Y=None):
        threads.append(threading.current_thread())
        return real(net, X, Y)
    monkeypatch.setattr(player_controller, "compute_trajectory", spy)
    return threads


def test_a_rerun_in_the_worker_leaves_nothing_young_for_the_ui_thread_to_walk(
        window, qtbot, monkeypatch):
    """With a big network's objects frozen, what a re-run made (its trajectory: the delays of
    50,000 edges under new keys at 5k/50k) is frozen in the worker: left young, the UI
    thread's next young collection walked it all (10-60 ms) at every re-run, before the
    trajectory was shown."""
    import gc
    import time

    from rnnstudio import collector
    monkeypatch.setattr(player_controller, "BACKGROUND_SIZE", 0)
    monkeypatch.setattr(player_controller, "SETTLE_MS", 20)
    monkeypatch.setattr(collector, "BIG_HEAP", 0)
    made, started, go, real = [], threading.Event(), threading.Event(), player_controller._run

    def run(*args):
        started.set()
        go.wait(5)
        made.append(real(*args))
        return made[-1]
    try:
        gc.disable()  # no pass that would untrack what it walks: only freezing hides it
        window.doc.new(small_net())
        player = window.player.controller
        player.set_sequence(np.linspace(-1, 1, 12).reshape(12, 1))
        qtbot.waitUntil(lambda: player.trajectory is not None, timeout=5000)
        collector.settle_heap(1)  # a big network is open: its objects frozen
        monkeypatch.setattr(player_controller, "_run", run)
        window.editor.add_edge("h", "g", weight=0.7)
        qtbot.waitUntil(started.is_set, timeout=5000)
        go.set()
        end = time.perf_counter() + 5
        while not made and time.perf_counter() < end:  # no Qt event: the UI thread is idle
            time.sleep(0.01)
        time.sleep(0.1)  # (the worker's last lines)
        tracked = {id(o) for o in gc.get_objects()}  # (the frozen are in no generation)
        assert made and id(made[0].delays) not in tracked
    finally:
        gc.enable()
        collector.unfreeze()
