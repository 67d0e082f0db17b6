"""The canvas's loop routing after edits in a big network (ui/canvas/routing.py, issue 14: no
UI stall over 100 ms after an edit): done later, in steps, and only where something changed,
the canvas ends exactly as a canvas drawn afresh from the network."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer

import rnnstudio as rs
from rnnstudio.ui import ordering_strip
from rnnstudio.ui.canvas import drawing
from rnnstudio.ui.canvas.scene import NetworkScene


def big(monkeypatch) -> None:
    """Every network routes its loops as a big one does: a moment after the edits."""
    monkeypatch.setattr(drawing, "ROUTE_LATER", 0)
    monkeypatch.setattr(ordering_strip, "ROUTE_LATER", 0)


def routed(scene) -> bool:
    """Routed and drawn. (The flags alone were all down in the turn between the loops'
    routing and their drawing: under load the tests compared a half-done canvas, 1 run in 6.)"""
    return not scene.routing()


def assert_drawn_as_afresh(scene) -> None:
    """The badges, delays, loops and every edge's shape and look are those of a canvas that
    draws the network from scratch."""
    fresh = NetworkScene(scene.net)
    try:
        assert scene._delays == fresh._delays
        assert scene._arcs == fresh._arcs
        assert {n: i.badge for n, i in scene.nodes.items()} == \
            {n: i.badge for n, i in fresh.nodes.items()}
        assert scene._geoms.keys() == fresh._geoms.keys()
        for key, shape in fresh._geoms.items():
            mine = scene.geom(key)
            assert scene.look(key) == fresh.look(key), key
            assert mine.tagged == shape.tagged, key
            np.testing.assert_array_equal(mine.elems, shape.elems, err_msg=str(key))
    finally:
        fresh.set_network(rs.Network())


def test_the_deferred_routing_ends_as_a_canvas_drawn_afresh(window, qtbot, monkeypatch):
    big(monkeypatch)
    net = rs.templates.lstm(2, 4, 1)
    window.doc.new(net)
    scene, ed, g = window.scene, window.editor, window.doc.net.graph
    edits = [
        lambda: ed.set_node_attrs(["h0"], y=g.nodes["h0"]["y"] - 300),  # lanes over it move
        lambda: ed.set_edge_attrs([("x0", "i0")], delay=2),  # a delay of its own: a tag
        lambda: ed.add_edge("y0", "i1"),  # a new loop, a new ordering
        lambda: (scene.select_nodes(["f1"]), ed.delete_selection()),  # loops go
        window.doc.stack.undo,
        window.doc.stack.undo,
        window.doc.stack.redo,
    ]
    for edit in edits:
        edit()
        qtbot.waitUntil(lambda: routed(scene), timeout=3000)
        assert_drawn_as_afresh(scene)


def test_the_ordering_and_the_loops_come_in_two_turns_of_the_ui(window, qtbot, monkeypatch):
    """Showing the ordering (badges, the delays it gives) and routing the loops each take
    tens of ms at 50,000 edges: not in the same callback (the UI answers in between)."""
    big(monkeypatch)
    window.doc.new(rs.templates.elman(1, 3, 1))
    scene = window.scene
    seen, answered = [], []
    restyle, reroute = scene._restyle_ordering, scene._reroute

    def spy_restyle():
        seen.append("ordering")
        QTimer.singleShot(0, lambda: answered.append(len(seen)))  # the UI's next turn
        restyle()

    def spy_reroute():
        seen.append(("loops", list(answered)))
        reroute()
    monkeypatch.setattr(scene, "_restyle_ordering", spy_restyle)
    monkeypatch.setattr(scene, "_reroute", spy_reroute)
    window.editor.add_edge("y0", "h1")  # a new loop: a new ordering
    qtbot.waitUntil(lambda: routed(scene) and len(seen) >= 2, timeout=3000)
    assert seen[:2] == ["ordering", ("loops", [1])]
    assert_drawn_as_afresh(scene)


def test_an_edit_that_changes_no_place_and_no_ordering_routes_nothing(window, qtbot,
                                                                       monkeypatch):
    big(monkeypatch)
    window.doc.new(rs.templates.elman(1, 3, 1))
    scene = window.scene
    calls = []
    real = scene._routes.update
    monkeypatch.setattr(scene._routes, "update", lambda *a, **k: calls.append(1) or real(*a, **k))
    window.editor.set_edge_attrs([("h2", "h0")], weight=-0.25)
    window.editor.set_node_attrs(["h1"], activation="relu")
    qtbot.wait(400)
    assert routed(scene) and not calls
    assert scene.look(("h2", "h0"))[1] is False  # drawn negative all the same
