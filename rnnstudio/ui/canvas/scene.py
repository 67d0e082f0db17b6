"""NetworkScene: mirrors a `Network` through its events (model id -> item).

Nodes are items; edges are drawn in batches by a few `EdgeLayerItem`s (chunks of the edge set,
plus a small "live" layer for the edges of nodes being dragged, so a drag repaints little).
Ordering restyles are coalesced: bulk edits emit many events, the scene redraws once.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from ...model import events as ev
from .. import style
from .bundles import collapsed_of
from . import drawing as draw  # its sizes are read there (tests and tools/monkey.py set them)
from .drawing import SceneDrawing
from .edges import EdgeLayerItem
from .group_layer import SceneGroups
from .interactions import SceneInteractions
from .items import CACHE, NodeItem
from .queries import SceneQueries
from .routing import SceneRouting
from .tags import TagPlacer
from .values import StandIn, ValueLayerItem

PIXMAP_CACHE_KB = 256 * 1024  # item caches (edge layers are viewport-sized): Qt's default is 10 MB


class NetworkScene(SceneDrawing, SceneRouting, SceneQueries, QGraphicsScene):
    """The canvas scene. Emits requests (`edge_requested`, ...) that the editor turns into
    undo commands; it never edits the model except to move dragged nodes live."""

    edge_requested = Signal(str, str)          # source, target (target may equal source)
    nodes_moved = Signal(dict, dict)           # {id: (x, y)} before, after a drag
    edge_selection_changed = Signal()
    group_collapse_requested = Signal(str, bool)  # gid, collapse (double-click)
    message = Signal(str)

    def __init__(self, net=None, parent=None):
        super().__init__(parent)
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        self.net = None
        self._node_items: dict[str, NodeItem] = {}  # `nodes`
        # a big paste's nodes whose items are made in the flush turn after its first paint
        # (zoomed out, the value layer draws them meanwhile): {id: values.StandIn}
        self._stand_ins: dict = {}
        self._geoms: dict = {}
        self._looks: dict = {}  # look(key), kept
        self._layer_of: dict = {}
        self._layers: list[EdgeLayerItem] = []
        self._live = EdgeLayerItem(self)
        self._highlight = EdgeLayerItem(self, highlight=True)
        self._values = ValueLayerItem(self._node_items, self._stand_ins)
        self._plain = True  # no node item nor block shows a step-through value
        # edges whose geometry and look to compute again / look only (weights changed); dicts,
        # not sets: edges are laid out (and their tags placed) in the order of the edits
        self._dirty_edges: dict = {}
        self._restyle_edges: dict = {}
        # a bulk add's bookkeeping (its edges into the layers, its nodes' label obstacles),
        # done in the flush timer's turn after the first paint: [(method, items)] in order
        self._later: list = []
        self._tags = TagPlacer()
        self.groups = SceneGroups(self)  # blocks, frames and bundles of the groups
        self._dirty_layers: set = set()
        self._delays: dict = {}
        self._arcs: dict = {}  # delayed edges drawn around the layers: key -> layout.Arc
        self._reroute_pending = False
        self._live_from: dict | None = None  # while dragging: where the dragged nodes were
        self._ordering_pending = False
        self._selection_pending = False  # selected nodes went: selectionChanged is due
        self.selected_edges: set = set()
        self._flush_timer = QTimer(self, singleShot=True, interval=0)
        self._flush_timer.timeout.connect(self._flush_step)
        self._nodes_shown = False  # a sliced drawing has let the new nodes be painted first
        self._slice = 0  # edges drawn in the flush timer's next turn (at least SLICE_EDGES)
        # the ordering (its badges and the delays it gives the edges: 200 ms to compute at
        # 50,000 edges) and routing the loops (which reads every node, 80 ms) wait in a big
        # network until a moment after the edits (at most once per moment, however often
        # they come): the edit is drawn at once, the badges, delays and lanes follow
        self._route_timer = QTimer(self, singleShot=True, interval=draw.ROUTE_SETTLE_MS)
        self._route_timer.timeout.connect(self._route_when_ordered)
        self._route_now = False
        self._released: list = []  # what bulk removals dropped, freed a chunk at a time
        self._release_timer = QTimer(self, singleShot=True, interval=draw.RELEASE_MS)
        self._release_timer.timeout.connect(self._release_some)
        self.interactions = SceneInteractions(self)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        for layer in (self._live, self._highlight, self._values):
            self.addItem(layer)
        self.selectionChanged.connect(self._on_selection_changed)
        self._highlight.setZValue(-1)
        if net is not None:
            self.set_network(net)

    @property
    def nodes(self) -> dict[str, NodeItem]:
        """{id: NodeItem} of every node drawn (not hidden in a collapsed group); items a big
        paste left for later are made first."""
        if self._stand_ins:
            self._settle()
        return self._node_items

    # ---------------------------------------------------------------- model binding
    def set_network(self, net) -> None:
        """Mirror another network (the old one is forgotten)."""
        if self.net is not None:
            self.net.events.unsubscribe(self._on_model_changed)
        self._clear()
        self.net = net
        net.events.subscribe(self._on_model_changed)
        self.groups.reset()
        hidden = self.groups.hidden  # members of collapsed groups get no items
        self._add_node_items([n for n in net.graph.nodes if n not in hidden])
        self._add_edges([k for k in net.graph.edges if k[0] not in hidden and k[1] not in hidden])
        self._ordering_pending = True
        if len(self._dirty_edges) <= draw.SLICE_EDGES:
            self.route_now()
        # else a big network is drawn as a big paste is: its nodes painted first, the
        # ordering computed in its worker meanwhile, then the edges a slice at a time, the
        # window answering in between (drawing 50,000 edges at once held it 0.8-1.2 s more)

    def _clear(self) -> None:
        self._later.clear()
        self._stand_ins.clear()
        for item in list(self._node_items.values()) + self._layers:
            self.removeItem(item)
        self.groups.clear()
        self._node_items.clear()
        self._layers.clear()
        self._geoms.clear()
        self._looks.clear()
        self._layer_of.clear()
        self._dirty_edges.clear()
        self._dirty_layers.clear()
        self._tags.clear()
        self._delays = {}
        self._arcs = {}
        self.selected_edges = set()
        for layer in (self._live, self._highlight):
            layer.clear()
            layer.rebuild()
        self._values.refresh(geometry=True)  # its nodes are gone

    def _on_model_changed(self, event: ev.Event) -> None:
        self._shared = None  # (the network's order may change: `selected_nodes`)
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            if self._later and event.kind not in _AFTER_LATER:
                self._settle()  # what a bulk add left for later comes before this event
            handler(self, event)

    def _on_node_added(self, event) -> None:
        self._on_nodes_added(event, (event.node,))

    def _on_nodes_added(self, event, nodes=None) -> None:
        self._add_node_items(event.nodes if nodes is None else nodes, bulk=nodes is None)
        self._reroute_pending = True

    def _on_node_removed(self, event) -> None:
        self._remove_node_item(event.node)

    def _on_nodes_removed(self, event) -> None:
        self._remove_node_items(event.nodes)

    def _remove_node_item(self, node: str) -> None:
        self._remove_node_items((node,))

    def _remove_node_items(self, nodes) -> None:
        """Qt says selectionChanged for each selected item removed: once, at the end."""
        refresh = self._values.bodies
        gone = self._released if len(nodes) > draw.RELEASE_CHUNK else []
        blocked = self.blockSignals(True)
        try:
            self._tags.obstacles.discard_many(nodes)
            for node in nodes:
                item = self.nodes.pop(node, None)
                if item is None:
                    continue
                self._selection_pending = self._selection_pending or item.isSelected()
                refresh = refresh or item.showing_value
                self.removeItem(item)
                gone.append(item)  # deleting 5,000 items at once: 0.1 s of an undo
        finally:
            self.blockSignals(blocked)
        self._release_later()
        self._reroute_pending = True
        if refresh:
            self._values.refresh(geometry=True)

    def _on_node_changed(self, event) -> None:
        item = self.nodes.get(event.node)
        if item is None:  # in a collapsed group: its block may move or change caption
            if event.node in self.groups.hidden:
                self.groups.mark_geometry()
            return
        if self.groups.frames or self.groups.bundle_items:
            self.groups.mark_geometry()
        if "x" in event.changed or "y" in event.changed:
            item.sync_position()
            self._reroute_pending = self._reroute_pending or self._live_from is None
            g = self.net.graph
            self._mark_edges(list(g.in_edges(event.node)) + list(g.out_edges(event.node)))
            self._place_obstacles((event.node,))
        item.forget_look()
        item.update()
        if item.showing_value or self._values.bodies:  # moved or reshaped under the layer
            self._values.node_changed(item)

    def _on_edge_added(self, event) -> None:
        self._on_edges_added(event, (event.edge,))

    def _on_edges_added(self, event, keys=None) -> None:
        keys = event.edges if keys is None else keys
        hidden = self.groups.hidden
        if hidden:
            bundled = [k for k in keys if k[0] in hidden or k[1] in hidden]
            if bundled:
                self.groups.mark_structure()
                keys = [k for k in keys if k[0] not in hidden and k[1] not in hidden]
        if len(keys) > draw.SLICE_EDGES:  # drawn in slices after a first paint of the nodes
            self._add_later(self._add_edges, keys)
        else:
            self._settle()
            self._add_edges(keys)
        self._reroute_pending = True

    def _on_edge_removed(self, event) -> None:
        self._on_edges_removed(event, (event.edge,))

    def _on_edges_removed(self, event, keys=None) -> None:
        keys = event.edges if keys is None else keys
        if self.groups.hidden:
            self.groups.mark_structure()
        delays = self._delays
        for key in keys:
            delays.pop(key, None)
        self._reroute_pending = True
        self._drop_edges(keys)

    def _on_edge_changed(self, event) -> None:
        if self.groups.bundled(*event.edge):
            self.groups.mark_structure()  # a weight's sign colours its bundle
        else:
            self._mark_edges([event.edge])

    def _on_ordering_changed(self, event=None) -> None:
        """The end of every structural edit (of a batch of them): removed selected nodes say
        selectionChanged now, once."""
        self._ordering_pending = True
        self._schedule()
        self._emit_selection()

    def _emit_selection(self) -> None:
        if self._selection_pending:
            self._selection_pending = False
            self._say_selection()

    def _on_params_changed(self, event) -> None:
        """Weights changed (training, re-initialising): widths and colours only, the
        geometry stays."""
        self._restyle_edges.update(dict.fromkeys(self._geoms))
        if self.groups.hidden:
            self.groups.mark_structure()
        self._schedule()
        for item in self.nodes.values():
            item.update()

    def _on_io_changed(self, event) -> None:
        items = self._node_items  # (stand-ins' items are made with the right look)
        for n in self.net.inputs:
            if n in items:
                items[n].update()

    def _on_group_changed(self, event) -> None:
        """Collapsing hides the members (their items go, their edges join bundles), expanding
        shows them again; blocks, frames and bundles follow in `flush`."""
        old = self.groups.hidden
        new = self.groups.hidden = collapsed_of(self.net)
        g = self.net.graph
        shown = [n for n in old if n not in new and n in g]
        hidden = [n for n in new if n not in old]
        self._add_node_items(shown)
        self._remove_node_items(hidden)
        keys = dict.fromkeys(k for n in shown + hidden
                             for k in [*g.in_edges(n), *g.out_edges(n)])
        for key in keys:
            if self.groups.bundled(*key):
                self._drop_edge(key)
            elif key not in self._layer_of:
                self._add_edge(key)
        self._ordering_pending = self._ordering_pending or bool(shown)  # their badges
        self._reroute_pending = True  # loops of the edges shown or bundled
        self.groups.mark_structure()
        self._emit_selection()

    # ---------------------------------------------------------------- node items
    def _add_node_items(self, nodes, bulk: bool = False) -> None:
        """Items for these nodes. More than SLICE_EDGES `bulk` ones (new in the model: a
        paste's 5,000) have their label obstacles placed after the first paint; and zoomed
        out, where the value layer draws the bodies, their items are made then too (30-40 ms
        of the paste), the layer drawing stand-ins for them meanwhile."""
        net, bodies = self.net, self._values.bodies
        nodes = list(nodes)
        later = bulk and len(nodes) > draw.SLICE_EDGES
        if later and bodies:
            stand_ins = [StandIn(net, node) for node in nodes]
            self._stand_ins.update(zip(nodes, stand_ins))
            self._add_later(self._make_stand_ins, nodes)
            made = stand_ins
        else:
            made = self._make_items(nodes)
        if later:
            self._add_later(self._place_obstacles, nodes)
        else:
            self._place_obstacles(nodes)
        if bodies:
            self._values.nodes_added(made)

    def _make_items(self, nodes) -> list:
        """New node items for `nodes`, on the canvas; returns them."""
        net, items, bodies = self.net, self._node_items, self._values.bodies
        made = []
        for node in nodes:
            item = items[node] = NodeItem(net, node, bodies)
            self.addItem(item)
            made.append(item)
        return made

    def _make_stand_ins(self, nodes: list) -> None:
        """The items of stand-ins (`_add_node_items`), selected where they were, with no
        selectionChanged: the selection is the same."""
        stand_ins = list(map(self._stand_ins.pop, nodes))
        here = self.net.graph._node
        if not all(map(here.__contains__, nodes)):  # a removal came before they were made
            # (its event settles this first): items only for the nodes that are still there;
            # the removal redraws the layer without the others
            kept = [(n, s) for n, s in zip(nodes, stand_ins) if n in here]
            nodes, stand_ins = [n for n, _ in kept], [s for _, s in kept]
        made = self._make_items(nodes)
        blocked = self.blockSignals(True)
        try:
            for stand_in, item in zip(stand_ins, made):
                if stand_in.selected:
                    item.setSelected(True)
        finally:
            self.blockSignals(blocked)
        self._values.stand_ins_made(dict(zip(stand_ins, made)))

    def draw_bodies_in_layer(self, on: bool) -> None:
        """Zoomed out (the view says so before it paints), the value layer draws every node's
        body as sprites and the node items paint nothing; they stay for clicks, drags and
        rubber bands. A repaint after a zoom then no longer renders 2,000 item caches anew."""
        if on == self._values.bodies:
            return
        items = self.nodes  # (the items of stand-ins made first, still drawn by the layer)
        self._values.bodies = on
        for item in items.values():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, on)
            if not on:
                item.setCacheMode(CACHE)  # (items made zoomed out have none yet)
            item.update()
        self._values.refresh(geometry=True)

    @property
    def bodies_in_layer(self) -> bool:
        return self._values.bodies

    def clearSelection(self) -> None:  # noqa: N802 - Qt's, for stand-ins too
        for stand_in in self._stand_ins.values():
            stand_in.selected = False
        super().clearSelection()

    def _on_selection_changed(self) -> None:
        self._shared = None  # (said again: a listener changed it; the first to hear it)
        if self._values.bodies:  # the halos are in the layer
            self._values.update()

    # ---------------------------------------------------------------- values (step-through)
    def set_values(self, values: dict | None, scale: float = 1.0, *, pending=(),
                   computing: str | None = None, targets: dict | None = None) -> None:
        """Colour many nodes at once by value (step-through); None restores plain fills.

        `values` {id: value}; ids in `pending` are shown as not computed yet; `computing`
        gets a ring; `targets` {output id: target} are shown under the outputs. Items are
        recoloured, never rebuilt."""
        toggled = False
        if values is not None:
            self._settle()  # (items a paste left for later: they show values)
        if values is None:
            if self._plain:  # nothing shows a value (an edit asks at 5,000 nodes: 3-5 ms)
                return
            self._plain = True
            for item in self.nodes.values():
                toggled |= item.set_value(None)
            self._values.refresh(geometry=toggled)
            self.groups.set_values(None)
            return
        self._plain = False
        pending, targets, nodes = set(pending), targets or {}, self.nodes
        special = pending | set(targets) | {computing}
        levels = style.value_levels(np.fromiter(values.values(), dtype=float,
                                                count=len(values)), scale).tolist()
        for (n, value), level in zip(values.items(), levels):
            item = nodes.get(n)
            if item is None:
                continue
            if n in special or not item.plain_value():
                toggled |= item.set_value(value, scale, pending=n in pending,
                                          computing=n == computing, target=targets.get(n))
            else:  # the common case at a step: only the value and its colour change
                item.value, item.value_scale, item.fill_level = value, scale, level
        for n in nodes.keys() - values.keys():
            toggled |= nodes[n].set_value(None, scale, pending=n in pending,
                                          computing=n == computing, target=targets.get(n))
        self._values.refresh(geometry=toggled)
        if self.groups.blocks:  # members not in `values` are not computed yet
            self.groups.set_values(dict(zip(values, levels)))

    # ---------------------------------------------------------------- events
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, style.BACKGROUND)
        lod = painter.worldTransform().m11()
        if lod < 0.5:
            return
        step = style.GRID * 2
        x0 = int(rect.left() // step) * step
        y0 = int(rect.top() // step) * step
        points = []
        y = y0
        while y < rect.bottom():
            x = x0
            while x < rect.right():
                points.append(QPointF(x, y))
                x += step
            y += step
        painter.setPen(QPen(QBrush(style.GRID_DOT), 1.6))
        painter.drawPoints(points)

    def mousePressEvent(self, event) -> None:
        if not self.interactions.press(event):
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if not self.interactions.move(event):
            super().mouseMoveEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        """Double-click a block to expand its group, a frame's header to collapse it."""
        pos = event.scenePos()
        if event.button() == Qt.MouseButton.LeftButton and self.net is not None:
            block = self.groups.block_at(pos)
            frame = None if block is not None else self.groups.frame_at(pos)
            if block is not None or frame is not None:
                gid = (block or frame).gid
                self.group_collapse_requested.emit(gid, block is None)
                event.accept()
                return
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if not self.interactions.release(event):
            super().mouseReleaseEvent(event)

    def helpEvent(self, event) -> None:
        self.interactions.tooltip(event)


# events whose handlers may come before what a bulk add left for later (`_settle`): they
# touch none of it (an EDGES_ADDED settles first itself unless it is left for later too)
_AFTER_LATER = frozenset((ev.EDGES_ADDED, ev.ORDERING_CHANGED, ev.IO_CHANGED))

_HANDLERS = {
    ev.NODE_ADDED: NetworkScene._on_node_added,
    ev.NODE_REMOVED: NetworkScene._on_node_removed,
    ev.NODE_CHANGED: NetworkScene._on_node_changed,
    ev.EDGE_ADDED: NetworkScene._on_edge_added,
    ev.EDGE_REMOVED: NetworkScene._on_edge_removed,
    ev.NODES_ADDED: NetworkScene._on_nodes_added,
    ev.NODES_REMOVED: NetworkScene._on_nodes_removed,
    ev.EDGES_ADDED: NetworkScene._on_edges_added,
    ev.EDGES_REMOVED: NetworkScene._on_edges_removed,
    ev.EDGE_CHANGED: NetworkScene._on_edge_changed,
    ev.ORDERING_CHANGED: NetworkScene._on_ordering_changed,
    ev.PARAMS_CHANGED: NetworkScene._on_params_changed,
    ev.IO_CHANGED: NetworkScene._on_io_changed,
    ev.GROUP_CHANGED: NetworkScene._on_group_changed,
}
