"""Canvas node items (edges are drawn in batches by `edges.EdgeLayerItem`).

Items never keep a copy of model state: a node item reads its attributes from the network when
it paints. What they do keep is view state (the ordering badge, a step-through value) and
geometry derived from the model (edge paths), recomputed when endpoints move.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem

from .. import style
from .body import NODE_RECT, paint_body
from .values import format_value  # noqa: F401 - re-exported for the player

_ACT_SAMPLES = [i / 6.0 - 2.0 for i in range(25)]
_ACT_FUNCS = {
    "identity": lambda a: a / 2.0,
    "tanh": math.tanh,
    "sigmoid": lambda a: 2.0 / (1.0 + math.exp(-2.5 * a)) - 1.0,
    "relu": lambda a: max(0.0, a) - 1.0 if a > -10 else -1.0,
}


def _activation_glyph(name: str) -> QPainterPath:
    """A small plot of the activation function, to draw inside a neuron."""
    f = _ACT_FUNCS.get(name, _ACT_FUNCS["identity"])
    s = style.NODE_RADIUS * 0.32
    path = QPainterPath()
    for k, a in enumerate(_ACT_SAMPLES):
        pt = QPointF(a * s, -max(-1.2, min(1.2, f(a))) * s)
        path.moveTo(pt) if k == 0 else path.lineTo(pt)
    return path


GLYPHS = {name: _activation_glyph(name) for name in _ACT_FUNCS}
_BADGE_FONT = QFont("Sans Serif", 7, QFont.Weight.Bold)
_LABEL_FONT = QFont("Sans Serif", 8)
_INNER_FONT = QFont("Sans Serif", 8, QFont.Weight.DemiBold)
_R = style.NODE_RADIUS
_FLAGS = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
_NO_CONTENTS = _FLAGS | QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache  # (an enum member read through its
# class is a Python call: for each of 5,000 new items)
# the rect given to the item: Qt's bounding rect adds half its default pen (1 wide) all round,
# giving NODE_RECT (setting no pen instead cost a call per item: 5,000 of a paste)
_INNER_RECT = NODE_RECT.adjusted(0.5, 0.5, -0.5, -0.5)


def _paint_output_frame(painter) -> None:
    """The inner hexagon that tells an output apart."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(style.NODE_OUTLINE, 0.9))
    painter.scale(0.8, 0.8)
    painter.drawPath(style.SHAPES["output"])
    painter.scale(1.25, 1.25)


class NodeItem(QGraphicsRectItem):
    """A node, drawn from the model's attributes; its position mirrors the model's x, y.

    A rect item for its C++ bounding rect (the fixed `NODE_RECT`, no pen): a repaint asks each
    of a thousand items for it several times, and a Python `boundingRect` made that cost as
    much as drawing them."""

    # view state, the same for every new item (class attributes: a paste makes 5,000 items)
    badge: int | None = None  # 1-based position in the ordering
    value: float | None = None  # step-through value, None = plain fill
    value_scale = 1.0  # the colour scale's half range
    pending = False  # step-through: not computed yet at the current step
    computing = False  # step-through: the neuron the last micro-step computed
    target: float | None = None  # step-through: an output's target at this step
    fill_level = -1  # the value's colour (style.value_level); -1: the kind's fill
    _vkind: str | None = None

    def __init__(self, net, node_id: str, no_contents: bool = False):
        """`no_contents`: the scene's value layer draws the body (zoomed out); the item's
        cache waits until it draws (`NetworkScene.draw_bodies_in_layer`)."""
        super().__init__(_INNER_RECT)
        self._net = net
        self.node_id = node_id
        if no_contents:
            self.setFlags(_NO_CONTENTS)
        else:
            self.setFlags(_FLAGS)
            self.setCacheMode(CACHE)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        a = net.graph._node[node_id]  # sync_position without networkx's node view
        self.setPos(a["x"], a["y"])

    # ---------------------------------------------------------------- mirror
    def attrs(self) -> dict:
        return self._net.graph._node[self.node_id]  # (networkx's node view: 2x the time)

    def sync_position(self) -> None:
        a = self.attrs()
        self.setPos(a["x"], a["y"])

    def set_badge(self, badge: int | None) -> None:
        if badge != self.badge:
            self.badge = badge
            self.update()

    def set_value(self, value: float | None, scale: float = 1.0, *, pending: bool = False,
                  computing: bool = False, target: float | None = None) -> bool:
        """Show a step-through value: the fill on a diverging scale of half range `scale` and
        the value as text. `pending`: not computed yet at this step (grey, "…"); `computing`:
        the neuron just computed (a ring); `target`: an output's target, shown under it.
        `set_value(None)` brings back the editing look. True when the node started or stopped
        showing a value."""
        state = (value, scale, pending, computing, target)
        if state == (self.value, self.value_scale, self.pending, self.computing, self.target):
            return False
        showing = value is not None or pending
        toggled = showing != self.showing_value
        # the fill, the value and the target are painted by the scene's value layer; the
        # item itself (outline, badge, label: cached) repaints only when its look changes
        restyle = toggled or computing != self.computing
        self.value, self.value_scale, self.pending = value, scale, pending
        self.computing, self.target = computing, target
        self.fill_level = (style.PENDING_LEVEL if pending else -1 if value is None
                           else style.value_level(value, scale))
        if restyle:
            self.update()
        return toggled

    @property
    def vkind(self) -> str:
        """The visual kind (cached: the scene calls `forget_look` when the node changes)."""
        if self._vkind is None:
            self._vkind = style.visual_kind(self.attrs())
        return self._vkind

    def forget_look(self) -> None:
        self._vkind = None

    def plain_value(self) -> bool:
        """Showing a computed value and nothing else (not pending, no ring, no target): a new
        value then needs no restyle."""
        return (self.value is not None and not self.pending and not self.computing
                and self.target is None)

    @property
    def showing_value(self) -> bool:
        return self.value is not None or self.pending

    def hoverMoveEvent(self, event) -> None:
        rim = self.on_rim(event.scenePos())
        self.setCursor(Qt.CursorShape.CrossCursor if rim else Qt.CursorShape.SizeAllCursor)

    def on_rim(self, scene_pos: QPointF) -> bool:
        """Is a scene point on the outline band where an edge drag starts?"""
        p = self.mapFromScene(scene_pos)
        d = math.hypot(p.x(), p.y())
        return style.NODE_RADIUS - style.RIM_WIDTH <= d <= style.NODE_RADIUS + style.RIM_WIDTH

    # ---------------------------------------------------------------- geometry
    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), style.NODE_RADIUS + style.RIM_WIDTH,
                        style.NODE_RADIUS + style.RIM_WIDTH)
        return path

    # ---------------------------------------------------------------- painting
    def paint(self, painter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        a = self.attrs()
        vkind = style.visual_kind(a)
        showing = self.showing_value
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(painter.RenderHint.Antialiasing, lod > 0.3)
        paint_body(painter, vkind, self.isSelected(), self.computing, showing)
        if lod < style.DETAIL_LOD:
            return
        if showing:
            self._paint_value_frame(painter, vkind)
        else:
            self._paint_inside(painter, a, vkind)
        self._paint_badge(painter)
        self._paint_label(painter, a)

    @staticmethod
    def _paint_value_frame(painter, vkind: str) -> None:
        """With a value shown (by the value layer) an output keeps its inner outline."""
        if vkind == "output":
            _paint_output_frame(painter)

    def _paint_inside(self, painter, a: dict, vkind: str) -> None:
        r = style.NODE_RADIUS
        if vkind == "output":
            _paint_output_frame(painter)
        if vkind == "input":
            painter.setPen(style.NODE_OUTLINE)
            painter.setFont(_INNER_FONT)
            inputs = self._net.inputs
            idx = inputs.index(self.node_id) if self.node_id in inputs else 0
            painter.drawText(QRectF(-r, -r, 1.8 * r, 2 * r), Qt.AlignmentFlag.AlignCenter,
                             f"x{idx}")
            return
        if vkind == "product":
            painter.setPen(QPen(style.NODE_OUTLINE, 1.8))
            k = r * 0.42
            painter.drawLine(QPointF(-k, -k), QPointF(k, k))
            painter.drawLine(QPointF(-k, k), QPointF(k, -k))
            return
        painter.setPen(QPen(QColor("#4c566a"), 1.4))
        painter.drawPath(GLYPHS.get(a.get("activation"), GLYPHS["identity"]))

    def _paint_badge(self, painter) -> None:
        if self.badge is None:
            return
        r = style.NODE_RADIUS
        rect = QRectF(r * 0.55, -r - 7, 17, 13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.BADGE_FILL)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(style.BADGE_TEXT)
        painter.setFont(_BADGE_FONT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(self.badge))

    def _paint_label(self, painter, a: dict) -> None:
        r = style.NODE_RADIUS
        painter.setPen(style.LABEL_TEXT)
        painter.setFont(_LABEL_FONT)
        painter.drawText(QRectF(-r - 6, r + 2, 2 * r + 22, 14),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                         str(a.get("label", self.node_id))[:14])
