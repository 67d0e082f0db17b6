"""The network's ordering and resolved delays (a mixin of `Network`): the ordering modes, the
cached ordering and delays (computed on demand, or by a worker thread for a big network's
views: `ordering_later`), the rule that explicit delay-0 edges point forward, why an edge is
delayed, and the events that say the ordering may have changed.

Its state lives on the network (`_mode`, `_manual`, `_order_cache`, `_delay_cache`,
`_order_job`, `_order_epoch`, `_deferred`, ...): `Network.__init__` makes it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable

from . import events as ev
from .errors import NetworkError
from .ordering import SIFT_LIMIT, OrderingJob, network_ordering, resolve_delays
from .values import _choice, edge_name

ORDERING_MODES = ("auto", "position", "manual")


class OrderingMixin:
    """The ordering part of `Network`."""

    def set_ordering_mode(self, mode: str) -> None:
        _choice(mode, ORDERING_MODES, "ordering mode")
        if mode == self._mode:
            return
        if mode == "manual":
            manual = [n for n in self.ordering() if self.kind(n) != "input"]
        else:
            manual = []
        self._check_all_forced(mode, manual)
        self._mode, self._manual = mode, manual
        self._structure_changed()
        self._ordering_changed()

    def set_ordering(self, ids: Iterable[str]) -> None:
        """Set a manual ordering. Inputs, if listed, must come first; the mode becomes manual."""
        ids = list(ids)
        n_in = sum(1 for n in ids if n in self.graph and self.kind(n) == "input")
        if any(n not in self.graph for n in ids):
            missing = next(n for n in ids if n not in self.graph)
            raise NetworkError(f"ordering: no node {missing!r}", node=missing)
        if any(self.kind(n) == "input" for n in ids[n_in:]):
            raise NetworkError("ordering: inputs must come first")
        rest = ids[n_in:]
        expected = [n for n in self.graph if self.kind(n) != "input"]
        if len(rest) != len(set(rest)) or set(rest) != set(expected):
            missing = sorted(set(expected) - set(rest))
            raise NetworkError("ordering: must list every non-input node exactly once"
                               + (f" (missing {', '.join(missing[:5])})" if missing else ""))
        self._check_all_forced("manual", rest)
        if self._mode == "manual" and rest == self._manual:
            return
        self._mode, self._manual = "manual", rest
        self._structure_changed()
        self._ordering_changed()

    def _check_forced_forward(self, mode: str, manual: list[str],
                              edges: list[tuple[str, str]] | None = None) -> None:
        """Under a manual or position ordering, no explicit delay-0 edge (of `edges`, or all)
        may point backward."""
        if mode == "auto":
            return
        order = self._compute_ordering(mode, manual)
        pos = {n: i for i, n in enumerate(order)}
        if edges is None:
            edges = [(u, v) for u, v, d in self.graph.edges(data="delay")
                     if d == 0 and not isinstance(d, (str, bool))]
        for u, v in edges:
            if pos[u] > pos[v] and not self._reverse_to_forward(u, v):
                raise NetworkError(f"{edge_name(u, v)}: explicit delay 0 on an edge that would "
                                   f"point backward in the {mode} ordering", edge=(u, v))

    def _check_all_forced(self, mode: str, manual: list[str]) -> None:
        """Every explicit delay-0 edge must point forward in a new ordering (mode, manual)."""
        if self._deferred is not None:
            self._deferred_all = True
        else:
            self._check_forced_forward(mode, manual)

    def _check_forced_edges(self, edges: Iterable[tuple[str, str]]) -> None:
        """Explicit delay-0 edges among `edges` must point forward in a manual or position
        ordering (the auto ordering keeps them forward by itself)."""
        if self._deferred is not None:
            self._deferred.update(edges)
            return
        if self._mode == "auto":
            return
        forced = [(u, v) for u, v in edges if self.graph.edges[u, v]["delay"] == 0
                  and not isinstance(self.graph.edges[u, v]["delay"], bool)]
        if forced:
            self._check_forced_forward(self._mode, self._manual, forced)

    def ordering(self) -> list[str]:
        """The resolved ordering: inputs first (in input order), then every other node once."""
        if self._order_cache is None and not self._adopt_job(wait=True):
            self._order_cache = self._compute_ordering(self._mode, self._manual)
        return list(self._order_cache)

    def ordering_later(self) -> bool:
        """For the views of a big network: True while the auto ordering and the delays are
        computed in a worker thread (started here when they are not known), False once
        `ordering()` and `delays()` answer at once. Call again until False; a result is taken
        only if the network has not changed since it was copied, else it is computed again."""
        if self._order_cache is not None or self._mode != "auto" or self._adopt_job():
            return False
        job = self._order_job
        if job is not None and job.key == self._order_key() and job.done():
            return False  # it failed: ordering() says why
        if job is None or job.done():  # one at a time: a stale one runs out first
            self._order_job = OrderingJob(self._order_key(), self._ordering_inputs)
        return True

    def _ordering_inputs(self) -> tuple:
        """What the auto ordering is computed from (read by an OrderingJob's worker)."""
        inputs = list(self._inputs)
        skip = set(inputs)
        return (inputs, [n for n in self.graph._node if n not in skip], self._reverse_nodes(),
                self._edge_delays())

    def resolved(self) -> tuple[list[str], dict[tuple[str, str], int]] | None:
        """(ordering, delays) when both are known now, else None (nothing is computed): an
        exact copy takes them along (`take_resolved`) instead of computing them again."""
        if self._order_cache is None or self._delay_cache is None:
            return None
        return list(self._order_cache), dict(self._delay_cache)

    def take_resolved(self, resolved: tuple[list[str], dict] | None) -> None:
        """Take the `resolved()` of the network this one is an exact copy of."""
        if resolved is not None:
            self._order_cache, self._delay_cache = list(resolved[0]), dict(resolved[1])

    def _order_key(self) -> tuple:
        return (self.structure_version, self._order_epoch, self._mode)

    def _adopt_job(self, wait: bool = False) -> bool:
        """Take a worker's ordering and delays if they were computed for the network as it is
        (waiting for it with `wait`); True when the caches are filled."""
        job = self._order_job
        if job is None or job.key != self._order_key():
            return False
        if wait:
            job.wait()
        if not job.done() or job.error is not None:
            return False
        self._order_job = None
        if self._order_cache is not None:
            return False
        self._order_cache, self._delay_cache = job.order, job.delays
        return True

    def _compute_ordering(self, mode: str, manual: list[str]) -> list[str]:
        inputs = list(self._inputs)
        inputs_set = set(inputs)
        others = [n for n in self.graph if n not in inputs_set]
        if mode == "manual":
            return inputs + list(manual)
        if mode == "position":
            nodes = self.graph.nodes
            return inputs + sorted(others, key=lambda n: (nodes[n]["x"], nodes[n]["y"], n))
        # auto: reverse-time neurons first (they are swept before the forward neurons)
        return network_ordering(inputs, others, self._reverse_nodes(), self._edge_delays())

    def _edge_delays(self) -> list[tuple[str, str, Any]]:
        """(u, v, delay attribute) in the graph's edge order, read from the adjacency directly
        (networkx's edge data view costs 3x as much: 50,000 edges, 40 ms instead of 13; a
        list comprehension half as much as a generator)."""
        return [(u, v, data["delay"]) for u, nbrs in self.graph._succ.items()
                for v, data in nbrs.items()]

    def _reverse_nodes(self) -> set[str]:
        return {n for n, d in self.graph._node.items() if d.get("direction") == "reverse"}

    def delays(self) -> dict[tuple[str, str], int]:
        """The resolved delay of every edge (cached until the next change)."""
        if self._delay_cache is None:
            order = self.ordering()  # may bring the delays too (ordering_later)
            if self._delay_cache is None:
                self._delay_cache = resolve_delays(order, self._inputs, self._reverse_nodes(),
                                                   self._edge_delays())
        return dict(self._delay_cache)

    def resolved_delay(self, u: str, v: str) -> int:
        self._require_edge(u, v)
        if self._delay_cache is None:
            self.delays()
        return self._delay_cache[(u, v)]

    def backward_edges(self) -> list[tuple[str, str]]:
        """Sorted (source, target) pairs whose resolved delay is >= 1."""
        if self._delay_cache is None:
            self.delays()
        return sorted(e for e, d in self._delay_cache.items() if d >= 1)

    def delay_reason(self, u: str, v: str) -> str:
        """Why this edge reads the same step or an earlier one, in words for a tooltip."""
        d = self.edge_attrs(u, v)["delay"]
        rd = self.resolved_delay(u, v)
        rev = self.graph.nodes[v].get("direction") == "reverse"
        when = "later" if rev else "earlier"
        if d != "auto":
            if d == 0:
                return "Explicit delay 0: reads the value of the same step."
            steps = "steps" if d > 1 else "step"
            return f"Explicit delay {d}: reads the value from {d} {steps} {when}."
        if u == v:
            return f"Self-loop: a neuron cannot read its own value before computing it, so it " \
                   f"reads its value from one step {when}."
        if rd == 0:
            if self.kind(u) == "input":
                return "From an input: inputs are known before any neuron runs (same step)."
            if self._reverse_to_forward(u, v):
                return "Reads a reverse-time neuron, which is swept before the forward neurons."
            return f"{u} comes before {v} in the ordering, so {v} reads {u}'s value of this step."
        pos = {n: i for i, n in enumerate(self.ordering())}
        return (f"Backward in the {self._mode} ordering: {u} is #{pos[u] + 1}, after {v} "
                f"(#{pos[v] + 1}), so {v} reads {u}'s value from one step {when}.")

    def _check_zero_delay(self, u: str, v: str, delay) -> None:
        """An explicit delay-0 edge u -> v closes no algebraic loop and points forward in a
        manual or position ordering."""
        if delay != 0 or isinstance(delay, str) or self.kind(u) == "input":
            return
        name = edge_name(u, v)
        path = self._zero_delay_path(v, u, skip=(u, v))
        if path:
            loop = " -> ".join([u] + path)
            raise NetworkError(f"{name}: explicit delay 0 closes an algebraic loop {loop} "
                               "(every edge in it reads the same step); give one a delay",
                               edge=(u, v))
        if self._deferred is not None:
            self._deferred.add((u, v))
        elif self._mode in ("manual", "position"):
            order = self.ordering()
            pos = {n: i for i, n in enumerate(order)}
            if pos[u] > pos[v] and not self._reverse_to_forward(u, v):
                raise NetworkError(f"{name}: explicit delay 0 on an edge that points backward in "
                                   f"the {self._mode} ordering ({v} comes before {u})", edge=(u, v))

    def _zero_delay_path(self, start: str, end: str, skip: tuple) -> list[str] | None:
        """A shortest path start -> ... -> end over explicit delay-0 edges (not `skip`), or None.
        A breadth-first search from `start` only: cheap when few such edges leave it."""
        parent: dict[str, str | None] = {start: None}
        frontier = [start]
        while frontier and end not in parent:
            nxt = []
            for a in frontier:
                for b, data in self.graph.succ[a].items():
                    d = data["delay"]
                    if d == 0 and not isinstance(d, (str, bool)) and b not in parent \
                            and (a, b) != skip:
                        parent[b] = a
                        nxt.append(b)
            frontier = nxt
        if end not in parent:
            return None
        path = [end]
        while parent[path[-1]] is not None:
            path.append(parent[path[-1]])
        return path[::-1]

    def _reverse_to_forward(self, u: str, v: str) -> bool:
        nu, nv = self.graph.nodes[u], self.graph.nodes[v]
        return nu.get("direction") == "reverse" and nv.get("direction", "forward") == "forward"

    def _isolated_node_ordering(self, node: str, added: bool, kind: str | None = None) -> bool:
        """A node without edges was added at the end of the graph's order, or the last node,
        without edges, was removed: update the cached ordering in place when that is exactly
        what a new computation gives (True). In the auto mode that holds for an input (the
        inputs come first, in their order) and, past the sifting limit, for a forward neuron or
        output: the greedy order puts a node without edges last, and neither the adjacent swaps
        nor the comparison with the creation order can move it or be changed by it."""
        order = self._order_cache
        if order is None:
            return False
        kind = kind or self.graph._node[node]["kind"]
        if self._mode == "manual":
            self._order_cache = self._compute_ordering("manual", self._manual)
            return True
        if self._mode != "auto":
            return False
        if kind == "input":
            self._order_cache = list(self._inputs) + order[len(self._inputs) + (-1 if added
                                                                                else 1):]
            return True
        others = len(order) - len(self._inputs)  # before the change
        if added and self.graph._node[node].get("direction") != "reverse" \
                and not self._reverse_nodes() and others > SIFT_LIMIT:
            self._order_cache = order + [node]
            return True
        if not added and order[-1] == node and not self._reverse_nodes() \
                and others - 1 > SIFT_LIMIT:
            self._order_cache = order[:-1]
            return True
        return False

    def _structure_changed(self, ordering: bool = True) -> None:
        """The engine must compile again; with `ordering`, the ordering may have changed."""
        self.structure_version += 1
        if ordering:
            self._order_cache = None
            self._delay_cache = None

    def _delay_set(self, key: tuple[str, str], old, new) -> bool:
        """An edge was added (old None), removed (new None) or got another delay setting.
        Explicit delays of 1 or more take no part in the ordering: then the cached ordering
        stays and only this edge's resolved delay changes (True). Otherwise both caches go."""
        if all(d is None or (type(d) is int and d >= 1) for d in (old, new)):
            self.structure_version += 1
            if self._delay_cache is not None:
                if new is None:
                    self._delay_cache.pop(key, None)
                else:
                    self._delay_cache[key] = new
            return True
        self._structure_changed()
        return False

    def _ordering_changed(self, keep_caches: bool = False) -> None:
        """Tell subscribers the ordering or the resolved delays may have changed (the caches
        are dropped unless the caller kept them up to date)."""
        self._order_epoch += 1
        if not keep_caches:
            self._order_cache = None
            self._delay_cache = None
        if self._batch_depth:
            self._batch_pending = True
        else:
            self.events.emit(ev.Event(ev.ORDERING_CHANGED))

    @contextmanager
    def deferred_checks(self):
        """Check the rule that explicit delay-0 edges point forward in a manual or position
        ordering once, at the end, for the edges the edits inside touched: moving several nodes
        at once, or undo putting back nodes, edges and the manual order, may pass through
        states that break it. A violation raises NetworkError at the end, with the edits made:
        the caller undoes them (as undo commands do)."""
        if self._deferred is not None:  # nested: the outermost block checks
            yield self
            return
        self._deferred, self._deferred_all = set(), False
        try:
            yield self
            pending, everything = self._deferred, self._deferred_all
        finally:
            self._deferred = None
        if everything:
            self._check_forced_forward(self._mode, self._manual)
        else:
            self._check_forced_edges([e for e in pending if self.graph.has_edge(*e)])

    @contextmanager
    def batch(self):
        """Group many edits: one ordering_changed event at the end instead of one per edit."""
        self._batch_depth += 1
        try:
            yield self
        finally:
            self._batch_depth -= 1
            if not self._batch_depth and self._batch_pending:
                self._batch_pending = False
                self.events.emit(ev.Event(ev.ORDERING_CHANGED))
