"""Issue 4's "done when", by mouse: build, wire (a cycle and a self-loop), see the memory edges,
reorder in the strip, save, reopen; every step undoes and redoes exactly."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

import rnnstudio as rs
from rnnstudio.ui.canvas.view import NODE_MIME

from .test_canvas import _drag, _rim


def _drop(window, kind: str, x: float, y: float) -> str:
    """Drag `kind` from the palette and drop it at scene (x, y); returns the new id."""
    before = set(window.doc.net.graph)
    mime = QMimeData()
    mime.setData(NODE_MIME, QByteArray(kind.encode()))
    pos = window.view.mapFromScene(QPointF(x, y))
    window.view.dropEvent(QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime,
                                     Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    (new,) = set(window.doc.net.graph) - before
    return new


def _strip_move(window, node: str, row: int) -> None:
    """Drag `node` to `row` in the ordering strip (an internal move of its list)."""
    window.strip.refresh()  # it shows the model's ordering (normally on a zero timer)
    lst = window.strip.list
    src = window.strip.order_shown().index(node)
    assert lst.model().moveRow(lst.model().index(-1, 0).parent(), src,
                               lst.model().index(-1, 0).parent(), row)


def test_build_wire_reorder_save_reopen_by_mouse(window, qtbot, tmp_path, monkeypatch):
    window.doc.new()
    window.show()
    qtbot.waitExposed(window)
    window.view.resetTransform()
    window.view.centerOn(150, 60)
    net, stack, scene = window.doc.net, window.doc.stack, window.scene
    states = [net.copy()]

    def did():
        scene.flush()
        states.append(net.copy())
        assert stack.count() == len(states) - 1  # each gesture: exactly one undo step

    ids = {}
    for name, kind, x, y in [("x0", "input", 0, 0), ("x1", "input", 0, 120),
                             ("a", "neuron", 150, 0), ("b", "neuron", 150, 120),
                             ("y", "output", 300, 60)]:
        ids[name] = _drop(window, kind, x, y)
        did()
    assert [net.kind(ids[n]) for n in ("x0", "a", "y")] == ["input", "neuron", "output"]
    for u, v, angle in [("x0", "a", 0), ("x1", "b", 0), ("a", "b", 90), ("b", "a", 270),
                        ("a", "y", 0), ("b", "y", 0)]:
        target = net.graph.nodes[ids[v]]
        _drag(window, _rim(window, ids[u], angle), QPointF(target["x"], target["y"]))
        assert net.has_edge(ids[u], ids[v]), (u, v)
        did()
    a = net.graph.nodes[ids["a"]]
    _drag(window, _rim(window, ids["a"], 0), QPointF(a["x"] + 4, a["y"] + 3))  # self-loop
    assert net.has_edge(ids["a"], ids["a"])
    did()

    # The picture tells memory edges apart: exactly the model's delayed edges are drawn so.
    memory = set(net.backward_edges())
    assert (ids["a"], ids["a"]) in memory and len(memory) == 2  # the self-loop and one of a<->b
    for key in net.graph.edges:
        assert scene.is_delayed(*key) == (key in memory), key
    (loop_edge,) = memory - {(ids["a"], ids["a"])}
    assert "ordering" in scene.interactions.tooltip_text(
        QPointF(*_midpoint(scene.geom(loop_edge)))).lower()

    # Reorder in the strip: the other edge of the cycle becomes the memory edge.
    order = net.ordering()
    later = loop_edge[0]  # the source of the delayed edge comes later: move it first
    _strip_move(window, later, order.index(loop_edge[1]))
    assert net.ordering_mode == "manual"
    did()
    flipped = {(ids["a"], ids["a"]), (loop_edge[1], loop_edge[0])}
    assert set(net.backward_edges()) == flipped
    for key in net.graph.edges:
        assert scene.is_delayed(*key) == (key in flipped), key

    # Every gesture walks back and forth exactly, canvas included.
    for i in range(len(states) - 1, 0, -1):
        assert net == states[i]
        stack.undo()
    assert net == states[0] and not scene.nodes
    for i in range(1, len(states)):
        stack.redo()
        assert net == states[i]
    scene.flush()
    assert set(scene.nodes) == set(net.graph)
    assert {k for k in net.graph.edges if scene.is_delayed(*k)} == flipped

    # Save and reopen through the File actions.
    path = tmp_path / "mine.rnn.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    window.actions["save"].trigger()
    assert path.exists() and not window.doc.modified
    assert window.windowTitle().startswith("mine.rnn.json —")
    saved = net.copy()
    window.actions["new"].trigger()
    assert len(window.doc.net) == 0
    window.actions["open"].trigger()
    assert window.doc.net == saved and window.doc.net.backward_edges() == saved.backward_edges()

    assert rs.load(path) == saved


def _midpoint(geom) -> tuple[float, float]:
    x, y = geom.samples[len(geom.samples) // 2]
    return x, y
