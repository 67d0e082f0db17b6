"""Adding or removing many nodes or edges at once (loading a file, pasting, inserting a
template, undoing a paste, deleting a selection). No Qt.

`add_nodes` and `add_edges` check every item exactly as `add_node` and `add_edge` do, then add
them all, or nothing: a refusal raises `NetworkError` whose `index` is the item at fault. What
one edge at a time costs per edit (an algebraic-loop search from each explicit delay-0 edge, the
manual/position rule, the caches cleared and an ordering event per edge) is done once for all.
Subscribers see one bulk event for all the items (nodes_added / edges_added, events.py).
`remove_nodes` and `remove_edges` do what `remove_node` / `remove_edge` do for each, in time
linear in what goes: one edges_removed and one nodes_removed event, one ordering event, one io
event, one group event per group that changed.
"""

from __future__ import annotations

from typing import Any, Iterable

import networkx as nx

from . import events as ev
from .errors import NetworkError
from .values import KINDS, MAX_ABS_VALUE, MAX_DELAY, _choice


def _at(exc: NetworkError, index: int) -> NetworkError:
    exc.index = index
    return exc


def _index(records: list, key: tuple) -> int:
    """Where the edge `key` is in `records` (each edge is there once)."""
    return next(i for i, (u, v, _) in enumerate(records) if (u, v) == key)


_EDGE_KEYS = frozenset(("weight", "delay", "trainable"))


def _plain_ends(nodes: dict) -> tuple[set, set]:
    """The nodes an ordinary new edge may leave (forward-time ones) and enter (those of them
    that are not inputs): what `_plain_edge` asks of its ends, once for all the edges."""
    sources = {n for n, d in nodes.items() if d.get("direction") != "reverse"}
    return sources, {n for n in sources if nodes[n]["kind"] != "input"}


def _plain_edge(ends: tuple, succ: dict, u, v, attrs: dict, limits: tuple) -> dict | None:
    """The checked attributes of an ordinary new edge u -> v (from a known forward-time node
    into a known forward-time non-input (`ends`: `_plain_ends`), not there yet; a float weight,
    "auto" or a whole delay, a bool trainable; no self-loop of delay 0), exactly as
    `Network._edge_data` gives them, without its calls (a paste adds 50,000 edges); None for
    any other: `_edge_data` decides. `limits`: the largest weight and delay."""
    if type(u) is not str or type(v) is not str or u not in ends[0] or v not in ends[1] \
            or v in succ[u] or not attrs.keys() <= _EDGE_KEYS:
        return None
    w, d, t = attrs.get("weight", 1.0), attrs.get("delay", "auto"), attrs.get("trainable", True)
    if type(w) is not float or not -limits[0] <= w <= limits[0] or type(t) is not bool:
        return None
    if type(d) is int:
        if not 0 <= d <= limits[1] or (d == 0 and u == v):
            return None
    elif type(d) is not str or d != "auto":
        return None
    return {"weight": w, "delay": d, "trainable": t}


class BulkMixin:
    """`add_nodes` / `add_edges` of `Network` (see the module docstring)."""

    def add_nodes(self, records: Iterable[tuple[str, str, dict[str, Any]]]) -> list[str]:
        """Add nodes [(id, kind, attrs)] (inputs and outputs go last in their column order)."""
        checked, seen = [], set()
        for i, (node, kind, attrs) in enumerate(records):
            try:
                _choice(kind, KINDS, "kind", node=node)
                self._check_new_id(node)
                if node in seen:
                    raise NetworkError(f"node {node}: a node with this id already exists",
                                       node=node)
                checked.append((node, kind, self._node_data(node, kind, attrs)))
            except NetworkError as exc:
                raise _at(exc, i) from None
            seen.add(node)
        if not checked:
            return []
        with self.batch():
            for node, kind, data in checked:
                self.graph.add_node(node, **data)
                if kind == "input":
                    self._inputs.append(node)
                elif kind == "output":
                    self._outputs.append(node)
                if kind != "input" and self._mode == "manual":
                    self._manual.append(node)
            self._structure_changed()
            self.events.emit(ev.Event(ev.NODES_ADDED, nodes=tuple(n for n, _, _ in checked)))
            if any(kind != "neuron" for _, kind, _ in checked):
                self.events.emit(ev.Event(ev.IO_CHANGED))
            self._ordering_changed()
        return [node for node, _, _ in checked]

    def add_edges(self, records: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Add edges [(source, target, attrs)]; attrs as `add_edge`'s keywords."""
        records = list(records)
        checked = self._plain_edges(records)
        if checked is None:
            checked = self._checked_edges(records)
        if not checked:
            return
        succ, pred = self.graph._succ, self.graph._pred
        for (u, v), data in checked.items():
            succ[u][v] = pred[v][u] = data
        try:
            self._check_new_forced(checked, records)
        except NetworkError:
            for u, v in checked:
                del succ[u][v], pred[v][u]
            raise
        with self.batch():
            self._structure_changed()
            self.events.emit(ev.Event(ev.EDGES_ADDED, edges=tuple(checked)))
            self._ordering_changed()

    def _plain_edges(self, records: list) -> dict | None:
        """{(u, v): data} when every edge is an ordinary one (`_plain_edge`) and none comes
        twice: the checks of a paste's 50,000 edges in a few passes; else None, and
        `_checked_edges` decides (the same result, or the refusal of the first edge at
        fault)."""
        succ, limits = self.graph._succ, (MAX_ABS_VALUE, MAX_DELAY)
        ends = _plain_ends(self.graph._node)
        try:
            datas = [_plain_edge(ends, succ, u, v, a, limits) for u, v, a in records]
            checked = dict(zip([(u, v) for u, v, _ in records], datas))
        except Exception:  # noqa: BLE001 - a malformed record: the exact loop says what
            return None
        return checked if len(checked) == len(records) and None not in datas else None

    def _checked_edges(self, records: list) -> dict:
        """{(u, v): data} of the edges checked one by one, as `add_edge` checks them; a
        refusal raises NetworkError with the index of the first edge at fault."""
        checked: dict[tuple[str, str], dict] = {}
        for i, (u, v, attrs) in enumerate(records):
            try:
                if (u, v) in checked:
                    raise NetworkError(f"edge {u} -> {v}: there is already an edge from {u} "
                                       f"to {v}", edge=(u, v))
                checked[(u, v)] = self._edge_data(u, v, **attrs)
            except TypeError as exc:  # an unknown keyword, as add_edge(**attrs) would say
                raise _at(NetworkError(f"edge {u} -> {v}: {exc}", edge=(u, v)), i) from None
            except NetworkError as exc:
                raise _at(exc, i) from None
        return checked

    def _check_new_forced(self, checked: dict, records: list) -> None:
        """The new explicit delay-0 edges close no algebraic loop (one search for all: an edge
        closes one when its ends are in one strongly connected component of the delay-0
        edges) and, in a manual or position ordering, point forward."""
        forced = [k for k, d in checked.items()
                  if d["delay"] == 0 and not isinstance(d["delay"], (str, bool))]
        if not forced:
            return
        zero = nx.DiGraph((u, v) for u, v, d in self.graph.edges(data="delay")
                          if d == 0 and not isinstance(d, (str, bool)))
        component = {n: c for c, nodes in enumerate(nx.strongly_connected_components(zero))
                     for n in nodes}
        if any(component[u] == component[v] for u, v in forced):
            self._refuse_loop(forced, zero, records)
        try:
            self._check_forced_edges(forced)
        except NetworkError as exc:
            raise _at(exc, _index(records, exc.edge)) from None

    def _refuse_loop(self, forced: list, zero: nx.DiGraph, records: list) -> None:
        """Name the edge that closes a loop first, as adding the edges one by one would."""
        zero = zero.copy()
        zero.remove_edges_from(forced)
        for u, v in forced:
            if zero.has_node(v) and zero.has_node(u) and nx.has_path(zero, v, u):
                loop = " -> ".join([u] + nx.shortest_path(zero, v, u))
                raise _at(NetworkError(f"edge {u} -> {v}: explicit delay 0 closes an algebraic "
                                       f"loop {loop} (every edge in it reads the same step); "
                                       "give one a delay", edge=(u, v)), _index(records, (u, v)))
            zero.add_edge(u, v)

    def remove_edges(self, keys: Iterable[tuple[str, str]]) -> None:
        """Remove edges [(source, target)] (all of them exist, or nothing happens)."""
        keys = list(dict.fromkeys(tuple(k) for k in keys))
        succ, pred = self.graph._succ, self.graph._pred
        for u, v in keys:
            if u not in succ or v not in succ[u]:
                self._require_edge(u, v)  # raises, naming it
        if not keys:
            return
        for u, v in keys:
            del succ[u][v], pred[v][u]
        with self.batch():
            self._structure_changed()
            self.events.emit(ev.Event(ev.EDGES_REMOVED, edges=tuple(keys)))
            self._ordering_changed()

    def remove_nodes(self, nodes: Iterable[str]) -> None:
        """Remove nodes and their edges (all the nodes exist, or nothing happens): one
        edges_removed event for the edges first, then one nodes_removed."""
        nodes = list(dict.fromkeys(nodes))
        for n in nodes:
            self._require_node(n)
        if not nodes:
            return
        g = self.graph
        edges: dict = {}  # each node's in-edges, then its out-edges
        for n in nodes:
            edges.update(dict.fromkeys((u, n) for u in g._pred[n]))
            edges.update(dict.fromkeys((n, v) for v in g._succ[n]))
        kinds = {n: g._node[n]["kind"] for n in nodes}
        gone = set(nodes)
        with self.batch():
            self.remove_edges(edges)
            g.remove_nodes_from(nodes)
            self._inputs = [n for n in self._inputs if n not in gone]
            self._outputs = [n for n in self._outputs if n not in gone]
            self._manual = [n for n in self._manual if n not in gone]
            self._drop_from_groups(nodes)
            self._structure_changed()
            self.events.emit(ev.Event(ev.NODES_REMOVED, nodes=tuple(nodes)))
            if any(k != "neuron" for k in kinds.values()):
                self.events.emit(ev.Event(ev.IO_CHANGED))
            self._ordering_changed()
