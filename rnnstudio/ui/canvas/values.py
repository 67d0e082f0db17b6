"""Step-through values on the canvas, painted for every node in one pass.

While the player shows values, a node item draws only its outline, badge and label (and keeps
them in its pixmap cache); the fills, the values as text and the outputs' targets change at
every step and are painted by one `ValueLayerItem` under the nodes. A step is then one paint
call that loops over the visible nodes, instead of a thousand item repaints.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QGraphicsItem

from .. import style

TEXT_LOD = 0.45  # below this zoom the values are not written (as node items skip their text)
_VALUE_FONT = QFont("Sans Serif", 7, QFont.Weight.Bold)
_TAG_FONT = QFont("Sans Serif", 7, QFont.Weight.Bold)
_WHITE = QColor("#ffffff")


def format_value(value: float) -> str:
    """A value short enough to sit inside a node: 0.734, -12.5, 3.1e+04, nan."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value == 0 or 0.001 <= abs(value) < 1000:
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.4g}"
    return f"{value:.2g}"


class ValueLayerItem(QGraphicsItem):
    """Fills, values and targets of every node item that shows a value."""

    def __init__(self, nodes: dict):
        super().__init__()
        self._nodes = nodes  # the scene's {id: NodeItem}, read when painting
        self._rect = QRectF()
        self.setZValue(9)  # over the edges, under the node items (10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def refresh(self, geometry: bool = False) -> None:
        """Values changed: repaint. `geometry`: nodes moved, appeared or went, so the
        bounds are computed again."""
        if geometry or self._rect.isEmpty():
            rect = QRectF()
            for item in self._nodes.values():
                if item.showing_value:
                    rect = rect.united(item.sceneBoundingRect())
            if rect != self._rect:
                self.prepareGeometryChange()
                self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod > 0.3)
        exposed = option.exposedRect.adjusted(-40, -40, 40, 40)
        shapes = style.SHAPES
        painter.setPen(Qt.PenStyle.NoPen)
        visible = []
        for item in self._nodes.values():
            if not item.showing_value:
                continue
            pos = item.pos()
            if not exposed.contains(pos):
                continue
            visible.append((item, pos))
            painter.setBrush(item.fill_brush)
            painter.translate(pos)
            painter.drawPath(shapes[item.vkind])
            painter.translate(-pos)
        if lod < TEXT_LOD:
            return
        r = style.NODE_RADIUS
        painter.setFont(_VALUE_FONT)
        for item, pos in visible:
            if item.pending:
                text, strong = "…", False
            else:
                text = format_value(item.value)
                strong = abs(item.value) > 0.6 * item.value_scale
            painter.setPen(_WHITE if strong else style.NODE_OUTLINE)
            painter.drawText(QRectF(pos.x() - r - 4, pos.y() - r, 2 * r + 8, 2 * r),
                             Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(_TAG_FONT)
        for item, pos in visible:
            if item.target is None:
                continue
            rect = QRectF(pos.x() - r - 22, pos.y() + r + 16, 2 * r + 44, 13)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.TARGET_FILL)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(style.TARGET_TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             f"target {format_value(item.target)}")
