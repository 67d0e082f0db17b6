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
    """The LSTM's h -> gates loops and its c -> fc loops overlap in x: they never share a
    lane, the wider corridor runs outside the narrower one, and the strands of one corridor
    run on one lane, as one cable."""
    net = T.lstm(2, 4, 1)
    arcs = layout.route_arcs(arranged(net), net.backward_edges())
    cell = {(arcs[e].lane, arcs[e].above) for e in arcs if e[0].startswith("c")}
    gates = {(arcs[e].lane, arcs[e].above) for e in arcs if e[0].startswith("h")}
    assert len(gates) == 1 and len(cell) == 1
    (gate_lane, gates_above), (cell_lane, cell_above) = gates.pop(), cell.pop()
    if gates_above == cell_above:
        assert (gate_lane < cell_lane) == gates_above


def test_a_layers_loops_run_on_one_side():
    """Every loop leaving a layer goes over it, or every one under it: one cable per layer.
    Before, the loops of a recurrent layer's lower half went under it and those of its upper
    half over it: two cables sharing the trunks beside the layer, whose dashes fell in each
    other's gaps, so that the trunks read as solid (not delayed) lines."""
    for net in (T.elman(1, 6, 1), T.lstm(2, 4, 1), rs.load("examples/exploding-gradients.rnn.json")):
        pos = arranged(net)
        arcs = layout.route_arcs(pos, net.backward_edges())
        sides: dict = {}
        for (u, v), arc in arcs.items():
            sides.setdefault(round(pos[u][0] / routes.LAYER_TOL), set()).add(arc.above)
        assert sides and all(len(s) == 1 for s in sides.values()), sides


def test_turns_and_lanes_sit_on_the_dash_grid():
    """Loops that share a line start their dashes on the grid, so they lie dash on dash."""
    for net in (T.elman(1, 6, 1), T.jordan(1, 6, 1), T.gru(1, 3, 1)):
        for arc in layout.route_arcs(arranged(net), net.backward_edges()).values():
            for x in (arc.out_x, arc.in_x, arc.lane):
                assert abs(x / routes.DASH_PERIOD - round(x / routes.DASH_PERIOD)) < 1e-9


def test_one_tag_per_cable_and_delay():
    net = T.lstm(2, 4, 1)
    arcs = layout.route_arcs(arranged(net), net.backward_edges(), net.delays())
    tagged = [e for e, a in arcs.items() if a.tag]
    cables = {(e[0][0], arcs[e].above) for e in arcs}  # (c or h, side)
    assert len(tagged) == len(cables) == 2


def test_moving_a_node_moves_the_lanes_over_it():
    net = T.elman(1, 3, 1)
    pos = arranged(net)
    before = layout.route_arcs(pos, net.backward_edges())
    top = min(pos, key=lambda n: pos[n][1])
    pos[top] = (pos[top][0], pos[top][1] - 200)
    after = layout.route_arcs(pos, net.backward_edges())
    assert min(a.lane for a in after.values()) < min(a.lane for a in before.values()) - 150


def _diff(old: dict, new: dict) -> list:
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def test_routes_kept_up_to_date_are_route_arcs_and_say_which_loops_changed():
    """layout.Routes (the canvas routes again after every edit, making Arcs only for the loops
    whose route changed): after moves, delays and loops that come and go, its arcs are exactly
    route_arcs' and it names exactly the loops whose arc changed, came or went."""
    net = T.lstm(2, 4, 1)
    pos = arranged(net)
    delays = net.delays()
    edges = net.backward_edges()
    kept = routes.Routes()
    assert kept.update(pos, edges, delays) == sorted(layout.route_arcs(pos, edges, delays))
    steps = [
        lambda: pos.update(h0=(pos["h0"][0], pos["h0"][1] - 300)),  # lanes over it move
        lambda: pos.update(c1=(pos["c1"][0] + 5, pos["c1"][1])),  # a turn moves, lanes stay
        lambda: None,  # nothing changed: nothing to redraw
        lambda: edges.remove(edges[0]),  # a loop goes
        lambda: delays.update({edges[-1]: 3}),  # its own tag (a delay of its own)
        lambda: edges.append(("y0", "i0")),  # a loop comes (the output's, back to a gate)
        lambda: pos.pop("f1"),  # a node not drawn: its loops go
    ]
    for step in steps:
        before = dict(kept.arcs)
        step()
        changed = kept.update(pos, edges, delays)
        expected = layout.route_arcs(pos, edges, delays)
        assert kept.arcs == expected
        assert changed == _diff(before, expected)
    assert kept.update(pos, edges, delays) == []


def test_delays_as_an_array_tag_as_the_dict_does():
    net = T.lstm(2, 4, 1)
    pos = arranged(net)
    delays = {e: 1 + i % 3 for i, e in enumerate(net.backward_edges())}
    edges = list(delays)
    kept = routes.Routes()
    kept.update(pos, edges, steps=[delays[e] for e in edges])
    assert kept.arcs == layout.route_arcs(pos, edges, delays)
    assert sum(a.tag for a in kept.arcs.values()) > 4  # a tag per cable and delay
