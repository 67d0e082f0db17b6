"""New nodes land where the user puts them, and the view never moves on insertion."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QCursor
from PySide6.QtTest import QTest


def _shown(window, qtbot) -> None:
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    # the docks take their sizes (a zero timer after show), then the canvas keeps its size
    qtbot.waitUntil(lambda: window.layout_settled and window.view.viewport().height() > 440)
    qtbot.wait(10)


def _press_at(window, qtbot, key, view_point: QPoint) -> None:
    vp = window.view.viewport()
    QCursor.setPos(vp.mapToGlobal(view_point))
    QTest.keyClick(vp, key)


def _positions(window) -> dict:
    return {n: (d["x"], d["y"]) for n, d in window.doc.net.graph.nodes(data=True)}


def test_keys_insert_nodes_exactly_at_the_cursor(window, qtbot):
    _shown(window, qtbot)
    view = window.view
    spots = [(Qt.Key.Key_I, QPoint(300, 200)), (Qt.Key.Key_N, QPoint(550, 200)),
             (Qt.Key.Key_O, QPoint(800, 260)), (Qt.Key.Key_P, QPoint(560, 420))]
    expected = []
    for key, point in spots:
        expected.append(view.mapToScene(point))
        _press_at(window, qtbot, key, point)
    pos = _positions(window)
    assert len(pos) == 4
    for (x, y), want in zip(pos.values(), expected):
        assert math.hypot(x - want.x(), y - want.y()) < 0.5
    for (key, point), item in zip(spots, window.scene.nodes.values()):  # the view stayed
        assert (view.mapFromScene(item.pos()) - point).manhattanLength() <= 1


def test_a_drop_lands_at_the_drop_point(window, qtbot):
    _shown(window, qtbot)
    window.view.node_drop_requested.emit("neuron", QPointF(123.4, -56.7))
    assert list(_positions(window).values()) == [(123.4, -56.7)]


def test_palette_clicks_place_nodes_apart_near_the_centre_without_moving_the_view(
        window, qtbot):
    _shown(window, qtbot)
    view = window.view
    centre = view.centre()
    before = view.visible_rect()
    for kind in ("input", "output", "neuron", "neuron", "product"):
        window.palette.buttons[kind].click()
    window.scene.flush()
    pos = list(_positions(window).values())
    assert len(pos) == 5
    assert view.visible_rect() == before
    for i, (x, y) in enumerate(pos):
        assert before.contains(QPointF(x, y))
        assert math.hypot(x - centre.x(), y - centre.y()) < 300
        for (x2, y2) in pos[:i]:
            assert abs(x - x2) >= 100 or abs(y - y2) >= 100
