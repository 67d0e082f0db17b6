"""rnnstudio.layout.arrange: spacing, left-to-right flow, groups kept together, wrapping to
the canvas's shape, and the routes of feedback loops (no Qt)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rnnstudio as rs
from rnnstudio import layout
from rnnstudio.model import NetworkError

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.rnn.json"))
MIN_GAP = 60.0
T = rs.templates
TEMPLATES = {
    "elman(1,4,1)": lambda: T.elman(1, 4, 1), "elman(1,16,1)": lambda: T.elman(1, 16, 1),
    "elman(3,64,2)": lambda: T.elman(3, 64, 2), "jordan(2,6,1)": lambda: T.jordan(2, 6, 1),
    "unit_3_5_4": lambda: T.unit_3_5_4(), "windowed(2,4,6,1)": lambda: T.windowed(2, 4, 6, 1),
    "many_to_one": lambda: T.many_to_one(), "lstm(2,4,1)": lambda: T.lstm(2, 4, 1),
    "lstm(1,1,1)": lambda: T.lstm(1, 1, 1), "lstm(3,12,2)": lambda: T.lstm(3, 12, 2),
    "gru(2,4,1)": lambda: T.gru(2, 4, 1), "gru(1,9,3)": lambda: T.gru(1, 9, 3),
    "bidirectional(1,4,1)": lambda: T.bidirectional(1, 4, 1),
    "bidirectional(2,12,2)": lambda: T.bidirectional(2, 12, 2),
}


def nets():
    for path in EXAMPLES:
        yield path.name, rs.load(path)
    for name, build in TEMPLATES.items():
        yield name, build()


NETS = list(nets())


def closest_pair(pos: dict) -> float:
    pts = sorted(pos.values())
    best = math.inf
    for i, (x, y) in enumerate(pts):  # sweep in x: only points closer than best in x count
        for x2, y2 in pts[i + 1:]:
            if x2 - x >= best:
                break
            best = min(best, math.hypot(x2 - x, y2 - y))
    return best


def check_layout(net, pos: dict) -> None:
    """What every arrangement promises (the members of collapsed groups sit packed inside
    their blocks: tests/layout/test_collapsed.py checks those)."""
    assert set(pos) == set(net.graph.nodes)
    shut = {m: g for g, r in net.groups.items() if r["collapsed"] for m in r["members"]}
    shown = {n: p for n, p in pos.items() if n not in shut}
    if len(shown) > 1:
        assert closest_pair(shown) >= MIN_GAP
    for (u, v), d in net.delays().items():
        if d == 0 and u != v and (u not in shut or shut[u] != shut.get(v)):
            assert pos[v][0] > pos[u][0], (u, v)  # same-step edges point right
    check_groups(net, pos)


def check_groups(net, pos: dict) -> None:
    """Each group's members fill a rectangle that holds no other node, and no two groups'
    rectangles meet: members are never interleaved with others."""
    boxes = {}
    for gid, grp in net.groups.items():
        xs = [pos[m][0] for m in grp["members"]]
        ys = [pos[m][1] for m in grp["members"]]
        boxes[gid] = (min(xs), min(ys), max(xs), max(ys))
        inside = [n for n, (x, y) in pos.items() if n not in grp["members"]
                  and min(xs) - 1 <= x <= max(xs) + 1 and min(ys) - 1 <= y <= max(ys) + 1]
        assert not inside, f"{gid} holds {inside}"
    gids = list(boxes)
    for i, a in enumerate(gids):
        for b in gids[i + 1:]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[a], boxes[b]
            assert ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0, (a, b)


@pytest.mark.parametrize("name,net", NETS, ids=[n for n, _ in NETS])
def test_examples_and_templates(name, net):
    pos = layout.arrange(net)
    check_layout(net, pos)
    others = [p[0] for n, p in pos.items() if n not in net.inputs]
    assert max(pos[x][0] for x in net.inputs) < min(others)  # inputs first, outputs last
    ends = [y for y in net.outputs if not any(
        d == 0 for (u, _), d in net.delays().items() if u == y)]  # outputs feeding nothing
    if ends:
        assert min(pos[y][0] for y in ends) > max(
            p[0] for n, p in pos.items() if n not in net.outputs)


@pytest.mark.parametrize("name,net", NETS, ids=[n for n, _ in NETS])
def test_the_files_and_templates_are_arranged(name, net):
    """Examples and templates come laid out by arrange (what Fit to View shows first)."""
    g = net.graph
    assert layout.arrange(net) == {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in g.nodes}


@st.composite
def random_networks(draw, n: int = 60):
    """60 nodes: a few inputs and outputs, random edges (cycles, self-loops, explicit
    delays), random disjoint groups and an ordering mode."""
    net = rs.Network()
    n_in, n_out = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    for i in range(n):
        kind = "input" if i < n_in else "output" if i >= n - n_out else "neuron"
        net.add_node(f"n{i}", kind, x=draw(st.floats(-500, 500)), y=draw(st.floats(-500, 500)))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(n_in, n - 1)),
                          max_size=240))
    for u, v in pairs:
        try:
            net.add_edge(f"n{u}", f"n{v}", delay=draw(st.sampled_from(["auto"] * 4 + [0, 1, 2])))
        except NetworkError:
            pass  # a repeated edge, or a same-step cycle
    cuts = sorted(set(draw(st.lists(st.integers(0, n), max_size=8))))
    members = draw(st.permutations([f"n{i}" for i in range(n)]))
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        net.add_group(f"g{k}", list(members[a:b]))
    try:
        net.set_ordering_mode(draw(st.sampled_from(["auto", "auto", "position"])))
    except NetworkError:
        pass
    return net


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks(), st.sampled_from([1.0, 2.0, 3.0]))
def test_random_networks_of_60_nodes(net, aspect):
    check_layout(net, layout.arrange(net, aspect=aspect))


def test_arrange_moves_nothing_and_apply_moves_everything():
    net = T.elman(1, 4, 1)
    layout.apply(net, {n: (0.0, 0.0) for n in net.graph.nodes})
    pos = layout.arrange(net)
    assert all((d["x"], d["y"]) == (0.0, 0.0) for _, d in net.graph.nodes(data=True))
    layout.apply(net, pos)
    assert {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)} == pos


def test_a_delay_line_is_a_chain_and_recurrence_is_one_layer():
    """Delayed edges between different cycles (a delay line) set layers; delayed edges
    inside a cycle (recurrence) do not."""
    echo = rs.load(next(p for p in EXAMPLES if p.name == "echo-memory.rnn.json"))
    assert layout.layers(echo) == [["x"], ["m1"], ["m2"], ["y"]]
    assert layout.layers(T.elman(1, 3, 1)) == [["x0"], ["h0", "h1", "h2"], ["y0"]]
    assert [len(c) for c in layout.layers(T.lstm(1, 2, 1))] == [1, 8, 4, 2, 2, 2, 1]


def test_gate_families_keep_the_cell_diagram():
    """An LSTM's gate families flow side by side and each cell keeps one row through the
    gates, the products, c, tanh(c) and h (the textbook cell, once per row)."""
    net = T.lstm(2, 4, 1)
    pos = layout.arrange(net)
    for j in range(4):
        row = {pos[f"{p}{j}"][1] for p in ("i", "f", "g", "o", "c", "tc", "h")}
        assert len(row) == 1, j
    ys = [pos[f"h{j}"][1] for j in range(4)]
    assert ys == sorted(ys)


def test_a_tall_layer_wraps_to_the_canvas_shape():
    net = T.elman(1, 64, 1)
    tall = layout.arrange(net, aspect=0.5)
    wide = layout.arrange(net, aspect=2.5)

    def extent(pos):
        xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
        return max(xs) - min(xs), max(ys) - min(ys)
    assert extent(wide)[1] < extent(tall)[1] / 2
    assert extent(wide)[0] > extent(tall)[0]
    w, h = extent(layout.arrange(T.elman(1, 4, 1), aspect=3.0))
    assert w > 0 and h == 3 * 70.0  # small layers never wrap


def test_groups_follow_the_order_they_were_made_in():
    """The bidirectional template lists its forward layer first: it goes on top."""
    net = T.bidirectional(1, 4, 1)
    pos = layout.arrange(net)
    assert max(pos[f"f{i}"][1] for i in range(4)) < min(pos[f"b{i}"][1] for i in range(4)) \
        or max(pos[f"f{i}"][0] for i in range(4)) < min(pos[f"b{i}"][0] for i in range(4))


def test_empty_network():
    assert layout.arrange(rs.Network()) == {}
