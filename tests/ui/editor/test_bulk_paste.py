"""Pasting and undoing many nodes at once (issue 14, "Big networks stay interactive"): one
selection change, bulk model operations, and undo gives back the identical network."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

import rnnstudio as rs


def grid_net(columns: int = 6, rows: int = 30) -> rs.Network:
    """Columns of neurons, each row wired to the next column's row and to itself."""
    net = rs.Network("grid")
    for c in range(columns):
        kind = "input" if c == 0 else "output" if c == columns - 1 else "neuron"
        for r in range(rows):
            net.add_node(f"n{c}_{r}", kind, x=c * 130.0, y=r * 60.0)
    for c in range(columns - 1):
        for r in range(rows):
            net.add_edge(f"n{c}_{r}", f"n{c + 1}_{r}", weight=0.5)
            if 0 < c < columns - 1:
                net.add_edge(f"n{c}_{r}", f"n{c}_{r}", weight=0.25)
    return net


def test_undoing_a_paste_of_selected_nodes_says_selection_changed_once(window):
    window.doc.new(grid_net())
    window.editor.select_all()
    window.editor.copy()
    pasted = window.editor.paste()
    assert len(pasted) == 180 and set(window.scene.selected_nodes()) == set(pasted)
    said = []
    window.scene.selectionChanged.connect(lambda: said.append(window.scene.selected_nodes()))
    window.doc.stack.undo()
    window.scene.flush()
    assert said == [[]]  # was once per removed node, each listener asking for the selection


def _file_text(net: rs.Network) -> str:
    from rnnstudio.io.netfile import dumps
    return dumps(net)


def _state(net: rs.Network) -> tuple:
    ids = net.id_state()
    fresh = [net.new_id(kind) for kind in ("input", "neuron", "output")]  # the next new ids
    net.set_id_state(ids)
    return (_file_text(net), net.snapshot(), net.ordering(), net.delays(), net.inputs,
            net.outputs, fresh)


def test_the_listeners_of_a_selection_share_one_answer_unless_it_changes(window, monkeypatch):
    """The inspector and the player's views each ask for the selected nodes when a paste
    selects them: the scene finds them once; a listener that changes the selection makes
    the next ones see the new one."""
    window.doc.new(grid_net())
    scene = window.scene
    asked, seen, late = [], [], []
    real = type(scene).selectedItems
    monkeypatch.setattr(type(scene), "selectedItems", lambda s: asked.append(1) or real(s))

    def changer():  # once: adds a node to the selection it is told about
        if scene.selected_nodes() == ["n1_0"] and "n3_3" in scene.nodes:
            scene.nodes["n3_3"].setSelected(True)
    listeners = [lambda: seen.append(scene.selected_nodes()), changer,
                 lambda: late.append(scene.selected_nodes())]
    scene.selectionChanged.connect(listeners[0])
    try:
        scene.select_nodes(["n1_0", "n2_0"])
        assert len(asked) == 1 and seen[-1] == ["n1_0", "n2_0"]
        assert window.inspector.nodes == ["n1_0", "n2_0"]
        for f in listeners[1:]:
            scene.selectionChanged.connect(f)
        scene.select_nodes(["n1_0"])
        assert late and all(x == ["n1_0", "n3_3"] for x in late)
        window.doc.net.remove_node("n3_3")  # gone from the model: no longer selected
        assert scene.selected_nodes() == ["n1_0"]
    finally:
        for f in listeners:
            scene.selectionChanged.disconnect(f)


def test_a_paste_says_one_bulk_event_and_every_view_sees_all_of_it(window, qtbot):
    from rnnstudio.model import events as ev
    window.doc.new(grid_net())
    net = window.doc.net
    window.editor.select_all()
    window.editor.copy()
    seen = []
    net.events.subscribe(seen.append)
    pasted = window.editor.paste()
    edges = [(u, v) for u, v in net.graph.edges if u in set(pasted)]
    assert len(pasted) == 180 and len(edges) == 5 * 30 + 4 * 30
    kinds = [e.kind for e in seen]
    assert kinds.count(ev.NODES_ADDED) == 1 and kinds.count(ev.EDGES_ADDED) == 1
    assert ev.NODE_ADDED not in kinds and ev.EDGE_ADDED not in kinds  # was 450 events
    bulk = {e.kind: e for e in seen}
    assert list(bulk[ev.NODES_ADDED].nodes) == pasted
    assert sorted(bulk[ev.EDGES_ADDED].edges) == sorted(edges)
    scene = window.scene
    scene.flush()
    assert all(n in scene.nodes for n in pasted)
    assert all(scene.geom(k) is not None for k in edges)  # every pasted edge is drawn
    qtbot.waitUntil(lambda: set(pasted) <= set(window.strip.order_shown()), timeout=3000)

    scene.select_edges(edges[:5])
    seen.clear()
    window.doc.stack.undo()
    assert [e.kind for e in seen if e.kind in ev.STRUCTURAL] == [ev.EDGES_REMOVED,
                                                                 ev.NODES_REMOVED]
    scene.flush()
    assert not any(n in scene.nodes for n in pasted)
    assert not any(k in scene._layer_of or k in scene._geoms for k in edges)
    assert not scene.selected_edges
    qtbot.waitUntil(lambda: not set(pasted) & set(window.strip.order_shown()), timeout=3000)
    window.doc.stack.redo()
    scene.flush()
    assert all(n in scene.nodes for n in pasted) and all(scene.geom(k) for k in edges)


def test_undo_and_redo_of_a_paste_give_back_the_document_exactly(window):
    net = grid_net()
    net.set_ordering_mode("position")
    window.doc.new(net)
    net = window.doc.net
    before = _state(net)
    window.editor.select_all()
    window.editor.copy()
    assert window.editor.paste()
    after = _state(net)
    for _ in range(2):
        window.doc.stack.undo()
        assert _state(net) == before
        window.doc.stack.redo()
        assert _state(net) == after


def _fresh_resolved(net: rs.Network) -> tuple:
    """The ordering and delays computed from scratch (no cache) on an equal network."""
    from rnnstudio.io.netfile import loads
    fresh = loads(_file_text(net))
    return fresh.ordering(), fresh.delays()


def test_undo_and_redo_of_a_paste_take_back_the_ordering_instead_of_computing_it(
        window, monkeypatch):
    """The state before and after a command is always the same: its ordering and delays are
    taken back on undo and redo (a paste's redo computed them again: 0.3 s at 10k/100k)."""
    from rnnstudio.model import ordered
    net = grid_net()
    for r in range(29):  # backward edges: the ordering gives some edges a delay
        net.add_edge(f"n2_{r + 1}", f"n2_{r}", weight=0.1)
    window.doc.new(net)
    net, scene = window.doc.net, window.scene
    scene.flush()
    before = (net.ordering(), net.delays())
    window.editor.select_all()
    window.editor.copy()
    window.editor.paste()
    scene.flush()
    after = (net.ordering(), net.delays())
    assert after == _fresh_resolved(net) and before != after
    computed = []
    real = ordered.network_ordering
    monkeypatch.setattr(ordered, "network_ordering",
                        lambda *a: computed.append(1) or real(*a))
    for _ in range(2):
        window.doc.stack.undo()
        scene.flush()
        assert (net.ordering(), net.delays()) == before == _fresh_resolved(net)
        window.doc.stack.redo()
        scene.flush()
        assert (net.ordering(), net.delays()) == after == _fresh_resolved(net)
    assert len(computed) == 4  # only the fresh copies' own: none for the undos and redos


def _drawn(scene) -> dict:
    """Every edge drawn on its own: its path elements, arrowhead and tag place."""
    from rnnstudio.ui.canvas.edges import EdgeLayerItem
    layers = [i for i in scene.items() if isinstance(i, EdgeLayerItem) and not i.highlight]
    assert not any(b.dirty for layer in layers for b in layer._bins)  # every bin assembled
    assert sum(len(layer) for layer in layers) == len(scene._layer_of)
    out = {}
    for key in scene._layer_of:
        shape = scene.geom(key)
        tag = shape.label_pos
        out[key] = (shape.elems.tolist(), shape.tri.tolist(),
                    None if tag is None else (tag.x(), tag.y()), scene.look(key))
    return out


def _sliced(monkeypatch, slice_edges: int = 40) -> None:
    from rnnstudio.ui.canvas import drawing
    monkeypatch.setattr(drawing, "SLICE_EDGES", slice_edges)
    monkeypatch.setattr(drawing, "SLICE_MS", 0)  # slices stay at SLICE_EDGES


def _slices(scene, monkeypatch) -> list[int]:
    """How many edges each flush of `scene` draws from now on."""
    steps, flush = [], scene._flush

    def counting(limit=None):
        todo = len(scene._dirty_edges)
        flush(limit)
        steps.append(todo - len(scene._dirty_edges))
    monkeypatch.setattr(scene, "_flush", counting)
    return steps


def _loopy_grid() -> rs.Network:
    net = grid_net()
    for r in range(29):  # backward edges: delayed, drawn around the layers with tags
        net.add_edge(f"n3_{r + 1}", f"n1_{r}", weight=-0.3)
    return net


def test_a_big_paste_is_drawn_a_slice_at_a_time_as_a_flush_draws_it(window, qtbot, monkeypatch):
    """Past SLICE_EDGES new edges, the canvas paints the new nodes first and draws the edges
    a slice at a time (the window answers in between); the picture is the same."""
    _sliced(monkeypatch)
    window.doc.new(_loopy_grid())
    scene = window.scene
    scene.flush()
    window.editor.select_all()
    window.editor.copy()
    pasted = window.editor.paste()
    assert all(n in scene.nodes for n in pasted)  # the nodes at once
    assert scene._later_edges > 40 and not scene._dirty_edges  # the edges after a paint
    steps = _slices(scene, monkeypatch)
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    assert len(steps) > 3 and max(steps) <= 40  # in slices
    sliced = _drawn(scene)
    window.doc.new(window.doc.net.copy())  # a fresh canvas of the same network, in one flush
    window.scene.flush()
    assert _drawn(window.scene) == sliced


def _paste_then(window, qtbot, op: str) -> dict:
    """Paste the loopy grid beside itself, do `op` at once (before the canvas's first turn),
    let everything be drawn; what the canvas draws."""
    window.doc.new(_loopy_grid())
    scene, editor = window.scene, window.editor
    scene.flush()
    editor.select_all()
    editor.copy()
    pasted = editor.paste()
    a, b = pasted[40], pasted[75]
    if op == "undo":
        window.doc.stack.undo()
    elif op == "move":
        editor.set_node_attrs([a], x=-300.0, y=200.0)
    elif op == "delete":
        scene.select_nodes([a])
        editor.delete_selection()
    elif op == "edge":
        assert editor.add_edge(b, a, weight=-0.7)
    elif op == "ask":
        assert scene.covers_node(_node_area(window, a))
        assert scene.edge_at(QPointF(195.0, 0.0)) == ("n1_0", "n2_0")
    elif op == "paste again":
        editor.paste()
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    scene.route_now()
    assert set(scene._layer_of) == set(window.doc.net.graph.edges)
    return _drawn(scene)


def _node_area(window, node: str) -> tuple:
    a = window.doc.net.graph.nodes[node]
    return (a["x"] - 5, a["y"] - 5, a["x"] + 5, a["y"] + 5)


@pytest.mark.parametrize("op", ["undo", "move", "delete", "edge", "ask", "paste again"])
def test_what_a_big_paste_leaves_for_after_its_first_paint_comes_before_the_next_edit(
        window, qtbot, monkeypatch, op):
    """A big paste's edges go into the canvas's layers, and its nodes' areas into the label
    obstacles, after the first paint of its nodes; an edit or a question right after the
    paste finds them there first: the picture is the one made with no waiting."""
    from rnnstudio.ui.canvas.scene import NetworkScene
    _sliced(monkeypatch)
    later = _paste_then(window, qtbot, op)
    monkeypatch.setattr(NetworkScene, "_add_later", lambda self, method, items: method(items))
    assert _paste_then(window, qtbot, op) == later


def _in_the_middle(qtbot, scene) -> None:
    todo = len(scene._dirty_edges) + scene._later_edges
    qtbot.waitUntil(lambda: not scene._later and len(scene._dirty_edges) < todo, timeout=5000)
    assert scene._dirty_edges  # some drawn, some not


def test_undo_and_redo_in_the_middle_of_a_sliced_drawing(window, qtbot, monkeypatch):
    _sliced(monkeypatch, 5)
    window.doc.new(_loopy_grid())
    scene, stack = window.scene, window.doc.stack
    scene.flush()
    before = _drawn(scene)
    window.editor.select_all()
    window.editor.copy()
    window.editor.paste()
    _in_the_middle(qtbot, scene)
    stack.undo()
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    assert _drawn(scene) == before
    stack.redo()
    _in_the_middle(qtbot, scene)
    window.editor.set_node_attrs([next(iter(window.doc.net.graph))], x=-500.0)  # an edit
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    sliced = _drawn(scene)
    window.doc.new(window.doc.net.copy())
    window.scene.flush()
    assert _drawn(window.scene) == sliced


def test_what_a_bulk_removal_drops_is_freed_a_chunk_at_a_time(window, qtbot, monkeypatch):
    from rnnstudio.ui.canvas import drawing
    monkeypatch.setattr(drawing, "RELEASE_CHUNK", 50)
    window.doc.new(grid_net())
    window.editor.select_all()
    window.editor.copy()
    pasted = set(window.editor.paste())
    scene = window.scene
    scene.flush()
    dropped = [k for k in scene._geoms if k[0] in pasted]
    items = [scene.nodes[n] for n in pasted]
    window.doc.stack.undo()
    assert not any(k in scene._geoms for k in dropped)
    assert not set(items) & set(scene.items())  # off the canvas at once
    # edge geometries and node items kept for a moment, not freed inside the undo
    assert 0 < len(scene._released) <= len(dropped) + len(items)
    qtbot.waitUntil(lambda: not scene._released, timeout=3000)


def test_the_collector_is_back_on_after_a_paste_and_its_undo(window):
    import gc
    window.doc.new(grid_net())
    window.editor.select_all()
    window.editor.copy()
    assert gc.isenabled()
    window.editor.paste()
    assert gc.isenabled()
    window.doc.stack.undo()
    window.doc.stack.redo()
    assert gc.isenabled()


def _box(net: rs.Network, ids) -> tuple:
    xs = [net.graph.nodes[n]["x"] for n in ids]
    ys = [net.graph.nodes[n]["y"] for n in ids]
    return min(xs), min(ys), max(xs), max(ys)


def _apart(a: tuple, b: tuple, gap: float) -> bool:
    return a[2] + gap <= b[0] or b[2] + gap <= a[0] or a[3] + gap <= b[1] or b[3] + gap <= a[1]


def test_a_paste_goes_beside_its_originals_and_never_onto_other_nodes(window):
    """A copy 40 units down and right of its originals covered them."""
    net = grid_net(columns=3, rows=4)
    for n in net.graph:  # off the 10-unit grid: the copy keeps the rows all the same
        net.set_node_attrs(n, y=net.graph.nodes[n]["y"] + 3.0)
    window.doc.new(net)
    net = window.doc.net
    originals = list(net.graph)
    window.editor.select_all()
    window.editor.copy()
    first = window.editor.paste()
    assert _apart(_box(net, originals), _box(net, first), 60)
    assert _box(net, first)[1] == _box(net, originals)[1]  # on the originals' rows
    second = window.editor.paste()  # beside the originals is taken now: past everything
    assert _apart(_box(net, originals + first), _box(net, second), 60)


def test_what_a_big_paste_and_its_drawing_make_is_frozen(window, qtbot, monkeypatch):
    """At 5k/50k the collector's passes over a paste's few hundred thousand new objects (the
    model's records, the items, the geometry) came in its first paint and between the slices
    of its drawing: they are frozen with the rest of a big network's heap."""
    import gc
    from rnnstudio import collector
    try:
        monkeypatch.setattr(collector, "BIG_HEAP", 0)  # every network is big ...
        monkeypatch.setattr(collector, "BULK", 100, raising=False)  # ... a paste of 180 bulk
        window.doc.new(grid_net())
        window.editor.select_all()
        window.editor.copy()
        qtbot.waitUntil(lambda: not window.scene.drawing(), timeout=3000)
        collector.unfreeze()
        pasted = window.editor.paste()
        item = window.scene.nodes[pasted[0]]
        assert gc.is_tracked(item) and not _in_generations(item)  # frozen
        qtbot.waitUntil(lambda: not window.scene.drawing(), timeout=3000)
        shape = window.scene._geoms[next(iter(window.doc.net.graph.in_edges(pasted[-1])))]
        assert gc.is_tracked(shape) and not _in_generations(shape)
    finally:
        collector.unfreeze()


def _in_generations(obj) -> bool:
    import gc
    return any(o is obj for o in gc.get_objects())


def test_two_pastes_of_one_copy_are_two_independent_copies_undone_exactly(window, monkeypatch):
    """Both pastes rename the edges of the table `copy` made (its weight, delay and trainable
    columns are shared by them); an edit of one copy's edge leaves the other's and the
    original's as they were, and undo and redo walk the states back and forth exactly."""
    from rnnstudio.ui import subnet
    window.doc.new(grid_net(4, 5))
    editor, stack, net = window.editor, window.doc.stack, window.doc.net
    tabled = []
    real = subnet._tabled_edges
    monkeypatch.setattr(subnet, "_tabled_edges", lambda *a: tabled.append(a[0]) or real(*a))
    editor.select_all()
    editor.copy()
    states = [_state(net)]
    first = editor.paste()
    states.append(_state(net))
    second = editor.paste()
    states.append(_state(net))
    assert len(tabled) == 2 and tabled[0] is tabled[1]
    assert len(first) == len(second) == 20 and not set(first) & set(second)
    twin = dict(zip(first, second))
    pasted = [(u, v) for u, v in net.graph.edges if u in twin]
    assert len(pasted) == net.graph.number_of_edges() // 3
    assert all(net.graph.edges[u, v] == net.graph.edges[twin[u], twin[v]] for u, v in pasted)
    u, v = pasted[0]
    assert editor.set_edge_attrs([(u, v)], weight=7.0, delay=2, trainable=False)
    assert net.graph.edges[twin[u], twin[v]] == {"weight": 0.5, "delay": "auto",
                                                 "trainable": True}
    assert net.graph.edges["n0_0", "n1_0"]["weight"] == 0.5
    states.append(_state(net))
    for _ in range(2):
        for state in states[-2::-1]:
            stack.undo()
            assert _state(net) == state
        for state in states[1:]:
            stack.redo()
            assert _state(net) == state


# ------------------------------------------------------------- items made after the first paint
def _zoomed_out(window) -> None:
    """The view zoomed out, painted once: the value layer draws every node's body."""
    view = window.view
    view.resetTransform()
    view.scale(0.3, 0.3)
    view.viewport().grab()
    assert window.scene.bodies_in_layer


def _nodes_drawn(scene) -> tuple:
    """The node items (where, selected, painting their own body or not) and what the value
    layer draws (its nodes in order, where, which selected)."""
    from PySide6.QtWidgets import QGraphicsItem
    empty = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    items = sorted((n, i.pos().x(), i.pos().y(), i.isSelected(), bool(i.flags() & empty))
                   for n, i in scene.nodes.items())
    layer = scene._values
    layer.boundingRect()  # (measured if stale)
    drawn = [(i.node_id, x, y) for i, x, y in zip(layer._items, layer._xs.tolist(),
                                                   layer._ys.tolist())]
    assert all(type(i).__name__ == "NodeItem" for i in layer._items)  # no stand-in left
    return items, drawn, layer._selected().tolist(), scene.selected_nodes()


def _paste_zoomed_out(window, qtbot, op: str, later: bool = True) -> tuple:
    """Paste the loopy grid beside itself zoomed out (its items made `later`, or at once), do
    `op` at once (before the canvas's first turn), let everything be drawn."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    window.doc.new(_loopy_grid())
    scene, editor, view = window.scene, window.editor, window.view
    scene.flush()
    _zoomed_out(window)
    editor.select_all()
    editor.copy()
    pasted = editor.paste()
    a = pasted[7]
    assert set(scene._stand_ins) == (set(pasted) if later else set())  # no items yet
    assert scene.selected_nodes() == pasted  # ... selected all the same
    if op == "click":  # with Ctrl on a pasted node: it leaves the selection
        at = window.doc.net.graph.nodes[a]
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier,
                         view.mapFromScene(QPointF(at["x"], at["y"])))
        assert scene.selected_nodes() == [n for n in pasted if n != a]
    elif op == "zoom in":
        view.resetTransform()
        view.viewport().grab()
        assert not scene.bodies_in_layer
    elif op == "select":
        scene.select_nodes(pasted[:5])
    elif op == "clear":
        scene.clearSelection()
        assert scene.selected_nodes() == []
    elif op == "values":
        scene.set_values({n: 0.5 for n in window.doc.net.graph})
    elif op == "undo":
        window.doc.stack.undo()
    elif op == "fit":
        assert scene.items_rect().contains(QPointF(window.doc.net.graph.nodes[pasted[-1]]["x"],
                                                   window.doc.net.graph.nodes[pasted[-1]]["y"]))
    elif op == "ask":
        assert scene.node_at(QPointF(window.doc.net.graph.nodes[a]["x"],
                                     window.doc.net.graph.nodes[a]["y"])).node_id == a
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    view.viewport().grab()
    return _nodes_drawn(scene), _drawn(scene)


@pytest.mark.parametrize("op", ["none", "click", "zoom in", "select", "clear", "values", "undo",
                                "fit", "ask"])
def test_a_big_paste_zoomed_out_makes_its_node_items_after_its_first_paint(
        window, qtbot, monkeypatch, op):
    """Zoomed out, a big paste's nodes are drawn (and selected) as stand-ins by the value
    layer until the flush turn after the first paint makes their items; whatever comes
    first (a click, a zoom, a selection, values, an undo, a question) finds the items made
    and selected as they would have been, and the picture is the one made with no waiting."""
    from rnnstudio.ui.canvas.scene import NetworkScene
    _sliced(monkeypatch)
    later = _paste_zoomed_out(window, qtbot, op)
    monkeypatch.setattr(NetworkScene, "_add_later", lambda self, method, items: method(items))
    assert _paste_zoomed_out(window, qtbot, op, later=False) == later


def test_stand_ins_are_drawn_as_the_node_items_are(window, qtbot, monkeypatch):
    """The first paint of a big paste zoomed out (its nodes as stand-ins: bodies, selection
    halos) is the picture the made items give, pixel for pixel."""
    _sliced(monkeypatch, 20)
    window.doc.new(_loopy_grid())
    scene, view = window.scene, window.view
    scene.flush()
    _zoomed_out(window)
    scene.select_nodes([f"n0_{r}" for r in range(30)])  # the inputs: no edges between them
    window.editor.copy()
    pasted = window.editor.paste()
    centre = QPointF(window.doc.net.graph.nodes[pasted[12]]["x"], 900.0)
    view.centerOn(centre)
    first, zoom = view.viewport().grab().toImage(), view.transform()
    assert set(scene._stand_ins) == set(pasted)  # painted without their items
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    assert not scene._stand_ins
    view.setTransform(zoom)  # (the window fits the view to a paste once it is drawn)
    view.centerOn(centre)
    made = view.viewport().grab().toImage()
    assert first == made
    scene.clearSelection()  # (the halos were drawn: the picture differs without them)
    assert view.viewport().grab().toImage() != made


def test_a_big_paste_into_an_empty_canvas_zoomed_out_is_drawn(window, qtbot, monkeypatch):
    """With no node item on the canvas, the value layer's bounds come from its stand-ins alone
    (the monkey test found them asked of a stand-in)."""
    _sliced(monkeypatch, 20)
    window.doc.new(rs.Network("empty"))
    scene = window.scene
    _zoomed_out(window)
    added = window.editor.add_layer(30)
    assert set(scene._stand_ins) == set(added)
    g = window.doc.net.graph
    ends = [QPointF(g.nodes[n]["x"], g.nodes[n]["y"]) for n in (added[0], added[-1])]
    assert all(scene._values.boundingRect().contains(p) for p in ends)
    window.view.viewport().grab()
    qtbot.waitUntil(lambda: not scene.drawing(), timeout=5000)
    assert set(scene.nodes) == set(added)
    assert all(scene._values.boundingRect().contains(p) for p in ends)
