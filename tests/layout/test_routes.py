"""Feedback loops around the layers (rnnstudio.layout.route_arcs): which delayed edges get
one, and that their lanes run outside the nodes and never on top of each other."""

from __future__ import annotations

import rnnstudio as rs
from rnnstudio import layout
from rnnstudio.layout import routes

T = rs.templates


def arranged(net):
    layout.apply(net, layout.arrange(net))
    return {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)}


def test_recurrence_goes_around_and_forward_delays_do_not():
    net = T.elman(1, 4, 1)
    pos = arranged(net)
    arcs = layout.route_arcs(pos, net.backward_edges())
    assert set(arcs) == {(u, v) for u, v in net.backward_edges() if u != v}  # loops stay loops
    echo = rs.load("examples/echo-memory.rnn.json")
    assert layout.route_arcs(arranged(echo), echo.backward_edges()) == {}  # a delay line


def test_lanes_run_outside_the_nodes_they_pass_and_turns_beside_the_ends():
    for net in (T.elman(1, 4, 1), T.jordan(1, 6, 1), T.lstm(2, 4, 1), T.gru(1, 3, 1)):
        pos = arranged(net)
        for (u, v), arc in layout.route_arcs(pos, net.backward_edges()).items():
            assert arc.out_x > pos[u][0] + 18 and arc.in_x < pos[v][0] - 18
            passed = [y for x, y in pos.values() if arc.in_x <= x <= arc.out_x]
            if arc.above:
                assert arc.lane <= min(passed) - routes.CLEAR_TOP
            else:
                assert arc.lane >= max(passed) + routes.CLEAR_BOTTOM


def test_corridors_that_overlap_take_different_lanes():
    """The LSTM's h -> gates loops and its c -> fc loops overlap in x: on one side they
    never share a lane; the strands of one corridor run on one lane, as one cable."""
    net = T.lstm(2, 4, 1)
    arcs = layout.route_arcs(arranged(net), net.backward_edges())
    for above in (True, False):
        cell = {arcs[e].lane for e in arcs if e[0].startswith("c") and arcs[e].above == above}
        gates = {arcs[e].lane for e in arcs if e[0].startswith("h") and arcs[e].above == above}
        assert cell and gates
        if above:  # the wider corridor runs outside the narrower one
            assert max(gates) < min(cell)
        else:
            assert min(gates) > max(cell)
        assert len(gates) == 1 and len(cell) == 1


def test_one_tag_per_cable_and_delay():
    net = T.lstm(2, 4, 1)
    arcs = layout.route_arcs(arranged(net), net.backward_edges(), net.delays())
    tagged = [e for e, a in arcs.items() if a.tag]
    sides = {(e[0][0], arcs[e].above) for e in arcs}  # (c or h, side): the cables
    assert len(tagged) == len(sides) == 4


def test_moving_a_node_moves_the_lanes_over_it():
    net = T.elman(1, 3, 1)
    pos = arranged(net)
    before = layout.route_arcs(pos, net.backward_edges())
    top = min(pos, key=lambda n: pos[n][1])
    pos[top] = (pos[top][0], pos[top][1] - 200)
    after = layout.route_arcs(pos, net.backward_edges())
    assert min(a.lane for a in after.values()) < min(a.lane for a in before.values()) - 150
