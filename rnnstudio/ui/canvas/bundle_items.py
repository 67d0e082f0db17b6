"""Bundled edges on the canvas: one arrow per (source end, target end, delayed or not), drawn
thicker than single edges, labelled with the weight matrix's shape ("W 16×16") and, when
delayed, dashed with a z⁻ᵈ badge. Geometry is computed when the ends move, never in paint."""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QPainter, QPainterPath,
                           QPainterPathStroker, QPen)
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from .geometry import END_GAP, EdgeGeom, arrow_head, bounds, quad_point, rounded

LABEL_FONT = QFont("Sans Serif", 7, QFont.Weight.DemiBold)
BADGE_FONT = QFont("Sans Serif", 7, QFont.Weight.DemiBold)
LABEL_H = 15.0
LOOP_H = 46.0
MIXED = {False: QColor("#5b6577"), True: QColor("#7f6aa8")}  # weights of both signs
LABEL_FILL = QColor("#ffffff")
LABEL_TEXT = QColor("#2e3440")


def bundle_color(delayed: bool, sign: bool | None) -> QColor:
    return MIXED[delayed] if sign is None else style.EDGE_COLOR[(delayed, sign)]


def bundle_width(count: int) -> float:
    return 2.2 + min(2.4, 0.5 * math.log2(max(count, 1)))


class End:
    """A bundle's end on the canvas: a block's rectangle or a node's circle, at `c`."""

    def __init__(self, c: QPointF, half_w: float = 0.0, half_h: float = 0.0):
        self.c, self.hw, self.hh = c, half_w, half_h

    def rim(self, towards: QPointF, gap: float = 3.0) -> QPointF:
        dx, dy = towards.x() - self.c.x(), towards.y() - self.c.y()
        n = math.hypot(dx, dy) or 1.0
        if self.hw <= 0:  # a node
            k = END_GAP / n
        else:
            k = min(self.hw / abs(dx) if dx else math.inf,
                    self.hh / abs(dy) if dy else math.inf) + gap / n
        return QPointF(self.c.x() + dx * k, self.c.y() + dy * k)


def bundle_geom(a: End, b: End, delayed: bool, self_loop: bool) -> EdgeGeom:
    if self_loop:
        return _loop(a, above=delayed)
    if not delayed:
        p, q = a.rim(b.c), b.rim(a.c)
        return _straight(p, q)
    dx, dy = b.c.x() - a.c.x(), b.c.y() - a.c.y()
    n = math.hypot(dx, dy) or 1.0
    off = max(30.0, min(120.0, 0.25 * n))
    ctrl = QPointF((a.c.x() + b.c.x()) / 2 + dy / n * off, (a.c.y() + b.c.y()) / 2 - dx / n * off)
    return _curve(a.rim(ctrl), ctrl, b.rim(ctrl))


def bundle_around(a: End, b: End, arc) -> EdgeGeom:
    """A delayed bundle back to an earlier layer, as a feedback loop around the layers
    (`arc`: a `rnnstudio.layout.Arc`): out of the source's right side, along the lane, into
    the target from the left (its label goes on the lane)."""
    p = (a.c.x() + (a.hw + 3 if a.hw else END_GAP), a.c.y())
    tip = QPointF(b.c.x() - (b.hw + 3 if b.hw else END_GAP), b.c.y())
    pts = [p, (arc.out_x, p[1]), (arc.out_x, arc.lane), (arc.in_x, arc.lane),
           (arc.in_x, tip.y()), (tip.x() - 10, tip.y())]
    samples = pts[:-1] + [(tip.x(), tip.y())]
    return EdgeGeom(None, rounded(pts), arrow_head(tip, 1.0, 0.0, 12, 6), None, samples,
                    bounds(samples, 10))


def bundle_detour(a: End, b: End, out_x: float, in_x: float, lane: float) -> EdgeGeom:
    """A same-step bundle that would cross a block or node on its way: out of the source's
    right side, along a free horizontal lane, into the target from the left."""
    p = (a.c.x() + (a.hw + 3 if a.hw else END_GAP), a.c.y())
    tip = QPointF(b.c.x() - (b.hw + 3 if b.hw else END_GAP), b.c.y())
    pts = [p, (out_x, p[1]), (out_x, lane), (in_x, lane), (in_x, tip.y()),
           (tip.x() - 10, tip.y())]
    samples = pts[:-1] + [(tip.x(), tip.y())]
    return EdgeGeom(None, rounded(pts), arrow_head(tip, 1.0, 0.0, 12, 6), None, samples,
                    bounds(samples, 10))


def crosses(p: tuple, q: tuple, box: tuple) -> bool:
    """Does the segment p-q pass through the box (x0, y0, x1, y1)? (Liang-Barsky clipping)"""
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for d, a, b in ((dx, box[0] - x0, box[2] - x0), (dy, box[1] - y0, box[3] - y0)):
        if abs(d) < 1e-12:
            if a > 0 or b < 0:
                return False
            continue
        t0, t1 = sorted((a / d, b / d))
        lo, hi = max(lo, t0), min(hi, t1)
        if lo > hi:
            return False
    return True


def free_lane(want: float, taken: list[tuple[float, float]]) -> float:
    """The y nearest `want` outside every (top, bottom) interval of `taken`."""
    spans = sorted(taken)
    if not any(t <= want <= b for t, b in spans):
        return want
    options = [t for t, _ in spans] + [b for _, b in spans]
    free = [y for y in options if not any(t < y < b for t, b in spans)]
    return min(free, key=lambda y: (abs(y - want), y))


def _straight(p: QPointF, tip: QPointF) -> EdgeGeom:
    dx, dy = tip.x() - p.x(), tip.y() - p.y()
    n = math.hypot(dx, dy) or 1.0
    end = QPointF(tip.x() - dx / n * 10, tip.y() - dy / n * 10)
    pts = [(p.x(), p.y()), (tip.x(), tip.y())]
    return EdgeGeom(QLineF(p, end), None, arrow_head(tip, dx, dy, 12, 6), None, pts, bounds(pts))


def _curve(p: QPointF, ctrl: QPointF, tip: QPointF) -> EdgeGeom:
    tx, ty = tip.x() - ctrl.x(), tip.y() - ctrl.y()
    tn = math.hypot(tx, ty) or 1.0
    end = QPointF(tip.x() - tx / tn * 10, tip.y() - ty / tn * 10)
    path = QPainterPath(p)
    path.quadTo(ctrl, end)
    pa, pc, pb = (p.x(), p.y()), (ctrl.x(), ctrl.y()), (tip.x(), tip.y())
    pts = [quad_point(pa, pc, pb, k / 10) for k in range(11)]
    return EdgeGeom(None, path, arrow_head(tip, tx, ty, 12, 6), None, pts, bounds(pts + [pc]))


def _loop(a: End, above: bool) -> EdgeGeom:
    """A loop on the block's top (delayed: the textbook's recurrent arrow) or bottom."""
    s = -1.0 if above else 1.0
    c, edge = a.c, a.c.y() + s * a.hh
    w = min(40.0, a.hw * 0.5)
    p, tip = QPointF(c.x() - w, edge), QPointF(c.x() + w, edge)
    c1 = QPointF(c.x() - w - 26, edge + s * LOOP_H)
    c2 = QPointF(c.x() + w + 26, edge + s * LOOP_H)
    path = QPainterPath(p)
    path.cubicTo(c1, c2, QPointF(tip.x(), tip.y() + s * 9))
    pts = [(path.pointAtPercent(k / 10).x(), path.pointAtPercent(k / 10).y()) for k in range(11)]
    return EdgeGeom(None, path, arrow_head(tip, 0.0, -s, 12, 6), None, pts, bounds(pts, 14))


class BundleItem(QGraphicsItem):
    """One bundle: its arrow, and its label where the scene placed it (None: not drawn)."""

    def __init__(self, key, bundle):
        super().__init__()
        self.key, self.bundle = key, bundle
        self.geom: EdgeGeom | None = None
        self.label_rect: QRectF | None = None
        self._rect = QRectF()
        self._shape: QPainterPath | None = None
        self.setZValue(2)  # over the edge layers, under the value layer and the nodes
        self.setAcceptHoverEvents(False)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    @property
    def text(self) -> str:
        """The matrix's shape; none for a single edge (its z⁻ᵈ badge alone if delayed)."""
        return self.bundle.label if len(self.bundle.edges) > 1 else ""

    def label_size(self) -> tuple[float, float] | None:
        """The label's size, None when it has nothing to say (a single same-step edge)."""
        w = QFontMetricsF(LABEL_FONT).horizontalAdvance(self.text) + 8 if self.text else 2.0
        if self.bundle.delayed:
            w += QFontMetricsF(BADGE_FONT).horizontalAdvance(self.bundle.tag) + 10
        elif not self.text:
            return None
        return w, LABEL_H

    def set_geometry(self, geom: EdgeGeom, label_centre: QPointF | None) -> None:
        self.prepareGeometryChange()
        self.geom, self._shape = geom, None
        size = self.label_size()
        self.label_rect = None if label_centre is None or size is None else QRectF(
            label_centre.x() - size[0] / 2, label_centre.y() - size[1] / 2, *size)
        rect = geom.rect
        if self.label_rect is not None:
            rect = rect.united(self.label_rect.adjusted(-2, -2, 2, 2))
        self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        if self._shape is None:
            path = QPainterPath()
            if self.geom is not None:
                if self.geom.line is not None:
                    path.moveTo(self.geom.line.p1())
                    path.lineTo(self.geom.line.p2())
                else:
                    path.addPath(self.geom.path)
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = stroker.createStroke(path)
        return self._shape

    def paint(self, painter: QPainter, option, widget=None) -> None:
        g, b = self.geom, self.bundle
        if g is None:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod > 0.3)
        color = bundle_color(b.delayed, b.sign)
        pen = QPen(color, bundle_width(len(b.edges)))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if b.delayed:
            pen.setDashPattern([3.0, 1.8])
        g.paint(painter, pen)

    def paint_label(self, painter: QPainter) -> None:
        """The label (painted by the `BundleLabelsItem`, over every arrow)."""
        rect, b = self.label_rect, self.bundle
        color = bundle_color(b.delayed, b.sign)
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(LABEL_FILL)
        painter.drawRoundedRect(rect, 7, 7)
        text = self.text
        text_w = QFontMetricsF(LABEL_FONT).horizontalAdvance(text) + 8 if text else 2.0
        if text:
            painter.setPen(LABEL_TEXT)
            painter.setFont(LABEL_FONT)
            painter.drawText(QRectF(rect.left(), rect.top(), text_w, rect.height()),
                             Qt.AlignmentFlag.AlignCenter, text)
        if b.delayed:
            badge = QRectF(rect.left() + text_w - 2, rect.top() + 2, rect.width() - text_w,
                           rect.height() - 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.DELAY_TAG_FILL)
            painter.drawRoundedRect(badge, 5, 5)
            painter.setPen(style.DELAY_TAG_TEXT)
            painter.setFont(BADGE_FONT)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, b.tag)


class BundleLabelsItem(QGraphicsItem):
    """Every bundle's label, over all the arrows (an arrow drawn later would cross an earlier
    bundle's label) and under the blocks and nodes."""

    def __init__(self, items: dict):
        super().__init__()
        self._items = items  # the scene's {key: BundleItem}
        self._rect = QRectF()
        self.setZValue(3)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def refresh(self) -> None:
        self.prepareGeometryChange()
        rect = QRectF()
        for item in self._items.values():
            if item.label_rect is not None:
                rect = rect.united(item.label_rect.adjusted(-2, -2, 2, 2))
        self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < style.DETAIL_LOD:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in self._items.values():
            if item.label_rect is not None and item.label_rect.intersects(option.exposedRect):
                item.paint_label(painter)
