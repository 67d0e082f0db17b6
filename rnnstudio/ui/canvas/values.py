"""Step-through values on the canvas, painted for every node in one pass.

While the player shows values, a node item draws only its outline, badge and label (and keeps
them in its pixmap cache); the fills, the values as text and the outputs' targets change at
every step and are painted by one `ValueLayerItem` under the nodes. A step is then one paint
call that draws the visible nodes' fills as sprites, instead of a thousand item repaints.
Zoomed out, the same layer also draws every node's body (see `NetworkScene.draw_bodies_in_layer`).
"""

from __future__ import annotations

from itertools import repeat
from operator import attrgetter, eq, itemgetter

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEngine
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from .body import BODY_HALF, NODE_RECT, paint_body
from .sprites import Fragments, SpriteAtlas, half_extent

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


SHAPE_NAMES = tuple(style.SHAPES)
_SHAPE_AT = {name: i for i, name in enumerate(SHAPE_NAMES)}
_PIXEL_ENGINES = (QPaintEngine.Type.Raster, QPaintEngine.Type.OpenGL2)
_LEVEL, _COMPUTING = attrgetter("fill_level"), attrgetter("computing")
SHOWING, SELECTED, COMPUTING = 1, 2, 4  # the bits of a node body's sprite state


def _pixels(painter: QPainter) -> bool:
    """Painting pixels (the screen, an image), where sprites are exact; a vector export (SVG,
    PDF) gets the shapes themselves."""
    engine = painter.paintEngine()
    return engine is not None and engine.type() in _PIXEL_ENGINES


def _draw_fill(painter: QPainter, level: int, shape: int) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(style.level_brush(level))
    painter.drawPath(style.SHAPES[SHAPE_NAMES[shape]])


def _draw_body(painter: QPainter, state: int, shape: int) -> None:
    paint_body(painter, SHAPE_NAMES[shape], bool(state & SELECTED), bool(state & COMPUTING),
               bool(state & SHOWING))


def _positions(ids: list, items: list) -> list[tuple[float, float]]:
    """Where these node items are (`ids` their nodes): their nodes' x, y in the model (the
    only place an item is ever moved to, items.NodeItem.sync_position), read without a Qt
    call (each one lets a busy worker thread hold the interpreter for up to its switch
    interval: 5,000 pos() calls took 0.3 s while the player re-ran) and without asking the
    items; an item's own pos() for a node the model has just dropped."""
    if not items:
        return []
    data = items[0]._net.graph._node
    out = [data.get(n) for n in ids]
    return [(d["x"], d["y"]) if d is not None else _pos(item) for d, item in zip(out, items)]


def _shapes(ids: list, items: list) -> np.ndarray:
    """Each item's shape (`ids` their nodes), as its index in SHAPE_NAMES: style.visual_kind
    of its node's data read from the model's dicts in a few C-level passes (asking 5,000 new
    items cost 5-7 ms of a paste's first paint); an item's own for a node the model dropped."""
    if not items:
        return np.zeros(0, dtype=np.intp)
    data = list(map(items[0]._net.graph._node.get, ids))
    if None in data:
        return np.array([_SHAPE_AT[item.vkind] for item in items], dtype=np.intp)
    kind = np.fromiter(map(_SHAPE_AT.__getitem__, map(itemgetter("kind"), data)), np.intp,
                       len(data))
    product = np.fromiter(map(eq, map(dict.get, data, repeat("aggregate")), repeat("product")),
                          bool, len(data))
    return np.where(product & (kind == _SHAPE_AT["neuron"]), _SHAPE_AT["product"], kind)


def _pos(item) -> tuple[float, float]:
    p = item.pos()
    return p.x(), p.y()


def _united(items: list, xs: np.ndarray, ys: np.ndarray) -> QRectF:
    """The union of the items' scene bounds, from their positions: every node item has the
    same bounds about its position (NODE_RECT), so the union is that rect stretched from the
    least to the largest position (a Python loop of `united` over 10,000 items took 0.1-0.5 s
    of a paste's undo). (Stand-ins: where their items will be.)"""
    if not items:
        return QRectF()
    r = NODE_RECT
    left, top = float(xs.min()) + r.left(), float(ys.min()) + r.top()
    right, bottom = float(xs.max()) + r.left() + r.width(), float(ys.max()) + r.top() + r.height()
    return QRectF(left, top, right - left, bottom - top)


class StandIn:
    """A node of a big paste drawn by the value layer before its item is made (zoomed out the
    layer draws every body; a paste's 5,000 node items cost 30-40 ms of its first paint, so
    the scene makes them in the turn after it: `NetworkScene._add_node_items`). It answers
    what the layer asks of an item: a new node shows no value; `selected` is its part of the
    scene's selection until the item takes it over."""

    __slots__ = ("node_id", "_net", "selected")
    fill_level = -1  # (what the layer's paint asks of the items it draws)
    computing = False

    def __init__(self, net, node_id: str):
        self._net, self.node_id, self.selected = net, node_id, False

    @property
    def vkind(self) -> str:
        return style.visual_kind(self._net.graph._node[self.node_id])


class ValueLayerItem(QGraphicsItem):
    """Fills, values and targets of the nodes that show a value; and, while the view is
    zoomed out (`bodies`), every node's body (outline, fill, selection, ring) in place of the
    node items, which then paint nothing.

    Zoomed out, fills and bodies are copies of sprites (each colour, state and shape rendered
    once at the view's scale) drawn by one `drawPixmapFragments` call each, with the positions
    kept in arrays (taken again only when nodes move, appear or go): a step, or a repaint of
    2,000 nodes after a zoom, costs a few painter calls instead of several per node."""

    def __init__(self, nodes: dict, stand_ins: dict):
        super().__init__()
        self._nodes = nodes  # the scene's {id: NodeItem}, read when painting
        self._stand_ins = stand_ins  # the scene's {id: StandIn}: nodes whose items come later
        self.bodies = False  # zoomed out: this layer draws every node's body
        self._rect = QRectF()
        self._items: list = []  # the items drawn here, and their positions and shapes
        self._index: dict = {}  # item -> its place in `_items`
        self._xs = self._ys = np.zeros(0)
        self._shape_of = np.zeros(0, dtype=np.intp)  # index in SHAPE_NAMES
        self._fills = SpriteAtlas(_draw_fill, style.PENDING_LEVEL + 1, len(SHAPE_NAMES),
                                  half_extent(style.SHAPES.values()))
        self._bodies = SpriteAtlas(_draw_body, 8, len(SHAPE_NAMES), BODY_HALF)
        self._fragments = Fragments()
        self._stale = True  # positions and bounds to be taken again
        self.setZValue(9)  # over the edges, under the node items (10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def refresh(self, geometry: bool = False) -> None:
        """Values changed: repaint. `geometry`: nodes moved, appeared, went, changed shape or
        started or stopped showing a value, so positions and bounds are taken again (once,
        however many nodes changed, when the layer is next measured or painted)."""
        if geometry and not self._stale:
            # Qt reads the old bounds here (still `_rect`, not measured again: measuring
            # at every node added or removed read all 5,000 nodes each time, 0.4 s for one
            # delete); they are measured once when next asked for
            self.prepareGeometryChange()
            self._stale = True
        self.update()

    def node_changed(self, item) -> None:
        """A node drawn here moved or changed shape: its place in the arrays is taken again,
        and the bounds from the arrays (measuring all 5,000 nodes after each edit of one cost
        5-10 ms). Any other node: `refresh(geometry=True)`."""
        i = self._index.get(item)
        if self._stale or i is None:
            return self.refresh(geometry=True)
        (self._xs[i], self._ys[i]), = _positions([item.node_id], [item])
        self._shape_of[i] = _SHAPE_AT[item.vkind]
        self._take_bounds()

    def nodes_added(self, items: list) -> None:
        """New node items, the last ones of the scene's: drawing every body (zoomed out), the
        layer appends them to its arrays instead of measuring all the nodes again (a paste of
        5,000 to 5,000: 10-20 ms of its first paint). Else `refresh(geometry=True)`."""
        if not items:
            return
        last = next(reversed(self._stand_ins.values() or self._nodes.values()))
        if self._stale or not self.bodies or last is not items[-1] \
                or len(self._items) + len(items) != len(self._nodes) + len(self._stand_ins):
            return self.refresh(geometry=True)
        ids = [i.node_id for i in items]
        xy = np.array(_positions(ids, items), dtype=float)
        start = len(self._items)
        self._items = self._items + list(items)
        self._index.update((item, start + k) for k, item in enumerate(items))
        self._xs = np.concatenate([self._xs, xy[:, 0]])
        self._ys = np.concatenate([self._ys, xy[:, 1]])
        self._shape_of = np.concatenate([self._shape_of, _shapes(ids, items)])
        self._take_bounds()

    def stand_ins_made(self, made: dict) -> None:
        """The items of stand-ins {stand-in: item} are made: each takes its stand-in's place
        (the same node, where it was, of the same shape)."""
        if self._stale:
            return
        items, index = self._items, self._index
        for stand_in, item in made.items():
            i = index.pop(stand_in, None)
            if i is not None:
                items[i] = item
                index[item] = i

    def _take_bounds(self) -> None:
        """The bounds again from the arrays (after some of them changed), and a repaint."""
        rect = _united(self._items, self._xs, self._ys)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def _measure(self) -> None:
        self._stale = False
        nodes = self._nodes
        if self.bodies:
            if self._stand_ins:
                nodes = {**nodes, **self._stand_ins}
            ids = list(nodes)
        else:
            ids = [n for n, i in nodes.items() if i.showing_value]
        self._items = [nodes[n] for n in ids]
        self._index = {item: i for i, item in enumerate(self._items)}
        xy = np.array(_positions(ids, self._items), dtype=float).reshape(-1, 2)
        self._xs, self._ys = xy[:, 0].copy(), xy[:, 1].copy()
        self._shape_of = _shapes(ids, self._items)
        self._rect = _united(self._items, self._xs, self._ys)

    def boundingRect(self) -> QRectF:
        if self._stale:
            self._measure()
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self._stale:
            self._measure()
        if not self._items:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod > 0.3)
        ex = option.exposedRect.adjusted(-40, -40, 40, 40)
        xs, ys, items = self._xs, self._ys, self._items
        visible = np.flatnonzero((xs >= ex.left()) & (xs <= ex.right())
                                 & (ys >= ex.top()) & (ys <= ex.bottom()))
        shown = list(map(items.__getitem__, visible.tolist()))
        levels = np.fromiter(map(_LEVEL, shown), dtype=np.intp, count=len(visible))
        showing = visible[levels >= 0]
        self._paint_sprites(painter, widget, self._fills, showing, levels[levels >= 0])
        if self.bodies:
            states = (SHOWING * (levels >= 0) + SELECTED * self._selected()[visible]
                      + COMPUTING * np.fromiter(map(_COMPUTING, shown), dtype=bool,
                                                count=len(visible)))
            self._paint_sprites(painter, widget, self._bodies, visible, states)
        if lod >= style.DETAIL_LOD:
            self._paint_texts(painter, showing)

    def _selected(self) -> np.ndarray:
        """Which of the items drawn here are selected, from the scene's selection (asking each
        of 5,000 items cost 6-12 ms of every repaint zoomed out: three repaints an edit)."""
        mask = np.zeros(len(self._items), bool)
        scene, index = self.scene(), self._index
        if scene is not None:
            mask[[index[i] for i in scene.selectedItems() if i in index]] = True
            mask[[index[s] for s in self._stand_ins.values() if s.selected and s in index]] = True
        return mask

    def _paint_texts(self, painter: QPainter, showing: np.ndarray) -> None:
        """The values, and the outputs' targets under them."""
        items, xs, ys, r = self._items, self._xs, self._ys, style.NODE_RADIUS
        painter.setFont(_VALUE_FONT)
        for i in showing.tolist():
            item, x, y = items[i], xs[i], ys[i]
            if item.pending:
                text, strong = "…", False
            else:
                text = format_value(item.value)
                strong = abs(item.value) > 0.6 * item.value_scale
            painter.setPen(_WHITE if strong else style.NODE_OUTLINE)
            painter.drawText(QRectF(x - r - 4, y - r, 2 * r + 8, 2 * r),
                             Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(_TAG_FONT)
        for i in showing.tolist():
            item = items[i]
            if item.target is None:
                continue
            rect = QRectF(xs[i] - r - 22, ys[i] + r + 16, 2 * r + 44, 13)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.TARGET_FILL)
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(style.TARGET_TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             f"target {format_value(item.target)}")

    def _paint_sprites(self, painter: QPainter, widget, atlas: SpriteAtlas,
                       which: np.ndarray, levels: np.ndarray) -> None:
        """atlas's picture (levels[i], shape) at each node `which[i]`: copies of pre-rendered
        sprites in one call when the view is zoomed out (where a thousand nodes are on screen),
        else picture by picture (also into a vector export)."""
        xs, ys = self._xs[which], self._ys[which]
        shapes = self._shape_of[which]
        t = painter.worldTransform()
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        if not (_pixels(painter) and atlas.prepare(t.m11(), dpr)):
            for x, y, level, shape in zip(xs.tolist(), ys.tolist(), levels.tolist(),
                                          shapes.tolist()):
                painter.translate(x, y)
                atlas.draw(painter, level, shape)
                painter.translate(-x, -y)
            return
        cells = atlas.cells(levels, shapes)
        self._fragments.resize(len(cells))
        frag = self._fragments.array
        frag[:, 0] = t.m11() * xs + t.m21() * ys + t.dx()
        frag[:, 1] = t.m12() * xs + t.m22() * ys + t.dy()
        frag[:, 2:6] = cells
        frag[:, 6:8] = 1.0 / dpr
        frag[:, 8:10] = (0.0, 1.0)
        painter.save()
        painter.resetTransform()
        self._fragments.draw(painter, atlas.pixmap)
        painter.restore()
