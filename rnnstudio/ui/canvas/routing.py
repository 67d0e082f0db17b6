"""The canvas's loop routing (a mixin of `NetworkScene`): the ordering's badges and the delays
it gives the edges, and the delayed edges drawn around the layers (`layout.route_arcs`).

A big network does both a moment after the edits (`_route_when_ordered`, from the scene's route
timer), once the ordering's worker is done; `route_now` does them at once.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QTimer

from ...layout import route_arcs

ROUTE_POLL_MS = 25  # the ordering's worker is polled this often (Network.ordering_later)


class SceneRouting:
    """The ordering and loop-routing part of `NetworkScene` (its state lives on the scene:
    `_delays`, `_arcs`, `_ordering_pending`, `_reroute_pending`, `_route_now`)."""

    def _restyle_ordering(self) -> None:
        self._ordering_pending = False
        order = self.net.ordering()
        for i, n in enumerate(order):
            if n in self.nodes:
                self.nodes[n].set_badge(i + 1)
        delays = self.net.delays()
        old = self._delays
        changed = [k for k, d in delays.items() if old.get(k, 0) != d]  # drawn with 0 so far
        self._delays = delays
        drawn = self._layer_of  # bundled edges are drawn by their bundles
        self._dirty_edges.update(dict.fromkeys(k for k in changed if k in drawn))
        if changed and self.groups.hidden:
            self.groups.mark_structure()
        self._reroute_pending = self._reroute_pending or bool(changed)

    def _route_when_ordered(self) -> None:
        """The route timer: a big network's ordering is computed in a worker thread, the loops
        are routed once it is in (polled, instead of waiting for it here)."""
        if self.net is not None and self._ordering_pending and self.net.ordering_later():
            QTimer.singleShot(ROUTE_POLL_MS, self, self._route_when_ordered)
        else:
            self.route_now()

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
        are redrawn."""
        self._reroute_pending = False
        g = self.net.graph
        pos = {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in self.nodes}  # the drawn nodes
        pos.update(self.groups.route_marks())  # and the blocks: lanes pass them too
        drawn = self._layer_of  # bundled edges are drawn by their bundles
        arcs = route_arcs(pos, [k for k, d in self._delays.items() if d >= 1 and k in drawn],
                          self._delays)
        old = self._arcs
        self._dirty_edges.update(dict.fromkeys(
            k for k in sorted(old.keys() | arcs.keys()) if old.get(k) != arcs.get(k)))
        self._arcs = arcs

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
