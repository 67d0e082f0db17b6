"""What is where on the canvas, and the selection (a mixin of `NetworkScene`): the node or edge
under a point, the selected nodes and edges, a free spot for a new node, the drawn area."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF

from .. import style
from .blocks import GroupBlockItem
from .items import NODE_RECT, NodeItem

EDGE_HIT_TOLERANCE = 5.0
FREE_GAP = 78.0  # free_spot: no node's shape within this of a new node's centre, either axis


class SceneQueries:
    """The query and selection part of `NetworkScene`."""

    def node_at(self, pos: QPointF) -> NodeItem | None:
        """The node item at a point (every click, drag, hover tip and context menu asks
        here first: the items a paste left for later are made then)."""
        self._settle()
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def edge_at(self, pos: QPointF, tol: float = EDGE_HIT_TOLERANCE):
        self._settle()
        best = None
        for layer in self._layers + [self._live]:
            key = layer.edge_at(pos.x(), pos.y(), tol)
            if key is not None:
                best = key
        return best

    _sharing = False  # `_say_selection` is telling the listeners: they share one answer
    _shared: list | None = None

    def selected_nodes(self) -> list[str]:
        """The selected nodes, with the members of the selected blocks, in the network's
        order (Qt's selection order changes from run to run)."""
        if self._shared is not None:
            return list(self._shared)
        chosen = {i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)}
        chosen.update(self.groups.selected_members())
        chosen.update(n for n, s in self._stand_ins.items() if s.selected)
        found = list(chosen) if len(chosen) < 2 else [n for n in self.net.graph if n in chosen]
        if self._sharing:
            self._shared = list(found)
        return found

    def _say_selection(self) -> None:
        """selectionChanged, its listeners (the inspector, the player's views) sharing one
        `selected_nodes()` (5 ms each at 5,000 nodes); any change meanwhile (another
        selectionChanged, a model event) drops it."""
        self._sharing, self._shared = True, None
        try:
            self.selectionChanged.emit()
        finally:
            self._sharing, self._shared = False, None

    def select_edges(self, keys, clear_nodes: bool = True) -> None:
        """Select the edges `keys` that are drawn on their own (not inside a bundle)."""
        self.flush()  # edges added a moment ago get their geometry
        if clear_nodes:
            self.clearSelection()
        self.selected_edges = {k for k in keys if k in self._layer_of}
        self._highlight.clear()
        for key in sorted(self.selected_edges):  # the halos' overlaps: never the set's order
            self._highlight.add(key)
        self._highlight.rebuild()
        self.edge_selection_changed.emit()

    def select_nodes(self, ids) -> None:
        """Select the nodes `ids` (the blocks of collapsed groups for their members), with one
        selectionChanged at the end: Qt emits it for every item, and each listener asking for
        the selection made selecting n nodes cost n^2."""
        hidden = self.groups.hidden
        if hidden and any(n in hidden for n in ids):
            self.flush()  # blocks of groups collapsed a moment ago (and only then: flushing
            # here drew the 50,000 edges of a paste before its selection)
        blocked = self.blockSignals(True)
        try:
            self.clearSelection()
            items, stand_ins = self._node_items, self._stand_ins  # (a paste's: not made yet)
            for n in ids:
                if n in items:
                    items[n].setSelected(True)
                elif n in stand_ins:
                    stand_ins[n].selected = True
                elif n in self.groups.hidden:  # in a collapsed group: its block
                    self.groups.blocks[self.groups.hidden[n]].setSelected(True)
        finally:
            self.blockSignals(blocked)
        self._say_selection()

    def free_spot(self, centre: QPointF, within: QRectF | None = None) -> QPointF:
        """The grid point nearest `centre` where a new node covers no node (nor its label):
        rings of grid points outwards, those inside `within` (the visible area) first."""
        step = style.GRID
        cx, cy = round(centre.x() / step) * step, round(centre.y() / step) * step
        outside = None
        for ring in range(0, 200):
            for dx, dy in _ring(ring):
                p = QPointF(cx + dx * step, cy + dy * step)
                if not self._spot_free(p):
                    continue
                if within is None or within.adjusted(40, 40, -40, -60).contains(p):
                    return p
                outside = outside or p
            if outside is not None and ring * step > 2 * max(
                    within.width(), within.height(), 1.0):
                return outside
        return outside or QPointF(cx, cy)

    def _spot_free(self, p: QPointF) -> bool:
        self._settle()  # (the items a paste left for later take their spots)
        rect = QRectF(p.x() - FREE_GAP, p.y() - FREE_GAP, 2 * FREE_GAP, 2 * FREE_GAP)
        return not any(isinstance(i, (NodeItem, GroupBlockItem)) for i in self.items(rect))

    def covers_node(self, box: tuple) -> bool:
        """Does a box (x0, y0, x1, y1) cover a node, its ordering badge or its name?"""
        self._settle()
        return self._tags.obstacles.any_hit(box)

    def items_rect(self) -> QRectF:
        """What the canvas draws: its node items, edge layers and blocks."""
        rect = self._nodes_rect()
        for layer in self._layers + [self._live]:
            if len(layer):
                rect = rect.united(layer.sceneBoundingRect())
        return rect.united(self.groups.rect())

    def _nodes_rect(self) -> QRectF:
        """The node items' scene bounds, from the model's x, y where each item is (every item
        has the same local bounds): asking 5,000 items for theirs cost 13 ms a fit."""
        drawn = [*self._node_items, *self._stand_ins]  # (stand-ins: where items will be)
        if not drawn:
            return QRectF()
        data = self.net.graph._node
        xy = np.array([(data[n]["x"], data[n]["y"]) for n in drawn], float)
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        box = NODE_RECT
        return QRectF(x0 + box.left(), y0 + box.top(), x1 - x0 + box.width(),
                      y1 - y0 + box.height())



def _ring(k: int) -> list[tuple[int, int]]:
    """Grid offsets at Chebyshev distance k, nearest to the centre first (ties: by angle, so
    the order never depends on anything but k)."""
    if k == 0:
        return [(0, 0)]
    pts = [(dx, dy) for dx in range(-k, k + 1) for dy in range(-k, k + 1)
           if max(abs(dx), abs(dy)) == k]
    return sorted(pts, key=lambda d: (d[0] * d[0] + d[1] * d[1], math.atan2(d[1], d[0])))
