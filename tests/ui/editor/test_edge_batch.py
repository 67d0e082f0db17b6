"""Edges computed and assembled in batches (issue 14, big networks stay interactive): the
paths are exactly those Qt's own path calls give edge by edge, hit tests find every kind of
edge, and a flush computes an edge's geometry only when what it is drawn from changed."""

from __future__ import annotations

import math
import random

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QPainterPath

import rnnstudio as rs
from rnnstudio.layout.routes import Arc
from rnnstudio.ui.canvas import edge_batch as eb
from rnnstudio.ui.canvas.geometry import ARROW_LEN, CORNER, END_GAP, arrow_head
from rnnstudio.ui.canvas.scene import NetworkScene


def _elements(path: QPainterPath) -> list:
    return [(int(path.elementAt(i).type.value), path.elementAt(i).x, path.elementAt(i).y)
            for i in range(path.elementCount())]


def _rounded(path: QPainterPath, start, pts, radii) -> None:
    """A subpath from `start` along the polyline `pts`, corners rounded with `radii`, built
    with Qt's own calls."""
    path.moveTo(QPointF(*start))
    for (x0, y0), (x1, y1), (x2, y2), r in zip(pts, pts[1:], pts[2:], radii):
        if r <= 0.5:
            path.lineTo(x1, y1)
            continue
        d_in, d_out = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
        path.lineTo(x1 - (x1 - x0) / d_in * r, y1 - (y1 - y0) / d_in * r)
        path.quadTo(QPointF(x1, y1), QPointF(x1 + (x2 - x1) / d_out * r,
                                             y1 + (y2 - y1) / d_out * r))
    path.lineTo(*pts[-1])


def feedback_path(pts) -> QPainterPath:
    """A feedback loop (out of the source, four corners, the end of its shaft) as Qt builds
    it: two subpaths from the lane's corner over the source, back to the source and on to
    the target; the corners on the lane square."""
    source, c1, c2, c3, c4, end = pts
    r_source, r_target = (
        min(CORNER, math.hypot(x1 - x0, y1 - y0) / 2, math.hypot(x2 - x1, y2 - y1) / 2)
        for (x0, y0), (x1, y1), (x2, y2) in ((source, c1, c2), (c3, c4, end)))
    path = QPainterPath()
    _rounded(path, c2, [c2, c1, source], [r_source])
    _rounded(path, c2, [c2, c3, c4, end], [0.0, r_target])
    return path


def _ends(n: int, seed: int = 3):
    """Edges of every kind, many of them degenerate (nodes on top of each other, lanes on
    the nodes' row, turns at the rim): where Qt drops points and empty curves."""
    rng = random.Random(seed)

    def coord():
        return rng.choice([rng.uniform(-400, 400), float(rng.randrange(-4, 4) * 10), 0.0])

    ends, kinds, arcs = [], [], {}
    for i in range(n):
        kind = rng.choice([eb.STRAIGHT, eb.CURVED, eb.LOOP, eb.AROUND])
        p = (coord(), coord())
        q = p if rng.random() < 0.2 else (coord(), coord())
        if kind == eb.AROUND:
            arcs[i] = Arc(p[0] + rng.choice([END_GAP, END_GAP + 0.4, rng.uniform(0, 90)]),
                          q[0] - rng.choice([END_GAP, rng.uniform(0, 90)]),
                          rng.choice([p[1], q[1], p[1] + 0.3, rng.uniform(-600, 600)]),
                          True, rng.random() < 0.5)
        ends.append((p, q))
        kinds.append(kind)
    p = np.array([e[0] for e in ends], float)
    q = np.array([e[1] for e in ends], float)
    return p, q, np.array(kinds), arcs


def _cases(n: int, seed: int = 3):
    p, q, kinds, arcs = _ends(n, seed)
    return eb.edge_shapes(p, q, kinds, arcs), arcs, p, q


def test_a_bins_paths_are_what_qt_builds_edge_by_edge():
    shapes, _, _, _ = _cases(600)
    rng = random.Random(5)
    for _ in range(60):
        idx = [rng.randrange(len(shapes)) for _ in range(rng.randrange(1, 40))]
        group = [shapes[i] for i in idx]
        stroke, arrows = QPainterPath(), QPainterPath()
        for s in group:
            if s.straight:
                stroke.moveTo(s.line.p1())
                stroke.lineTo(s.line.p2())
            else:
                stroke.addPath(s.path)
            arrows.addPolygon(s.arrow)
        looks = [(not s.straight, True, 2, 1) for s in group]
        same = [(True, True, 2, 1)] * len(group)  # one look: one path per bin
        ((got_stroke, got_arrows, *_),) = eb.assemble(group, same, [len(group)])
        assert _elements(got_stroke[(True, True, 2)]) == _elements(stroke)
        assert _elements(got_arrows[(True, True)]) == _elements(arrows)
        made = eb.assemble(group, looks, [len(group)])[0][0]  # split by look, in order
        assert list(made) == list(dict.fromkeys(look[:3] for look in looks))


def test_bins_of_edges_computed_in_several_batches_are_assembled_as_from_one():
    """Edges drawn by different edits live in different tables: bins mixing them get the
    paths, bounds, tags and hit-test segments they get from one table."""
    p, q, kinds, arcs = _ends(300, seed=7)
    one = eb.edge_shapes(p, q, kinds, arcs)
    mixed = []
    for a, b in ((0, 90), (90, 200), (200, 300)):
        part = {i - a: arc for i, arc in arcs.items() if a <= i < b}
        mixed += eb.edge_shapes(p[a:b], q[a:b], kinds[a:b], part)
    for k in range(0, 300, 7):
        one[k].label_pos = mixed[k].label_pos = QPointF(*one[k].samples[1])
    order = list(range(300))
    random.Random(7).shuffle(order)
    looks = [(int(kinds[i] != eb.STRAIGHT), i % 2, i % 6, 1 + i % 3) for i in order]
    sizes = [48] * 6 + [12]
    want = eb.assemble([one[i] for i in order], looks, sizes)
    got = eb.assemble([mixed[i] for i in order], looks, sizes)
    for (wg, wa, wt, wr, ws, wo), (gg, ga, gt, gr, gs, go) in zip(want, got):
        assert [(k, _elements(v)) for k, v in wg.items()] == \
            [(k, _elements(v)) for k, v in gg.items()]
        assert [(k, _elements(v)) for k, v in wa.items()] == \
            [(k, _elements(v)) for k, v in ga.items()]
        assert wt == gt and wt and wr == gr and (ws == gs).all() and (wo == go).all()


def test_feedback_loops_and_arrowheads_match_the_scalar_geometry():
    """The vectorised corners (rounded, or sharp where the segments are short, points
    dropped where they repeat) are geometry.rounded's, the arrowheads arrow_head's."""
    shapes, arcs, p, q = _cases(800, seed=11)
    for i, arc in arcs.items():
        (px, py), (qx, qy) = p[i], q[i]
        tip = (qx - END_GAP, qy)
        pts = [(px + END_GAP, py), (arc.out_x, py), (arc.out_x, arc.lane),
               (arc.in_x, arc.lane), (arc.in_x, qy), (tip[0] - ARROW_LEN * 0.8, qy)]
        assert _elements(shapes[i].path) == _elements(feedback_path(pts))
        head = arrow_head(QPointF(*tip), 1.0, 0.0)
        assert shapes[i].tri.tolist() == [[head[k].x(), head[k].y()] for k in range(3)]
        assert shapes[i].samples[-1] == tip and shapes[i].tagged == arc.tag


def _grid(columns: int = 8, rows: int = 12) -> rs.Network:
    """Columns of neurons wired row to row, with self-loops and feedback to the first
    column: more edges than a bin holds, of every kind."""
    net = rs.Network("grid")
    for c in range(columns):
        for r in range(rows):
            net.add_neuron(f"n{c}_{r}", x=160.0 * c, y=90.0 * r)
    for c in range(columns - 1):
        for r in range(rows):
            net.add_edge(f"n{c}_{r}", f"n{c + 1}_{r}", weight=0.5 if r % 2 else -0.5)
    for r in range(0, rows, 3):
        net.add_edge(f"n{columns - 1}_{r}", f"n0_{r}", delay=1)
        net.add_edge(f"n3_{r}", f"n3_{r}", delay=1)
    return net


def test_clicking_finds_every_kind_of_edge(qapp):
    from rnnstudio.ui.canvas.scene import NetworkScene
    scene = NetworkScene(_grid())
    scene.route_now()
    keys = list(scene._layer_of)
    assert len(keys) > 48 and any(k in scene._arcs for k in keys)
    for key in keys:  # the last stretch into the target (loops of a corridor share a lane)
        (ax, ay), (bx, by) = scene.geom(key).samples[-2:]
        assert scene.edge_at(QPointF((ax + bx) / 2, (ay + by) / 2)) == key, key
    assert scene.edge_at(QPointF(80.0, 45.0)) is None  # between the rows


def test_a_flush_recomputes_only_edges_whose_drawing_changed(qapp, monkeypatch):
    """A big network draws new edges at once and shows their delays a moment later: then
    only the edges that became delayed are computed again, not every new edge."""
    from rnnstudio.ui.canvas import drawing
    monkeypatch.setattr(drawing, "ROUTE_LATER", 0)
    net = _grid(4, 6)
    scene = NetworkScene(net)
    net.add_edge("n3_1", "n0_2")  # back to the first column: delayed once ordered
    net.add_edge("n1_1", "n2_2")
    scene.flush()  # drawn at once, the ordering follows
    before = {k: scene.geom(k) for k in scene._layer_of}
    scene.route_now()
    delays = net.delays()
    for key, shape in before.items():
        if delays[key] == scene._delays.get(key) == 0 and key not in scene._arcs:
            assert scene.geom(key) is shape, key  # not computed again
    assert all(scene.is_delayed(*k) == (d >= 1 or k[0] == k[1]) for k, d in delays.items())


def test_a_bulk_edit_shows_its_ordering_at_once(qapp, monkeypatch):
    """Drawing many new edges twice (first undelayed, then with their delays) costs more
    than the ordering: past ROUTE_BULK dirty edges the flush routes at once."""
    from rnnstudio.ui.canvas import drawing
    monkeypatch.setattr(drawing, "ROUTE_LATER", 0)
    monkeypatch.setattr(drawing, "ROUTE_BULK", 20)
    net = rs.Network("bulk")
    scene = NetworkScene(net)
    with net.batch():
        for i in range(12):
            net.add_neuron(f"a{i}", x=100.0 * i, y=0.0)
        for i in range(11):
            net.add_edge(f"a{i}", f"a{i + 1}")
            net.add_edge(f"a{i + 1}", f"a{i}")
    scene.flush()
    assert not scene._route_timer.isActive()
    delays = net.delays()
    assert any(d >= 1 for d in delays.values())
    assert all(scene.is_delayed(*k) == (d >= 1) for k, d in delays.items())


_RENDER_SELECTED = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from rnnstudio.io import load
from rnnstudio.ui.canvas.scene import NetworkScene
from rnnstudio.ui.render import render_scene
scene = NetworkScene(load(sys.argv[1]))
net = scene.net
dragged = set(list(net.graph)[:5])  # a set, as the drag gets it
scene.begin_live(dragged)
for n in dragged:
    net.move_node(n, net.graph.nodes[n]["x"] + 40.0, net.graph.nodes[n]["y"] + 25.0)
scene.end_live()
scene.select_edges(set(list(scene._layer_of)[::2]))  # a set, as a click with Ctrl gives it
render_scene(scene, sys.argv[2], scale=1.0)
"""


def test_dragged_and_selected_edges_are_the_same_picture_whatever_the_hash_seed(tmp_path):
    """The selection halo and the edges of dragged nodes are assembled in a fixed order (they
    followed a set's order, which changes with the hash seed: overlaps came out differently)."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[3]
    pictures = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, QT_QPA_PLATFORM="offscreen",
                   PYTHONPATH=str(root))
        out = tmp_path / f"{seed}.png"
        subprocess.run([sys.executable, "-c", _RENDER_SELECTED,
                        str(root / "examples" / "rain.rnn.json"), str(out)],
                       env=env, capture_output=True, check=True, timeout=120)
        pictures.add(out.read_bytes())
    assert len(pictures) == 1


def test_edges_added_to_a_layer_at_once_fill_its_bins_as_one_by_one(qapp):
    from rnnstudio.ui.canvas.edges import BIN_SIZE, EdgeLayerItem
    keys = [(f"a{i}", f"b{i}") for i in range(3 * BIN_SIZE + 5)]

    def bins(layer) -> list:
        at = {id(b): i for i, b in enumerate(layer._bins)}
        return [(list(b.keys), b.dirty) for b in layer._bins] + [
            {k: at[id(b)] for k, b in layer._bin_of.items()}]
    for first in (0, 7, BIN_SIZE):  # a layer empty, with a part-filled bin, with a full one
        one, many = EdgeLayerItem(None), EdgeLayerItem(None)
        for layer in (one, many):
            for key in keys[:first]:
                layer.add(key)
            for b in layer._bins:
                b.dirty = False
        for key in keys[first:]:
            one.add(key)
        many.add_many(keys[first:])
        assert bins(many) == bins(one)
        assert len(many._bins) == -(-len(keys) // BIN_SIZE)
    again = EdgeLayerItem(None)
    again.add_many(keys[:3])
    again._bins[0].dirty = False
    again.add_many([keys[1], keys[5]])  # one of them there already: marked, not added twice
    assert list(again._bins[0].keys) == keys[:3] + [keys[5]] and again._bins[0].dirty


def test_edge_lengths_are_pythons_hypot_to_the_last_bit():
    """Lengths along an axis are taken as the other coordinate's size, the rest from
    math.hypot: every length is math.hypot's, so the shapes are the scalar geometry's."""
    rng = np.random.default_rng(4)
    size = 10.0 ** rng.integers(-30, 30, 4000)
    dx = rng.standard_normal(4000) * size * rng.choice([0.0, -0.0, 1.0], 4000)
    dy = rng.standard_normal(4000) * size[::-1] * rng.choice([0.0, 1.0], 4000)
    dx[:6], dy[:6] = [np.inf, -np.inf, 0.0, -0.0, np.nan, 3.0], [0.0, 5.0, -0.0, 0.0, 0.0, np.inf]
    want = [math.hypot(a, b) for a, b in zip(dx.tolist(), dy.tolist())]
    got = eb._raw_hypot(dx, dy).tolist()
    assert [str(w) for w in want] == [str(g) for g in got]
