"""A node's body (outline, kind fill, selection halo, computing ring): painted by a node item,
or, zoomed out, by the value layer as sprites for all nodes at once."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPen

from .. import style

OUTLINE_PEN = QPen(style.NODE_OUTLINE, 1.6)
COMPUTING_PEN = QPen(style.COMPUTING, 6)
SELECTION_PEN = QPen(style.SELECTION, 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                     Qt.PenJoinStyle.RoundJoin)
KIND_BRUSH = {kind: QBrush(color) for kind, color in style.NODE_FILL.items()}
_R = style.NODE_RADIUS
NODE_RECT = QRectF(-_R - 24, -_R - 12, 2 * _R + 48, 2 * _R + 44)  # a node item's bounds about
# its position: the body, its badge, and its label and target below


def paint_body(painter, vkind: str, selected: bool, computing: bool, showing: bool) -> None:
    """A node as it looks at every zoom: the selection halo, the computing ring, the outline
    and the kind's fill (none while a value is shown: the value layer paints that). Zoomed
    out, the value layer draws this as sprites instead of the items."""
    shape = style.SHAPES[vkind]
    if selected:
        painter.setPen(SELECTION_PEN)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(shape)
    if computing:
        painter.setPen(COMPUTING_PEN)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(shape)
    painter.setPen(OUTLINE_PEN)
    painter.setBrush(Qt.BrushStyle.NoBrush if showing else KIND_BRUSH[vkind])
    painter.drawPath(shape)


BODY_HALF = 3.5 + 1.08 * style.NODE_RADIUS  # the halo's half width beyond the largest shape
