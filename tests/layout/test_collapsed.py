"""Arrange with collapsed groups (a block of its real size in the layering) and what
collapsing or expanding does to the picture (`layout.fold`). No Qt."""

from __future__ import annotations

import pytest

import rnnstudio as rs
from rnnstudio import layout
from rnnstudio.layout import fold
from rnnstudio.layout.blocks import block_size, group_block_size, member_offsets

from .test_arrange import NETS, closest_pair

T = rs.templates
NODE = (30.0, 26.0, 34.0)  # a node's reach: side, up (badge), down (name)


def rects(net, pos: dict, collapsed: set) -> dict:
    """What the canvas draws: a block per collapsed group, a node's area per other node."""
    out, hidden = {}, set()
    for gid in collapsed:
        rec = net.groups[gid]
        w, h = group_block_size(net, rec)
        xs = [pos[m][0] for m in rec["members"]]
        ys = [pos[m][1] for m in rec["members"]]
        cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
        out[("group", gid)] = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        hidden.update(rec["members"])
    side, up, down = NODE
    for n, (x, y) in pos.items():
        if n not in hidden:
            out[("node", n)] = (x - side, y - up, x + side, y + down)
    return out


def overlaps(boxes: dict, gap: float = 0.0) -> list:
    keys = sorted(boxes, key=lambda k: boxes[k][0])
    found = []
    for i, a in enumerate(keys):
        ax0, ay0, ax1, ay1 = boxes[a]
        for b in keys[i + 1:]:
            bx0, by0, bx1, by1 = boxes[b]
            if bx0 >= ax1 + gap:
                break
            if not (by0 >= ay1 + gap or ay0 >= by1 + gap):
                found.append((a, b))
    return found


def collapse_all(net) -> set:
    for gid in net.groups:
        net.set_group_collapsed(gid, True)
    return set(net.groups)


@pytest.mark.parametrize("name,net", NETS, ids=[n for n, _ in NETS])
def test_collapsed_blocks_and_nodes_never_overlap(name, net):
    net = net.copy()
    shut = collapse_all(net)
    pos = layout.arrange(net)
    assert set(pos) == set(net.graph.nodes)
    boxes = rects(net, pos, shut)
    assert not overlaps(boxes, gap=8.0), name
    shown = {n: p for n, p in pos.items() if net.group_of(n) is None}
    if len(shown) > 1:
        assert closest_pair(shown) >= 60.0
    for gid in shut:  # the members sit inside their block (at their strip cells)
        x0, y0, x1, y1 = boxes[("group", gid)]
        assert all(x0 < pos[m][0] < x1 and y0 < pos[m][1] < y1
                   for m in net.groups[gid]["members"])
    for (u, v), d in net.delays().items():  # same-step edges between blocks point right
        gu, gv = net.group_of(u), net.group_of(v)
        if d == 0 and (gu != gv or gu is None) and u != v:
            assert pos[v][0] > pos[u][0], (u, v)


def test_the_collapsed_lstm_is_the_cell_diagram():
    """Gate blocks stacked in one column after the inputs, the products in the next, then
    c, tanh(c), h and y, each in a column of its own, left to right; no staircase."""
    net = T.lstm(2, 4, 1)
    collapse_all(net)
    pos = layout.arrange(net)
    block = {gid: (sum(pos[m][0] for m in r["members"]) / len(r["members"]),
                   sum(pos[m][1] for m in r["members"]) / len(r["members"]))
             for gid, r in net.groups.items()}
    gates = ["input_gate", "forget_gate", "candidate", "output_gate"]
    assert len({block[g][0] for g in gates}) == 1
    assert len({block[g][0] for g in ("i_times_g", "f_times_c")}) == 1
    chain = ["inputs", "input_gate", "i_times_g", "cell", "tanh_c", "hidden", "outputs"]
    xs = [block[g][0] for g in chain]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    # no crossings among gates and products: i and g feed i·g, f feeds f·c(t-1)
    ys = {g: block[g][1] for g in block}
    ig_above = ys["i_times_g"] < ys["f_times_c"]
    assert all((ys[g] < ys["forget_gate"]) == ig_above for g in ("input_gate", "candidate"))
    # the output gate, whose edge skips to h, is at an end of the column
    assert ys["output_gate"] in (min(ys[g] for g in gates), max(ys[g] for g in gates))


def test_the_collapsed_gru_and_bidirectional_keep_one_column_per_layer():
    for net in (T.gru(2, 4, 1), T.bidirectional(1, 4, 1)):
        collapse_all(net)
        pos = layout.arrange(net, aspect=2.2)
        layers = layout.layers(net)
        gate_layer = layers[1]
        xs = {round(sum(pos[m][0] for m in net.groups[g]["members"]) /
                    len(net.groups[g]["members"]), 1)
              for g in {net.group_of(n) for n in gate_layer}}
        assert len(xs) == 1, net.name  # stacked, never side by side


def test_members_of_a_collapsed_group_sit_at_their_strip_cells():
    offs = member_offsets(16)
    assert len(offs) == 16
    assert abs(sum(x for x, _ in offs)) < 1e-9 and abs(sum(y for _, y in offs)) < 1e-9
    w, h = block_size("hidden", "16 × tanh", 16)
    assert all(abs(x) < w / 2 and abs(y) < h / 2 for x, y in offs)


def test_arrange_may_treat_other_groups_as_collapsed():
    net = T.lstm(1, 2, 1)
    as_collapsed = layout.arrange(net, collapsed={"cell"})
    net.set_group_collapsed("cell", True)
    assert layout.arrange(net) == as_collapsed
    assert layout.arrange(net, collapsed=()) == layout.arrange(T.lstm(1, 2, 1))


# ---------------------------------------------------------------- fold
def current(net) -> dict:
    return {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)}


def centre(pos, members):
    return (sum(pos[m][0] for m in members) / len(members),
            sum(pos[m][1] for m in members) / len(members))


def test_an_arranged_picture_is_arranged_again_and_the_group_stays_put():
    net = T.lstm(2, 4, 1)
    before = centre(current(net), net.groups["cell"]["members"])
    pos = fold.positions(net, {"cell", "hidden"}, layout.ASPECT, layout.arrange)
    want = layout.arrange(net, collapsed={"cell", "hidden"})
    assert fold._same_shape(pos, want)
    after = centre(pos, net.groups["cell"]["members"])
    assert abs(after[0] - before[0]) < 0.2 and abs(after[1] - before[1]) < 0.2
    layout.apply(net, pos)
    for gid in ("cell", "hidden"):
        net.set_group_collapsed(gid, True)
    back = fold.positions(net, set(), layout.ASPECT, layout.arrange)  # expand them again
    assert fold._same_shape(back, layout.arrange(T.lstm(2, 4, 1)))


def test_a_picture_placed_by_hand_makes_room_and_keeps_its_shape():
    """Collapse everything of an arranged LSTM, then move a node by hand: expanding the
    cell spreads its members (packed in the block) and moves the rest out of the way, each
    side as one piece; nothing overlaps."""
    net = T.lstm(2, 4, 1)
    shut = collapse_all(net)
    layout.apply(net, layout.arrange(net))
    x, y = net.graph.nodes["x0"]["x"], net.graph.nodes["x0"]["y"]
    net.move_node("x0", x - 30, y)  # by hand now
    before = current(net)
    pos = fold.positions(net, shut - {"cell"}, layout.ASPECT, layout.arrange)
    cell = net.groups["cell"]["members"]
    assert closest_pair({m: pos[m] for m in cell}) >= 60.0
    boxes = rects(net, pos, shut - {"cell"})
    assert not overlaps(boxes, gap=10.0)
    left = [n for n in pos if n not in cell and before[n][0] < centre(before, cell)[0] - 60]
    shifts = {(round(pos[n][0] - before[n][0], 1)) for n in left}
    assert len(shifts) == 1  # the left side moved as one piece (or not at all)


def test_collapsing_by_hand_never_covers_a_neighbour():
    net = rs.Network()
    for i in range(3):
        net.add_node(f"h{i}", "neuron", x=0.0, y=70.0 * i)
    net.add_node("n", "neuron", x=90.0, y=70.0)  # right beside the column
    net.add_group("g", ["h0", "h1", "h2"], label="a wide label for a narrow column")
    assert overlaps(rects(net, current(net), {"g"}), gap=10.0)  # the block, where it stands
    pos = fold.positions(net, {"g"}, 2.0, layout.arrange)
    assert not overlaps(rects(net, pos, {"g"}), gap=10.0)
    assert pos["h0"] == (0.0, 0.0)  # the members keep their places


def test_in_position_ordering_nothing_moves_that_would_change_the_ordering():
    net = T.lstm(1, 2, 1)
    net.set_ordering_mode("position")
    order = net.ordering()
    pos = fold.positions(net, set(net.groups), layout.ASPECT, layout.arrange)
    layout.apply(net, pos)
    assert net.ordering() == order
