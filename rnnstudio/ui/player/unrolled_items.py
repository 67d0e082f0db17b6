"""The items of the unrolled view: a column's background (under the edges), its cells (over
them), labels that keep their size on screen, and the arrows' shapes."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from ..canvas.blocks import paint_strip

COLUMN_W = 150.0
NODE_R = 11.0
CELL_W = 96.0  # a collapsed group's cell
STRIP_W = 80.0
COLUMN_PAD = 10.0
COLUMN_FILL = QColor(240, 240, 236)
CURSOR_FILL = QColor(255, 236, 179)
CURSOR_PEN = QColor(230, 160, 0)
CELL_FILL = QColor("#ffffff")
OUTLINE = QColor(60, 60, 60)
LABEL_FONT = QFont("Sans Serif", 9)
HEADER_FONT = QFont("Sans Serif", 9, QFont.Weight.Bold)
GROUP_FONT = QFont("Sans Serif", 9, QFont.Weight.DemiBold)


def strip_grid(n: int) -> tuple[int, int, float]:
    """(columns, rows, cell size) of a group cell's strip: 8 wide up to 64 members."""
    cols = max(1, n if n <= 8 else 8 if n <= 64 else min(32, math.ceil(math.sqrt(n))))
    cell = max(2.0, min(10.0, STRIP_W / cols))
    return cols, math.ceil(max(n, 1) / cols), cell


class LabelItem(QGraphicsItem):
    """Text that keeps its size whatever the zoom (9 pt), anchored at its position: right-
    aligned (row names), centred (column heads) or left-aligned."""

    def __init__(self, text: str, align: Qt.AlignmentFlag, font: QFont = LABEL_FONT,
                 color: QColor = QColor("#222")):
        super().__init__()
        self.text, self.align, self.font, self.color = text, align, font, color
        m = QFontMetricsF(font)
        w, h = m.horizontalAdvance(text) + 2, m.height()
        x = -w if align & Qt.AlignmentFlag.AlignRight else \
            -w / 2 if align & Qt.AlignmentFlag.AlignHCenter else 0.0
        self._rect = QRectF(x, -h / 2, w, h)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(4)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setFont(self.font)
        painter.setPen(self.color)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


class ColumnBackItem(QGraphicsItem):
    """A step's background, under the edges (the cursor's step highlighted)."""

    def __init__(self, view, t: int):
        super().__init__()
        self.view, self.t = view, t
        self.setPos(view.column_x(t), 0)
        self.setZValue(0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        hw = view.column_half_width()
        self._rect = QRectF(-hw, view.column_top() - 24, 2 * hw, view.column_height() + 34)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        cursor = self.t == self.view.player.t
        painter.setPen(QPen(CURSOR_PEN, 2) if cursor else Qt.PenStyle.NoPen)
        painter.setBrush(CURSOR_FILL if cursor else COLUMN_FILL)
        painter.drawRect(self._rect)


class ColumnItem(QGraphicsItem):
    """Step `t`'s cells, over the edges: a circle per node, a strip of member cells per
    collapsed group, in the value colours (grey where not computed yet at the cursor)."""

    def __init__(self, view, t: int):
        super().__init__()
        self.view, self.t = view, t
        self.setPos(view.column_x(t), 0)
        self.setZValue(3)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # exposedRect
        hw = view.column_half_width()
        self._rect = QRectF(-hw, view.column_top() - 4, 2 * hw, view.column_height() + 8)
        self.back = ColumnBackItem(view, t)

    def boundingRect(self) -> QRectF:
        return self._rect

    def update(self, *args) -> None:  # the background shows the cursor too
        super().update(*args)
        self.back.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        view = self.view
        if view.player.trajectory is None:
            return
        levels = view.levels_for(self.t)
        exposed = option.exposedRect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i in view.rows_in(exposed.top(), exposed.bottom()):
            row, y = view.rows[i], view.row_y[i]
            if row.is_group:
                self._paint_group(painter, row, y, view.row_half_height(i), levels[row.index])
            else:
                painter.setPen(QPen(OUTLINE, 2.0 if i in view.output_rows else 1.0))
                painter.setBrush(style.level_brush(int(levels[row.index[0]])))
                painter.drawEllipse(QPointF(0, y), NODE_R, NODE_R)

    @staticmethod
    def _paint_group(painter: QPainter, row, y: float, hh: float, levels) -> None:
        rect = QRectF(-CELL_W / 2, y - hh, CELL_W, 2 * hh)
        painter.setPen(QPen(OUTLINE, 1.2))
        painter.setBrush(CELL_FILL)
        painter.drawRoundedRect(rect, 5, 5)
        n = len(row.members)
        paint_strip(painter, strip_rect(n, y), strip_grid(n), n, levels, 1.0, CELL_FILL)

    def member_at(self, row, y_row: float, p: QPointF) -> int | None:
        """Which member's cell of a group row holds local point `p` (None: none)."""
        strip = strip_rect(len(row.members), y_row)
        if not strip.contains(p):
            return None
        cols, _, cell = strip_grid(len(row.members))
        k = int((p.y() - strip.top()) // cell) * cols + int((p.x() - strip.left()) // cell)
        return k if k < len(row.members) else None


def strip_rect(n: int, y: float) -> QRectF:
    cols, rows, cell = strip_grid(n)
    return QRectF(-cols * cell / 2, y - rows * cell / 2, cols * cell, rows * cell)


def group_half_height(n: int) -> float:
    _, rows, cell = strip_grid(n)
    return rows * cell / 2 + 6


# ---------------------------------------------------------------------- arrows
def draw_arrow(path: QPainterPath, a: QPointF, b: QPointF, ea: tuple, eb: tuple,
               offset: int, adjacent: bool) -> None:
    """An arrow from a cell at `a` to a cell at `b` (ea, eb: their half width and height).
    Same step: straight down to the next row, else an arc right of the column; across steps:
    straight along a row, else a curve from side to side."""
    if offset == 0:
        if adjacent and b.y() > a.y():
            start, end = QPointF(a.x(), a.y() + ea[1]), QPointF(b.x(), b.y() - eb[1])
            c1, c2 = start + QPointF(0, 8), end - QPointF(0, 8)
        else:
            bulge = 18 + 0.35 * abs(b.y() - a.y())
            start, end = a + QPointF(ea[0] * 0.8, 0), b + QPointF(eb[0] * 0.8, 0)
            c1, c2 = start + QPointF(bulge, 0), end + QPointF(bulge, 0)
    else:
        sign = 1 if b.x() > a.x() else -1
        start, end = a + QPointF(sign * ea[0], 0), b - QPointF(sign * eb[0], 0)
        dx = (end.x() - start.x()) * 0.45
        c1, c2 = start + QPointF(dx, 0), end - QPointF(dx, 0)
    path.moveTo(start)
    path.cubicTo(c1, c2, end)
    _arrow_head(path, c2, end)


def _arrow_head(path: QPainterPath, control: QPointF, tip: QPointF) -> None:
    direction = tip - control
    length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
    ux, uy = direction.x() / length, direction.y() / length
    left = QPointF(tip.x() - 6 * ux + 3 * uy, tip.y() - 6 * uy - 3 * ux)
    right = QPointF(tip.x() - 6 * ux - 3 * uy, tip.y() - 6 * uy + 3 * ux)
    path.moveTo(left)
    path.lineTo(tip)
    path.lineTo(right)
