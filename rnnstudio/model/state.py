"""Whole-network state: snapshots and copies, equality, and the order of the graph. No Qt.

The graph's order is part of the network. The auto ordering breaks its ties by the order the
nodes were created in, the file lists nodes and edges in it, and a node's incoming edges are
read in it. So undo must put back not only the nodes and edges it removed but their places:
`graph_positions` records where some nodes and edges sit, `restore_graph_positions` moves them
back there once they are in the graph again (the others keeping their relative order).

`StateMixin` gives `Network` these methods; it works on the networkx graph's own dicts
(`_node`, `_succ`, `_pred`), reordered in place so the graph's cached views stay valid.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable

import networkx as nx

from ..pacing import paced
from . import events as ev

Positions = dict[str, dict]


def _reorder(d: dict, placed: dict) -> None:
    """Move the keys of `placed` ({key: index}) to those indexes in dict `d`, in place; the
    other keys keep their relative order."""
    if not placed:
        return
    rest = iter([k for k in d if k not in placed])
    at = {i: k for k, i in placed.items()}
    order = [at[i] if i in at else next(rest) for i in range(len(d))]
    items = [(k, d[k]) for k in order]
    d.clear()
    d.update(items)


class StateMixin:
    """Snapshots, copies, equality and graph order of `Network` (see the module docstring)."""

    graph: nx.DiGraph

    # ------------------------------------------------------------------ graph order
    def graph_positions(self, nodes: Iterable[str] = (),
                        edges: Iterable[tuple[str, str]] = ()) -> Positions:
        """Where `nodes` and `edges` sit in the graph's order: node index, and for each edge its
        index among its source's successors and among its target's predecessors."""
        g = self.graph
        nodes = list(nodes)
        index = {n: i for i, n in enumerate(g._node)} if nodes else {}
        succ: dict[str, dict[str, int]] = {}
        pred: dict[str, dict[str, int]] = {}
        lists: dict[tuple[str, str], dict[str, int]] = {}
        for u, v in edges:
            if ("s", u) not in lists:
                lists["s", u] = {w: i for i, w in enumerate(g._succ[u])}
            if ("p", v) not in lists:
                lists["p", v] = {w: i for i, w in enumerate(g._pred[v])}
            succ.setdefault(u, {})[v] = lists["s", u][v]
            pred.setdefault(v, {})[u] = lists["p", v][u]
        return {"nodes": {n: index[n] for n in nodes}, "succ": succ, "pred": pred}

    def restore_graph_positions(self, positions: Positions) -> None:
        """Put the recorded nodes and edges (all in the graph again) back in their places."""
        g = self.graph
        placed = positions["nodes"]
        for d in (g._node, g._succ, g._pred):
            _reorder(d, placed)
        for u, at in positions["succ"].items():
            _reorder(g._succ[u], at)
        for v, at in positions["pred"].items():
            _reorder(g._pred[v], at)
        if placed:
            self._ordering_changed()  # the auto ordering breaks ties by node order

    def node_order(self) -> list[str]:
        """The graph's node order (creation order, as the file lists them)."""
        return list(self.graph._node)

    # ------------------------------------------------------------------ fresh ids
    def id_state(self) -> dict[str, int]:
        """Where fresh ids continue (per prefix): part of what undo puts back."""
        return dict(self._id_counter)

    def set_id_state(self, state: dict[str, int]) -> None:
        self._id_counter = dict(state)

    # ------------------------------------------------------------------ snapshots
    def copy(self):
        """A deep copy without subscribers."""
        other = type(self)(self.name, self.description)
        other.restore(self.snapshot())
        return other

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to put the network back exactly (for undo and for copies): plain
        data sharing nothing with the network."""
        g = self.graph
        return {
            "nodes": [(n, d.copy()) for n, d in g._node.items()],
            "edges": [(u, v, d.copy()) for u, nbrs in g._succ.items() for v, d in nbrs.items()],
            "pred": [(v, list(p)) for v, p in g._pred.items() if len(p) > 1],
            "inputs": list(self._inputs), "outputs": list(self._outputs), "mode": self._mode,
            "manual": list(self._manual), "name": self.name, "description": self.description,
            "training": copy.deepcopy(self.training), "view": copy.deepcopy(self.view),
            "groups": {gid: {"label": r["label"], "members": list(r["members"]),
                             "collapsed": r["collapsed"]} for gid, r in self._groups.items()},
        }

    def restore(self, snap: dict[str, Any]) -> None:
        """Replace the whole network by a snapshot: subscribers see it removed and rebuilt."""
        listened = self.events.listened  # a copy nobody watches skips the lists of 50,000 edges
        if listened and self.graph.number_of_edges():
            self.events.emit(ev.Event(ev.EDGES_REMOVED, edges=tuple(self.graph.edges)))
        if listened and len(self.graph):
            self.events.emit(ev.Event(ev.NODES_REMOVED, nodes=tuple(self.graph)))
        self.graph = _graph(snap)
        self._inputs, self._outputs = list(snap["inputs"]), list(snap["outputs"])
        self._mode, self._manual = snap["mode"], list(snap["manual"])
        self.name, self.description = snap["name"], snap["description"]
        self.training = copy.deepcopy(snap["training"])
        self.view = copy.deepcopy(snap["view"])
        self._groups = {gid: {"label": r["label"], "members": list(r["members"]),
                              "collapsed": r["collapsed"]}
                        for gid, r in snap.get("groups", {}).items()}
        self._group_of = {n: g for g, rec in self._groups.items() for n in rec["members"]}
        self._structure_changed()
        self.param_version += 1
        if listened and len(self.graph):
            self.events.emit(ev.Event(ev.NODES_ADDED, nodes=tuple(self.graph)))
        if listened and self.graph.number_of_edges():
            self.events.emit(ev.Event(ev.EDGES_ADDED, edges=tuple(self.graph.edges)))
        self.events.emit(ev.Event(ev.IO_CHANGED))
        self.events.emit(ev.Event(ev.META_CHANGED))
        self.events.emit(ev.Event(ev.GROUP_CHANGED))
        self._ordering_changed()

    # ------------------------------------------------------------------ equality
    def _meaning(self) -> tuple:
        """What carries meaning besides the graph's content (order-sensitive lists)."""
        groups = [(g, r["label"], r["members"], r["collapsed"]) for g, r in self._groups.items()]
        return (self.name, self.description, self.training, self.view, self._inputs,
                self._outputs, self._mode, self._manual, groups)

    def __eq__(self, other: object) -> bool:
        """Same nodes, edges and attributes, the same inputs/outputs order, ordering mode and
        manual order, the same groups in the same order, the same settings; in the auto mode
        also the same node order (it breaks the auto ordering's ties)."""
        if not isinstance(other, StateMixin):
            return NotImplemented
        a, b = self.graph, other.graph
        return (self._meaning() == other._meaning() and a._node == b._node
                and a._succ == b._succ
                and (self._mode != "auto" or list(a._node) == list(b._node)))

    __hash__ = None  # mutable


def _graph(snap: dict[str, Any]) -> nx.DiGraph:
    """The graph of a snapshot, in its node, successor and predecessor order."""
    g = nx.DiGraph()
    node, succ, pred = g._node, g._succ, g._pred
    for n, d in paced(snap["nodes"]):
        node[n] = dict(d)
        succ[n] = {}
        pred[n] = {}
    for u, v, d in paced(snap["edges"]):
        data = dict(d)
        succ[u][v] = data
        pred[v][u] = data
    for v, order in paced(snap.get("pred", ()), 50):
        p = pred.get(v)
        if p is None or len(order) != len(p) or not p.keys() >= set(order):
            continue  # a snapshot edited by hand (renamed nodes): keep the edges' order
        items = [(u, p[u]) for u in order]
        p.clear()
        p.update(items)
    return g
