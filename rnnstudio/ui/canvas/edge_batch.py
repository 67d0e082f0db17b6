"""The geometry of many edges at once (numpy), and Qt paths assembled from it.

`edge_shapes` computes every dirty edge's drawing in a few array operations per kind
(straight, curved, self-loop, feedback loop around the layers) into one `EdgeTable`
(`edge_table`): per edge its path as QPainterPath elements (type, x, y), its arrowhead, its
centre line for hit tests and label spots, and its bounds. `assemble` turns the rows of many
bins into their paths at once, read from one QDataStream (as pyqtgraph's arrayToQPath does),
with the elements QPainterPath's own moveTo/lineTo/quadTo/addPath calls would have given: the
same numbers, the same dropped duplicates, so the same picture.
"""

from __future__ import annotations

import math
from operator import attrgetter

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from ..style import NODE_RADIUS
from .edge_table import CURVE, CURVE_DATA, LINE, MOVE, EdgeShape, EdgeTable, path_of, read_paths
from .geometry import ARROW_HALF, ARROW_LEN, CORNER, END_GAP
from .tags import TAG_H, TAG_W

STRAIGHT, CURVED, LOOP, AROUND = 0, 1, 2, 3  # kinds of edge drawing
BEND = 0.28  # how far a curved edge bulges, relative to its length
TENTHS = [k / 10 for k in range(11)]  # where the samples of a curve are taken
_SHAFT = ARROW_LEN * 0.8  # the line stops this short of the tip (the arrowhead covers it)
__all__ = ["EdgeShape", "EdgeTable", "assemble", "edge_shapes", "path_of"]


# ------------------------------------------------------------------------ numbers
def _hypot(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """math.hypot element by element, 0 counted as 1 (numpy's hypot may differ in the last
    bit from Python's, and the picture must not)."""
    n = _raw_hypot(dx, dy)
    n[n == 0] = 1.0
    return n


def _raw_hypot(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """math.hypot element by element: where dx or dy is 0 it is exactly the other's size
    (the legs of a feedback loop all run along an axis), elsewhere Python's own."""
    out = np.abs(dx) + np.abs(dy)
    both = np.flatnonzero((dx != 0) & (dy != 0))
    if len(both):
        out[both] = np.fromiter(map(math.hypot, dx[both].tolist(), dy[both].tolist()), float,
                                len(both))
    return out


def _fuzzy(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """qFuzzyCompare as QPointF's == applies it to one coordinate."""
    null = (a == 0) | (b == 0)
    d = np.abs(a - b)
    return np.where(null, d <= 1e-12, d * 1e12 <= np.minimum(np.abs(a), np.abs(b)))


def _same(ax, ay, bx, by) -> np.ndarray:
    return _fuzzy(ax, bx) & _fuzzy(ay, by)


def _arrows(tx, ty, dx, dy, n=None) -> np.ndarray:
    """(n, 3, 2) arrowheads at the tips pointing along (dx, dy) (geometry.arrow_head)."""
    n = _hypot(dx, dy) if n is None else n
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
    return part, _arrows(tx, ty, dx, dy, n), xs, ys, _boxes(xs, ys, 10.0)


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
    return part, _arrows(tx, ty, vx, vy, vn), xs, ys, box


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
    CURVED, LOOP or AROUND); `arcs` {index: layout.Arc} for the AROUND ones: rows of one
    table, computed kind by kind."""
    parts, order = [], []
    for k in (STRAIGHT, CURVED, LOOP, AROUND):
        idx = np.flatnonzero(kind == k)
        if len(idx) == 0:
            continue
        px, py, qx, qy = p[idx, 0], p[idx, 1], q[idx, 0], q[idx, 1]
        tagged = np.full(len(idx), k != STRAIGHT)
        if k == STRAIGHT:
            made = _straight(px, py, qx, qy)
        elif k == CURVED:
            made = _curved(px, py, qx, qy)
        elif k == LOOP:
            made = _loop(px, py)
        else:
            a = list(map(arcs.__getitem__, idx.tolist()))
            made = _around(px, py, qx, qy, *(np.fromiter(map(attrgetter(f), a), float, len(a))
                                             for f in ("out_x", "in_x", "lane")))
            tagged = np.fromiter(map(attrgetter("tag"), a), bool, len(a))
        parts.append(_table(k == STRAIGHT, tagged, *made))
        order.append(idx)
    if not parts:
        return []
    rows = np.empty(len(kind), np.intp)
    rows[np.concatenate(order)] = np.arange(len(kind))
    return EdgeTable.concat(parts).shapes(rows.tolist())


def _table(straight, tagged, part, tri, xs, ys, box) -> EdgeTable:
    elems, counts = part.flat()
    n, m = xs.shape
    return EdgeTable(elems, counts, np.stack([xs, ys], axis=2).reshape(-1, 2), np.full(n, m),
                     tri, box, np.full(n, straight), tagged)


# ------------------------------------------------------------------------ assembling paths
def assemble(shapes: list, looks, sizes: list) -> list:
    """Bins of edges (`sizes[i]` edges each, edge after edge) drawn as paths: per bin, one
    stroke path per look (delayed, positive, width level) and one arrowhead path per colour,
    in the order of their first edges; its tags (the indices of its tagged delayed edges),
    bounds and hit-test segments. `looks` (n, 4): delayed, positive, width level, delay. The
    paths are those `moveTo`/`lineTo` (straight edges), `addPath` (the others) and
    `addPolygon` (the arrowheads) would give edge by edge: a move followed by another move is
    replaced by it, an empty path adds nothing."""
    table = EdgeTable.of(shapes)
    looks = np.asarray(looks, np.int64).reshape(-1, 4)
    bin_e = np.repeat(np.arange(len(sizes)), sizes)
    out = [({}, {}, []) for _ in sizes]
    for b, look, path in _stroke_paths(table, looks, bin_e):
        out[b][0][look] = path
    for b, colour, path in _arrow_paths(table, looks, bin_e):
        out[b][1][colour] = path
    tagged = np.flatnonzero((looks[:, 0] != 0) & ~np.isnan(table.label[:, 0]))
    for i, b in zip(tagged.tolist(), bin_e[tagged].tolist()):
        out[b][2].append(i)
    starts = np.cumsum([0] + list(sizes[:-1]))
    rects = _rects(table, starts, bin_e, tagged)
    segs, owners = _segments(table, starts)
    return [(groups, arrow, tags, rect, s, o)
            for (groups, arrow, tags), rect, s, o in zip(out, rects, segs, owners)]


def _groups(bin_e: np.ndarray, code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's group (bin, code), the groups numbered in the order of their first edges,
    and the first edge of each group."""
    if len(code) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    _, first, inv = np.unique(bin_e * (int(code.max()) + 1) + code, return_index=True,
                              return_inverse=True)
    by_first = np.argsort(first, kind="stable")
    rank = np.empty(len(first), np.intp)
    rank[by_first] = np.arange(len(first))
    return rank[inv.reshape(-1)], first[by_first]


def _stroke_paths(table: EdgeTable, looks: np.ndarray, bin_e: np.ndarray) -> list:
    """(bin, look, path) of each group of edges of one look in a bin."""
    delayed, positive, level = looks[:, 0] != 0, looks[:, 1] != 0, looks[:, 2]
    gid, first = _groups(bin_e, (delayed * 2 + positive) * (int(level.max(initial=0)) + 1)
                         + level)
    counts = np.diff(table.eoff)
    drawn = table.straight | (counts > 1)
    egid = np.repeat(np.where(drawn, gid, -1), counts)
    elems, egid = table.elems[egid >= 0], egid[egid >= 0]
    order = np.argsort(egid, kind="stable")
    elems, egid = elems[order], egid[order]
    move = elems[:, 0] == MOVE
    keep = np.ones(len(elems), bool)
    keep[:-1] = ~(move[:-1] & move[1:] & (egid[:-1] == egid[1:]))
    paths, empty = read_paths(elems[keep], egid[keep]), QPainterPath()
    return [(b, (d, p, w), paths.get(g, empty)) for g, (b, d, p, w) in enumerate(zip(
        bin_e[first].tolist(), delayed[first].tolist(), positive[first].tolist(),
        level[first].tolist()))]


def _arrow_paths(table: EdgeTable, looks: np.ndarray, bin_e: np.ndarray) -> list:
    """(bin, colour, path) of each group of arrowheads of one colour in a bin."""
    delayed, positive = looks[:, 0] != 0, looks[:, 1] != 0
    gid, first = _groups(bin_e, delayed * 2 + positive)
    order = np.argsort(gid, kind="stable")
    types = np.tile([MOVE, LINE, LINE], len(gid))
    elems = np.column_stack([types, table.tri[order].reshape(-1, 2)])
    paths = read_paths(elems, np.repeat(gid[order], 3))
    return [(b, (d, p), paths[g]) for g, (b, d, p) in enumerate(zip(
        bin_e[first].tolist(), delayed[first].tolist(), positive[first].tolist()))]


def _rects(table: EdgeTable, starts, bin_e, tagged) -> list[QRectF]:
    """Each bin's bounds: its edges' and its tags'."""
    box = table.box
    x0, y0 = box[:, 0], box[:, 1]
    x1, y1 = x0 + box[:, 2], y0 + box[:, 3]
    l, t = np.minimum.reduceat(x0, starts), np.minimum.reduceat(y0, starts)
    r, b = np.maximum.reduceat(x1, starts), np.maximum.reduceat(y1, starts)
    if len(tagged):
        at, (tx, ty) = bin_e[tagged], (table.label[tagged].T - [[TAG_W / 2], [TAG_H / 2]])
        np.minimum.at(l, at, tx)
        np.minimum.at(t, at, ty)
        np.maximum.at(r, at, tx + TAG_W)
        np.maximum.at(b, at, ty + TAG_H)
    return [QRectF(l, t, r - l, b - t) for l, t, r, b in zip(l.tolist(), t.tolist(),
                                                             r.tolist(), b.tolist())]


def _segments(table: EdgeTable, starts) -> tuple[list, list]:
    """Per bin: (n, 4) segments of its edges' centre lines, and the edge (index) of each."""
    pts, off = table.pts, table.poff
    counts = np.diff(off)
    keep = np.ones(len(pts) - 1, bool)
    keep[off[1:-1] - 1] = False  # not from one edge's end to the next one's start
    segs = np.hstack([pts[:-1], pts[1:]])[keep]
    owner = np.repeat(np.arange(len(counts)), counts - 1)
    cut = np.r_[0, np.cumsum(np.add.reduceat(counts - 1, starts))].tolist()
    return ([segs[a:b] for a, b in zip(cut[:-1], cut[1:])],
            [owner[a:b] for a, b in zip(cut[:-1], cut[1:])])
