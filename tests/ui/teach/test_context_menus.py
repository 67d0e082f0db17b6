"""Context menus on the canvas: a right click (no drag) opens the menu of what it hits, a
right drag still pans, and every entry is one undo step through the editor."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QMenu

import rnnstudio as rs

from tests.ui.editor.test_canvas import _show

from .conftest import small_net


def find(menu: QMenu, *path: str):
    """The action at `path` (texts without '&'), through submenus."""
    for action in menu.actions():
        if action.text().replace("&", "") == path[0]:
            if len(path) == 1:
                return action
            return find(action.menu(), *path[1:])
    raise KeyError(f"{path[0]!r} not in {[a.text() for a in menu.actions()]}")


def texts(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if a.text()]


def _right_click(window, scene_pos: QPointF, drag: QPoint = QPoint(0, 0)) -> None:
    vp = window.view.viewport()
    p = window.view.mapFromScene(scene_pos)
    QTest.mousePress(vp, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, p)
    if drag != QPoint(0, 0):
        for k in range(1, 6):
            QTest.mouseMove(vp, p + drag * k / 5)
    else:
        QTest.mouseMove(vp, p + QPoint(1, 1))  # a tremble is still a click
    QTest.mouseRelease(vp, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, p + drag)


def test_a_right_click_opens_the_menu_of_what_it_hits(window, qtbot):
    _show(window, qtbot, small_net())
    menus = window.canvas_menus
    _right_click(window, QPointF(150, 100))
    assert menus.menu.isVisible() and texts(menus.menu)[0] == "Neuron g"
    assert window.scene.selected_nodes() == ["g"]  # the click selected what it hit
    menus.menu.close()
    _right_click(window, QPointF(225, 0))  # halfway along h -> y
    assert texts(menus.menu)[0] == "Edge h → y"
    assert window.scene.selected_edges == {("h", "y")}
    menus.menu.close()
    _right_click(window, QPointF(60, 160))
    assert texts(menus.menu)[0] == "Canvas"
    menus.menu.close()


def test_a_right_drag_pans_and_opens_no_menu(window, qtbot):
    _show(window, qtbot, small_net())
    window.view.zoom(4.0)
    vp = window.view.viewport()
    before = window.view.mapToScene(vp.rect().center())
    _right_click(window, QPointF(60, 160), drag=QPoint(-80, -50))
    moved = window.view.mapToScene(vp.rect().center()) - before
    assert moved.x() > 5 and moved.y() > 5
    assert window.canvas_menus.menu is None
    assert window.doc.stack.count() == 0


def test_node_menu_acts_on_the_selection_as_one_undo_step(window):
    window.doc.new(small_net())
    window.scene.select_nodes(["h", "g"])
    menu = window.canvas_menus.menu_for(QPointF(150, 0))  # h, part of the selection
    assert texts(menu)[0] == "2 nodes"
    assert find(menu, "Activation", "tanh").isChecked()
    find(menu, "Activation", "relu").trigger()
    net = window.doc.net
    assert net.node_attrs("h")["activation"] == net.node_attrs("g")["activation"] == "relu"
    assert window.doc.stack.count() == 1
    window.doc.stack.undo()
    assert net.node_attrs("g")["activation"] == "tanh"


def test_node_menu_adds_a_self_loop_renames_and_deletes(window, monkeypatch):
    window.doc.new(small_net())
    net = window.doc.net
    menu = window.canvas_menus.menu_for(QPointF(150, 100))
    find(menu, "Add self-loop").trigger()
    assert net.has_edge("g", "g") and net.resolved_delay("g", "g") == 1
    menu = window.canvas_menus.menu_for(QPointF(150, 100))
    assert not find(menu, "Add self-loop").isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("gate", True)))
    find(menu, "Rename…").trigger()
    assert net.node_attrs("g")["label"] == "gate"
    find(menu, "Delete").trigger()
    assert "g" not in net
    window.doc.stack.undo()
    assert net.has_edge("g", "g") and net.node_attrs("g")["label"] == "gate"


def test_edge_menu_sets_delay_weight_and_trainable(window, monkeypatch):
    window.doc.new(small_net())
    net = window.doc.net
    menu = window.canvas_menus.menu_for(QPointF(225, 0))
    assert find(menu, "Delay", "auto").isChecked()
    find(menu, "Delay", "2").trigger()
    assert net.edge_attrs("h", "y")["delay"] == 2 and net.resolved_delay("h", "y") == 2
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (7, True)))
    find(menu, "Delay", "Other…").trigger()
    assert net.edge_attrs("h", "y")["delay"] == 7
    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: (0.25, True)))
    find(menu, "Set weight…").trigger()
    find(menu, "Negate weight").trigger()
    assert net.edge_attrs("h", "y")["weight"] == -0.25
    find(menu, "Trainable").trigger()
    assert net.edge_attrs("h", "y")["trainable"] is False
    assert window.doc.stack.count() == 5
    while window.doc.stack.canUndo():
        window.doc.stack.undo()
    assert net == small_net()


def test_inserting_a_neuron_on_an_edge_keeps_what_the_network_computes(window):
    window.doc.new(small_net())
    net = window.doc.net
    before = net.snapshot()
    X = np.random.default_rng(0).normal(size=(12, 2, 1))
    out = rs.run(net, X)
    menu = window.canvas_menus.menu_for(QPointF(75, 0))  # x -> h
    find(menu, "Insert neuron on this edge").trigger()
    (mid,) = set(net.graph) - {"x", "h", "g", "y"}
    assert not net.has_edge("x", "h") and net.has_edge("x", mid) and net.has_edge(mid, "h")
    assert net.edge_attrs("x", mid)["weight"] == 0.5
    assert (net.node_attrs(mid)["x"], net.node_attrs(mid)["y"]) == (80.0, 0.0)
    np.testing.assert_allclose(rs.run(net, X), out, atol=1e-12)
    assert window.doc.stack.count() == 1
    window.doc.stack.undo()
    assert net.snapshot() == before


def test_canvas_menu_adds_nodes_templates_and_pastes_at_the_click(window):
    window.doc.new(small_net())
    net = window.doc.net
    menu = window.canvas_menus.menu_for(QPointF(400, 300))
    find(menu, "Add neuron here").trigger()
    (new,) = set(net.graph) - {"x", "h", "g", "y"}
    assert (net.node_attrs(new)["x"], net.node_attrs(new)["y"]) == (400.0, 300.0)
    ids = set(net.graph)
    find(menu, "Insert template here", "Elman layer (1-4-1)").trigger()
    added = set(net.graph) - ids
    assert len(added) == 6
    assert min(net.node_attrs(n)["x"] for n in added) == 400.0
    assert min(net.node_attrs(n)["y"] for n in added) == 300.0
    window.scene.select_nodes(["h"])
    window.editor.copy()
    menu = window.canvas_menus.menu_for(QPointF(-300, -200))
    ids = set(net.graph)
    find(menu, "Paste here").trigger()
    (pasted,) = set(net.graph) - ids
    assert (net.node_attrs(pasted)["x"], net.node_attrs(pasted)["y"]) == (-300.0, -200.0)


def test_while_training_runs_structural_entries_are_off(window):
    window.doc.new(small_net())
    window.view.setInteractive(False)  # what the training lock does
    menu = window.canvas_menus.menu_for(QPointF(225, 0))
    assert "Structural edits are off while training runs" in texts(menu)
    assert not find(menu, "Delay").menu().isEnabled()
    assert not find(menu, "Insert neuron on this edge").isEnabled()
    assert find(menu, "Set weight…").isEnabled()  # weights stay editable
    menu = window.canvas_menus.menu_for(QPointF(400, 300))
    assert not find(menu, "Add neuron here").isEnabled()


def test_node_menu_groups_renames_collapses_and_ungroups(window, monkeypatch):
    window.doc.new(small_net())
    net = window.doc.net
    window.scene.select_nodes(["h", "g"])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("hidden", True)))
    menu = window.canvas_menus.menu_for(QPointF(150, 0))
    find(menu, "Group selection…").trigger()
    assert list(net.groups) == ["hidden"] and net.groups["hidden"]["label"] == "hidden"
    assert sorted(net.groups["hidden"]["members"]) == ["g", "h"]
    menu = window.canvas_menus.menu_for(QPointF(150, 100))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("state", True)))
    find(menu, "Group 'hidden'", "Rename group…").trigger()
    assert net.groups["hidden"]["label"] == "state"
    find(menu, "Group 'hidden'", "Collapse").trigger()
    assert net.groups["hidden"]["collapsed"] is True
    window.scene.select_nodes([])
    find(menu, "Group 'hidden'", "Select members").trigger()
    assert sorted(window.scene.selected_nodes()) == ["g", "h"]
    find(menu, "Group 'hidden'", "Ungroup").trigger()
    assert net.groups == {} and window.doc.stack.count() == 4
    while window.doc.stack.canUndo():
        window.doc.stack.undo()
    assert net.groups == {}
    window.doc.stack.redo()
    assert list(net.groups) == ["hidden"]
