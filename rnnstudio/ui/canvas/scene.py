"""NetworkScene: mirrors a `Network` through its events (model id -> item).

Nodes are items; edges are drawn in batches by a few `EdgeLayerItem`s (chunks of the edge set,
plus a small "live" layer for the edges of nodes being dragged, so a drag repaints little).
Ordering restyles are coalesced: bulk edits emit many events, the scene redraws once.
"""

from __future__ import annotations

import math
import time
from itertools import islice

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from ...collector import quiet_collector
from ...model import events as ev
from .. import style
from .edge_batch import AROUND, CURVED, LOOP, STRAIGHT, edge_shapes
from .interactions import SceneInteractions
from .edges import EdgeLayerItem
from .blocks import GroupBlockItem
from .bundles import collapsed_of
from .group_layer import SceneGroups
from .items import NodeItem
from .tags import TagPlacer
from .routing import ROUTE_POLL_MS, SceneRouting
from .values import ValueLayerItem

CHUNK = 6000  # edges per batch layer
PIXMAP_CACHE_KB = 256 * 1024  # item caches (edge layers are viewport-sized): Qt's default is 10 MB
EDGE_HIT_TOLERANCE = 5.0
ROUTE_LATER = 5000  # edges drawn past which the ordering is shown and the loops routed ...
ROUTE_SETTLE_MS = 200  # ... this long after the first edit not shown yet (UI idle again)
ROUTE_BULK = 2000  # ... unless this many edges are to be drawn: drawing them twice costs more
FREE_GAP = 78.0  # free_spot: no node's shape within this of a new node's centre, either axis
RELEASE_CHUNK = 2000  # geometries of dropped edges, items of removed nodes freed per idle moment
RELEASE_MS = 40  # ... this often (freeing 50,000 edges' Qt objects at once took 0.2-1.8 s)
SLICE_EDGES = 2500  # past this many dirty edges the flush timer draws them a slice at a time
SLICE_MS = 40  # ... as many edges a slice as were drawn in this long the slice before
FIRST_PAINT_MS = 15  # ... after a first paint of the new nodes alone (this long after the edit)


class NetworkScene(SceneRouting, QGraphicsScene):
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
        self.nodes: dict[str, NodeItem] = {}
        self._geoms: dict = {}
        self._looks: dict = {}  # look(key), kept
        self._layer_of: dict = {}
        self._layers: list[EdgeLayerItem] = []
        self._live = EdgeLayerItem(self)
        self._highlight = EdgeLayerItem(self, highlight=True)
        self._values = ValueLayerItem(self.nodes)
        # edges whose geometry and look to compute again / look only (weights changed); dicts,
        # not sets: edges are laid out (and their tags placed) in the order of the edits
        self._dirty_edges: dict = {}
        self._restyle_edges: dict = {}
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
        self._route_timer = QTimer(self, singleShot=True, interval=ROUTE_SETTLE_MS)
        self._route_timer.timeout.connect(self._route_when_ordered)
        self._route_now = False
        self._released: list = []  # what bulk removals dropped, freed a chunk at a time
        self._release_timer = QTimer(self, singleShot=True, interval=RELEASE_MS)
        self._release_timer.timeout.connect(self._release_some)
        self.interactions = SceneInteractions(self)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        for layer in (self._live, self._highlight, self._values):
            self.addItem(layer)
        self.selectionChanged.connect(self._on_selection_changed)
        self._highlight.setZValue(-1)
        if net is not None:
            self.set_network(net)

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
        for n in net.graph.nodes:
            if n not in hidden:
                self._add_node_item(n, refresh=False)
        if self._values.bodies:
            self._values.refresh(geometry=True)
        self._add_edges([k for k in net.graph.edges if k[0] not in hidden and k[1] not in hidden])
        self._ordering_pending = True
        self.route_now()

    def _clear(self) -> None:
        for item in list(self.nodes.values()) + self._layers:
            self.removeItem(item)
        self.groups.clear()
        self.nodes.clear()
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
        handler = _HANDLERS.get(event.kind)
        if handler is not None:
            handler(self, event)

    def _on_node_added(self, event) -> None:
        self._on_nodes_added(event, (event.node,))

    def _on_nodes_added(self, event, nodes=None) -> None:
        for n in event.nodes if nodes is None else nodes:
            self._add_node_item(n, refresh=False)
        if self._values.bodies:
            self._values.refresh(geometry=True)
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
        gone = self._released if len(nodes) > RELEASE_CHUNK else []
        blocked = self.blockSignals(True)
        try:
            for node in nodes:
                item = self.nodes.pop(node, None)
                self._tags.set_obstacle(node, None)
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
            self._place_obstacle(event.node, item)
        item.forget_look()
        item.update()
        if item.showing_value or self._values.bodies:  # moved or reshaped under the layer
            self._values.refresh(geometry=True)

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

    def _drop_edge(self, key) -> None:
        """Stop drawing an edge on its own (it went, or went into a bundle)."""
        self._drop_edges((key,))

    def _drop_edges(self, keys) -> None:
        geoms, looks, dirty, layer_of = self._geoms, self._looks, self._dirty_edges, \
            self._layer_of
        tags, placed = self._tags, self._tags.tags.boxes
        gone = self._released if len(keys) > RELEASE_CHUNK else []
        touched: dict = {}  # layer -> its keys that go (a paste's edges lie in a few)
        last = None
        for key in keys:
            gone.append(geoms.pop(key, None))
            looks.pop(key, None)
            dirty.pop(key, None)
            if key in placed:
                tags.remove(key)
            layer = layer_of.pop(key, None)
            if layer is not None:
                if layer is not last:
                    last, going = layer, touched.setdefault(layer, [])
                going.append(key)
        for layer, going in touched.items():
            if len(going) == len(layer):
                gone.append(layer.clear())  # a layer of a paste's undo goes whole; its
                # paths are freed later (freeing Qt objects is slow: 0.7-1 s of an undo at
                # 50,000 edges while the player's worker ran)
            else:
                for key in going:
                    layer.discard(key)
        if self.selected_edges:
            self.selected_edges.difference_update(keys)
            for key in keys:
                self._highlight.discard(key)
        if touched:
            self._dirty_layers.update(touched)
            self._dirty_layers.add(self._highlight)
        self._release_later()
        self._schedule()

    def _release_later(self) -> None:
        if self._released and not self._release_timer.isActive():
            self._release_timer.start()

    def _release_some(self) -> None:
        """Free a chunk of what bulk removals dropped (undoing a paste drops 50,000 edge
        geometries and 5,000 node items): a little at a time while the UI is idle, not all
        inside the edit."""
        del self._released[-RELEASE_CHUNK:]
        if self._released:
            self._release_timer.start()

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
            self.selectionChanged.emit()

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
        for n in self.net.inputs:
            if n in self.nodes:
                self.nodes[n].update()

    def _on_group_changed(self, event) -> None:
        """Collapsing hides the members (their items go, their edges join bundles), expanding
        shows them again; blocks, frames and bundles follow in `flush`."""
        old = self.groups.hidden
        new = self.groups.hidden = collapsed_of(self.net)
        g = self.net.graph
        shown = [n for n in old if n not in new and n in g]
        hidden = [n for n in new if n not in old]
        for n in shown:
            self._add_node_item(n)
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

    # ---------------------------------------------------------------- edges
    def _add_node_item(self, node: str, refresh: bool = True) -> None:
        item = NodeItem(self.net, node)
        self.nodes[node] = item
        self.addItem(item)
        self._place_obstacle(node, item)
        if self._values.bodies:
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
            if refresh:
                self._values.refresh(geometry=True)

    def draw_bodies_in_layer(self, on: bool) -> None:
        """Zoomed out (the view says so before it paints), the value layer draws every node's
        body as sprites and the node items paint nothing; they stay for clicks, drags and
        rubber bands. A repaint after a zoom then no longer renders 2,000 item caches anew."""
        if on == self._values.bodies:
            return
        self._values.bodies = on
        for item in self.nodes.values():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, on)
            item.update()
        self._values.refresh(geometry=True)

    @property
    def bodies_in_layer(self) -> bool:
        return self._values.bodies

    def _on_selection_changed(self) -> None:
        if self._values.bodies:  # the halos are in the layer
            self._values.update()

    def _add_edge(self, key) -> None:
        self._add_edges((key,))

    def _add_edges(self, keys) -> None:
        """Draw edges on their own, in the last layer (a new one when it is full)."""
        layers, layer_of = self._layers, self._layer_of
        layer, room = (layers[-1], CHUNK - len(layers[-1])) if layers else (None, 0)
        for key in keys:
            if room <= 0:
                layer, room = EdgeLayerItem(self), CHUNK
                layers.append(layer)
                self.addItem(layer)
            layer.add(key)
            layer_of[key] = layer
            room -= 1
        self._mark_edges(keys)

    def _place_obstacle(self, node: str, item: NodeItem) -> None:
        """The node's area keeps edge labels off it: labels it now covers move."""
        d = self.net.graph._node[node]  # where `item` is (NodeItem.sync_position)
        box = _node_box(d["x"], d["y"])
        self._tags.obstacles.set(node, box)  # (no Qt object, no Qt call: 5,000 of them for
        covered = self._tags.tags.hits(box)  # a paste)
        if covered:
            self._mark_edges(covered)

    def _mark_edges(self, keys) -> None:
        self._dirty_edges.update(dict.fromkeys(keys))
        self._schedule()

    def _schedule(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Bring the picture up to date now, all of it (the flush timer draws a big bulk
        edit a slice at a time instead: `_flush_step`)."""
        with quiet_collector():  # drawing 50,000 edges makes a few hundred thousand objects
            self._flush()  # that live on: each full collection on the way cost 0.2-0.4 s

    def drawing(self) -> bool:
        """Is some of the picture still to be drawn (by the flush timer)?"""
        return bool(self._dirty_edges) or self._flush_timer.isActive()

    def _flush_step(self) -> None:
        """The flush timer. Past SLICE_EDGES dirty edges (a paste of thousands of nodes, its
        redo) the new nodes are painted first, on their own; the edges follow SLICE_EDGES at
        a time, each slice painted before the next, so the window answers in between instead
        of being held for the whole drawing (1-1.5 s for 50,000 edges)."""
        todo = len(self._dirty_edges)
        if todo > SLICE_EDGES and self.net is not None and self._wait_for_first_slice():
            return
        if todo > SLICE_EDGES and (self._ordering_pending or self._reroute_pending) \
                and not self._routes_later():
            with quiet_collector():  # the badges and delays, then the loops: each in a turn
                if self._ordering_pending:  # of its own
                    self._restyle_ordering()
                    self._flush_timer.start()
                else:
                    self._flush(0)
            return
        t0 = time.perf_counter()
        with quiet_collector():
            self._flush(max(self._slice, SLICE_EDGES) if todo > SLICE_EDGES else None)
        drew, took = todo - len(self._dirty_edges), time.perf_counter() - t0
        if drew > 0:  # the next slice: what fits in SLICE_MS at this pace
            self._slice = int(drew * SLICE_MS / 1000 / max(took, 1e-3))

    def _routes_later(self) -> bool:
        """Are the ordering's badges and delays and the loops' routes left to the route timer
        (a big network, not many edges to draw)?"""
        return (len(self._layer_of) > ROUTE_LATER and not self._route_now
                and len(self._dirty_edges) < ROUTE_BULK)

    def _wait_for_first_slice(self) -> bool:
        """Before a sliced drawing: paint the new nodes alone first, and let the ordering's
        worker compute the ordering (the edges' delays decide their drawing) while the UI
        stays free. True while waiting (the flush timer's turn comes again)."""
        if not self._nodes_shown:
            self._nodes_shown = True
            QTimer.singleShot(FIRST_PAINT_MS, self, self._flush_step)
            return True
        if self._ordering_pending and self.net.ordering_later():
            QTimer.singleShot(ROUTE_POLL_MS, self, self._flush_step)
            return True
        return False

    def _flush(self, limit: int | None = None) -> None:
        """Draw what changed: all of it, or the first `limit` dirty edges (the rest in the
        flush timer's next turn)."""
        self._flush_timer.stop()
        self._emit_selection()
        if self.net is None:
            return
        later = self._routes_later()
        if self._ordering_pending and not later:
            self._restyle_ordering()
        if self.groups.flush():  # blocks first: edge tags and loops keep off them
            self._reroute_pending = True
        if self._reroute_pending and not later:
            self._reroute()
        route_later = later and (self._ordering_pending or self._reroute_pending)
        self._draw_dirty(limit)
        for key in self._restyle_edges:
            self._looks.pop(key, None)
            if key in self._layer_of and key in self._geoms:
                self._mark_drawn(key)
        self._restyle_edges.clear()
        for layer in self._dirty_layers:
            layer.rebuild()
        self._dirty_layers.clear()
        if route_later and not self._route_timer.isActive():
            self._route_timer.start()  # counted from now: this flush may have been long
        if self._dirty_edges:
            self._flush_timer.start()  # the next slice
        else:
            self._nodes_shown = False

    def _draw_dirty(self, limit: int | None = None) -> None:
        """Compute the geometry of the dirty edges (all at once, or the first `limit` of
        them) and place their tags, in the order of the edits."""
        g, dirty = self.net.graph, self._dirty_edges
        if limit is None or len(dirty) <= limit:
            todo = list(dirty)
            dirty.clear()
        else:
            todo = list(islice(dirty, limit))
            for key in todo:
                del dirty[key]
        keys = [k for k in todo if k in self._layer_of and g.has_edge(*k)]
        shapes = dict(zip(keys, self._compute_geoms(keys)))
        tags, looks, geoms, layer_of = self._tags, self._looks, self._geoms, self._layer_of
        selected, layers = self.selected_edges, self._dirty_layers
        for key in todo:
            looks.pop(key, None)
            shape = shapes.get(key)
            if shape is None or not shape.tagged:
                tags.remove(key)
            else:  # a z^-d tag: on the edge, off every node and every other tag
                shape.label_pos = tags.place(key, shape.samples)
            if shape is not None:
                geoms[key] = shape
                layer = layer_of[key]
                layer.mark(key)
                layers.add(layer)
                if key in selected:
                    self._mark_drawn(key)

    def _mark_drawn(self, key) -> None:
        """The layer drawing `key` (and the selection highlight) must re-assemble it."""
        layer = self._layer_of[key]
        layer.mark(key)
        self._dirty_layers.add(layer)
        if key in self.selected_edges:
            self._highlight.mark(key)
            self._dirty_layers.add(self._highlight)

    def _compute_geoms(self, keys: list) -> list:
        """The shapes of these edges (`edge_batch`), from where their nodes are drawn: where
        the model puts them (a node item only ever moves to its node's x, y), read from the
        model's dicts (asking 5,000 items for their pos() cost as much as the geometry)."""
        if not keys:
            return []
        nodes, delays = self.net.graph._node, self._delays
        ends = [(nodes[u], nodes[v]) for u, v in keys]
        pq = np.array([(a["x"], a["y"], b["x"], b["y"]) for a, b in ends], float)
        kind, arcs = [STRAIGHT] * len(keys), {}
        for i, key in enumerate(keys):
            if key[0] == key[1]:
                kind[i] = LOOP
            elif delays.get(key, 0) >= 1:
                arc = self._arc(key, ends[i][0]["x"], ends[i][1]["x"])
                kind[i] = CURVED if arc is None else AROUND
                if arc is not None:
                    arcs[i] = arc
        return edge_shapes(pq[:, :2], pq[:, 2:], np.array(kind), arcs)

    def geom(self, key):
        return self._geoms[key]

    def drawn(self, keys) -> bool:
        """Have all these edges a geometry?"""
        geoms = self._geoms
        return all(k in geoms for k in keys)

    def look(self, key) -> tuple[bool, bool, int, int]:
        """(delayed, positive, width level, delay) of an edge, from the model (kept until
        its weight or delay changes: the edge is then dirty or restyled; the looks of bundled
        edges are not kept, bundles have their own)."""
        look = self._looks.get(key)
        return self.looks([key])[0] if look is None else look

    def looks(self, keys) -> list:
        """The looks of many edges."""
        kept, drawn, delays = self._looks, self._layer_of, self._delays
        succ = self.net.graph._succ  # networkx's own dicts: {u: {v: data}}
        for key in [k for k in keys if k not in kept]:
            u, v = key
            w, d = succ[u][v]["weight"], delays.get(key, 0)
            kept[key] = (d >= 1 or u == v, w >= 0, style.width_level(w), max(d, 1))
        out = [kept[k] for k in keys]
        for key in [k for k in keys if k not in drawn]:
            kept.pop(key, None)
        return out

    def reads_later(self, key) -> bool:
        """Does the edge's target run in reverse time (a delayed edge then reads d steps
        later: z⁺ᵈ)?"""
        return self.net.graph.nodes[key[1]].get("direction") == "reverse"

    def is_delayed(self, u: str, v: str) -> bool:
        """How the edge is currently drawn (for tests and tooltips)."""
        return self.look((u, v))[0]

    # ---------------------------------------------------------------- live layer (drags)
    def begin_live(self, nodes) -> None:
        """Move the edges of `nodes` into the small live layer while they are dragged (their
        feedback loops keep their lanes until the drop: routing all of them anew on every
        move cost 190 ms a move for 5,500 delayed edges)."""
        g = self.net.graph
        self._live_from = {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in nodes}
        keys = sorted({k for n in nodes for k in [*g.in_edges(n), *g.out_edges(n)]})
        for key in keys:  # in a fixed order: the layers they go back to after the drop keep it
            layer = self._layer_of.get(key)
            if layer is not None and layer is not self._live:
                layer.discard(key)
                self._dirty_layers.add(layer)
                self._live.add(key)
                self._layer_of[key] = self._live
        self._dirty_layers.add(self._live)
        self.flush()

    def end_live(self) -> None:
        self._live_from = None
        self._reroute_pending = True
        for key in self._live.keys:
            self._live.discard(key)
            self._layer_of.pop(key, None)
            self._add_edge(key)
        self._dirty_layers.add(self._live)
        self.flush()

    # ---------------------------------------------------------------- queries
    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem):
                return item
        return None

    def edge_at(self, pos: QPointF, tol: float = EDGE_HIT_TOLERANCE):
        best = None
        for layer in self._layers + [self._live]:
            key = layer.edge_at(pos.x(), pos.y(), tol)
            if key is not None:
                best = key
        return best

    def selected_nodes(self) -> list[str]:
        """The selected nodes, with the members of the selected blocks, in the network's
        order (Qt's selection order changes from run to run)."""
        chosen = {i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)}
        chosen.update(self.groups.selected_members())
        if len(chosen) < 2:
            return list(chosen)
        return [n for n in self.net.graph if n in chosen]

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
            for n in ids:
                if n in self.nodes:
                    self.nodes[n].setSelected(True)
                elif n in self.groups.hidden:  # in a collapsed group: its block
                    self.groups.blocks[self.groups.hidden[n]].setSelected(True)
        finally:
            self.blockSignals(blocked)
        self.selectionChanged.emit()

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
        rect = QRectF(p.x() - FREE_GAP, p.y() - FREE_GAP, 2 * FREE_GAP, 2 * FREE_GAP)
        return not any(isinstance(i, (NodeItem, GroupBlockItem)) for i in self.items(rect))

    def covers_node(self, box: tuple) -> bool:
        """Does a box (x0, y0, x1, y1) cover a node, its ordering badge or its name?"""
        return self._tags.obstacles.any_hit(box)

    def items_rect(self) -> QRectF:
        rect = QRectF()
        for item in self.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        for layer in self._layers + [self._live]:
            if len(layer):
                rect = rect.united(layer.sceneBoundingRect())
        return rect.united(self.groups.rect())

    # ---------------------------------------------------------------- values (step-through)
    def set_values(self, values: dict | None, scale: float = 1.0, *, pending=(),
                   computing: str | None = None, targets: dict | None = None) -> None:
        """Colour many nodes at once by value (step-through); None restores plain fills.

        `values` {id: value}; ids in `pending` are shown as not computed yet; `computing`
        gets a ring; `targets` {output id: target} are shown under the outputs. Items are
        recoloured, never rebuilt."""
        toggled = False
        if values is None:
            for item in self.nodes.values():
                toggled |= item.set_value(None)
            self._values.refresh(geometry=toggled)
            self.groups.set_values(None)
            return
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


def _node_box(x: float, y: float) -> tuple:
    """tags.box_of(tags.node_obstacle(x, y)), the same numbers without Qt."""
    left, top = x - style.NODE_RADIUS - 12, y - style.NODE_RADIUS - 8
    return (left, top, left + (2 * style.NODE_RADIUS + 24), top + (2 * style.NODE_RADIUS + 24))


def _ring(k: int) -> list[tuple[int, int]]:
    """Grid offsets at Chebyshev distance k, nearest to the centre first (ties: by angle, so
    the order never depends on anything but k)."""
    if k == 0:
        return [(0, 0)]
    pts = [(dx, dy) for dx in range(-k, k + 1) for dy in range(-k, k + 1)
           if max(abs(dx), abs(dy)) == k]
    return sorted(pts, key=lambda d: (d[0] * d[0] + d[1] * d[1], math.atan2(d[1], d[0])))


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
