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

from itertools import repeat
from operator import itemgetter
from typing import Any, Iterable

import networkx as nx

from . import events as ev
from .errors import NetworkError
from .columns import edge_columns, edge_records, insert_new_edges, plain_edges, plain_nodes
from .values import ID_PREFIX, KINDS, _choice


def _at(exc: NetworkError, index: int) -> NetworkError:
    exc.index = index
    return exc


class BulkMixin:
    """`add_nodes` / `add_edges` of `Network` (see the module docstring)."""

    def new_ids(self, kinds: list) -> list[str]:
        """Fresh ids for nodes of `kinds` (in order): what as many calls of `new_id(kind)`
        hand out (each prefix's free numbers in turn), without a call per node."""
        prefixes = list(map(ID_PREFIX.get, kinds, repeat("n")))  # (counters set in new_id's
        handed = {p: iter(self._free_numbered(p, prefixes.count(p)))  # order: first come)
                  for p in dict.fromkeys(prefixes)}
        return list(map(next, map(handed.__getitem__, prefixes)))

    def _free_numbered(self, prefix: str, count: int) -> list[str]:
        """The next `count` ids `prefix` + number not in the graph, from where `new_id` goes
        on; it goes on after them."""
        k, ids, nodes = self._id_counter.get(prefix, 0), [], self.graph._node
        while len(ids) < count:
            batch = list(map(prefix.__add__, map(str, range(k, k + count - len(ids)))))
            ids += batch if nodes.keys().isdisjoint(batch) else [
                n for n in batch if n not in nodes]
            k += len(batch)
        self._id_counter[prefix] = int(ids[-1][len(prefix):]) + 1
        return ids

    def add_nodes(self, records: Iterable[tuple[str, str, dict[str, Any]]]) -> list[str]:
        """Add nodes [(id, kind, attrs)] (inputs and outputs go last in their column order)."""
        records = list(records)
        checked = plain_nodes(self.graph._node, records) if records else None
        if checked is None:
            checked = self._checked_nodes(records)
        if not checked:
            return []
        g = self.graph
        with self.batch():
            for node, kind, data in checked:  # as graph.add_node does, without its call
                g._succ[node], g._pred[node], g._node[node] = {}, {}, data
                if kind == "input":
                    self._inputs.append(node)
                elif kind == "output":
                    self._outputs.append(node)
                if kind != "input" and self._mode == "manual":
                    self._manual.append(node)
            self._structure_changed()
            nodes = tuple(map(itemgetter(0), checked))
            self.events.emit(ev.Event(ev.NODES_ADDED, nodes=nodes))
            if set(map(itemgetter(1), checked)) != {"neuron"}:
                self.events.emit(ev.Event(ev.IO_CHANGED))
            self._ordering_changed()
        return list(nodes)

    def _checked_nodes(self, records: list) -> list:
        """[(node, kind, data)] of the nodes checked one by one, as `add_node` checks them; a
        refusal raises NetworkError with the index of the first node at fault."""
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
        return checked

    def add_edges(self, records: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Add edges [(source, target, attrs)]; attrs as `add_edge`'s keywords."""
        records = list(records)
        columns = edge_columns(records) if records else None
        self._add_edges(columns, records)

    def add_edge_columns(self, sources: list, targets: list, weights: list, delays: list,
                         trainables: list) -> None:
        """`add_edges` of the edges given column by column (edge i: sources[i] -> targets[i],
        weights[i], ...: columns of one length), as a file's loader has them: no record per
        edge."""
        if len(sources):
            self._add_edges((sources, targets, weights, delays, trainables), None)

    def _add_edges(self, columns: tuple | None, records: list | None) -> None:
        """The edges' data in a few passes when every edge is an ordinary one (`plain_edges`:
        a paste's 50,000 edges); else `_checked_edges` decides (the same data, or the
        refusal of the first edge at fault)."""
        datas = None if columns is None else plain_edges(self.graph._node, *columns)
        if datas is not None and insert_new_edges(self.graph, columns[0], columns[1], datas):
            us, vs, delays = columns[0], columns[1], columns[3]
        else:
            checked = self._checked_edges(edge_records(*columns) if records is None else records)
            if not checked:
                return
            (us, vs), datas = zip(*checked), list(checked.values())
            insert_new_edges(self.graph, us, vs, datas)  # (checked: all new, each once)
            delays = list(map(itemgetter("delay"), datas))
        self._added_edges(us, vs, delays)

    def _added_edges(self, us, vs, delays: list) -> None:
        """The edges us[i] -> vs[i] (delay delays[i]) just put into the graph stay, unless an
        explicit delay-0 one closes a loop or, in a manual or position ordering, points
        backwards (they go again, and the refusal names it)."""
        keys = tuple(zip(us, vs))
        try:
            self._check_new_forced(keys, delays)
        except NetworkError:
            succ, pred = self.graph._succ, self.graph._pred
            for u, v in keys:
                del succ[u][v], pred[v][u]
            raise
        with self.batch():
            self._structure_changed()
            self.events.emit(ev.Event(ev.EDGES_ADDED, edges=keys))
            self._ordering_changed()

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

    def _check_new_forced(self, keys: tuple, delays: list) -> None:
        """The new explicit delay-0 edges (`keys[i]`: delay `delays[i]`) close no algebraic
        loop (one search for all: an edge closes one when its ends are in one strongly
        connected component of the delay-0 edges) and, in a manual or position ordering,
        point forward."""
        if 0 not in delays:  # (one pass in C: the common case)
            return
        forced = [k for k, d in zip(keys, delays) if d == 0 and not isinstance(d, (str, bool))]
        if not forced:
            return
        zero = nx.DiGraph((u, v) for u, v, d in self.graph.edges(data="delay")
                          if d == 0 and not isinstance(d, (str, bool)))
        component = {n: c for c, nodes in enumerate(nx.strongly_connected_components(zero))
                     for n in nodes}
        if any(component[u] == component[v] for u, v in forced):
            self._refuse_loop(forced, zero, keys)
        try:
            self._check_forced_edges(forced)
        except NetworkError as exc:
            raise _at(exc, keys.index(exc.edge)) from None

    def _refuse_loop(self, forced: list, zero: nx.DiGraph, keys: tuple) -> None:
        """Name the edge that closes a loop first, as adding the edges one by one would."""
        zero = zero.copy()
        zero.remove_edges_from(forced)
        for u, v in forced:
            if zero.has_node(v) and zero.has_node(u) and nx.has_path(zero, v, u):
                loop = " -> ".join([u] + nx.shortest_path(zero, v, u))
                raise _at(NetworkError(f"edge {u} -> {v}: explicit delay 0 closes an algebraic "
                                       f"loop {loop} (every edge in it reads the same step); "
                                       "give one a delay", edge=(u, v)), keys.index((u, v)))
            zero.add_edge(u, v)

    def remove_edges(self, keys: Iterable[tuple[str, str]]) -> None:
        """Remove edges [(source, target)] (all of them exist, or nothing happens)."""
        keys = list(keys)
        if not set(map(type, keys)) <= {tuple}:  # (an undone paste's 50,000: tuples already)
            keys = list(map(tuple, keys))
        keys = list(dict.fromkeys(keys))
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
