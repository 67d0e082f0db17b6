"""The scene's drawing of edges (a mixin of `NetworkScene`): edges into batch layers, the dirty
edges' geometry computed and their z⁻ᵈ tags placed in the flush timer (a big edit a slice at a
time), what bulk removals drop freed a little at a time, and the live layer of a drag.

Its state lives on the scene (`_geoms`, `_looks`, `_layer_of`, `_layers`, `_dirty_edges`,
`_restyle_edges`, `_dirty_layers`, `_tags`, ...): `NetworkScene.__init__` makes it.
"""

from __future__ import annotations

import time
from collections import deque
from itertools import chain, compress, filterfalse, groupby, islice, repeat
from operator import eq, getitem, itemgetter

import numpy as np
from PySide6.QtCore import QTimer

from ...collector import freeze_bulk, quiet_collector
from .. import style
from .edge_batch import AROUND, CURVED, LOOP, STRAIGHT, edge_shapes
from .edge_table import tagged
from .edges import EdgeLayerItem
from .routing import ROUTE_POLL_MS

CHUNK = 6000  # edges per batch layer
ROUTE_LATER = 5000  # edges drawn past which the ordering is shown and the loops routed ...
ROUTE_SETTLE_MS = 200  # ... this long after the first edit not shown yet (UI idle again)
ROUTE_BULK = 2000  # ... unless this many edges are to be drawn: drawing them twice costs more
RELEASE_CHUNK = 2000  # geometries of dropped edges, items of removed nodes freed per idle moment
RELEASE_MS = 40  # ... this often (freeing 50,000 edges' Qt objects at once took 0.2-1.8 s)
SLICE_EDGES = 2500  # past this many dirty edges the flush timer draws them a slice at a time
SLICE_MS = 40  # ... as many edges a slice as were drawn in this long the slice before
FIRST_PAINT_MS = 15  # ... after a first paint of the new nodes alone (this long after the edit)


class SceneDrawing:
    """The edge-drawing part of `NetworkScene`."""

    def _add_edge(self, key) -> None:
        self._add_edges((key,))

    def _add_edges(self, keys) -> None:
        """Draw edges on their own, in the last layer (new ones when it is full)."""
        keys, layers, layer_of = list(keys), self._layers, self._layer_of
        room = CHUNK - len(layers[-1]) if layers else 0
        start = 0
        while start < len(keys):
            if room <= 0:
                layers.append(EdgeLayerItem(self))
                self.addItem(layers[-1])
                room = CHUNK
            part = keys[start:start + room]
            layers[-1].add_many(part)
            layer_of.update(dict.fromkeys(part, layers[-1]))
            start, room = start + len(part), room - len(part)
        self._mark_edges(keys)

    def _add_later(self, method, items: list) -> None:
        """Leave a bulk add's bookkeeping (`_add_edges` of a paste's 50,000 edges, 20-50 ms;
        `_place_obstacles` of its 5,000 nodes, 10-20 ms) to the flush timer's turn after the
        first paint (`_settle`): its first paint, the new nodes alone, needs neither."""
        self._later.append((method, items))
        self._schedule()

    @property
    def _later_edges(self) -> int:
        """How many edges `_later` holds."""
        return sum(len(items) for method, items in self._later if method == self._add_edges)

    def _settle(self) -> None:
        """Do what bulk adds left for later, in order: before anything reads the node items,
        the edges' layers, dirty edges or label obstacles, and before any other change comes
        in."""
        while self._later:
            self._settle_one()

    def _settle_one(self) -> None:
        """Do the first piece of what bulk adds left for later."""
        method, items = self._later.pop(0)
        method(items)

    def _drop_edge(self, key) -> None:
        """Stop drawing an edge on its own (it went, or went into a bundle)."""
        self._drop_edges((key,))

    def _drop_edges(self, keys) -> None:
        """(Each dict's keys popped at C speed: an undone paste drops 50,000 edges.)"""
        keys, tags = list(keys), self._tags
        gone = self._released if len(keys) > RELEASE_CHUNK else []
        gone.extend(map(self._geoms.pop, keys, repeat(None)))
        for kept in (self._looks, self._dirty_edges):
            deque(map(kept.pop, keys, repeat(None)), 0)
        tags.tags.discard_many(filter(tags.tags.boxes.__contains__, keys))
        touched: dict = {}  # layer -> its keys that go (a paste's edges lie in a few)
        owners = map(self._layer_of.pop, keys, repeat(None))
        for layer, going in groupby(zip(owners, keys), itemgetter(0)):
            if layer is not None:
                touched.setdefault(layer, []).extend(map(itemgetter(1), going))
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

    def _place_obstacles(self, nodes) -> None:
        """The nodes' areas keep edge labels off them: labels they now cover move. (No Qt
        object, no Qt call: 5,000 of them for a paste.)"""
        data, tags = self.net.graph._node, self._tags
        boxes = {n: _node_box(data[n]["x"], data[n]["y"]) for n in nodes
                 if n in data}  # (not those a removal took before this piece's turn)
        tags.obstacles.set_many(boxes)
        if tags.tags.boxes and _tags_near(tags.tags.boxes, boxes):
            covered = [key for box in boxes.values() for key in tags.tags.hits(box)]
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
        return bool(self._dirty_edges or self._later) or self._flush_timer.isActive()

    def _flush_step(self) -> None:
        """The flush timer. Past SLICE_EDGES dirty edges (a paste of thousands of nodes, its
        redo) the new nodes are painted first, on their own; the edges follow SLICE_EDGES at
        a time, each slice painted before the next, so the window answers in between instead
        of being held for the whole drawing (1-1.5 s for 50,000 edges)."""
        todo = len(self._dirty_edges) + self._later_edges
        if (todo > SLICE_EDGES or self._stand_ins) and self.net is not None \
                and self._wait_for_first_slice():
            return
        self._settle()
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
        if self._later:  # what bulk adds left for later, a piece a turn (a paste's node
            self._settle_one()  # items, its obstacles, its edges into the layers: 20-50 ms
            QTimer.singleShot(0, self, self._flush_step)  # each), the ordering's worker busy
            return True
        if self._ordering_pending and self.net.ordering_later():
            QTimer.singleShot(ROUTE_POLL_MS, self, self._flush_step)
            return True
        return False

    def _flush(self, limit: int | None = None) -> None:
        """Draw what changed: all of it, or the first `limit` dirty edges (the rest in the
        flush timer's next turn)."""
        self._flush_timer.stop()
        self._settle()
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
        drew = self._draw_dirty(limit)
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
        freeze_bulk(drew, len(self.nodes) + len(self._layer_of))  # the geometry, the paths

    def _draw_dirty(self, limit: int | None = None) -> int:
        """Compute the geometry of the dirty edges (all at once, or the first `limit` of
        them) and their looks, and place their tags, in the order of the edits; returns how
        many."""
        todo = self._next_dirty(limit)
        keys, us, vs, data = self._in_model(todo)
        p, q, delay, loop = self._ends(us, vs, keys)
        shapes = self._compute_geoms(keys, p, q, delay, loop)
        looks = self._looks
        deque(map(looks.pop, todo, repeat(None)), 0)  # (each popped, at C speed)
        weights = np.fromiter(map(getitem, data, repeat("weight")), float, len(data))
        looks.update(zip(keys, _packed_looks(weights, delay, loop).tolist()))
        self._place_tags(todo, dict(compress(zip(keys, shapes), tagged(shapes))))
        self._geoms.update(zip(keys, shapes))
        layers, layer_of = self._dirty_layers, self._layer_of
        for layer, mine in groupby(keys, layer_of.__getitem__):
            layer.mark_many(mine)
            layers.add(layer)
        if self.selected_edges:
            for key in self.selected_edges.intersection(keys):
                self._mark_drawn(key)
        return len(todo)

    def _next_dirty(self, limit: int | None) -> list:
        """The dirty edges to draw now (all, or the first `limit`), no longer dirty."""
        dirty = self._dirty_edges
        if limit is None or len(dirty) <= limit:
            todo = list(dirty)
            dirty.clear()
        else:
            todo = list(islice(dirty, limit))
            deque(map(dirty.__delitem__, todo), 0)
        return todo

    def _in_model(self, todo: list) -> tuple:
        """The edges among `todo` drawn on their own and still in the model: their keys,
        sources, targets and model data (networkx's own dicts)."""
        keys = list(filter(self._layer_of.__contains__, todo))
        us, vs = zip(*keys) if keys else ((), ())
        data = list(map(dict.get, map(self.net.graph._succ.get, us, repeat({})), vs))
        if None in data:  # gone from the model: not drawn
            keys = [k for k, x in zip(keys, data) if x is not None]
            return self._in_model(keys)
        return keys, us, vs, data

    def _place_tags(self, todo: list, tagged: dict) -> None:
        """The z^-d tags of the `tagged` {key: shape} among `todo`: on the edge, off every node
        and every other tag; the other edges' tags go (in the order of `todo`: each spot
        depends on the tags placed before)."""
        tags, placed = self._tags, self._tags.tags.boxes
        mine = tagged.keys() | (placed.keys() & todo)  # the others' tags stay as they are
        for key in filter(mine.__contains__, todo):
            shape = tagged.get(key)
            if shape is not None:
                shape.label_pos = tags.place(key, shape.samples)
            else:
                tags.remove(key)

    def _mark_drawn(self, key) -> None:
        """The layer drawing `key` (and the selection highlight) must re-assemble it."""
        layer = self._layer_of[key]
        layer.mark(key)
        self._dirty_layers.add(layer)
        if key in self.selected_edges:
            self._highlight.mark(key)
            self._dirty_layers.add(self._highlight)

    def _ends(self, us, vs, keys) -> tuple:
        """Where these edges' nodes are drawn (n, 2), (n, 2): where the model puts them (a
        node item only ever moves to its node's x, y), read from the model's dicts (asking
        5,000 items for their pos() cost as much as the geometry); their delays, and which
        are self-loops."""
        nodes, n = self.net.graph._node, len(keys)
        ends = list(nodes) if 2 * n > len(nodes) else list(dict.fromkeys(chain(us, vs)))
        at = dict(zip(ends, range(len(ends))))
        data = list(map(nodes.__getitem__, ends))
        xy = np.stack([np.fromiter(map(getitem, data, repeat(c)), float, len(data))
                       for c in ("x", "y")], axis=1)
        iu = np.fromiter(map(at.__getitem__, us), np.intp, n)
        iv = np.fromiter(map(at.__getitem__, vs), np.intp, n)
        delay = np.fromiter(map(self._delays.get, keys, repeat(0)), np.int64, n)
        return xy[iu], xy[iv], delay, iu == iv

    def _compute_geoms(self, keys: list, p, q, delay, loop) -> list:
        """The shapes of these edges (`edge_batch`) from their ends, delays and self-loops."""
        if not keys:
            return []
        delayed = delay >= 1
        kind = np.where(loop, LOOP, np.where(delayed, CURVED, STRAIGHT))
        at = np.flatnonzero(delayed & ~loop)
        found = map(self._arc, map(keys.__getitem__, at.tolist()), p[at, 0].tolist(),
                    q[at, 0].tolist())
        arcs = {i: arc for i, arc in zip(at.tolist(), found) if arc is not None}
        kind[list(arcs)] = AROUND
        return edge_shapes(p, q, kind, arcs)

    def geom(self, key):
        return self._geoms[key]

    def geoms(self, keys) -> list:
        return list(map(self._geoms.__getitem__, keys))

    def drawn(self, keys) -> bool:
        """Have all these edges a geometry?"""
        return all(map(self._geoms.__contains__, keys))

    def look(self, key) -> tuple[bool, bool, int, int]:
        """(delayed, positive, width level, delay) of an edge, from the model (kept until
        its weight or delay changes: the edge is then dirty or restyled; the looks of bundled
        edges are not kept, bundles have their own)."""
        delayed, positive, level, delay = self.looks([key])[0].tolist()
        return bool(delayed), bool(positive), level, delay

    def looks(self, keys) -> np.ndarray:
        """The looks of many edges, (n, 4): delayed, positive, width level, delay (kept
        packed in one int an edge)."""
        self._settle()
        kept, drawn = self._looks, self._layer_of
        new = list(filterfalse(kept.__contains__, keys))
        if new:
            kept.update(zip(new, self._new_looks(new).tolist()))
        code = np.fromiter(map(kept.__getitem__, keys), np.int64, len(keys))
        for key in filterfalse(drawn.__contains__, keys):
            kept.pop(key, None)
        return np.stack([code & 1, code >> 1 & 1, code >> 2 & 7, code >> 5], axis=1)

    def _new_looks(self, keys: list) -> np.ndarray:
        succ, n = self.net.graph._succ, len(keys)  # networkx's own dicts: {u: {v: data}}
        us, vs = zip(*keys)
        data = map(getitem, map(getitem, map(succ.__getitem__, us), vs), repeat("weight"))
        delay = np.fromiter(map(self._delays.get, keys, repeat(0)), np.int64, n)
        return _packed_looks(np.fromiter(data, float, n), delay,
                             np.fromiter(map(eq, us, vs), bool, n))

    def reads_later(self, key) -> bool:
        """Does the edge's target run in reverse time (a delayed edge then reads d steps
        later: z⁺ᵈ)?"""
        return self.net.graph.nodes[key[1]].get("direction") == "reverse"

    def is_delayed(self, u: str, v: str) -> bool:
        """How the edge is currently drawn (for tests and tooltips)."""
        return self.look((u, v))[0]

    def begin_live(self, nodes) -> None:
        """Move the edges of `nodes` into the small live layer while they are dragged (their
        feedback loops keep their lanes until the drop: routing all of them anew on every
        move cost 190 ms a move for 5,500 delayed edges)."""
        self._settle()
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
        self._settle()
        self._live_from = None
        self._reroute_pending = True
        for key in self._live.keys:
            self._live.discard(key)
            self._layer_of.pop(key, None)
            self._add_edge(key)
        self._dirty_layers.add(self._live)
        self.flush()



def _packed_looks(weight: np.ndarray, delay: np.ndarray, loop: np.ndarray) -> np.ndarray:
    """Edges' looks packed in one int each (`looks` unpacks them): delayed (a delay or a
    self-loop), positive, width level, delay (at least 1)."""
    delayed = (delay >= 1) | loop
    return delayed + 2 * (weight >= 0) + 4 * style.width_levels(weight) + 32 * np.maximum(
        delay, 1)


def _tags_near(placed: dict, boxes: dict) -> bool:
    """Does a placed tag meet the area all these boxes span (tags._meet)? A paste of 5,000
    nodes beside the network covers no tag: asking box by box cost 10-15 ms of its first
    paint."""
    if len(boxes) < 64:
        return True  # (as cheap box by box)
    b = np.array(list(boxes.values()))
    x0, y0 = b[:, 0].min(), b[:, 1].min()
    x1, y1 = b[:, 2].max(), b[:, 3].max()
    t = np.array(list(placed.values()))
    return bool(((t[:, 0] < x1) & (x0 < t[:, 2]) & (t[:, 1] < y1) & (y0 < t[:, 3])).any())


def _node_box(x: float, y: float) -> tuple:
    """tags.box_of(tags.node_obstacle(x, y)), the same numbers without Qt."""
    left, top = x - style.NODE_RADIUS - 12, y - style.NODE_RADIUS - 8
    return (left, top, left + (2 * style.NODE_RADIUS + 24), top + (2 * style.NODE_RADIUS + 24))
