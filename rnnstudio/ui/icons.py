"""The toolbar's icons, drawn with QPainter (no image files: every icon is code, so it can be
changed and regenerated like the rest). Each is drawn on a 24 x 24 grid in the text colour of
the palette, at 1x and 2x for high-density screens; Qt greys the disabled state itself."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap,
                           QPolygonF)
from PySide6.QtWidgets import QApplication

from . import style

ACCENT = style.EDGE_COLOR[(False, True)]  # the canvas's blue
SIZES = (24, 48)


def _pen(color: QColor, width: float = 1.8) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _page(p: QPainter, ink: QColor) -> None:
    path = QPainterPath(QPointF(6, 3))
    for x, y in ((14, 3), (19, 8), (19, 21), (6, 21)):
        path.lineTo(x, y)
    path.closeSubpath()
    p.setPen(_pen(ink, 1.6))
    p.setBrush(QColor("#ffffff"))
    p.drawPath(path)
    p.drawPolyline(QPolygonF([QPointF(14, 3), QPointF(14, 8), QPointF(19, 8)]))


def draw_new(p: QPainter, ink: QColor) -> None:
    _page(p, ink)
    p.setPen(_pen(ACCENT, 2.0))
    p.drawLine(QPointF(12.5, 11), QPointF(12.5, 18))
    p.drawLine(QPointF(9, 14.5), QPointF(16, 14.5))


def draw_open(p: QPainter, ink: QColor) -> None:
    back = QPainterPath(QPointF(3, 19))
    for x, y in ((3, 5), (9, 5), (11, 7.5), (19, 7.5), (19, 10)):
        back.lineTo(x, y)
    p.setPen(_pen(ink, 1.6))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(back)
    front = QPolygonF([QPointF(3, 19), QPointF(6.5, 10.5), QPointF(22, 10.5), QPointF(18.5, 19)])
    p.setBrush(QColor("#f6d58e"))
    p.drawPolygon(front)


def draw_save(p: QPainter, ink: QColor) -> None:
    p.setPen(_pen(ink, 1.6))
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(4, 4, 16, 16), 2, 2)
    p.setBrush(ACCENT)
    p.drawRect(QRectF(8, 4, 8, 5.5))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(QRectF(7, 13, 10, 7))


def _curved_arrow(p: QPainter, ink: QColor, mirror: bool) -> None:
    if mirror:
        p.translate(24, 0)
        p.scale(-1, 1)
    path = QPainterPath(QPointF(7, 10))
    path.cubicTo(QPointF(11, 6.5), QPointF(20, 7), QPointF(19.5, 13.5))
    path.cubicTo(QPointF(19, 18.5), QPointF(14, 19.5), QPointF(11, 19))
    p.setPen(_pen(ink, 2.0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(ink)
    p.drawPolygon(QPolygonF([QPointF(3, 10.5), QPointF(10, 5.5), QPointF(10.5, 13.5)]))


def draw_undo(p: QPainter, ink: QColor) -> None:
    _curved_arrow(p, ink, mirror=False)


def draw_redo(p: QPainter, ink: QColor) -> None:
    _curved_arrow(p, ink, mirror=True)


def draw_arrange(p: QPainter, ink: QColor) -> None:
    """Three layers of nodes joined left to right: the layered layout."""
    columns = ((4.5, (12,)), (12, (6, 18)), (19.5, (12,)))
    p.setPen(_pen(ink, 1.3))
    for (x0, ys0), (x1, ys1) in zip(columns, columns[1:]):
        for y0 in ys0:
            for y1 in ys1:
                p.drawLine(QPointF(x0, y0), QPointF(x1, y1))
    p.setBrush(QColor("#e6ecfa"))
    p.setPen(_pen(ink, 1.5))
    for x, ys in columns:
        for y in ys:
            p.drawEllipse(QPointF(x, y), 3.2, 3.2)


def draw_fit(p: QPainter, ink: QColor) -> None:
    """Four corners around a node: fit everything in view."""
    p.setPen(_pen(ink, 2.0))
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        cx, cy = 12 - 8.5 * sx, 12 - 8.5 * sy
        p.drawPolyline(QPolygonF([QPointF(cx, cy + 5 * sy), QPointF(cx, cy),
                                  QPointF(cx + 5 * sx, cy)]))
    p.setBrush(QColor("#e6ecfa"))
    p.setPen(_pen(ACCENT, 1.6))
    p.drawEllipse(QPointF(12, 12), 4, 4)


def _magnifier(p: QPainter, ink: QColor, plus: bool) -> None:
    p.setPen(_pen(ink, 2.0))
    p.setBrush(QColor("#ffffff"))
    p.drawEllipse(QPointF(10, 10), 6.5, 6.5)
    p.setPen(_pen(ink, 3.0))
    p.drawLine(QPointF(15, 15), QPointF(20.5, 20.5))
    p.setPen(_pen(ACCENT, 1.8))
    p.drawLine(QPointF(7, 10), QPointF(13, 10))
    if plus:
        p.drawLine(QPointF(10, 7), QPointF(10, 13))


def draw_zoom_in(p: QPainter, ink: QColor) -> None:
    _magnifier(p, ink, plus=True)


def draw_zoom_out(p: QPainter, ink: QColor) -> None:
    _magnifier(p, ink, plus=False)


DRAWINGS: dict[str, Callable[[QPainter, QColor], None]] = {
    "new": draw_new, "open": draw_open, "save": draw_save, "undo": draw_undo,
    "redo": draw_redo, "arrange": draw_arrange, "fit": draw_fit, "zoom_in": draw_zoom_in,
    "zoom_out": draw_zoom_out,
}


def icon(name: str) -> QIcon:
    """The icon called `name` (a key of DRAWINGS), drawn in the application's text colour."""
    draw = DRAWINGS[name]
    app = QApplication.instance()
    ink = app.palette().color(QPalette.ColorRole.WindowText) if app else QColor("#2e3440")
    result = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 24.0, size / 24.0)
        draw(painter, ink)
        painter.end()
        result.addPixmap(pixmap)
    return result
