"""Edge geometry kept as numpy tables: an `EdgeTable` holds the drawing of many edges (one row
an edge), an `EdgeShape` is one row of it, read on demand.

A batch of dirty edges is computed into one table (`edge_batch.edge_shapes`); bins of edges
are assembled from the rows of a few tables gathered at once (`EdgeTable.of`), without a
Python step per edge. Qt objects are made only when asked for (the player's read highlights).
"""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter

import numpy as np
from PySide6.QtCore import QByteArray, QDataStream, QLineF, QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from .geometry import EdgeGeom

MOVE, LINE, CURVE, CURVE_DATA = 0, 1, 2, 3  # QPainterPath.ElementType
STREAM = np.dtype([("t", ">i4"), ("x", ">f8"), ("y", ">f8")])  # an element in a QDataStream


class EdgeTable:
    """The drawing of n edges. `elems` (E, 3) path elements (type, x, y), row i's from
    `eoff[i]` to `eoff[i + 1]`; `pts` (P, 2) centre lines, row i's from `poff[i]`; `tri`
    (n, 3, 2) arrowheads; `box` (n, 4) bounds (x, y, w, h); `straight`, `tagged` (n,);
    `label` (n, 2) where each z^-d tag went (NaN: none)."""

    __slots__ = ("elems", "eoff", "pts", "poff", "tri", "box", "straight", "tagged", "label")

    def __init__(self, elems, ecount, pts, pcount, tri, box, straight, tagged, label=None):
        self.elems, self.eoff = elems, _offsets(ecount)
        self.pts, self.poff = pts, _offsets(pcount)
        self.tri, self.box = tri, box
        self.straight, self.tagged = straight, tagged
        self.label = np.full((len(box), 2), np.nan) if label is None else label

    def __len__(self) -> int:
        return len(self.box)

    def shapes(self, rows) -> list:
        """EdgeShapes of these rows."""
        return list(map(EdgeShape, zip(repeat(self), rows)))

    def take(self, rows: np.ndarray) -> "EdgeTable":
        """A table of these rows, in this order."""
        elems, ecount = _take(self.elems, self.eoff, rows)
        pts, pcount = _take(self.pts, self.poff, rows)
        return EdgeTable(elems, ecount, pts, pcount, self.tri[rows], self.box[rows],
                         self.straight[rows], self.tagged[rows], self.label[rows])

    @staticmethod
    def concat(tables: list) -> "EdgeTable":
        """One table of these tables' rows, table after table."""
        return EdgeTable(
            np.concatenate([t.elems for t in tables]),
            np.concatenate([np.diff(t.eoff) for t in tables]),
            np.concatenate([t.pts for t in tables]),
            np.concatenate([np.diff(t.poff) for t in tables]),
            *(np.concatenate([getattr(t, f) for t in tables])
              for f in ("tri", "box", "straight", "tagged", "label")))

    @staticmethod
    def of(shapes: list) -> "EdgeTable":
        """The rows of these shapes gathered from their tables, shape after shape."""
        tables = list(map(_TABLE, shapes))
        rows = np.fromiter(map(_ROW, shapes), np.intp, len(shapes))
        first = tables[0] if tables else None
        if tables.count(first) == len(tables):
            return first.take(rows) if tables else _EMPTY
        ids = np.fromiter(map(id, tables), np.int64, len(tables))
        _, at, which = np.unique(ids, return_index=True, return_inverse=True)
        which = which.reshape(-1)
        parts, order = [], []
        for j, i in enumerate(at.tolist()):
            mine = np.flatnonzero(which == j)
            parts.append(tables[i].take(rows[mine]))
            order.append(mine)
        back = np.empty(len(shapes), np.intp)
        back[np.concatenate(order)] = np.arange(len(shapes))
        return EdgeTable.concat(parts).take(back)


_TABLE, _ROW = itemgetter(0), itemgetter(1)  # of an EdgeShape


def tagged(shapes: list) -> list:
    """Which of these shapes (rows of one table, as `edge_shapes` gives them) have a tag."""
    if not shapes:
        return []
    rows = np.fromiter(map(_ROW, shapes), np.intp, len(shapes))
    return shapes[0].table.tagged[rows].tolist()


def _offsets(counts) -> np.ndarray:
    out = np.zeros(len(counts) + 1, np.intp)
    np.cumsum(counts, out=out[1:])
    return out


def _take(flat: np.ndarray, off: np.ndarray, rows: np.ndarray):
    """The pieces `off[r]:off[r + 1]` of `flat` for each of `rows`, one after the other, and
    their lengths."""
    starts, counts = off[rows], off[rows + 1] - off[rows]
    if len(rows) == 0:
        return flat[:0], counts
    ends = np.cumsum(counts)
    idx = np.arange(ends[-1]) + np.repeat(starts - (ends - counts), counts)
    return flat[idx], counts


class EdgeShape(tuple):
    """One edge's drawing: row `row` of `table` (a pair: made without a Python call, 50,000
    at a time). `elems`: (k, 3) path elements; `tri`: the arrowhead's 3 corners; `pts`: the
    centre line (m, 2); `box`: (x, y, w, h) of its bounds; `label_pos`: where its z^-d tag
    went (set by the scene; None: none)."""

    __slots__ = ()
    table = property(itemgetter(0))
    row = property(itemgetter(1))

    @property
    def straight(self) -> bool:
        return bool(self.table.straight[self.row])

    @property
    def tagged(self) -> bool:
        return bool(self.table.tagged[self.row])

    @property
    def elems(self) -> np.ndarray:
        t, i = self.table, self.row
        return t.elems[t.eoff[i]:t.eoff[i + 1]]

    @property
    def pts(self) -> np.ndarray:
        t, i = self.table, self.row
        return t.pts[t.poff[i]:t.poff[i + 1]]

    @property
    def tri(self) -> np.ndarray:
        return self.table.tri[self.row]

    @property
    def box(self) -> np.ndarray:
        return self.table.box[self.row]

    @property
    def label_pos(self) -> QPointF | None:
        x, y = self.table.label[self.row].tolist()
        return None if x != x else QPointF(x, y)

    @label_pos.setter
    def label_pos(self, pos: QPointF | None) -> None:
        self.table.label[self.row] = np.nan if pos is None else (pos.x(), pos.y())

    @property
    def samples(self) -> list[tuple[float, float]]:
        return [tuple(p) for p in self.pts.tolist()]

    @property
    def rect(self) -> QRectF:
        return QRectF(*self.box.tolist())

    @property
    def line(self) -> QLineF | None:
        if not self.straight:
            return None
        elems = self.elems
        a, b = elems[0].tolist(), elems[-1].tolist()
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


def path_of(elems: np.ndarray) -> QPainterPath:
    """A QPainterPath with exactly these (type, x, y) elements."""
    return read_paths(elems, np.zeros(len(elems), np.intp)).get(0, QPainterPath())


def read_paths(elems: np.ndarray, gid: np.ndarray) -> dict:
    """{group: QPainterPath} of elements (type, x, y) sorted by group: all read from one
    QDataStream, made in one go as 4-byte words (as pyqtgraph's arrayToQPath does; per path:
    its element count, its elements, the index of its last move, its fill rule)."""
    if len(elems) == 0:
        return {}
    rec = np.empty(len(elems), STREAM)
    rec["t"], rec["x"], rec["y"] = elems[:, 0], elems[:, 1], elems[:, 2]
    first = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    ends = np.r_[first[1:], len(gid)]
    moves = np.where(elems[:, 0] == MOVE, np.arange(len(elems)), -1)
    c_start = np.maximum(np.maximum.reduceat(moves, first) - first, 0)
    at, val = np.empty(3 * len(first), np.intp), np.empty(3 * len(first), ">u4")
    at[0::3], at[1::3], at[2::3] = 5 * first, 5 * ends, 5 * ends  # in words
    val[0::3], val[1::3], val[2::3] = ends - first, c_start, 0
    words = np.insert(rec.view(np.uint32), at, val.view(np.uint32))  # in this order
    stream = QDataStream(QByteArray(words.tobytes()))
    paths = {}
    for g in gid[first].tolist():
        path = paths[g] = QPainterPath()
        stream >> path
    return paths


_EMPTY = EdgeTable(np.zeros((0, 3)), [], np.zeros((0, 2)), [], np.zeros((0, 3, 2)),
                   np.zeros((0, 4)), np.zeros(0, bool), np.zeros(0, bool))
