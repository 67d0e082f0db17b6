"""Issue 14 #1 and #2: undo gives back the same network in every observable way (ordering,
delays, outputs, ids, file bytes), and equality sees what changes meaning."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

import rnnstudio as rs
from rnnstudio.ui.document import examples_dir


def _observed(net) -> tuple:
    """Everything a user can observe of a network, compared exactly."""
    X = np.linspace(-1, 1, 8 * max(1, len(net.inputs))).reshape(8, -1)[:, :len(net.inputs)]
    outputs = rs.run(net, X) if net.outputs and net.inputs else None
    return (net.ordering(), net.delays(), rs.io.dumps(net),
            None if outputs is None else outputs.tolist())


def test_undo_of_a_delete_in_manual_ordering_keeps_delay_zero_edges(window):
    """#1: the edges come back after the manual order, so an explicit delay-0 edge is not
    refused; redo and undo keep walking."""
    ed, stack = window.editor, window.doc.stack
    for kind, x in (("input", 0), ("neuron", 150), ("neuron", 300)):
        ed.add_node_at(kind, QPointF(x, 0))
    ed.add_edge("x0", "h0")
    ed.add_edge("h0", "h1", delay=0)
    ed.set_ordering_mode("manual")
    net = window.doc.net
    before = net.copy()
    window.scene.select_nodes(["h0"])
    ed.delete_selection()
    assert "h0" not in net
    stack.undo()
    assert net == before and net.graph.edges["h0", "h1"]["delay"] == 0
    stack.redo()
    assert "h0" not in net
    stack.undo()
    assert net == before and _observed(net) == _observed(before)


def test_undo_of_a_kind_change_in_manual_ordering(window):
    """A neuron that became an input left the manual order; undo puts it back in its place
    although its delay-0 edge points to a node listed before the end."""
    ed, stack, net = window.editor, window.doc.stack, window.doc.net
    for kind, x in (("neuron", 0), ("neuron", 150), ("output", 300)):
        ed.add_node_at(kind, QPointF(x, 0))
    ed.add_edge("h0", "h1", delay=0)
    ed.add_edge("h1", "y0", delay=0)
    ed.set_ordering_mode("manual")
    before = net.copy()
    assert ed.set_node_attrs(["h0"], kind="input")
    stack.undo()
    assert net == before and net.manual_order == before.manual_order


def test_equality_sees_the_node_order_the_auto_ordering_depends_on():
    """#2: the same nodes and edges created in another order can order differently."""
    def build(order):
        net = rs.Network()
        for n in order:
            net.add_neuron(n)
        net.add_edge("a", "b")
        net.add_edge("b", "a")
        return net
    ab, ba = build("ab"), build("ba")
    assert ab.ordering() != ba.ordering() and ab != ba
    ab.set_ordering_mode("manual")
    ba.set_ordering(ab.ordering())
    assert ab == ba  # a manual ordering does not depend on it
    ab.set_ordering_mode("position")
    ba.set_ordering_mode("position")
    assert ab == ba


def test_equality_sees_groups_io_order_and_manual_order():
    net = rs.templates.elman(2, 3, 1)
    other = net.copy()
    assert net == other
    other.set_io_order(inputs=list(reversed(net.inputs)))
    assert net != other
    other = net.copy()
    gids = list(net.groups)
    other.set_groups({g: net.groups[g] for g in reversed(gids)})
    assert net != other
    other = net.copy()
    other.set_ordering(net.ordering())
    net.set_ordering_mode("manual")
    assert net == other
    order = net.ordering()
    other.set_ordering(order[:2] + [order[3], order[2]] + order[4:])
    assert net != other


EXAMPLES = sorted(examples_dir().glob("*.rnn.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name.split(".")[0] for p in EXAMPLES])
def test_delete_and_undo_any_node_restores_everything(window, path):
    """#2: over every example and every node: delete it, undo, redo, undo."""
    window.doc.open(path)
    net, stack = window.doc.net, window.doc.stack
    expected = net.copy()
    seen = _observed(net)
    for node in list(net.graph):
        window.scene.select_nodes([node])
        window.editor.delete_selection()
        stack.undo()
        assert net == expected, node
        assert _observed(net) == seen, node
        stack.redo()
        stack.undo()
        assert _observed(net) == seen, node
    stack.setClean()


def test_ordering_cycle_example_from_the_issue(window):
    window.doc.open(examples_dir() / "ordering-cycle.rnn.json")
    net = window.doc.net
    delays = net.delays()
    window.scene.select_nodes(["h0"])
    window.editor.delete_selection()
    window.doc.stack.undo()
    assert net.delays() == delays and not window.doc.modified


def test_undo_gives_back_the_ids_it_handed_out(window):
    """After undoing an add, the next node gets the same id again."""
    ed = window.editor
    first = ed.add_node_at("neuron", QPointF(0, 0))
    window.doc.stack.undo()
    assert ed.add_node_at("neuron", QPointF(0, 0)) == first
