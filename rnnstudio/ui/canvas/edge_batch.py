"""The geometry of many edges at once (numpy), and Qt paths assembled from it.

`edge_shapes` computes every dirty edge's drawing in a few array operations per kind
(straight, curved, self-loop, feedback loop around the layers) instead of building Qt objects
edge by edge. An `EdgeShape` holds an edge's path as QPainterPath elements (type, x, y), its
arrowhead, its centre line for hit tests and label spots, and its bounds; Qt objects are made
only when asked for (the player's read highlights). `assemble` turns the shapes of many
bins into their paths at once, read from one QDataStream (as pyqtgraph's arrayToQPath does),
with the elements QPainterPath's own moveTo/lineTo/quadTo/addPath calls would have given: the
same numbers, the same dropped duplicates, so the same picture.
"""

from __future__ import annotations

import math
from itertools import repeat

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QLineF, QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from ..style import NODE_RADIUS
from .geometry import ARROW_HALF, ARROW_LEN, CORNER, END_GAP, EdgeGeom
from .tags import TAG_H, TAG_W

MOVE, LINE, CURVE, CURVE_DATA = 0, 1, 2, 3  # QPainterPath.ElementType
STRAIGHT, CURVED, LOOP, AROUND = 0, 1, 2, 3  # kinds of edge drawing
BEND = 0.28  # how far a curved edge bulges, relative to its length
TENTHS = [k / 10 for k in range(11)]  # where the samples of a curve are taken
_STREAM = np.dtype([("t", ">i4"), ("x", ">f8"), ("y", ">f8")])
_SHAFT = ARROW_LEN * 0.8  # the line stops this short of the tip (the arrowhead covers it)


class EdgeShape:
    """One edge's drawing. `elems`: (k, 3) path elements; `tri`: the arrowhead's 3 corners;
    `pts`: the centre line (m, 2); `box`: (x, y, w, h) of its bounds; `label_pos`: where its
    z^-d tag went (set by the scene; None: none)."""

    __slots__ = ("straight", "elems", "tri", "pts", "box", "tagged", "label_pos")

    def __init__(self, straight, elems, tri, pts, box, tagged):
        self.straight, self.elems, self.tri, self.pts = straight, elems, tri, pts
        self.box, self.tagged, self.label_pos = box, tagged, None

    @property
    def samples(self) -> list[tuple[float, float]]:
        return [tuple(p) for p in self.pts.tolist()]

    @property
    def rect(self) -> QRectF:
        return QRectF(*self.box)

    @property
    def line(self) -> QLineF | None:
        if not self.straight:
            return None
        a, b = self.elems[0], self.elems[-1]
        return QLineF(a[1], a[2], b[1], b[2])

    @property
    def path(self) -> QPainterPath | None:
        return None if self.straight else path_of(self.elems)

    @property
    def arrow(self) -> QPolygonF:
        return QPolygonF([QPointF(x, y) for x, y in self.tri.tolist()])

    def paint(self, painter, pen) -> None:
        """Draw the edge with `pen` and its arrowhead filled in the pen's colour."""
        EdgeGeom(self.line, self.path, self.arrow, None, [], QRectF()).paint(painter, pen)


# ------------------------------------------------------------------------ assembling paths
def path_of(elems: np.ndarray) -> QPainterPath:
    """A QPainterPath with exactly these (type, x, y) elements."""
    path = QPainterPath()
    if len(elems) == 0:
        return path
    rec = np.empty(len(elems), _STREAM)
    rec["t"], rec["x"], rec["y"] = elems[:, 0], elems[:, 1], elems[:, 2]
    moves = np.flatnonzero(elems[:, 0] == MOVE)
    head = np.array([len(elems)], ">i4").tobytes()
    tail = np.array([moves[-1] if len(moves) else 0, 0], ">i4").tobytes()  # cStart, OddEven
    QDataStream(QByteArray(head + rec.tobytes() + tail)) >> path
    return path


def assemble(shapes: list, looks: list, sizes: list) -> list:
    """Bins of edges (`sizes[i]` edges each, edge after edge) drawn as paths: per bin, one
    stroke path per look (delayed, positive, width level) and one arrowhead path per colour,
    in the order of their first edges; its tags, bounds and hit-test segments. The paths are
    those `moveTo`/`lineTo` (straight edges), `addPath` (the others) and `addPolygon` (the
    arrowheads) would give edge by edge: a move followed by another move is replaced by it,
    an empty path adds nothing."""
    starts = np.cumsum([0] + sizes[:-1])
    bin_e = np.repeat(np.arange(len(sizes)), sizes)
    strokes, stroke_ids = _stroke_paths(shapes, looks, bin_e)
    arrows, arrow_ids = _arrow_paths(shapes, looks, bin_e)
    out = [({}, {}, []) for _ in sizes]
    empty = QPainterPath()
    for (b, look), g in stroke_ids.items():
        out[b][0][look] = strokes.get(g, empty)
    for (b, colour), g in arrow_ids.items():
        out[b][1][colour] = arrows[g]
    for i in np.flatnonzero([look[0] and s.label_pos is not None
                             for s, look in zip(shapes, looks)]).tolist():
        out[bin_e[i]][2].append(i)
    rects = _rects(shapes, starts, [tags for _, _, tags in out])
    segs, owners = _segments(shapes, sizes)
    return [(groups, arrow, tags, rect, s, o)
            for (groups, arrow, tags), rect, s, o in zip(out, rects, segs, owners)]


def _stroke_paths(shapes, looks, bin_e):
    ids: dict = {}  # (bin, look) -> group, in the order of the first edges
    gid_e = [ids.setdefault((b, look[:3]), len(ids)) for b, look in zip(bin_e.tolist(), looks)]
    lens = np.array([len(s.elems) for s in shapes])
    drawn = np.array([s.straight or len(s.elems) > 1 for s in shapes])
    elems = np.concatenate([s.elems for s in shapes])[np.repeat(drawn, lens)]
    gid = np.repeat(np.array(gid_e)[drawn], lens[drawn])
    order = np.argsort(gid, kind="stable")
    elems, gid = elems[order], gid[order]
    move = elems[:, 0] == MOVE
    keep = np.ones(len(elems), bool)
    keep[:-1] = ~(move[:-1] & move[1:] & (gid[:-1] == gid[1:]))
    return _read_paths(elems[keep], gid[keep]), ids


def _arrow_paths(shapes, looks, bin_e):
    ids: dict = {}
    gid_e = np.array([ids.setdefault((b, look[:2]), len(ids))
                      for b, look in zip(bin_e.tolist(), looks)])
    tri = np.stack([s.tri for s in shapes])
    order = np.argsort(gid_e, kind="stable")
    types = np.tile([MOVE, LINE, LINE], len(shapes))
    elems = np.column_stack([types, tri[order].reshape(-1, 2)])
    return _read_paths(elems, np.repeat(gid_e[order], 3)), ids


def _read_paths(elems: np.ndarray, gid: np.ndarray) -> dict:
    """{group: QPainterPath} of elements sorted by group: all read from one QDataStream."""
    if len(elems) == 0:
        return {}
    rec = np.empty(len(elems), _STREAM)
    rec["t"], rec["x"], rec["y"] = elems[:, 0], elems[:, 1], elems[:, 2]
    raw = rec.tobytes()
    first = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    ends = np.r_[first[1:], len(gid)]
    moves = np.where(elems[:, 0] == MOVE, np.arange(len(elems)), -1)
    c_start = np.maximum.reduceat(moves, first) - first
    size = _STREAM.itemsize
    parts = []
    for a, b, c in zip(first.tolist(), ends.tolist(), c_start.tolist()):
        parts += [(b - a).to_bytes(4, "big"), raw[a * size:b * size],
                  max(c, 0).to_bytes(4, "big"), bytes(4)]
    stream = QDataStream(QByteArray(b"".join(parts)))
    paths = {}
    for g in gid[first].tolist():
        path = paths[g] = QPainterPath()
        stream >> path
    return paths


def _rects(shapes, starts, tags) -> list[QRectF]:
    """Each bin's bounds: its edges' and its tags'."""
    box = np.array([s.box for s in shapes], float)
    x0, y0 = box[:, 0], box[:, 1]
    x1, y1 = x0 + box[:, 2], y0 + box[:, 3]
    parts = [np.minimum.reduceat(x0, starts), np.minimum.reduceat(y0, starts),
             np.maximum.reduceat(x1, starts), np.maximum.reduceat(y1, starts)]
    rects = []
    for (l, t, r, b), tagged in zip(np.stack(parts, 1).tolist(), tags):
        for i in tagged:
            p = shapes[i].label_pos
            tx, ty = p.x() - TAG_W / 2, p.y() - TAG_H / 2
            l, t, r, b = min(l, tx), min(t, ty), max(r, tx + TAG_W), max(b, ty + TAG_H)
        rects.append(QRectF(l, t, r - l, b - t))
    return rects


def _segments(shapes, sizes) -> tuple[list, list]:
    """Per bin: (n, 4) segments of its edges' centre lines, and the edge (index) of each."""
    counts = np.array([len(s.pts) for s in shapes])
    pts = np.concatenate([s.pts for s in shapes])
    keep = np.ones(len(pts) - 1, bool)
    keep[np.cumsum(counts)[:-1] - 1] = False  # not from one edge's end to the next one's start
    segs = np.hstack([pts[:-1], pts[1:]])[keep]
    owner = np.repeat(np.arange(len(shapes)), counts - 1)
    cut = np.cumsum([0] + [int(c) for c in np.add.reduceat(counts - 1, np.cumsum(
        [0] + sizes[:-1]))])
    return ([segs[a:b] for a, b in zip(cut[:-1], cut[1:])],
            [owner[a:b] for a, b in zip(cut[:-1], cut[1:])])


# ------------------------------------------------------------------------ numbers
def _hypot(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """math.hypot element by element, 0 counted as 1 (numpy's hypot may differ in the last
    bit from Python's, and the picture must not)."""
    n = _raw_hypot(dx, dy)
    n[n == 0] = 1.0
    return n


def _raw_hypot(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    return np.array([math.hypot(a, b) for a, b in zip(dx.tolist(), dy.tolist())], float)


def _fuzzy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """qFuzzyCompare as QPointF's == applies it to one coordinate."""
    null = (a == 0) | (b == 0)
    d = np.abs(a - b)
    return np.where(null, d <= 1e-12, d * 1e12 <= np.minimum(np.abs(a), np.abs(b)))


def _same(ax, ay, bx, by) -> np.ndarray:
    return _fuzzy(ax, bx) & _fuzzy(ay, by)


def _arrows(tx, ty, dx, dy) -> np.ndarray:
    """(n, 3, 2) arrowheads at the tips pointing along (dx, dy) (geometry.arrow_head)."""
    n = _hypot(dx, dy)
    ux, uy = dx / n, dy / n
    bx, by = tx - ux * ARROW_LEN, ty - uy * ARROW_LEN
    return np.stack([tx, ty, bx - uy * ARROW_HALF, by + ux * ARROW_HALF,
                     bx + uy * ARROW_HALF, by - ux * ARROW_HALF], axis=1).reshape(-1, 3, 2)


def _boxes(xs: np.ndarray, ys: np.ndarray, pad: float) -> np.ndarray:
    """(n, 4) bounds (x, y, w, h) of points (n, m), as geometry.bounds computes them."""
    x0, y0 = xs.min(axis=1), ys.min(axis=1)
    return np.stack([x0 - pad, y0 - pad, xs.max(axis=1) - x0 + 2 * pad,
                     ys.max(axis=1) - y0 + 2 * pad], axis=1)


class _Part:
    """Path elements of n edges as an (n, k) grid of candidates, some of them dropped."""

    def __init__(self, n: int):
        self.cols: list = []  # (type, x, y, keep)
        self.n = n

    def add(self, t, x, y, keep=None):
        self.cols.append((t, x, y, np.ones(self.n, bool) if keep is None else keep))

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """The kept elements edge after edge, and each edge's count."""
        t = np.stack([np.full(self.n, c[0], float) for c in self.cols], axis=1)
        x = np.stack([np.broadcast_to(c[1], self.n) for c in self.cols], axis=1)
        y = np.stack([np.broadcast_to(c[2], self.n) for c in self.cols], axis=1)
        keep = np.stack([c[3] for c in self.cols], axis=1)
        return np.stack([t[keep], x[keep], y[keep]], axis=1), keep.sum(axis=1)


def _quad(part: _Part, last, cx, cy, ex, ey, want=None):
    """`quadTo(c, e)` after the point `last` (a cubic; dropped where it would be empty, as Qt
    drops it). Returns the new last point."""
    lx, ly = last
    c1x, c1y = (lx + 2 * cx) / 3, (ly + 2 * cy) / 3
    c2x, c2y = (ex + 2 * cx) / 3, (ey + 2 * cy) / 3
    keep = ~(_same(lx, ly, cx, cy) & _same(cx, cy, ex, ey))
    keep &= ~(_same(lx, ly, c1x, c1y) & _same(c1x, c1y, c2x, c2y) & _same(c2x, c2y, ex, ey))
    if want is not None:
        keep &= want
    for t, x, y in ((CURVE, c1x, c1y), (CURVE_DATA, c2x, c2y), (CURVE_DATA, ex, ey)):
        part.add(t, x, y, keep)
    return np.where(keep, ex, lx), np.where(keep, ey, ly)


def _line(part: _Part, last, x, y):
    """`lineTo(x, y)` (dropped where it would repeat the last point)."""
    keep = ~_same(last[0], last[1], x, y)
    part.add(LINE, x, y, keep)
    return np.where(keep, x, last[0]), np.where(keep, y, last[1])


# ------------------------------------------------------------------------ kinds
def _straight(px, py, qx, qy):
    dx, dy = qx - px, qy - py
    n = _hypot(dx, dy)
    ux, uy = dx / n, dy / n
    ax, ay = px + ux * END_GAP, py + uy * END_GAP
    tx, ty = qx - ux * END_GAP, qy - uy * END_GAP
    part = _Part(len(px))
    part.add(MOVE, ax, ay)
    _line(part, (ax, ay), tx - ux * ARROW_LEN * 0.8, ty - uy * ARROW_LEN * 0.8)
    xs, ys = np.stack([ax, tx], axis=1), np.stack([ay, ty], axis=1)
    return part, _arrows(tx, ty, dx, dy), xs, ys, _boxes(xs, ys, 10.0)


def _towards(cx, cy, x, y, dist):
    dx, dy = x - cx, y - cy
    n = _hypot(dx, dy)
    return cx + dx / n * dist, cy + dy / n * dist


def _curved(px, py, qx, qy):
    """Delayed edges: a curve bulging to the left of its direction (so u->v and v->u part)."""
    dx, dy = qx - px, qy - py
    n = _hypot(dx, dy)
    ux, uy = dx / n, dy / n
    off = np.maximum(28.0, np.minimum(140.0, n * BEND))
    mx, my = (px + qx) / 2 + uy * off, (py + qy) / 2 - ux * off
    ax, ay = _towards(px, py, mx, my, END_GAP)  # on the rims, aimed at the control point
    tx, ty = _towards(qx, qy, mx, my, END_GAP)
    vx, vy = tx - mx, ty - my
    vn = _hypot(vx, vy)
    part = _Part(len(px))
    part.add(MOVE, ax, ay)
    _quad(part, (ax, ay), mx, my, tx - vx / vn * ARROW_LEN * 0.8, ty - vy / vn * ARROW_LEN * 0.8)
    xs = np.stack([(1 - t) * (1 - t) * ax + 2 * (1 - t) * t * mx + t * t * tx for t in TENTHS], 1)
    ys = np.stack([(1 - t) * (1 - t) * ay + 2 * (1 - t) * t * my + t * t * ty for t in TENTHS], 1)
    box = _boxes(np.column_stack([xs, mx]), np.column_stack([ys, my]), 14.0)
    return part, _arrows(tx, ty, vx, vy), xs, ys, box


_LOOP = None  # a self-loop's samples around (0, 0): the loop is the same at every node


def _loop_samples() -> tuple[np.ndarray, np.ndarray]:
    global _LOOP
    if _LOOP is None:
        zero = np.zeros(1)
        part, _, _, _ = _loop_path(zero, zero)
        path = path_of(part.flat()[0])
        pts = [path.pointAtPercent(t) for t in TENTHS]
        _LOOP = np.array([p.x() for p in pts]), np.array([p.y() for p in pts])
    return _LOOP


def _loop_path(cx, cy):
    """At the node's upper left, leaving at about 9 o'clock and coming back at 11: clear of
    the node above and its label (columns are 70 apart), of the order badge (upper right)
    and of the edges leaving on the right."""
    r, a1, a2 = END_GAP, math.radians(-168), math.radians(-102)
    ax, ay = cx + r * math.cos(a1), cy + r * math.sin(a1)
    tx, ty = cx + r * math.cos(a2), cy + r * math.sin(a2)
    c2x, c2y = cx - 1.0 * NODE_RADIUS, cy - 2.5 * NODE_RADIUS
    part = _Part(len(cx))
    part.add(MOVE, ax, ay)
    part.add(CURVE, cx - 2.5 * NODE_RADIUS, cy - 1.0 * NODE_RADIUS)
    part.add(CURVE_DATA, c2x, c2y)
    part.add(CURVE_DATA, tx, ty)
    return part, _arrows(tx, ty, tx - c2x, ty - c2y), tx, ty


def _loop(cx, cy):
    part, tri, _, _ = _loop_path(cx, cy)
    sx, sy = _loop_samples()
    xs, ys = cx[:, None] + sx, cy[:, None] + sy
    return part, tri, xs, ys, _boxes(xs, ys, 14.0)


def _corner(part: _Part, last, p0, p1, p2, r):
    """Up to the corner p1 of the polyline p0 -> p1 -> p2 and round it with radius r
    (sharp where r <= 0.5), as geometry.rounded does. Returns the new last point."""
    (x0, y0), (x1, y1), (x2, y2) = p0, p1, p2
    d_in, d_out = _raw_hypot(x1 - x0, y1 - y0), _raw_hypot(x2 - x1, y2 - y1)
    sharp = r <= 0.5
    last = _line(part, last, np.where(sharp, x1, x1 - (x1 - x0) / d_in * r),
                 np.where(sharp, y1, y1 - (y1 - y0) / d_in * r))
    return _quad(part, last, x1, y1, x1 + (x2 - x1) / d_out * r, y1 + (y2 - y1) / d_out * r,
                 ~sharp)


def _around(px, py, qx, qy, out_x, in_x, lane):
    """A feedback loop around the layers: out of the source's right side, along its lane above
    or below the nodes, into the target from the left; the corners at its ends rounded, those
    on the lane square. Two subpaths from the lane's corner over the source, back to the
    source and on to the target: a dash pattern starts afresh at each subpath, and the turns
    and lanes sit on the dash grid (layout.routes.DASH_PERIOD), so every loop sharing a line
    lies dash on dash with the others there, whatever lane or corridor it comes from."""
    ax, tx = px + END_GAP, qx - END_GAP
    xs = np.stack([ax, out_x, out_x, in_x, in_x, tx - _SHAFT], axis=1)
    ys = np.stack([py, py, lane, lane, qy, qy], axis=1)
    pt = [(xs[:, k], ys[:, k]) for k in range(6)]
    source, c1, c2, c3, c4, end = pt
    part = _Part(len(px))
    square = np.zeros(len(px))
    with np.errstate(divide="ignore", invalid="ignore"):
        r_source, r_target = (np.minimum(np.minimum(CORNER, _raw_hypot(x1 - x0, y1 - y0) / 2),
                                         _raw_hypot(x2 - x1, y2 - y1) / 2)
                              for (x0, y0), (x1, y1), (x2, y2) in ((source, c1, c2),
                                                                    (c3, c4, end)))
        part.add(MOVE, *c2)
        first = len(part.cols)
        last = _corner(part, c2, c2, c1, source, r_source)
        _line(part, last, *source)
        drawn = np.any([c[3] for c in part.cols[first:]], axis=0)
        part.add(MOVE, *c2, drawn)  # an empty first subpath's move is replaced, as in Qt
        last = _corner(part, c2, c2, c3, c4, square)
        last = _corner(part, last, c3, c4, end, r_target)
    _line(part, last, end[0].copy(), end[1])
    xs[:, 5] = tx  # the centre line runs to the tip
    one, zero = np.ones(len(px)), np.zeros(len(px))
    return part, _arrows(tx, qy, one, zero), xs, ys, _boxes(xs, ys, 8.0)


# ------------------------------------------------------------------------ the batch
def edge_shapes(p: np.ndarray, q: np.ndarray, kind: np.ndarray, arcs: dict) -> list[EdgeShape]:
    """The shapes of n edges from their ends `p`, `q` (n, 2) and `kind` (n,) (STRAIGHT,
    CURVED, LOOP or AROUND); `arcs` {index: layout.Arc} for the AROUND ones."""
    out: list = [None] * len(kind)
    for k in (STRAIGHT, CURVED, LOOP, AROUND):
        idx = np.flatnonzero(kind == k)
        if len(idx) == 0:
            continue
        px, py, qx, qy = p[idx, 0], p[idx, 1], q[idx, 0], q[idx, 1]
        tagged = [k != STRAIGHT] * len(idx)
        if k == STRAIGHT:
            made = _straight(px, py, qx, qy)
        elif k == CURVED:
            made = _curved(px, py, qx, qy)
        elif k == LOOP:
            made = _loop(px, py)
        else:
            a = [arcs[i] for i in idx.tolist()]
            made = _around(px, py, qx, qy, *(np.array([getattr(x, f) for x in a], float)
                                             for f in ("out_x", "in_x", "lane")))
            tagged = [x.tag for x in a]
        _fill(out, idx, k == STRAIGHT, tagged, *made)
    return out


def _fill(out, idx, straight, tagged, part, tri, xs, ys, box) -> None:
    """One EdgeShape per edge, of views into the batch's arrays (nothing copied)."""
    elems, counts = part.flat()
    if (counts == counts[0]).all():  # no point dropped: one grid
        pieces = elems.reshape(len(counts), int(counts[0]), 3)
    else:
        pieces = np.split(elems, np.cumsum(counts)[:-1])
    shapes = map(EdgeShape, repeat(straight), pieces, tri, np.stack([xs, ys], axis=2), box,
                 tagged)
    for i, shape in zip(idx.tolist(), shapes):
        out[i] = shape
