"""The step-through player in the main window: canvas values, micro-steps, seeking, re-runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

import rnnstudio as rs
from rnnstudio.engine import Simulator
from rnnstudio.ui.canvas.items import format_value
from rnnstudio.ui.player.sequence_dock import SOURCE_TABLE, SOURCE_TASK

from .conftest import small_net

ECHO = Path(__file__).resolve().parents[3] / "examples" / "echo-memory.rnn.json"


def engine_values(net, X, t):
    """Every node's value after step t, straight from the engine's Simulator."""
    sim = Simulator(net, X=np.asarray(X, float)[:, None, :])
    sim.seek(t + 1)
    return {n: float(v[0]) for n, v in sim.values(t).items()}


def shown(window):
    return {n: item.value for n, item in window.scene.nodes.items()}


@pytest.fixture
def echo(window, qtbot):
    assert window.files.open_example(ECHO)
    # its task's data is built off the UI thread (under load it came after the first asserts)
    qtbot.waitUntil(lambda: window.player.sequence._task_data is not None, timeout=5000)
    return window


def played_X(window):
    return window.player.controller.trajectory.X


def test_opening_an_example_loads_its_task_sample(echo):
    p = echo.player.controller
    X, Y = rs.tasks.make_task("echo", **echo.doc.net.training["task"]["params"])
    assert p.T == X.shape[0]
    np.testing.assert_allclose(played_X(echo), X[:, 0, :])
    np.testing.assert_allclose(p.trajectory.Y, Y[:, 0, :], equal_nan=True)
    assert p.t == -1 and all(v is None for v in shown(echo).values())  # editing look at rest


def test_stepping_forward_and_back_shows_the_engines_values(echo):
    p, net = echo.player.controller, echo.doc.net
    for _ in range(4):
        p.step()
    assert p.t == 3
    expected = engine_values(net, played_X(echo), 3)
    assert shown(echo) == pytest.approx(expected, abs=1e-12)
    p.back()
    assert p.t == 2
    assert shown(echo) == pytest.approx(engine_values(net, played_X(echo), 2), abs=1e-12)
    assert echo.player.sequence.time_label.text().startswith(f"t = 2 / {p.T}")


def test_outputs_show_their_target(echo):
    p = echo.player.controller
    k = echo.doc.net.training["task"]["params"]["k"]
    p.seek(k + 2)
    item = echo.scene.nodes["y"]
    assert item.target == pytest.approx(played_X(echo)[2, 0])  # echo: y(t) = x(t - k)
    p.seek(0)
    assert echo.scene.nodes["y"].target is None  # no target before k steps


def test_micro_steps_follow_the_ordering_and_mark_pending_nodes(window):
    net = small_net()
    net.add_edge("h", "g", weight=0.3)
    window.doc.new(net)
    p = window.player.controller
    order = [n for n in net.ordering() if n not in net.inputs]
    computed = []
    for i in range(len(order)):
        p.micro_step()
        computed.append(p.computing())
        pending = {n for n, item in window.scene.nodes.items() if item.pending}
        assert pending == set(order[i + 1:])
        assert window.scene.nodes[order[i]].computing
    assert computed == order
    assert p.k == p.K and p.t == 0  # the last micro-step completes the step
    values = engine_values(net, played_X(window), 0)
    assert shown(window) == pytest.approx(values, abs=1e-12)


def test_micro_step_reads_tag_remembered_values_with_their_step(echo):
    p, net = echo.player.controller, echo.doc.net
    p.seek(4)
    p.micro_step()  # step 5, first neuron: memory 1 reads x of this step? (delayed in echo)
    node = p.computing()
    labels = echo.player.canvas.reads_item.labels()
    assert echo.player.canvas.reads_item.isVisible()
    reads = p.reads(node)
    assert len(labels) == len(reads) == net.graph.in_degree(node)
    for (u, d, step, value), label in zip(reads, labels):
        assert step == 5 - d
        expected = engine_values(net, played_X(echo), step)[u]
        assert value == pytest.approx(expected)
        assert label == f"t-{d}: {format_value(value)}"
    p.step()
    assert not echo.player.canvas.reads_item.isVisible()


def test_same_step_reads_are_plain_and_initial_values_are_named(window):
    net = small_net()  # x -> h (same step), h -> h (self-loop: t-1), h -> y
    window.doc.new(net)
    p = window.player.controller
    p.micro_step()  # step 0: h first
    assert p.computing() == "h"
    labels = dict(zip([u for u, *_ in p.reads("h")], window.player.canvas.reads_item.labels()))
    x0 = played_X(window)[0, 0]
    assert labels["x"] == format_value(x0)
    assert labels["h"] == f"t-1 (initial): {format_value(net.graph.nodes['h']['initial'])}"


def test_slider_seeks_and_keys_drive_the_player(echo, qtbot):
    p, dock = echo.player.controller, echo.player.sequence
    dock.slider.setValue(7)
    assert p.t == 7
    assert dock.time_label.text() == f"t = 7 / {p.T}"
    assert shown(echo) == pytest.approx(engine_values(echo.doc.net, played_X(echo), 7))
    echo.show()
    echo.activateWindow()
    qtbot.waitUntil(echo.isActiveWindow, timeout=2000)
    echo.view.setFocus()
    qtbot.keyClick(echo.view, Qt.Key.Key_Right)
    assert p.t == 8
    qtbot.keyClick(echo.view, Qt.Key.Key_Left)
    qtbot.keyClick(echo.view, Qt.Key.Key_Left)
    assert p.t == 6
    qtbot.keyClick(echo.view, Qt.Key.Key_M)
    assert (p.t, p.k) == (7, 1)
    qtbot.keyClick(echo.view, Qt.Key.Key_Home)
    assert p.t == -1
    qtbot.keyClick(echo.view, Qt.Key.Key_Space)
    assert p.is_playing()
    qtbot.waitUntil(lambda: p.t >= 1, timeout=3000)
    qtbot.keyClick(echo.view, Qt.Key.Key_Space)
    assert not p.is_playing()


def test_editing_a_weight_reruns_and_keeps_the_step(window, qtbot):
    net = small_net()
    window.doc.new(net)
    p = window.player.controller
    p.seek(5)
    before = window.scene.nodes["y"].value
    assert window.editor.set_edge_attrs([("h", "y")], weight=2.5)
    qtbot.waitUntil(lambda: window.scene.nodes["y"].value != before, timeout=2000)
    assert p.t == 5
    assert shown(window) == pytest.approx(engine_values(net, played_X(window), 5))
    window.doc.stack.undo()
    qtbot.waitUntil(lambda: window.scene.nodes["y"].value == pytest.approx(before), timeout=2000)


def test_a_structural_edit_resets_the_player_with_a_message(window, qtbot):
    window.doc.new(small_net())
    p = window.player.controller
    p.seek(4)
    window.editor.add_edge("g", "y", weight=0.2)
    qtbot.waitUntil(lambda: p.t == -1, timeout=2000)
    assert "reset" in window.statusBar().currentMessage()
    assert all(v is None for v in shown(window).values())


def test_training_freezes_reruns_until_it_pauses(window, qtbot):
    net = small_net()
    window.doc.new(net)
    p = window.player.controller
    p.seek(3)
    p.set_frozen(True)
    before = window.scene.nodes["y"].value
    net.set_edge_attrs("h", "y", weight=3.0)
    qtbot.wait(50)
    assert window.scene.nodes["y"].value == before
    p.set_frozen(False)
    qtbot.waitUntil(lambda: window.scene.nodes["y"].value != before, timeout=2000)
    assert shown(window) == pytest.approx(engine_values(net, played_X(window), 3))


def test_a_typed_sequence_plays_and_bad_cells_are_named(window, qtbot):
    window.doc.new(small_net())
    dock, p = window.player.sequence, window.player.controller
    dock.source.setCurrentText(SOURCE_TABLE)
    dock.length.setValue(6)
    assert p.T == 6
    dock.table.item(2, 0).setText("0.75")
    assert played_X(window)[2, 0] == 0.75
    dock.table.item(3, 0).setText("abc")
    assert "row 3, column 1" in window.statusBar().currentMessage()
    assert played_X(window)[3, 0] == 0.0


def test_the_player_plays_the_networks_csv_data_and_follows_new_settings(window, tmp_path,
                                                                          qtbot):
    csv = tmp_path / "series.csv"
    rows = ["u,target"] + [f"{0.1 * i:.1f},{-0.1 * i:.1f}" for i in range(12)]
    csv.write_text("\n".join(rows) + "\n")
    net = small_net()
    net.set_meta(training={"csv": {"path": str(csv), "inputs": ["u"], "targets": ["target"],
                                   "window": 4, "stride": 4}})
    window.doc.new(net)
    dock, p = window.player.sequence, window.player.controller
    qtbot.waitUntil(lambda: dock.source.currentText() == SOURCE_TASK,  # built off the UI thread
                    timeout=20_000)
    assert dock.sample.maximum() == 2  # three windows of four rows
    dock.sample.setValue(1)
    np.testing.assert_allclose(played_X(window)[:, 0], [0.4, 0.5, 0.6, 0.7])
    np.testing.assert_allclose(p.trajectory.Y[:, 0], [-0.4, -0.5, -0.6, -0.7])
    net.set_meta(training={"task": {"name": "echo", "params": {"k": 2, "T": 9}}})
    qtbot.waitUntil(lambda: p.T == 9, timeout=20_000)  # the new data plays once built


@pytest.mark.parametrize("name", ["elman-sine", "rain", "echo-memory"])
def test_read_tags_cover_no_node_nor_its_ordering_badge(window, name):
    from rnnstudio.ui.canvas.tags import node_obstacle
    assert window.files.open_example(ECHO.parent / f"{name}.rnn.json")
    p, g = window.player.controller, window.doc.net.graph
    obstacles = [node_obstacle(d["x"], d["y"]) for _, d in g.nodes(data=True)]
    item = window.player.canvas.reads_item
    p.seek(2)
    shown = 0
    for _ in range(min(p.K, 12)):
        p.micro_step()
        placed = [r for r in item.tag_rects if r is not None]
        shown += len(placed)
        for i, rect in enumerate(placed):
            assert not any(rect.intersects(o) for o in obstacles)
            assert not any(rect.intersects(r) for r in placed[:i])
    assert shown
