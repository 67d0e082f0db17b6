"""The Sequence dock follows the network: its table's columns after edits, undo and redo, its
highlighted row after another network opens; the player's keys stay out of editors and tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from rnnstudio.ui.player.sequence_dock import SOURCE_TABLE, SOURCE_TASK

from .conftest import small_net

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def headers(dock) -> list[str]:
    table = dock.table
    return [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]


def played_X(window) -> np.ndarray:
    return window.player.controller.trajectory.X


def settle(qtbot, window, columns: list[str]):
    """Wait for the coalesced re-run after a model change, then check the table."""
    qtbot.waitUntil(lambda: headers(window.player.sequence)[:len(columns)] == columns
                    and window.player.controller.trajectory is not None  # re-run done
                    and played_X(window).shape[1] == len(window.doc.net.inputs), timeout=2000)


def test_the_typed_table_follows_the_inputs_through_edit_undo_and_redo(window, qtbot):
    window.doc.new(small_net())
    dock = window.player.sequence
    assert dock.source.currentText() == SOURCE_TABLE and headers(dock) == ["x"]
    dock.table.item(2, 0).setText("0.75")
    new = window.editor.add_node_at("input", QPointF(0, 200))
    settle(qtbot, window, ["x", new])
    X = played_X(window)
    assert X[2, 0] == 0.75  # the typed value is kept
    assert np.abs(X[:, 1]).max() > 0  # the new input plays a sequence, not zeros
    assert np.allclose(X[:, 1], dock.typed_sequence()[:, 1])
    window.doc.stack.undo()
    settle(qtbot, window, ["x"])
    assert headers(dock) == ["x"] and played_X(window)[2, 0] == 0.75
    window.doc.stack.redo()
    settle(qtbot, window, ["x", new])
    assert played_X(window)[2, 0] == 0.75


def training_data_shown(qtbot, window) -> None:
    """Wait for the training data (built off the UI thread) to play."""
    dock = window.player.sequence
    qtbot.waitUntil(lambda: dock.source.currentText() == SOURCE_TASK, timeout=20_000)


def test_training_data_plays_while_it_fits_and_comes_back_on_undo(window, qtbot):
    assert window.files.open_example(EXAMPLES / "echo-memory.rnn.json")
    dock = window.player.sequence
    training_data_shown(qtbot, window)
    assert headers(dock) == ["x", "y target"]
    new = window.editor.add_node_at("input", QPointF(0, 300))
    settle(qtbot, window, ["x", new])
    # echo has one input column: the data no longer fits, so a typed sequence plays
    assert dock.source.currentText() == SOURCE_TABLE and headers(dock) == ["x", new]
    # and the status bar says why the training data no longer plays
    qtbot.waitUntil(lambda: "needs 1 input" in window.statusBar().currentMessage(),
                    timeout=20_000)
    window.doc.stack.undo()
    training_data_shown(qtbot, window)
    settle(qtbot, window, ["x", "y target"])


def test_an_added_output_gets_no_stale_target_column(window, qtbot):
    assert window.files.open_example(EXAMPLES / "echo-memory.rnn.json")
    dock = window.player.sequence
    training_data_shown(qtbot, window)
    new = window.editor.add_node_at("output", QPointF(600, 0))
    qtbot.waitUntil(lambda: dock.source.currentText() == SOURCE_TABLE, timeout=2000)
    assert headers(dock) == ["x"]  # a typed sequence has no targets
    qtbot.waitUntil(lambda: window.player.controller.trajectory.outputs == ["y", new],
                    timeout=2000)
    qtbot.wait(200)  # the echo task has one output column: its data, rebuilt, does not fit
    assert dock.source.currentText() == SOURCE_TABLE


def test_opening_another_network_clears_the_highlighted_row(window):
    assert window.files.open_example(EXAMPLES / "lstm-adding.rnn.json")
    dock, p = window.player.sequence, window.player.controller
    p.seek(5)
    assert [i.row() for i in dock.table.selectionModel().selectedRows()] == [5]
    assert window.files.open_example(EXAMPLES / "vanishing-gradients.rnn.json")
    assert dock.time_label.text() == f"t = – / {p.T}"
    assert dock.table.selectionModel().selectedRows() == []


def test_a_reset_clears_the_highlighted_row(window):
    window.doc.new(small_net())
    dock, p = window.player.sequence, window.player.controller
    p.seek(3)
    p.reset()
    assert dock.table.selectionModel().selectedRows() == []


@pytest.fixture
def shown(window, qtbot):
    window.doc.new(small_net())
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def test_arrow_keys_in_the_table_move_between_cells(shown, qtbot):
    dock, p = shown.player.sequence, shown.player.controller
    shown.doc.new(small_net())
    new = shown.editor.add_node_at("input", QPointF(0, 200))
    settle(qtbot, shown, ["x", new])
    p.seek(2)
    dock.table.setFocus()
    dock.table.setCurrentCell(2, 0)
    qtbot.keyClick(dock.table, Qt.Key.Key_Right)
    assert dock.table.currentColumn() == 1 and p.t == 2
    qtbot.keyClick(dock.table, Qt.Key.Key_Left)
    assert dock.table.currentColumn() == 0 and p.t == 2
    qtbot.keyClick(dock.table, Qt.Key.Key_Home)
    assert p.t == 2


def test_player_keys_leave_editors_alone(shown, qtbot):
    p = shown.player.controller
    p.seek(2)
    edit = shown.player.sequence.length  # a spin box: Home and arrows belong to its text
    edit.setFocus()
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_Home, Qt.Key.Key_M,
                Qt.Key.Key_Space):
        qtbot.keyClick(edit, key)
    assert p.t == 2 and not p.is_playing()


def test_player_keys_work_on_the_canvas_and_the_transport(shown, qtbot):
    p, dock = shown.player.controller, shown.player.sequence
    shown.view.setFocus()
    qtbot.keyClick(shown.view, Qt.Key.Key_Right)
    assert p.t == 0
    dock.step_button.setFocus()
    qtbot.keyClick(dock.step_button, Qt.Key.Key_Right)
    assert p.t == 1
    shown.player.unrolled.setFocus()
    qtbot.keyClick(shown.player.unrolled, Qt.Key.Key_Left)
    assert p.t == 0
