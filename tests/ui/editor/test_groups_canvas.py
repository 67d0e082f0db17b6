"""Groups on the canvas: collapsed groups are blocks, their edges bundles; every change undoes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest

import rnnstudio as rs
from rnnstudio import templates
from rnnstudio.io import load
from rnnstudio.ui import style
from rnnstudio.ui.canvas.blocks import strip_grid
from rnnstudio.ui.canvas.edges import EdgeLayerItem
from rnnstudio.ui.canvas.items import NodeItem
from rnnstudio.ui.canvas.tags import node_obstacle

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _bundles(scene) -> dict:
    """{(source, target, delayed): label} with ends named by group id or node id."""
    scene.flush()
    return {(a[1], b[1], d): item.bundle.label
            for (a, b, d), item in scene.groups.bundle_items.items()}


def _collapse_all(window) -> None:
    net = window.doc.net
    for gid in net.groups:
        window.editor.set_group_attrs(gid, collapsed=True)
    window.scene.flush()


def test_collapse_and_expand_are_undoable_and_the_scene_follows(window):
    window.doc.new(templates.elman(2, 3, 1))
    scene, stack, net = window.scene, window.doc.stack, window.doc.net
    hidden = net.groups["hidden"]["members"]
    window.editor.set_group_attrs("hidden", collapsed=True)
    scene.flush()
    assert set(scene.groups.blocks) == {"hidden"}
    assert not set(hidden) & set(scene.nodes)
    assert not any(u in hidden or v in hidden for u, v in scene._layer_of)
    assert stack.count() == 1 and stack.undoText() == "Collapse hidden"
    stack.undo()
    scene.flush()
    assert not scene.groups.blocks and set(hidden) <= set(scene.nodes)
    assert set(scene._layer_of) == set(net.graph.edges)
    assert set(scene.groups.frames) == {"inputs", "hidden", "outputs"}
    stack.redo()
    scene.flush()
    assert set(scene.groups.blocks) == {"hidden"} and not set(hidden) & set(scene.nodes)


def test_bundles_are_computed_from_the_model(window):
    net = templates.elman(2, 3, 1)
    window.doc.new(net)
    window.editor.set_group_attrs("hidden", collapsed=True)
    # inputs and outputs stay single nodes: one bundle per node end
    assert _bundles(window.scene) == {
        ("x0", "hidden", False): "W 3×1", ("x1", "hidden", False): "W 3×1",
        ("hidden", "hidden", True): "W 3×3", ("hidden", "y0", False): "W 1×3"}
    _collapse_all(window)
    assert _bundles(window.scene) == {
        ("inputs", "hidden", False): "W 3×2", ("hidden", "hidden", True): "W 3×3",
        ("hidden", "outputs", False): "W 1×3"}
    items = window.scene.groups.bundle_items
    loop = next(i for k, i in items.items() if k[2])
    assert len(loop.bundle.edges) == 9 and loop.bundle.delay == 1
    net = window.doc.net  # an edge from an input straight to the output: a new bundle
    net.add_edge("x0", "y0", weight=-0.5)
    assert _bundles(window.scene)[("inputs", "outputs", False)] == "W 1×1"
    assert items[(("group", "inputs"), ("group", "outputs"), False)].bundle.sign is False
    net.remove_edge("x0", "y0")
    assert ("inputs", "outputs", False) not in _bundles(window.scene)


def test_a_same_step_edge_turned_delayed_moves_to_the_delayed_bundle(window):
    window.doc.new(templates.elman(1, 2, 1))
    _collapse_all(window)
    window.doc.net.set_edge_attrs("h0", "y0", delay=1)
    bundles = _bundles(window.scene)
    assert bundles[("hidden", "outputs", False)] == "W 1×1"
    assert bundles[("hidden", "outputs", True)] == "W 1×1"


def test_double_click_expands_a_block_and_a_frame_header_collapses_it(window, qtbot):
    window.doc.new(templates.elman(1, 4, 1))
    window.show()
    qtbot.waitExposed(window)
    window.editor.set_group_attrs("hidden", collapsed=True)
    scene, view = window.scene, window.view
    scene.flush()
    block = scene.groups.blocks["hidden"]
    view.centerOn(block)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                      pos=view.mapFromScene(block.pos()))
    scene.flush()
    assert not window.doc.net.groups["hidden"]["collapsed"] and not scene.groups.blocks
    frame = scene.groups.frames["hidden"]
    header = frame.header_rect().center()
    view.centerOn(header)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(header))
    assert window.doc.net.groups["hidden"]["collapsed"]
    assert [window.doc.stack.text(i) for i in range(window.doc.stack.count())] == [
        "Collapse hidden", "Expand hidden", "Collapse hidden"]


def test_ctrl_g_groups_the_selection_under_a_name_and_ungroup_dissolves_it(window,
                                                                           monkeypatch):
    window.doc.new(templates.elman(1, 3, 1))
    net, stack = window.doc.net, window.doc.stack
    net.set_groups({})
    stack.clear()
    monkeypatch.setattr("rnnstudio.ui.group_actions.QInputDialog.getText",
                        staticmethod(lambda *a, **k: ("state layer", True)))
    window.scene.select_nodes(["h0", "h1"])
    assert window.groups.group.shortcut().toString() == "Ctrl+G"
    window.groups.group.trigger()
    assert [(r["label"], r["members"]) for r in net.groups.values()] == [
        ("state layer", ["h0", "h1"])]
    window.scene.select_nodes(["h1"])
    window.groups.toggle.trigger()
    window.scene.flush()
    assert set(window.scene.groups.blocks) == {"state_layer"}
    assert window.scene.selected_nodes() == []  # h1's item went
    window.scene.select_nodes(["h0"])  # a hidden member selects its block
    assert window.scene.selected_nodes() == ["h0", "h1"]
    window.groups.ungroup.trigger()
    assert net.groups == {}
    stack.undo()
    stack.undo()
    assert net.groups["state_layer"]["collapsed"] is False
    stack.undo()
    assert net.groups == {}


def test_a_right_click_on_a_block_or_a_frame_header_opens_its_group_menu(window):
    window.doc.new(templates.elman(1, 3, 1))
    window.editor.set_group_attrs("hidden", collapsed=True)
    scene = window.scene
    scene.flush()
    menu = window.canvas_menus.menu_for(scene.groups.blocks["hidden"].pos())
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert "Group 'hidden'" in texts and "Expand" in texts
    menu = window.canvas_menus.menu_for(scene.groups.frames["inputs"].header_rect().center())
    assert "Group 'inputs'" in [a.text() for a in menu.actions()]


def test_dragging_a_block_moves_its_members_in_one_step(window, qtbot):
    window.doc.new(templates.elman(1, 3, 1))
    window.show()
    qtbot.waitExposed(window)
    window.editor.set_group_attrs("hidden", collapsed=True)
    scene, view, net = window.scene, window.view, window.doc.net
    scene.flush()
    members = net.groups["hidden"]["members"]
    before = {m: (net.graph.nodes[m]["x"], net.graph.nodes[m]["y"]) for m in members}
    block = scene.groups.blocks["hidden"]
    view.centerOn(block)
    vp = view.viewport()
    a = view.mapFromScene(block.pos())
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for k in range(1, 6):
        QTest.mouseMove(vp, a + QPoint(8 * k, 4 * k))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       a + QPoint(40, 20))
    scale = view.transform().m11()
    for m in members:
        x, y = net.graph.nodes[m]["x"], net.graph.nodes[m]["y"]
        assert x - before[m][0] == pytest.approx(40 / scale, abs=1.5)
        assert y - before[m][1] == pytest.approx(20 / scale, abs=1.5)
    assert window.doc.stack.count() == 2  # collapse, move
    window.doc.stack.undo()
    assert {m: (net.graph.nodes[m]["x"], net.graph.nodes[m]["y"]) for m in members} == before


def test_a_block_shows_its_members_values_as_a_strip(window):
    window.doc.new(templates.elman(1, 16, 1))
    _collapse_all(window)
    p = window.player.controller
    p.seek(3)
    tr = p.trajectory
    block = window.scene.groups.blocks["hidden"]
    members = block.members
    expected = style.value_levels(np.array([tr.value(m, 3) for m in members]), tr.scale())
    assert block.levels is not None and list(block.levels) == list(expected)
    p.micro_step()  # step 4: members computed one by one, the rest not yet
    done = sum(p.is_computed(m) for m in members)
    assert list(block.levels).count(style.PENDING_LEVEL) == len(members) - done
    p.reset()
    assert block.levels is None


def test_a_64_unit_strip_has_readable_cells():
    cols, rows, cell = strip_grid(64)
    assert (cols, rows) == (16, 4) and cell >= 6
    cols, rows, cell = strip_grid(1000)  # a big layer stays a compact block
    assert cols * rows >= 1000 and cell >= 2 and cols * cell <= 112 and rows * cell <= 48


def test_selecting_a_block_selects_its_members_in_the_plots(window):
    window.doc.new(templates.elman(1, 4, 1))
    _collapse_all(window)
    window.player.controller.seek(2)
    window.scene.groups.blocks["hidden"].setSelected(True)
    assert window.player.plots.selected == window.doc.net.groups["hidden"]["members"]
    assert window.player.unrolled.focus_nodes == set(window.doc.net.groups["hidden"]["members"])


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.rnn.json")), ids=lambda p: p.stem)
def test_collapsed_labels_cover_no_node_block_or_other_label(window, path):
    window.files.open_path(str(path))
    _collapse_all(window)
    scene = window.scene
    obstacles = [node_obstacle(i.pos().x(), i.pos().y()) for i in scene.nodes.values()]
    obstacles += [b.rect().translated(b.pos()) for b in scene.groups.blocks.values()]
    labels = [i.label_rect for i in scene.groups.bundle_items.values()
              if i.label_rect is not None]
    labels += [scene._tags.rect(k) for k, g in scene._geoms.items() if g.label_pos is not None]
    for i, rect in enumerate(labels):
        assert not any(rect.intersects(o) for o in obstacles)
        assert not any(rect.intersects(o) for o in labels[:i])
    blocks = list(scene.groups.blocks.values())
    for i, b in enumerate(blocks):  # blocks never cover each other
        rect = b.rect().translated(b.pos())
        assert not any(rect.intersects(o.rect().translated(o.pos())) for o in blocks[:i])
    assert all(not isinstance(i, NodeItem) or i.node_id not in scene.groups.hidden
               for i in scene.items())


def test_removing_members_and_groups_keeps_the_scene_in_step(window):
    window.doc.new(templates.elman(1, 3, 1))
    _collapse_all(window)
    scene, net = window.scene, window.doc.net
    window.scene.select_nodes(["h0"])
    window.editor.delete_selection()  # the selected block: the whole hidden layer goes
    scene.flush()
    assert not any(n.startswith("h") for n in net.graph) and "hidden" not in net.groups
    assert "hidden" not in scene.groups.blocks
    window.doc.stack.undo()
    scene.flush()
    assert net.groups["hidden"]["collapsed"] and "hidden" in scene.groups.blocks
    net2 = rs.Network()
    window.doc.new(net2)
    scene.flush()
    assert not scene.groups.blocks and not scene.groups.bundle_items


def test_an_lstm_collapsed_reads_like_the_cell_diagram(window):
    window.doc.new(load(EXAMPLES / "lstm-adding.rnn.json"))
    _collapse_all(window)
    bundles = _bundles(window.scene)
    assert bundles[("inputs", "input_gate", False)] == "W 4×2"
    assert bundles[("hidden", "input_gate", True)] == "W 4×4"
    assert bundles[("cell", "f_times_c", True)] == "W 4×4"  # c(t-1) into f·c
    assert len(window.scene.nodes) == 0 and len(window.scene.groups.blocks) == 11


def test_loops_around_the_layers_are_routed_for_drawn_edges_only(window):
    window.doc.new(templates.lstm(2, 4, 1))
    scene, net = window.scene, window.doc.net
    scene.flush()
    assert scene._arcs  # expanded: the recurrence runs around the layers
    window.editor.set_group_attrs("hidden", collapsed=True)
    scene.flush()
    hidden = set(net.groups["hidden"]["members"])
    assert scene._arcs and not any(u in hidden or v in hidden for u, v in scene._arcs)
    assert all(k in scene._layer_of for k in scene._arcs)
    window.doc.stack.undo()
    scene.flush()
    assert any(u in hidden for u, v in scene._arcs)


def test_a_delayed_bundle_back_to_an_earlier_layer_goes_around_the_blocks(window):
    """Collapsed, a Jordan net's output feedback (y -> hidden, delayed) is a loop on a lane
    clear of every block and node, entering the hidden block from the left; the LSTM's
    h -> gates and c -> f·c bundles too."""
    window.doc.new(templates.jordan(1, 6, 1))
    _collapse_all(window)
    scene = window.scene
    (key, item), = [(k, i) for k, i in scene.groups.bundle_items.items()
                    if k[2] and k[0] != k[1]]
    block = scene.groups.blocks["hidden"]
    rect = block.rect().translated(block.pos())
    lane = min(y for _, y in item.geom.samples)
    assert item.geom.path is not None and lane < rect.top() - 10
    assert item.geom.samples[-1][0] < rect.left()  # comes in from the left
    window.doc.new(templates.lstm(2, 4, 1))
    _collapse_all(window)
    around = [k for k, i in scene.groups.bundle_items.items()
              if k[2] and k[0] != k[1] and len(i.geom.samples) == 6]
    assert {(a[1], b[1]) for a, b, _ in around} >= {
        ("hidden", "input_gate"), ("hidden", "forget_gate"), ("cell", "f_times_c")}


def _scene_rects(scene) -> dict:
    """The drawn blocks, frames and nodes (with badge and name) in scene coordinates."""
    scene.flush()
    out = {("block", g): b.rect().translated(b.pos()) for g, b in scene.groups.blocks.items()}
    out.update({("frame", g): f.rect() for g, f in scene.groups.frames.items()})
    for n, item in scene.nodes.items():
        if scene.net.group_of(n) is None:  # members are inside their frames
            out[("node", n)] = node_obstacle(item.pos().x(), item.pos().y())
    return out


def _overlapping(rects: dict) -> list:
    keys = list(rects)
    return [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]
            if rects[a].intersects(rects[b])]


def test_collapsing_the_lstm_gives_the_cell_diagram_in_one_undo_step(window):
    """lstm-adding with every group collapsed: the gate blocks stand in one column (the
    canvas once pushed overlapping blocks down into a diagonal staircase), nothing overlaps;
    the collapse and its new places are one undo step, and undo gives back both."""
    window.resize(1600, 1000)
    window.files.open_path(EXAMPLES / "lstm-adding.rnn.json", ask=False)
    net, scene, stack = window.doc.net, window.scene, window.doc.stack
    before = {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)}
    flags = {g: r["collapsed"] for g, r in net.groups.items()}
    window.editor.set_groups_collapsed([g for g, c in flags.items() if not c], True)
    scene.flush()
    assert set(scene.groups.blocks) == set(net.groups)
    blocks = scene.groups.blocks
    gates = ["input_gate", "forget_gate", "candidate", "output_gate"]
    assert len({round(blocks[g].pos().x(), 1) for g in gates}) == 1
    assert not _overlapping(_scene_rects(scene))
    assert stack.count() == 1
    stack.undo()
    scene.flush()
    assert {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)} == before
    assert {g: r["collapsed"] for g, r in net.groups.items()} == flags


@pytest.mark.parametrize("name", ["lstm-adding", "gru-adding", "bidirectional",
                                  "vanishing-gradients", "rain"])
def test_expanding_and_collapsing_one_group_never_overlaps(window, name):
    window.files.open_path(EXAMPLES / f"{name}.rnn.json", ask=False)
    net, scene = window.doc.net, window.scene
    for gid in list(net.groups):
        collapsed = net.groups[gid]["collapsed"]
        window.editor.set_group_attrs(gid, collapsed=not collapsed)
        assert not _overlapping(_scene_rects(scene)), (gid, not collapsed)
        net.move_node(net.groups[gid]["members"][0], *(
            v + 0.5 for v in (net.graph.nodes[net.groups[gid]["members"][0]]["x"],
                              net.graph.nodes[net.groups[gid]["members"][0]]["y"])))
        window.editor.set_group_attrs(gid, collapsed=collapsed)  # placed by hand now
        assert not _overlapping(_scene_rects(scene)), (gid, collapsed)


@pytest.mark.parametrize("name,gid", [("lstm-adding", "inputs"), ("gru-adding", "inputs"),
                                      ("vanishing-gradients", "inputs"),
                                      ("window-vs-recurrent-windowed", "hidden"),
                                      ("lstm-adding", None), ("bidirectional", None)])
def test_every_bundle_label_has_a_place_that_covers_no_block_or_node(window, name, gid):
    """A bundle's "W 4×2" is placed on or beside its arrow (further out when the arrows are
    crowded: a collapsed input group fanning out to 16 gates left some with a tooltip only),
    over no block, node, frame name or other label."""
    window.files.open_path(EXAMPLES / f"{name}.rnn.json", ask=False)
    net, scene = window.doc.net, window.scene
    gids = [gid] if gid else [g for g, r in net.groups.items() if not r["collapsed"]]
    window.editor.set_groups_collapsed(gids, True)
    scene.flush()
    items = scene.groups.bundle_items
    assert items
    labels = []
    for item in items.values():
        if item.label_size() is None:
            continue
        assert item.label_rect is not None, item.key
        labels.append(item.label_rect)
    solid = [b.rect().translated(b.pos()) for b in scene.groups.blocks.values()]
    solid += [node_obstacle(i.pos().x(), i.pos().y()) for i in scene.nodes.values()]
    for i, rect in enumerate(labels):
        assert not any(rect.intersects(s) for s in solid)
        assert not any(rect.intersects(o) for o in labels[:i])


@pytest.mark.parametrize("name", ["gru-adding", "lstm-adding"])
def test_same_step_bundles_pass_no_block(window, name):
    """A bundle that skips layers goes around the blocks between its ends (the collapsed
    GRU's x -> n went straight through the U_n h(t-1) + b block)."""
    from rnnstudio.ui.canvas.bundle_items import crosses
    window.files.open_path(EXAMPLES / f"{name}.rnn.json", ask=False)
    net, scene = window.doc.net, window.scene
    window.editor.set_groups_collapsed([g for g, r in net.groups.items()
                                        if not r["collapsed"]], True)
    scene.flush()
    for (a, b, delayed), item in scene.groups.bundle_items.items():
        if delayed or a == b:
            continue
        others = [blk.rect().translated(blk.pos()).adjusted(2, 2, -2, -2)
                  for gid, blk in scene.groups.blocks.items() if ("group", gid) not in (a, b)]
        pts = item.geom.samples
        for p, q in zip(pts, pts[1:]):
            assert not any(crosses(p, q, (r.left(), r.top(), r.right(), r.bottom()))
                           for r in others), (a, b)


@pytest.mark.parametrize("build", [lambda: templates.bidirectional(1, 4, 1),
                                   lambda: templates.lstm(2, 4, 1)])
def test_a_frames_name_never_reaches_into_another_frame(window, build):
    """Side by side frames: a name longer than its frame reaches past it only where no other
    frame is (the bidirectional template's 'forward layer (4)' ran under the backward
    layer's frame and its name)."""
    window.doc.new(build())
    scene = window.scene
    scene.flush()
    frames = list(scene.groups.frames.values())
    assert len(frames) >= 4
    for f in frames:
        for other in frames:
            if other is not f:
                assert not f.header_rect().intersects(other.rect()), (f.gid, other.gid)


def test_every_examples_frame_names_are_written_whole(window):
    """No example opens with a group's name cut short ("taps (x(..." in the windowed net:
    its frame, one column wide, had no room for "taps (x(t-1) ...) (3)")."""
    for path in sorted(EXAMPLES.glob("*.rnn.json")):
        window.files.open_path(path, ask=False)
        window.scene.flush()
        for frame in window.scene.groups.frames.values():
            assert frame.name_item.text() == frame.label, (path.name, frame.label)
        window.doc.stack.setClean()


def test_ungrouping_a_collapsed_group_spreads_its_members_in_the_same_step(window):
    """A collapsed group's members are packed into its block; ungrouping it lays them out
    (as expanding does) instead of leaving 16 neurons on top of each other."""
    window.files.open_path(EXAMPLES / "vanishing-gradients.rnn.json", ask=False)
    net, scene, stack = window.doc.net, window.scene, window.doc.stack
    members = net.groups["hidden"]["members"]
    before = {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)}
    assert window.editor.ungroup("hidden")
    assert "hidden" not in net.groups and stack.count() == 1
    pos = {m: (net.graph.nodes[m]["x"], net.graph.nodes[m]["y"]) for m in members}
    from tests.layout.test_arrange import closest_pair
    assert closest_pair(pos) >= 60.0
    assert not _overlapping(_scene_rects(scene))
    stack.undo()
    assert {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)} == before
    assert net.groups["hidden"]["collapsed"]


def test_grouping_members_of_a_collapsed_group_opens_it(window):
    """Nodes taken out of a collapsed group into a new group are laid out, not left packed
    in the old block's strip."""
    window.files.open_path(EXAMPLES / "vanishing-gradients.rnn.json", ask=False)
    net, scene = window.doc.net, window.scene
    taken = net.groups["hidden"]["members"][:4]
    gid = window.editor.group_nodes(taken, "four")
    assert gid and not net.groups["hidden"]["collapsed"] and window.doc.stack.count() == 1
    members = taken + net.groups["hidden"]["members"]
    from tests.layout.test_arrange import closest_pair
    assert closest_pair({m: (net.graph.nodes[m]["x"], net.graph.nodes[m]["y"])
                         for m in members}) >= 60.0


def _render(scene, rect) -> QImage:
    image = QImage(int(rect.width() * 4), int(rect.height() * 4), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    scene.render(painter, QRectF(image.rect()), rect)
    painter.end()
    return image


def test_a_frames_name_is_written_above_the_edges_that_pass_it(window):
    """In rain, the hidden layer's feedback loop runs up past the frame's header: the loop
    passes under the name 'hidden (6)' instead of through its letters (the frame and its
    name lay under the edge layers)."""
    window.files.open_path(EXAMPLES / "rain.rnn.json", ask=False)
    scene = window.scene
    scene.route_now()
    frame = scene.groups.frames["hidden"]
    name = frame.name_item
    assert name.scene() is scene and name.text() == "hidden (6)"
    header = frame.header_rect()
    layers = [i for i in scene.items() if isinstance(i, EdgeLayerItem)]
    y = header.center().y()
    assert any(scene.edge_at(QPointF(x, y), 1.0) is not None
               for x in np.linspace(header.left() + 8, header.right() - 4, 80)), \
        "an edge crosses the header (else this test shows nothing)"
    text = header.adjusted(7, 3, -4, -3)
    with_edges = _render(scene, text)
    for layer in layers:
        layer.setVisible(False)
    without = _render(scene, text)
    for layer in layers:
        layer.setVisible(True)
    assert with_edges == without
    window.editor.ungroup("hidden")
    scene.flush()
    assert name.scene() is None
