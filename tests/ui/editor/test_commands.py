"""Every edit is undoable: walking the stack back and forth restores the model exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QUndoStack

import rnnstudio as rs
from rnnstudio.ui.commands import (AddSubnetCommand, OrderingCommand, RemoveCommand,
                                   SetEdgeAttrsCommand, SetNodeAttrsCommand, push)

from .conftest import small_net


def _walk(stack, net, states):
    """Undo to the start and redo to the end twice, checking every state."""
    for _ in range(2):
        for i in range(stack.count(), 0, -1):
            assert net == states[i]
            stack.undo()
        assert net == states[0]
        for i in range(1, stack.count() + 1):
            stack.redo()
            assert net == states[i]


def test_editor_session_walks_back_and_forth(window):
    ed, net, stack = window.editor, window.doc.net, window.doc.stack
    states = [net.copy()]

    def step(fn, *args, **kw):
        fn(*args, **kw)
        states.append(net.copy())

    step(ed.add_node_at, "input", QPointF(0, 0))
    step(ed.add_node_at, "neuron", QPointF(150, 0))
    step(ed.add_node_at, "product", QPointF(150, 100))
    step(ed.add_node_at, "output", QPointF(300, 0))
    step(ed.add_edge, "x0", "h0")
    step(ed.add_edge, "h0", "h0")
    step(ed.add_edge, "h0", "y0")
    step(ed.add_edge, "h1", "h0")
    step(ed.set_node_attrs, ["h0", "h1"], activation="relu")
    step(ed.set_edge_attrs, [("h0", "y0")], weight=-2.5, delay=2)
    step(ed.set_ordering_mode, "manual")
    step(ed.set_manual_order, ["x0", "h1", "y0", "h0"])
    step(ed.set_node_attrs, ["y0"], kind="neuron")
    step(ed.arrange)
    window.scene.select_nodes(["h0"])
    step(ed.delete_selection)
    step(ed.add_layer, 3, "sigmoid")
    assert stack.count() == len(states) - 1
    _walk(stack, net, states)


def test_remove_restores_io_column_and_manual_position():
    net = rs.Network()
    for i in range(3):
        net.add_input(f"x{i}")
    net.add_neuron("a")
    net.add_neuron("b")
    net.add_output("y")
    net.add_edge("x1", "a", weight=0.25, delay=3)
    net.add_edge("a", "b")
    net.set_ordering(["x0", "x1", "x2", "b", "a", "y"])
    before = net.copy()
    stack = QUndoStack()
    push(stack, RemoveCommand(net, ["x1", "a"]))
    assert "a" not in net and net.inputs == ["x0", "x2"]
    stack.undo()
    assert net == before
    assert net.inputs == ["x0", "x1", "x2"] and net.manual_order == ["b", "a", "y"]


def test_refused_command_is_rolled_back_and_not_pushed():
    net = small_net()
    before = net.copy()
    stack = QUndoStack()
    cmd = AddSubnetCommand(net, [("n", "neuron", {})], [("n", "h", {}), ("h", "x", {})])
    with pytest.raises(rs.NetworkError):
        push(stack, cmd)
    assert net == before and stack.count() == 0
    with pytest.raises(rs.NetworkError):  # the second node's value is bad: the first is undone
        push(stack, SetNodeAttrsCommand(net, {"h": {"bias": 1.0}, "g": {"bias": float("nan")}}))
    assert net == before
    with pytest.raises(rs.NetworkError):
        push(stack, SetEdgeAttrsCommand(net, {("x", "h"): {"weight": 2.0},
                                              ("h", "y"): {"delay": -1}}))
    assert net == before and stack.count() == 0


def test_ordering_command_undo_returns_to_auto():
    net = small_net()
    before = net.copy()
    stack = QUndoStack()
    push(stack, OrderingCommand(net, manual=["y", "g", "h"]))
    assert net.ordering_mode == "manual" and net.ordering()[1:] == ["y", "g", "h"]
    stack.undo()
    assert net == before and net.ordering_mode == "auto"
    stack.redo()
    assert net.ordering()[1:] == ["y", "g", "h"]


def test_template_insertion_is_one_step_with_fresh_ids(window):
    net = window.doc.net
    net.add_neuron("h0", x=0.0, y=0.0)
    window.doc.stack.clear()
    before = net.copy()
    ids = window.insert.insert_template(0)  # Elman layer
    assert ids and "h0" in net and len(net) == len(before) + len(ids)
    assert window.doc.stack.count() == 1
    xs = [net.graph.nodes[n]["x"] for n in ids]
    assert min(xs) > 0  # placed in free space, right of the existing node
    window.doc.stack.undo()
    assert net == before
