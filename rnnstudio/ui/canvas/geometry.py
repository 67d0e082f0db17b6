"""Edge geometry, computed when endpoints move (never while painting)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF

from ..style import NODE_RADIUS


ARROW_LEN = 9.0
ARROW_HALF = 4.0
END_GAP = NODE_RADIUS + 2.0


@dataclass
class EdgeGeom:
    """What an edge batch needs to draw and hit-test one edge."""
    line: QLineF | None       # a straight, same-step edge
    path: QPainterPath | None  # a curved (delayed) edge or a self-loop
    arrow: QPolygonF
    label_pos: QPointF | None  # where the z^-d tag goes (delayed edges)
    samples: list[tuple[float, float]]  # a polyline for hit tests
    rect: QRectF

    def paint(self, painter: QPainter, pen: QPen) -> None:
        """Draw the edge with `pen` and its arrowhead filled in the pen's colour."""
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.line is not None:
            painter.drawLine(self.line)
        else:
            painter.drawPath(self.path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(self.arrow)


def _arrow(tip: QPointF, dx: float, dy: float) -> QPolygonF:
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    bx, by = tip.x() - ux * ARROW_LEN, tip.y() - uy * ARROW_LEN
    return QPolygonF([tip, QPointF(bx - uy * ARROW_HALF, by + ux * ARROW_HALF),
                      QPointF(bx + uy * ARROW_HALF, by - ux * ARROW_HALF)])


def _bounds(points: list[tuple[float, float]], pad: float = 10.0) -> QRectF:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return QRectF(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad,
                  max(ys) - min(ys) + 2 * pad)


def straight(p: QPointF, q: QPointF) -> EdgeGeom:
    dx, dy = q.x() - p.x(), q.y() - p.y()
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    a = QPointF(p.x() + ux * END_GAP, p.y() + uy * END_GAP)
    tip = QPointF(q.x() - ux * END_GAP, q.y() - uy * END_GAP)
    end = QPointF(tip.x() - ux * ARROW_LEN * 0.8, tip.y() - uy * ARROW_LEN * 0.8)
    pts = [(a.x(), a.y()), (tip.x(), tip.y())]
    return EdgeGeom(QLineF(a, end), None, _arrow(tip, dx, dy), None, pts, _bounds(pts))


def _quad_point(a, c, b, t):
    s = 1 - t
    return (s * s * a[0] + 2 * s * t * c[0] + t * t * b[0],
            s * s * a[1] + 2 * s * t * c[1] + t * t * b[1])


def curved(p: QPointF, q: QPointF, bend: float = 0.28) -> EdgeGeom:
    """A delayed edge: a curve bulging to the left of its direction (so u->v and v->u part)."""
    dx, dy = q.x() - p.x(), q.y() - p.y()
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    off = max(28.0, min(140.0, n * bend))
    mx, my = (p.x() + q.x()) / 2 + uy * off, (p.y() + q.y()) / 2 - ux * off
    # start and end on the rims, aimed at the control point
    a = _towards(p, mx, my, END_GAP)
    tip = _towards(q, mx, my, END_GAP)
    ctrl = (mx, my)
    tx, ty = tip.x() - mx, tip.y() - my
    tn = math.hypot(tx, ty) or 1.0
    end = QPointF(tip.x() - tx / tn * ARROW_LEN * 0.8, tip.y() - ty / tn * ARROW_LEN * 0.8)
    path = QPainterPath(a)
    path.quadTo(QPointF(*ctrl), end)
    pa, pb = (a.x(), a.y()), (tip.x(), tip.y())
    pts = [_quad_point(pa, ctrl, pb, k / 10) for k in range(11)]
    label = QPointF(*_quad_point(pa, ctrl, pb, 0.5))
    return EdgeGeom(None, path, _arrow(tip, tx, ty), label, pts, _bounds(pts + [ctrl], 14))


def _towards(c: QPointF, x: float, y: float, dist: float) -> QPointF:
    dx, dy = x - c.x(), y - c.y()
    n = math.hypot(dx, dy) or 1.0
    return QPointF(c.x() + dx / n * dist, c.y() + dy / n * dist)


def self_loop(c: QPointF) -> EdgeGeom:
    """A loop at the node's upper left, leaving at about 9 o'clock and coming back at 11: clear
    of the node above and its label (columns are 70 apart), of the order badge (upper right)
    and of the edges leaving on the right."""
    r = END_GAP
    a1, a2 = math.radians(-168), math.radians(-102)
    a = QPointF(c.x() + r * math.cos(a1), c.y() + r * math.sin(a1))
    tip = QPointF(c.x() + r * math.cos(a2), c.y() + r * math.sin(a2))
    c1 = QPointF(c.x() - 2.5 * NODE_RADIUS, c.y() - 1.0 * NODE_RADIUS)
    c2 = QPointF(c.x() - 1.0 * NODE_RADIUS, c.y() - 2.5 * NODE_RADIUS)
    path = QPainterPath(a)
    path.cubicTo(c1, c2, tip)
    dx, dy = tip.x() - c2.x(), tip.y() - c2.y()
    label = QPointF(c.x() - 1.75 * NODE_RADIUS, c.y() - 1.75 * NODE_RADIUS)
    pts = [(path.pointAtPercent(k / 10).x(), path.pointAtPercent(k / 10).y()) for k in range(11)]
    return EdgeGeom(None, path, _arrow(tip, dx, dy), label, pts, _bounds(pts, 14))


CORNER = 12.0  # the radius of a feedback loop's corners


def around(p: QPointF, q: QPointF, arc) -> EdgeGeom:
    """A delayed edge drawn as a feedback loop around the layers (`arc`: a
    `rnnstudio.layout.Arc`): out of the source's right side, along its lane above or below the
    nodes, into the target from the left. Of a cable of such loops only the strand with
    `arc.tag` gets a z^-d tag."""
    a = (p.x() + END_GAP, p.y())
    tip = QPointF(q.x() - END_GAP, q.y())
    end = (tip.x() - ARROW_LEN * 0.8, tip.y())
    pts = [a, (arc.out_x, p.y()), (arc.out_x, arc.lane), (arc.in_x, arc.lane),
           (arc.in_x, q.y()), end]
    label = QPointF((arc.out_x + arc.in_x) / 2, arc.lane) if arc.tag else None
    pts_tip = pts[:-1] + [(tip.x(), tip.y())]
    return EdgeGeom(None, rounded(pts), _arrow(tip, 1.0, 0.0), label, pts_tip,
                    _bounds(pts_tip, 8))


def rounded(pts: list[tuple[float, float]]) -> QPainterPath:
    """A polyline with its corners rounded (radius CORNER, less where segments are short)."""
    path = QPainterPath(QPointF(*pts[0]))
    for (x0, y0), (x1, y1), (x2, y2) in zip(pts, pts[1:], pts[2:]):
        d_in, d_out = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
        r = min(CORNER, d_in / 2, d_out / 2)
        if r <= 0.5:
            path.lineTo(x1, y1)
            continue
        path.lineTo(x1 - (x1 - x0) / d_in * r, y1 - (y1 - y0) / d_in * r)
        path.quadTo(QPointF(x1, y1), QPointF(x1 + (x2 - x1) / d_out * r,
                                             y1 + (y2 - y1) / d_out * r))
    path.lineTo(*pts[-1])
    return path


def edge_geom(p: QPointF, q: QPointF, delayed: bool, is_loop: bool, arc=None) -> EdgeGeom:
    """An edge's geometry: a loop, a feedback loop around the layers (`arc` given), a curve
    (other delayed edges) or a straight line."""
    if is_loop:
        return self_loop(p)
    if arc is not None:
        return around(p, q, arc)
    return curved(p, q) if delayed else straight(p, q)




def arrow_head(tip: QPointF, dx: float, dy: float, length: float = ARROW_LEN,
               half: float = ARROW_HALF) -> QPolygonF:
    """An arrowhead of a given size at `tip`, pointing along (dx, dy) (bundles: bigger)."""
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    bx, by = tip.x() - ux * length, tip.y() - uy * length
    return QPolygonF([tip, QPointF(bx - uy * half, by + ux * half),
                      QPointF(bx + uy * half, by - ux * half)])


bounds = _bounds  # for the bundles' geometry
quad_point = _quad_point
