"""The canvas's loop routing (a mixin of `NetworkScene`): the ordering's badges and the delays
it gives the edges, and the delayed edges drawn around the layers (`layout.route_arcs`).

A big network does both a moment after the edits (`_route_when_ordered`, from the scene's route
timer), once the ordering's worker is done; `route_now` does them at once.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import compress, repeat

import numpy as np

from PySide6.QtCore import QTimer

from ...layout.routes import Routes
from ..turns import next_turn, queued

ROUTE_POLL_MS = 25  # the ordering's worker is polled this often (Network.ordering_later)


class SceneRouting:
    """The ordering and loop-routing part of `NetworkScene` (its state lives on the scene:
    `_delays`, `_arcs`, `_ordering_pending`, `_reroute_pending`, `_route_now`)."""

    _routes = None  # layout.Routes: the last routes, whose `arcs` the scene's `_arcs` is

    def _restyle_ordering(self) -> None:
        self._settle()  # (the delays of the edges drawn on their own: `_layer_of`)
        self._ordering_pending = False
        order, items = self.net.ordering(), self.nodes
        for i, n in enumerate(order):
            if n in items:
                items[n].set_badge(i + 1)
        delays = self.net.delays()
        changed = _changed(self._delays, delays)
        self._delays = delays
        drawn, looks = self._layer_of, self._looks  # bundled edges are drawn by their bundles
        for key in changed:  # their looks say the new delay at once, their shapes follow
            looks.pop(key, None)
        self._dirty_edges.update(dict.fromkeys(k for k in changed if k in drawn))
        if changed and self.groups.hidden:
            self.groups.mark_structure()
        self._reroute_pending = self._reroute_pending or bool(changed)

    def _route_when_ordered(self) -> None:
        """The route timer: a big network's ordering is computed in a worker thread, the loops
        are routed once it is in (polled, instead of waiting for it here), in turns of the UI
        shared with the other views (`turns`)."""
        if self.net is not None:  # (asking for the ordering may copy the network: 20-40 ms)
            next_turn(self, self._route_step)

    def _route_step(self) -> None:
        """One turn's piece: the ordering (badges, the delays it gives), or once it is shown
        the loops, or once they are routed the drawing of what changed (each 10-40 ms at
        50,000 edges)."""
        if self.net is None:
            return
        if not self._ordering_pending:
            if self._reroute_pending:  # the loops in this turn, their drawing in the next
                self._reroute()  # (blocks of groups changed since are placed first there,
                next_turn(self, self._route_step)  # and the loops routed again if so)
            else:
                self.route_now()
        elif self.net.ordering_later():  # computed in its worker: polled
            QTimer.singleShot(ROUTE_POLL_MS, self, self._route_when_ordered)
        else:
            self._restyle_ordering()
            next_turn(self, self._route_step)

    def routing(self) -> bool:
        """Is the ordering, the loops' routing or their drawing still to come (a big
        network's, a moment after an edit)? Between two turns' pieces no flag is up: the
        piece waiting for its turn says it."""
        return (self._route_timer.isActive() or self._ordering_pending
                or self._reroute_pending or self._flush_timer.isActive()
                or queued(self, self._route_step))

    def route_now(self) -> None:
        """Show the ordering and route the loops now, and draw what changed (a big network
        does both a moment after the edits)."""
        self._route_now = True
        try:
            self.flush()
        finally:
            self._route_now = False

    def _reroute(self) -> None:
        """Delayed edges back to an earlier column (or within one) are drawn around the
        layers (`layout.route_arcs`); their lanes depend on every node's place, so they are
        routed anew after moves and structure changes, and the edges whose route changed
        are redrawn (`layout.Routes`: only those get new arcs)."""
        self._settle()
        self._reroute_pending = False
        nodes = self.net.graph._node
        pos = {n: (nodes[n]["x"], nodes[n]["y"]) for n in self.nodes}  # the drawn nodes
        pos.update(self.groups.route_marks())  # and the blocks: lanes pass them too
        drawn = self._layer_of  # bundled edges are drawn by their bundles
        routes = self._routes
        if routes is None or routes.arcs is not self._arcs:  # a new network (`_clear`)
            routes = self._routes = Routes()
        keys, steps = _delayed(self._delays)
        if self.groups.hidden:  # (else every edge is drawn on its own)
            kept = [k in drawn for k in keys]
            keys, steps = list(compress(keys, kept)), steps[np.array(kept, bool)]
        changed = routes.update(pos, keys, steps=steps)
        self._dirty_edges.update(dict.fromkeys(changed))
        self._arcs = routes.arcs

    def _arc(self, key, px: float, qx: float):
        """The edge's route around the layers; while dragging, its turns follow the dragged
        ends and its lane stays."""
        arc = self._arcs.get(key)
        if arc is None or self._live_from is None:
            return arc
        u, v = key
        du = px - self._live_from[u][0] if u in self._live_from else 0.0
        dv = qx - self._live_from[v][0] if v in self._live_from else 0.0
        return replace(arc, out_x=arc.out_x + du, in_x=arc.in_x + dv)


def _changed(old: dict, new: dict) -> list:
    """The edges whose delay in `new` differs from `old`'s (0 where old has none), in
    `new`'s order, compared as arrays (50,000 edges one by one: 10-40 ms)."""
    keys = list(new)
    b = np.fromiter(new.values(), np.int64, len(keys))
    if len(old) == len(keys) and list(old) == keys:  # the same edges (no edge came or went)
        a = np.fromiter(old.values(), np.int64, len(keys))
    else:
        a = np.fromiter(map(old.get, keys, repeat(0)), np.int64, len(keys))
    return [keys[i] for i in np.flatnonzero(a != b).tolist()]


def _delayed(delays: dict) -> tuple[list, np.ndarray]:
    """The edges of delay 1 or more, in `delays`' order, and their delays (an array's pass
    over 50,000 delays instead of Python's; delays are ints up to the model's MAX_DELAY)."""
    keys = list(delays)
    d = np.fromiter(delays.values(), np.int64, len(delays))
    at = np.flatnonzero(d >= 1)
    return [keys[i] for i in at.tolist()], d[at]
