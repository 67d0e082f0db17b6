"""Every edit is undoable: walking the stack back and forth restores the model exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QUndoStack

import rnnstudio as rs
from rnnstudio.ui.commands import (AddSubnetCommand, OrderingCommand, RemoveCommand,
                                   SetEdgeAttrsCommand, SetNodeAttrsCommand, push)

from rnnstudio.ui.insert import TEMPLATE_ENTRIES, build_template

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


def test_template_insertion_keeps_names_and_groups_suffixing_only_taken_ids(window):
    net = window.doc.net
    net.add_neuron("h0", x=0.0, y=0.0)
    window.doc.stack.clear()
    before = net.copy()
    entry = next(i for i, e in enumerate(TEMPLATE_ENTRIES) if e[1] == "lstm")
    ids = window.insert.insert_template(entry)
    template = build_template(*TEMPLATE_ENTRIES[entry][1:])
    expected = [n if n != "h0" else "h0_2" for n in template.graph]
    assert sorted(ids) == sorted(expected)  # i0, f0, g0, o0 ... stay; only h0 is taken
    assert {"i0", "f0", "g0", "o0", "c0", "h1", "h0_2"} <= set(net.graph)
    assert list(net.groups) == list(template.groups)
    assert net.groups["hidden"]["members"] == ["h0_2", "h1"]
    assert net.has_edge("h0_2", "i0") and net.has_edge("x0", "i0")
    window.insert.insert_template(entry)  # a second one: every id and group suffixed
    assert "i0_2" in net and "hidden_2" in net.groups
    assert net.groups["hidden_2"]["members"] == ["h0_3", "h1_2"]
    window.doc.stack.undo()
    window.doc.stack.undo()
    assert net == before


def test_group_ungroup_rename_collapse_are_undoable(window):
    ed, net, stack = window.editor, window.doc.net, window.doc.stack
    net.restore(small_net().snapshot())
    stack.clear()
    states = [net.copy()]

    def step(fn, *args, **kw):
        fn(*args, **kw)
        states.append(net.copy())

    step(ed.group_nodes, ["h", "g"], "hidden layer")
    gid = "hidden_layer"
    assert net.groups[gid]["members"] == ["h", "g"] and net.groups[gid]["label"] == \
        "hidden layer"
    step(ed.set_group_attrs, gid, collapsed=True)
    step(ed.set_group_attrs, gid, label="state")
    step(ed.group_nodes, ["g", "y"], "mixed")  # takes g out of the first group
    assert net.groups[gid]["members"] == ["h"] and net.groups["mixed"]["members"] == ["g", "y"]
    step(ed.ungroup, "mixed")
    assert [stack.text(i) for i in range(stack.count())] == [
        "Group 2 node(s) as hidden layer", "Collapse hidden layer", "Rename state",
        "Group 2 node(s) as mixed", "Ungroup mixed"]
    _walk(stack, net, states)


def test_undoing_a_delete_gives_back_group_membership_in_place(window):
    ed, net, stack = window.editor, window.doc.net, window.doc.stack
    net.restore(small_net().snapshot())
    net.add_group("layer", ["h", "g"], collapsed=True)
    net.add_group("out", ["y"])
    stack.clear()
    before = net.copy()
    push(stack, RemoveCommand(net, ["h", "y"]))
    assert net.groups == {"layer": {"label": "layer", "members": ["g"], "collapsed": True}}
    stack.undo()
    assert net == before and list(net.groups) == ["layer", "out"]
    stack.redo()
    stack.undo()
    assert net == before


def test_template_insertion_is_one_step_placed_in_free_space(window):
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


def _cycle_net() -> rs.Network:
    net = rs.Network()
    net.add_input("x")
    for n in "abc":
        net.add_neuron(n)
    net.add_output("y")
    for u, v in (("x", "a"), ("a", "b"), ("b", "c"), ("c", "y")):
        net.add_edge(u, v)
    return net


def test_undo_and_redo_give_back_the_ordering_and_delays_known_before():
    """An edit that changes the auto ordering: undo and redo put back the ordering and delays
    of the state they return to, known at once (a big network's views need not wait for a
    worker to compute them again), equal to what computing them gives."""
    net = _cycle_net()
    before = (net.ordering(), net.delays())
    stack = QUndoStack()
    push(stack, SetEdgeAttrsCommand(net, {("b", "c"): {"delay": 1}}))
    after = (net.ordering(), net.delays())
    assert after != before
    stack.undo()
    assert net.resolved() == before  # known, not computed again
    assert (net.copy().ordering(), net.copy().delays()) == before
    stack.redo()
    assert net.resolved() == after
    assert (net.copy().ordering(), net.copy().delays()) == after


def test_only_the_last_commands_keep_the_resolved_state():
    from rnnstudio.ui import commands
    net = _cycle_net()
    stack = QUndoStack()
    for k in range(commands.KEEP_RESOLVED + 2):
        net.ordering(), net.delays()
        push(stack, SetEdgeAttrsCommand(net, {("a", "b"): {"weight": float(k)}}))
    kept = [bool(stack.command(i)._resolved) for i in range(stack.count())]
    assert kept == [False] * 2 + [True] * commands.KEEP_RESOLVED


def test_an_edit_freezes_what_it_made_while_a_big_heap_is_frozen():
    """As `freeze_bulk` does for a paste, for every edit once a big network's objects are
    frozen (collector.settle_heap): the young objects it leaves are frozen with them."""
    import gc
    net = _cycle_net()
    stack = QUndoStack()
    gc.freeze()
    try:
        young = [[] for _ in range(500)]  # (made before the edit, still young)
        before = gc.get_freeze_count()
        push(stack, SetEdgeAttrsCommand(net, {("a", "b"): {"weight": 2.0}}))
        assert gc.get_freeze_count() >= before + len(young)
    finally:
        gc.unfreeze()
