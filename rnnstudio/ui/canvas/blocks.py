"""Groups on the canvas: a collapsed group is one block, an expanded one a light labelled frame.

A block shows its caption ("hidden · 16 × tanh") and a strip of one cell per member: plain
while editing, in the value colours during step-through, so a 64-unit layer reads at a glance.
It stands at its members' centre (so it follows Arrange and undo) and keeps nothing of the
model but its id: captions and sizes are read from the network when the scene lays it out.
"""

from __future__ import annotations


import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from ...layout.blocks import (CAPTION_H, LINE_H, PAD, block_size, member_summary,  # noqa: F401
                              strip_grid)
from .. import style

CAPTION_FONT = QFont("Sans Serif", 9, QFont.Weight.DemiBold)
SUMMARY_FONT = QFont("Sans Serif", 8)
FRAME_FONT = QFont("Sans Serif", 8, QFont.Weight.DemiBold)
FRAME_PAD = 6.0  # around the members' areas (name and badge included): frames of groups
FRAME_HEADER = 15.0  # in neighbouring rows stay apart
BLOCK_OUTLINE = QPen(style.NODE_OUTLINE, 1.6)
FRAME_PEN = QPen(QColor("#b9c0d0"), 1.2, Qt.PenStyle.DashLine)
FRAME_FILL = QColor(236, 240, 248, 110)
FRAME_TEXT = QColor("#596174")
SUMMARY_TEXT = QColor("#4c566a")
CELL_EDGE = QColor("#ffffff")
PLAIN_CELL = QColor("#ffffff")
CELL_OUTLINE = QPen(QColor("#8a93a6"), 0.8)


def _lut() -> np.ndarray:
    """ARGB32 colour of every value level (style.level_brush), for strip images."""
    colors = [style.level_brush(level).color() for level in range(style.PENDING_LEVEL + 1)]
    return np.array([c.rgba() for c in colors], dtype=np.uint32)


_LUT: list = []


def level_argb(levels) -> np.ndarray:
    """ARGB32 colours of value levels (for strip images, here and in the unrolled view)."""
    if not _LUT:
        _LUT.append(_lut())
    return _LUT[0][np.clip(np.asarray(levels, dtype=np.intp), 0, style.PENDING_LEVEL)]


class GroupBlockItem(QGraphicsItem):
    """A collapsed group. Selecting it selects its members (for the plots, delete, copy);
    double-clicking it expands the group (the scene turns that into an undoable command)."""

    def __init__(self, net, gid: str):
        super().__init__()
        self._net, self.gid = net, gid
        self.levels: np.ndarray | None = None  # step-through colour levels, None: editing
        self._rect = QRectF()
        self.members: list[str] = []  # as the model had them at the last layout
        self.caption = ""  # "hidden · 16 × tanh", as the tooltip says it
        self.label, self.summary = "", ""  # the two lines the block shows
        self.vkind = "neuron"
        self.grid = (1, 1, 10.0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(10)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # pans blit it

    def layout(self, record: dict) -> None:
        """Caption, size and position from the group's record (the members' centre)."""
        net = self._net
        self.members = members = list(record["members"])
        g = net.graph
        self.label, self.summary = record["label"], member_summary(net, members)
        self.caption = f"{self.label} · {self.summary}"
        kinds = {style.visual_kind(g.nodes[m]) for m in members}
        self.vkind = kinds.pop() if len(kinds) == 1 else "neuron"
        self.grid = strip_grid(len(members))
        text_w = max(QFontMetricsF(CAPTION_FONT).horizontalAdvance(self.label),
                     QFontMetricsF(SUMMARY_FONT).horizontalAdvance(self.summary))
        w, h = block_size(self.label, self.summary, len(members))  # as the layout plans it
        w = max(w, text_w + 2 * PAD + 4)
        if (w, h) != (self._rect.width(), self._rect.height()):
            self.prepareGeometryChange()
            self._rect = QRectF(-w / 2, -h / 2, w, h)
        xs = [g.nodes[m]["x"] for m in members]
        ys = [g.nodes[m]["y"] for m in members]
        self.setPos(sum(xs) / len(xs), sum(ys) / len(ys))
        self.update()

    def rect(self) -> QRectF:
        return self._rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-5, -5, 5, 5)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 8, 8)
        return path

    def strip_rect(self) -> QRectF:
        cols, rows, cell = self.grid
        r = self._rect
        return QRectF(-cols * cell / 2, r.top() + CAPTION_H, cols * cell, rows * cell)

    def set_levels(self, levels: np.ndarray | None) -> None:
        """The members' colour levels (style.value_level; PENDING_LEVEL: not computed yet),
        in member order; None: the editing look."""
        if levels is None and self.levels is None:
            return
        self.levels = None if levels is None else np.asarray(levels, dtype=np.intp)
        self.update()

    # ---------------------------------------------------------------- painting
    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod > 0.3)
        if self.isSelected():
            painter.setPen(QPen(style.SELECTION, 7))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._rect, 8, 8)
        painter.setPen(BLOCK_OUTLINE)
        painter.setBrush(style.NODE_FILL[self.vkind])
        painter.drawRoundedRect(self._rect, 8, 8)
        self._paint_strip(painter, lod)
        if lod < style.DETAIL_LOD:
            return
        painter.setPen(style.LABEL_TEXT)
        painter.setFont(CAPTION_FONT)
        r = self._rect
        line = QRectF(r.left() + 2, r.top() + 3, r.width() - 4, LINE_H)
        painter.drawText(line, Qt.AlignmentFlag.AlignCenter, self.label)
        painter.setFont(SUMMARY_FONT)
        painter.setPen(SUMMARY_TEXT)
        painter.drawText(line.translated(0, LINE_H), Qt.AlignmentFlag.AlignCenter, self.summary)

    def _paint_strip(self, painter: QPainter, lod: float) -> None:
        levels = self.levels if self.levels is not None and len(self.levels) == len(
            self.members) else None
        paint_strip(painter, self.strip_rect(), self.grid, len(self.members), levels, lod,
                    style.NODE_FILL[self.vkind])


def paint_strip(painter: QPainter, rect: QRectF, grid: tuple, n: int, levels, lod: float = 1.0,
                blank: QColor | None = None) -> None:
    """A strip of n cells in `rect` (grid: columns, rows, cell size): the value colours of
    `levels`, or plain white (None); a white grid where cells are big enough on screen; the
    last row's unused cells in `blank` (None: left as they are)."""
    cols, rows, cell = grid
    if levels is None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PLAIN_CELL)
        painter.drawRect(rect)
    else:
        argb = np.zeros(rows * cols, dtype=np.uint32)
        argb[:n] = level_argb(levels)
        argb = np.ascontiguousarray(argb.reshape(rows, cols))
        image = QImage(argb.data, cols, rows, 4 * cols, QImage.Format.Format_ARGB32)
        painter.drawImage(rect, image)
    if cell * lod >= 5:  # cells big enough on screen to tell apart: a white grid
        painter.setPen(QPen(CELL_EDGE, 1.0))
        for c in range(1, cols):
            x = rect.left() + c * cell
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        for k in range(1, rows):
            y = rect.top() + k * cell
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
    painter.setPen(CELL_OUTLINE)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect)
    last = n - (rows - 1) * cols  # cells in the last row: blank the rest
    if blank is not None and rows > 1 and last < cols:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(blank)
        painter.drawRect(QRectF(rect.left() + last * cell + 0.5, rect.bottom() - cell + 0.5,
                                (cols - last) * cell, cell))


def _opaque(fill: QColor, under: QColor) -> QColor:
    """`fill` (translucent) painted over `under`, as one opaque colour."""
    a = fill.alphaF()
    return QColor.fromRgbF(*(a * f + (1 - a) * u for f, u in
                             zip(fill.getRgbF()[:3], under.getRgbF()[:3])))


NAME_FILL = _opaque(FRAME_FILL, style.BACKGROUND)  # behind a frame's name: edges pass under


class GroupFrameItem(QGraphicsItem):
    """An expanded group: a light frame around its members, its label in a header on top.
    Only the header takes clicks (double-click collapses); inside, the background's rubber
    band and the members behave as without the frame. The frame lies under everything; its
    name is written by a `FrameNameItem` above the edges, so a loop running past the header
    passes under the name instead of through its letters."""

    def __init__(self, net, gid: str):
        super().__init__()
        self._net, self.gid = net, gid
        self._rect = QRectF()
        self.label = ""
        self.header_w = 0.0
        self.setZValue(-5)
        self.setAcceptHoverEvents(False)
        self.name_item = FrameNameItem(self)

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemSceneChange:
            old = self.scene()
            if old is not None and self.name_item.scene() is old:
                old.removeItem(self.name_item)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged:
            if value is not None:
                value.addItem(self.name_item)
        return super().itemChange(change, value)

    def layout(self, record: dict, member_rects: list[QRectF]) -> None:
        self.label = f"{record['label']} ({len(record['members'])})"
        rect = QRectF()
        for r in member_rects:
            rect = rect.united(r)
        rect = rect.adjusted(-FRAME_PAD, -FRAME_HEADER, FRAME_PAD, FRAME_PAD - 2)
        self.header_w = self.name_width()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()
        self.name_item.sync()

    def rect(self) -> QRectF:
        return self._rect

    def name_width(self) -> float:
        return QFontMetricsF(FRAME_FONT).horizontalAdvance(self.label) + 14

    def header_rect(self) -> QRectF:
        """Where the name is written: on the frame's top edge, reaching past the frame's
        right side when the scene has room there (`fit_header`), else cut short with …"""
        r = self._rect
        return QRectF(r.left(), r.top(), self.header_w, FRAME_HEADER)

    def fit_header(self, room: bool) -> None:
        w = self.name_width()
        width = w if room or w <= self._rect.width() else self._rect.width()
        if width != self.header_w:
            self.prepareGeometryChange()
            self.header_w = width
            self.name_item.sync()

    def boundingRect(self) -> QRectF:
        return self._rect.united(self.header_rect()).adjusted(-1, -1, 1, 1)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.header_rect())
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(FRAME_PEN)
        painter.setBrush(FRAME_FILL)
        painter.drawRoundedRect(self._rect, 10, 10)


class FrameNameItem(QGraphicsItem):
    """A frame's name, above the edge layers and bundles (under the values and the nodes):
    on an opaque label the colour of the frame, so edges crossing the header pass under it.
    It takes no clicks: a double-click on the header reaches the frame below."""

    def __init__(self, frame: GroupFrameItem):
        super().__init__()
        self.frame = frame
        self._rect = QRectF()
        self.setZValue(3.5)  # over the edges (0), bundles (2) and their labels (3)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def sync(self) -> None:
        rect = self.frame.header_rect()
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def text(self) -> str:
        """The name as written: cut short with … when the header is narrower than it."""
        return QFontMetricsF(FRAME_FONT).elidedText(self.frame.label,
                                                    Qt.TextElideMode.ElideRight,
                                                    self._rect.width() - 10)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < style.DETAIL_LOD or self._rect.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        header, text = self._rect, self.text()
        tab = header.right() > self.frame.rect().right()  # the name reaches past the frame
        width = QFontMetricsF(FRAME_FONT).horizontalAdvance(text) + 10
        back = header if tab else QRectF(header.left() + 3, header.top() + 1.5, width,
                                         header.height() - 3)
        painter.setPen(FRAME_PEN if tab else Qt.PenStyle.NoPen)
        painter.setBrush(NAME_FILL)
        painter.drawRoundedRect(back, 6 if tab else 4, 6 if tab else 4)
        painter.setPen(FRAME_TEXT)
        painter.setFont(FRAME_FONT)
        painter.drawText(header.adjusted(7, 0, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
