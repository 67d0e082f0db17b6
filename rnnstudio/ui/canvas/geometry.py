"""Edge geometry, computed when endpoints move (never while painting): the pieces bundles
draw with, one by one (single edges are computed many at once: `edge_batch`)."""

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


def _bounds(points: list[tuple[float, float]], pad: float = 10.0) -> QRectF:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return QRectF(min(xs) - pad, min(ys) - pad, max(xs) - min(xs) + 2 * pad,
                  max(ys) - min(ys) + 2 * pad)


def _quad_point(a, c, b, t):
    s = 1 - t
    return (s * s * a[0] + 2 * s * t * c[0] + t * t * b[0],
            s * s * a[1] + 2 * s * t * c[1] + t * t * b[1])


CORNER = 12.0  # the radius of a feedback loop's corners


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
