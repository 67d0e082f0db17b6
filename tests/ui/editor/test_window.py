"""The main window through its actions: palette, inspector, files, recovery, clipboard."""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

import rnnstudio as rs
from rnnstudio.ui import app as ui_app
from rnnstudio.ui.canvas.view import NODE_MIME
from rnnstudio.ui.document import default_example

from .conftest import small_net


def test_dropping_from_the_palette_adds_a_node(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    mime = QMimeData()
    mime.setData(NODE_MIME, QByteArray(b"product"))
    pos = QPoint(200, 150)
    event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.view.dropEvent(event)
    net = window.doc.net
    (node,) = list(net.graph.nodes)
    assert net.graph.nodes[node]["aggregate"] == "product"
    expected = window.view.mapToScene(pos)
    assert abs(net.graph.nodes[node]["x"] - expected.x()) <= 5
    assert node in window.scene.nodes


def test_keys_drop_nodes_at_the_cursor(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    for key in (Qt.Key.Key_I, Qt.Key.Key_N, Qt.Key.Key_O):
        QTest.keyClick(window.view, key)
    kinds = sorted(d["kind"] for _, d in window.doc.net.graph.nodes(data=True))
    assert kinds == ["input", "neuron", "output"]
    assert window.doc.stack.count() == 3


def test_palette_click_adds_a_node(window):
    window.palette.buttons["neuron"].click()
    assert len(window.doc.net) == 1


def test_inspector_edits_several_nodes_and_refuses_bad_values(window):
    window.doc.new(small_net())
    window.scene.select_nodes(["h", "g"])
    ins = window.inspector
    assert ins.title.text() == "2 nodes"
    ins.f["bias"].setText("0.25")
    ins.f["bias"].setModified(True)
    ins.f["bias"].editingFinished.emit()
    net = window.doc.net
    assert net.graph.nodes["h"]["bias"] == net.graph.nodes["g"]["bias"] == 0.25
    assert window.doc.stack.count() == 1
    before = net.copy()
    ins.f["bias"].setText("abc")
    ins.f["bias"].setModified(True)
    ins.f["bias"].editingFinished.emit()
    assert net == before and "not a number" in window.statusBar().currentMessage()
    assert ins.f["bias"].text() == "0.25"
    ins.f["initial"].setText("1e300")
    ins.f["initial"].setModified(True)
    ins.f["initial"].editingFinished.emit()
    assert net == before and window.doc.stack.count() == 1


def test_a_big_selection_is_shown_again_after_an_edit_in_the_next_turn_once(
        window, qtbot, monkeypatch):
    """A big selection is shown, and shown again after an edit, undo or redo, a turn later,
    once: a paste changes the stack, then selects its nodes (5-10 ms a refresh at 5,000
    nodes, before the canvas's first paint of them). Small selections: at once."""
    from rnnstudio.ui import inspector
    window.doc.new(small_net())
    ins, editor = window.inspector, window.editor
    window.scene.select_nodes(["h"])
    editor.set_node_attrs(["h"], bias=0.5)
    assert ins.f["bias"].text() == "0.5"  # small: at once
    monkeypatch.setattr(inspector, "BIG_SELECTION", 1)
    shown = []
    real = type(ins)._show_nodes
    monkeypatch.setattr(type(ins), "_show_nodes", lambda s, net: shown.append(1) or real(s, net))
    window.scene.select_nodes(["h", "g"])
    assert ins.title.text() == "Node h"  # a big selection: shown in the next turn
    qtbot.waitUntil(lambda: ins.title.text() == "2 nodes", timeout=2000)
    editor.set_node_attrs(["h", "g"], bias=0.75)
    assert ins.f["bias"].text() != "0.75"
    qtbot.waitUntil(lambda: ins.f["bias"].text() == "0.75", timeout=2000)
    window.doc.stack.undo()
    qtbot.waitUntil(lambda: ins.f["bias"].text() == "", timeout=2000)  # h 0.5, g 0: mixed
    shown.clear()
    editor.copy()
    pasted = editor.paste()
    qtbot.wait(50)
    assert shown == [1] and ins.nodes == pasted  # once, for the pasted nodes


def test_inspector_refuses_a_kind_change_that_would_break_edges(window):
    window.doc.new(small_net())
    window.scene.select_nodes(["h"])
    before = window.doc.net.copy()
    box = window.inspector.f["kind"]
    box.setCurrentText("input")
    box.activated.emit(box.currentIndex())
    assert window.doc.net == before
    assert "incoming edges" in window.statusBar().currentMessage()
    assert box.currentText() == "neuron"


def test_save_and_open_through_the_actions(window, tmp_path, monkeypatch):
    window.doc.new(small_net())
    window.editor.add_edge("g", "y")
    assert window.windowTitle().startswith("untitled*")
    target = tmp_path / "net.rnn.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.actions["save"].trigger()
    assert target.exists() and not window.doc.modified
    assert window.windowTitle().startswith("net.rnn.json —")
    saved = window.doc.net.copy()
    window.actions["new"].trigger()
    assert len(window.doc.net) == 0
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window.actions["open"].trigger()
    assert window.doc.net == saved and window.doc.path == target
    assert str(target.resolve()) in window.files.recent()
    assert window.recent_menu.actions()


def test_open_error_shows_the_message_and_keeps_the_document(window, tmp_path, monkeypatch):
    window.doc.new(small_net())
    before = window.doc.net
    bad = tmp_path / "bad.rnn.json"
    bad.write_text("{not json")
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: shown.append(a[2])))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bad), "")))
    window.actions["open"].trigger()
    assert window.doc.net is before
    assert shown and "bad.rnn.json" in shown[0]


def test_unsaved_changes_prompt_can_cancel(window, monkeypatch):
    window.editor.add_node_at("neuron", QPointF(0, 0))
    asked = []

    def cancel(*a, **k):
        asked.append(a[1])
        return QMessageBox.StandardButton.Cancel
    monkeypatch.setattr(QMessageBox, "question", staticmethod(cancel))
    window.actions["new"].trigger()
    assert asked and len(window.doc.net) == 1


def test_examples_menu_lists_examples_and_opens_one(window):
    names = [a.text() for a in window.examples_menu.actions()]
    assert "elman-sine" in names
    window.examples_menu.actions()[names.index("elman-sine")].trigger()
    assert len(window.doc.net) > 0 and window.doc.path is None


def test_open_example_lists_the_shipped_examples_only(window, tmp_path, monkeypatch):
    """A trained copy written beside an example (the CLI's default) is not an example."""
    examples = tmp_path / "examples"
    examples.mkdir()
    source = default_example().parent
    for name in ("index.json", "elman-sine.rnn.json", "echo-memory.rnn.json"):
        (examples / name).write_bytes((source / name).read_bytes())
    (examples / "echo-memory-trained.rnn.json").write_bytes((source / "echo-memory.rnn.json")
                                                            .read_bytes())
    monkeypatch.setattr("rnnstudio.ui.document.examples_dir", lambda: examples)
    window._fill_examples()
    assert [a.text() for a in window.examples_menu.actions()] == ["elman-sine", "echo-memory"]


def test_recovery_file_written_and_offered(window, qtbot, monkeypatch):
    window.editor.add_node_at("neuron", QPointF(10, 20))
    assert window.doc.write_recovery(wait=True)
    net_file, meta = window.doc.recovery_files()
    assert net_file.exists() and json.loads(meta.read_text())["path"] is None
    expected = window.doc.net.copy()
    window.doc.recovery._lock.unlock()  # the instance is gone (its lock is stale)
    from rnnstudio.ui.main_window import MainWindow
    other = MainWindow()
    qtbot.addWidget(other)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    ui_app.open_initial(other, None)
    assert other.doc.net == expected and other.doc.modified
    assert not net_file.exists()  # the restored work is now the other window's recovery file
    own, _ = other.doc.recovery_files()
    assert own.exists() and rs.load(own) == expected
    other.doc.stack.setClean()
    other.close()  # a clean exit removes the recovery file
    assert not own.exists()


def test_first_screen_opens_the_default_example(window):
    ui_app.open_initial(window, None)
    net = window.doc.net
    assert net == rs.load(default_example()) and net.training["task"]["name"]  # it trains
    assert window.windowTitle().startswith("elman-sine (example) —")
    assert window.doc.path is None  # Save asks for a name: the example stays as it is
    hidden = [n for n in net.graph if net.kind(n) == "neuron"]
    assert 0 < len(hidden) <= 6 and net.backward_edges()  # small enough to read, has memory
    window.view.fit()  # what the window does once shown
    shown = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert all(shown.contains(window.scene.nodes[n].sceneBoundingRect()) for n in net.graph)


def test_saving_an_example_copy_names_the_file(window, tmp_path):
    window.files.open_example(default_example())
    window.doc.save(tmp_path / "mine.rnn.json")
    assert window.windowTitle().startswith("mine.rnn.json —")


def test_copy_paste_renames_ids_and_keeps_internal_edges(window):
    window.doc.new(small_net())
    window.scene.select_nodes(["h", "y"])
    assert window.editor.copy()
    new = window.editor.paste()
    net = window.doc.net
    assert len(new) == 2 and not set(new) & {"h", "y"}
    h2 = next(n for n in new if net.kind(n) == "neuron")
    y2 = next(n for n in new if net.kind(n) == "output")
    assert net.has_edge(h2, y2) and net.has_edge(h2, h2)
    assert net.graph.in_degree(h2) == 1  # x -> h was outside the selection
    window.doc.stack.undo()
    assert net == small_net()


def test_copy_paste_carries_the_groups_wholly_inside_the_selection(window):
    net = small_net()
    net.add_group("layer", ["h", "g"], label="layer", collapsed=True)
    net.add_group("io", ["x", "y"])
    window.doc.new(net)
    window.scene.select_nodes(["h", "g", "y"])
    assert window.editor.copy()
    new = window.editor.paste()
    net = window.doc.net
    assert list(net.groups) == ["layer", "io", "layer_2"]  # io was cut in two: not copied
    assert sorted(net.groups["layer_2"]["members"]) == sorted(
        n for n in new if net.kind(n) == "neuron")
    assert net.groups["layer_2"]["collapsed"] is True


def test_connect_selection_to_selection(window, monkeypatch):
    window.doc.new(small_net())
    monkeypatch.setattr("rnnstudio.ui.insert.QInputDialog.getItem",
                        staticmethod(lambda *a, **k: ("1", True)))
    window.scene.select_nodes(["h", "g"])
    window.actions["connect"].trigger()
    window.scene.select_nodes(["g", "y"])
    window.actions["connect"].trigger()
    net = window.doc.net
    assert net.graph.edges["g", "y"]["delay"] == 1 and net.has_edge("g", "g")
    assert window.doc.stack.count() == 1


def test_export_and_render_command(window, tmp_path, monkeypatch):
    window.doc.new(small_net())
    window.scene.set_values({n: 0.5 for n in window.doc.net.graph.nodes})  # a step's values
    png, svg = tmp_path / "a.png", tmp_path / "a.svg"
    for path in (png, svg):
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, p=path, **k: (str(p), "")))
        window.actions["export"].trigger()
        assert path.exists() and path.stat().st_size > 500
    assert svg.read_text().lstrip().startswith("<?xml")
    assert "<image" not in svg.read_text()  # vector: no item went in as its cached pixmap
    from rnnstudio import cli
    src = tmp_path / "n.rnn.json"
    rs.save(small_net(), src)
    out = tmp_path / "r.png"
    assert cli.main(["render", str(src), str(out)]) == 0 and out.exists()
