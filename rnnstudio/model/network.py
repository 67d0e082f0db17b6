"""The network: one source of truth for every view, the engine and the files.

A `Network` wraps a `networkx.DiGraph`. Every mutation goes through its methods, which validate
first, leave the network unchanged on error (raising `NetworkError` naming the node or edge), and
then emit a plain change `Event` to subscribers.
"""

from __future__ import annotations

import copy
import math
import re
from contextlib import contextmanager
from typing import Any, Iterable

import networkx as nx

from . import events as ev
from .errors import NetworkError
from .bulk import BulkMixin
from .groups import GroupsMixin
from .state import StateMixin
from .validation import ValidationMixin
from .ordering import SIFT_LIMIT, OrderingJob, network_ordering, resolve_delays

KINDS = ("input", "neuron", "output")
ACTIVATIONS = ("identity", "tanh", "sigmoid", "relu")
AGGREGATES = ("sum", "product")
DIRECTIONS = ("forward", "reverse")
ORDERING_MODES = ("auto", "position", "manual")
MAX_DELAY = 100_000
MAX_ABS_VALUE = 1e12  # weights, biases, initial values and positions beyond this are refused
# no spaces, control characters or text-direction controls (a U+202E in an id reverses how the
# ids after it read in every list and message)
_ID_RE = re.compile("^[^\\s\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]{1,64}$")
ID_RULE = "ids are 1 to 64 characters without spaces, control characters or text-direction marks"

NODE_DEFAULTS: dict[str, Any] = {
    "activation": "tanh", "bias": 0.0, "initial": 0.0, "aggregate": "sum",
    "direction": "forward", "trainable": True, "initial_trainable": False,
}
OUTPUT_DEFAULTS: dict[str, Any] = {**NODE_DEFAULTS, "activation": "identity"}
INPUT_ATTRS = ("kind", "label", "x", "y")
NEURON_ATTRS = INPUT_ATTRS + tuple(NODE_DEFAULTS)
EDGE_ATTRS = ("weight", "delay", "trainable")
PARAM_NODE_ATTRS = ("bias", "initial")
# node attributes whose change alters the compiled structure (others are parameters or cosmetic)
STRUCTURAL_NODE_ATTRS = ("kind", "activation", "aggregate", "direction", "trainable",
                         "initial_trainable")
ID_PREFIX = {"input": "x", "neuron": "h", "output": "y"}


def _finite(value: Any, what: str, node=None, edge=None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NetworkError(f"{what}: expected a number, got {value!r}", node=node, edge=edge)
    if isinstance(value, int) and abs(value) > MAX_ABS_VALUE:  # float() might overflow
        raise NetworkError(f"{what}: must be a finite number of magnitude at most 1e12, "
                           f"got a whole number of {value.bit_length()} bits", node=node, edge=edge)
    value = float(value)
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise NetworkError(f"{what}: must be a finite number of magnitude at most 1e12, "
                           f"got {value!r}", node=node, edge=edge)
    return value


def _choice(value: Any, options: tuple, what: str, node=None) -> str:
    if value not in options:
        raise NetworkError(f"{what}: {value!r} is not one of {', '.join(options)}", node=node)
    return value


def _bool(value: Any, what: str, node=None, edge=None) -> bool:
    if not isinstance(value, bool):
        raise NetworkError(f"{what}: expected true or false, got {value!r}", node=node, edge=edge)
    return value


def check_delay(value: Any, what: str, edge=None) -> int | str:
    """'auto' or an integer d >= 0 (0 forces a same-step edge)."""
    if value == "auto" and isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELAY:
        raise NetworkError(f"{what}: expected 'auto' or a whole number of steps from 0 to "
                           f"{MAX_DELAY}, got {value!r}", edge=edge)
    return value


# the type every node attribute has once checked, and the words a text attribute may be
_PLAIN = {"bias": float, "initial": float, "x": float, "y": float, "activation": str,
          "aggregate": str, "direction": str, "kind": str, "trainable": bool,
          "initial_trainable": bool}
_CHOICES = {"activation": ACTIVATIONS, "aggregate": AGGREGATES, "direction": DIRECTIONS,
            "kind": KINDS}


def _weight(value: Any, u: str, v: str) -> float:
    if type(value) is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:
        return value
    return _finite(value, f"{edge_name(u, v)}: weight", edge=(u, v))


def _delay(value: Any, u: str, v: str) -> int | str:
    if (type(value) is int and 0 <= value <= MAX_DELAY) or (type(value) is str and
                                                            value == "auto"):
        return value
    return check_delay(value, f"{edge_name(u, v)}: delay", edge=(u, v))


def edge_name(u: str, v: str) -> str:
    return f"edge {u} -> {v}"


class Network(GroupsMixin, StateMixin, BulkMixin, ValidationMixin):
    """A recurrent network as a directed graph; see SEMANTICS.md and API.md."""

    def __init__(self, name: str = "untitled", description: str = ""):
        self.graph = nx.DiGraph()
        self.name = name
        self.description = description
        self.training: dict[str, Any] = {}  # free-form training settings, saved in the file
        self.view: dict[str, Any] = {}  # optional view state, saved in the file
        self._inputs: list[str] = []
        self._outputs: list[str] = []
        self._mode = "auto"
        self._manual: list[str] = []  # non-input nodes, in manual mode
        self._groups: dict[str, dict[str, Any]] = {}  # gid -> label, members, collapsed
        self._group_of: dict[str, str] = {}  # node -> gid
        self._order_cache: list[str] | None = None
        self._delay_cache: dict[tuple[str, str], int] | None = None
        self._order_epoch = 0  # bumped at every ordering_changed (node order restored, ...)
        self._order_job: OrderingJob | None = None  # see ordering_later
        self.events = ev.EventSource()
        self.structure_version = 0  # bumped by any change the engine must recompile for
        self._edge_count = (-1, 0)  # (structure version, edges) counted for that version
        self.param_version = 0  # bumped by weight, bias and initial-value changes
        self._id_counter: dict[str, int] = {}
        self._batch_depth = 0
        self._batch_pending = False
        self._deferred: set | None = None  # edges to check at the end of deferred_checks()
        self._deferred_all = False  # ... or every explicit delay-0 edge

    # ------------------------------------------------------------------ read access
    @property
    def inputs(self) -> list[str]:
        return list(self._inputs)

    @property
    def outputs(self) -> list[str]:
        return list(self._outputs)

    @property
    def ordering_mode(self) -> str:
        return self._mode

    @ordering_mode.setter
    def ordering_mode(self, mode: str) -> None:
        self.set_ordering_mode(mode)

    @property
    def manual_order(self) -> list[str]:
        return list(self._manual)

    def kind(self, node: str) -> str:
        return self.graph.nodes[node]["kind"]

    def node_attrs(self, node: str) -> dict[str, Any]:
        """A copy of the node's attributes."""
        self._require_node(node)
        return dict(self.graph.nodes[node])

    def edge_attrs(self, u: str, v: str) -> dict[str, Any]:
        self._require_edge(u, v)
        return dict(self.graph.edges[u, v])

    def has_node(self, node: str) -> bool:
        return node in self.graph

    def has_edge(self, u: str, v: str) -> bool:
        return self.graph.has_edge(u, v)

    def __contains__(self, node: str) -> bool:
        return node in self.graph

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def edge_count(self) -> int:
        """How many edges, counted once per structure version (networkx's number_of_edges
        sums the degrees: 40 ms at 50,000 edges, and views ask at every edit event)."""
        version, count = self._edge_count
        if version != self.structure_version:
            count = sum(map(len, self.graph._succ.values()))
            self._edge_count = (self.structure_version, count)
        return count

    def __repr__(self) -> str:
        return (f"Network({self.name!r}: {len(self._inputs)} inputs, {len(self._outputs)} outputs, "
                f"{self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} edges)")

    # ------------------------------------------------------------------ ids
    def new_id(self, kind: str = "neuron", prefix: str | None = None) -> str:
        """A fresh id such as h3: the prefix of the kind and the next free number (each call
        hands out another)."""
        prefix = prefix or ID_PREFIX.get(kind, "n")
        k = self._id_counter.get(prefix, 0)
        while f"{prefix}{k}" in self.graph:
            k += 1
        self._id_counter[prefix] = k + 1
        return f"{prefix}{k}"

    def release_ids(self, ids: Iterable[str]) -> None:
        """Hand `ids` out again (their nodes are gone: an undone add), so the next `new_id`
        gives what it gave before the add."""
        for node in ids:
            for prefix in set(ID_PREFIX.values()) | {"n"}:
                tail = node[len(prefix):]
                if node.startswith(prefix) and tail.isdigit() and tail == str(int(tail)) \
                        and int(tail) < self._id_counter.get(prefix, 0):
                    self._id_counter[prefix] = int(tail)

    # ------------------------------------------------------------------ nodes
    def add_input(self, id: str | None = None, **attrs) -> str:
        return self.add_node(id, "input", **attrs)

    def add_neuron(self, id: str | None = None, **attrs) -> str:
        return self.add_node(id, "neuron", **attrs)

    def add_output(self, id: str | None = None, **attrs) -> str:
        return self.add_node(id, "output", **attrs)

    def add_node(self, id: str | None, kind: str, *, index: int | None = None, **attrs) -> str:
        """Add a node of `kind`; `index` places an input or output in the column order."""
        _choice(kind, KINDS, "kind", node=id)
        if id is None:
            id = self.new_id(kind)
        self._check_new_id(id)
        data = self._node_data(id, kind, attrs)
        self.graph.add_node(id, **data)
        if kind in ("input", "output"):
            ids = self._inputs if kind == "input" else self._outputs
            ids.insert(len(ids) if index is None else max(0, min(index, len(ids))), id)
        if kind != "input" and self._mode == "manual":
            self._manual.append(id)
        kept = self._isolated_node_ordering(id, added=True)
        self._structure_changed(ordering=not kept)
        self.events.emit(ev.Event(ev.NODE_ADDED, node=id, changed=dict(data)))
        if kind in ("input", "output"):
            self.events.emit(ev.Event(ev.IO_CHANGED))
        self._ordering_changed(keep_caches=kept)
        return id

    def _check_new_id(self, id: Any) -> None:
        self._check_new_id_format(id)
        if id in self.graph:
            raise NetworkError(f"node {id}: a node with this id already exists", node=id)

    def _node_data(self, id: str, kind: str, attrs: dict) -> dict[str, Any]:
        allowed = INPUT_ATTRS if kind == "input" else NEURON_ATTRS
        unknown = set(attrs) - set(allowed)
        if unknown:
            raise NetworkError(f"node {id}: unknown or not applicable to a {kind}: "
                               f"{', '.join(sorted(unknown))}", node=id)
        base = {"label": id, "x": 0.0, "y": 0.0}
        if kind != "input":
            base.update(OUTPUT_DEFAULTS if kind == "output" else NODE_DEFAULTS)
        base.update(attrs)
        base["kind"] = kind
        return self._checked_node_values(id, base)

    def _checked_node_values(self, id: str, data: dict) -> dict[str, Any]:
        out = dict(data)
        for key, value in data.items():
            if _PLAIN.get(key) is type(value) and (type(value) is not float
                                                   or -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE):
                if type(value) is not str or value in _CHOICES.get(key, (value,)):
                    continue  # the common case, without the words of a refusal
            what = f"node {id}: {key}"
            if key in ("bias", "initial", "x", "y"):
                out[key] = _finite(value, what, node=id)
            elif key == "activation":
                _choice(value, ACTIVATIONS, what, node=id)
            elif key == "aggregate":
                _choice(value, AGGREGATES, what, node=id)
            elif key == "direction":
                _choice(value, DIRECTIONS, what, node=id)
            elif key == "kind":
                _choice(value, KINDS, what, node=id)
            elif key in ("trainable", "initial_trainable"):
                _bool(value, what, node=id)
            elif key == "label":
                if not isinstance(value, str) or len(value) > 200:
                    raise NetworkError(f"{what}: expected text of at most 200 characters", node=id)
        return out

    def remove_node(self, node: str) -> None:
        """Remove a node and its edges (edge_removed events come first)."""
        self._require_node(node)
        kind = self.kind(node)
        for u, v in list(self.graph.in_edges(node)) + list(self.graph.out_edges(node)):
            if self.graph.has_edge(u, v):
                self.remove_edge(u, v)
        last = next(reversed(self.graph._node)) == node
        self.graph.remove_node(node)
        if kind == "input":
            self._inputs.remove(node)
        elif kind == "output":
            self._outputs.remove(node)
        if node in self._manual:
            self._manual.remove(node)
        self._drop_from_group(node)
        kept = last and self._isolated_node_ordering(node, added=False, kind=kind)
        self._structure_changed(ordering=not kept)
        self.events.emit(ev.Event(ev.NODE_REMOVED, node=node, changed={"kind": kind}))
        if kind in ("input", "output"):
            self.events.emit(ev.Event(ev.IO_CHANGED))
        self._ordering_changed(keep_caches=kept)

    def set_node_attrs(self, node: str, **attrs) -> None:
        """Change attributes of a node (all or nothing). Kind changes keep the edges."""
        self._require_node(node)
        old = dict(self.graph.nodes[node])  # a copy: the graph's dict is rewritten below
        new = self._new_node_data(node, old, attrs)
        changed = {k: v for k, v in new.items() if k not in old or old[k] != v}
        removed_keys = set(old) - set(new)
        if not changed and not removed_keys:
            return
        self._check_node_rules(node, new)
        if self._mode == "position":
            self.ordering()  # fills the cache, to tell below whether a move reorders
        saved = (list(self._inputs), list(self._outputs), list(self._manual))
        self._write_node(node, new)
        if "kind" in changed:
            self._apply_kind_change(node, old["kind"], new["kind"])
        try:
            self._check_forced_edges(self._incident_edges(node))
        except NetworkError:
            self._write_node(node, old)
            self._inputs, self._outputs, self._manual = saved
            raise
        self._emit_node_changed(node, changed, bool(removed_keys))

    def _new_node_data(self, node: str, old: dict, attrs: dict) -> dict[str, Any]:
        kind = attrs.get("kind", old["kind"])
        _choice(kind, KINDS, f"node {node}: kind", node=node)
        allowed = INPUT_ATTRS if kind == "input" else NEURON_ATTRS
        unknown = set(attrs) - set(allowed)
        if unknown:
            raise NetworkError(f"node {node}: unknown or not applicable to a {kind}: "
                               f"{', '.join(sorted(unknown))}", node=node)
        new = self._converted_node(node, old, kind) if kind != old["kind"] else dict(old)
        new.update(attrs)
        return self._checked_node_values(node, new)

    def _write_node(self, node: str, data: dict) -> None:
        self.graph.nodes[node].clear()
        self.graph.nodes[node].update(data)

    def _incident_edges(self, node: str) -> list[tuple[str, str]]:
        return list(self.graph.in_edges(node)) + list(self.graph.out_edges(node))

    def _emit_node_changed(self, node: str, changed: dict, removed_keys: bool) -> None:
        structural = removed_keys or any(k in changed for k in STRUCTURAL_NODE_ATTRS)
        # the ordering reads kinds and directions only (and positions in position mode)
        orders = removed_keys or "kind" in changed or "direction" in changed
        moved = self._mode == "position" and ("x" in changed or "y" in changed)
        reordered = not orders and moved and self._position_moved(node)
        if structural or reordered:
            self._structure_changed(ordering=orders or reordered)
        elif any(k in changed for k in PARAM_NODE_ATTRS):
            self.param_version += 1
        self.events.emit(ev.Event(ev.NODE_CHANGED, node=node, changed=changed))
        if "kind" in changed:
            self.events.emit(ev.Event(ev.IO_CHANGED))
        if orders or reordered:
            self._ordering_changed()

    def _position_moved(self, node: str) -> bool:
        """Whether `node` left its place in the cached position ordering (it just moved)."""
        order = self._order_cache
        if self.graph.nodes[node]["kind"] == "input":
            return False  # inputs keep the input order
        if order is None or node not in order:
            return True
        i = order.index(node)
        first = len(self._inputs)
        key = self._position_key
        before = order[i - 1] if i - 1 >= first else None
        after = order[i + 1] if i + 1 < len(order) else None
        return (before is not None and key(before) > key(node)) or \
            (after is not None and key(node) > key(after))

    def _position_key(self, node: str) -> tuple:
        data = self.graph.nodes[node]
        return (data["x"], data["y"], node)

    def _converted_node(self, node: str, old: dict, kind: str) -> dict:
        base = {k: old[k] for k in ("label", "x", "y")}
        if kind != "input":
            defaults = OUTPUT_DEFAULTS if kind == "output" else NODE_DEFAULTS
            base.update({k: old.get(k, v) for k, v in defaults.items()})
        base["kind"] = kind
        return base

    def _check_node_rules(self, node: str, data: dict) -> None:
        if data["kind"] == "input":
            if self.graph.in_degree(node):
                u = next(iter(self.graph.predecessors(node)))
                raise NetworkError(f"node {node}: cannot become an input, it has incoming edges "
                                   f"(such as {u} -> {node})", node=node)
        for u, v in list(self.graph.in_edges(node)) + list(self.graph.out_edges(node)):
            kinds = {n: (data if n == node else self.graph.nodes[n]) for n in (u, v)}
            self._check_direction(u, v, self.graph.edges[u, v]["delay"], kinds[u], kinds[v])

    def _apply_kind_change(self, node: str, old: str, new: str) -> None:
        for kind, ids in (("input", self._inputs), ("output", self._outputs)):
            if old == kind:
                ids.remove(node)
            if new == kind:
                ids.append(node)
        if new == "input" and node in self._manual:
            self._manual.remove(node)
        if old == "input" and self._mode == "manual":
            self._manual.append(node)

    def move_node(self, node: str, x: float, y: float) -> None:
        self.set_node_attrs(node, x=x, y=y)

    def set_io_order(self, inputs: Iterable[str] | None = None,
                     outputs: Iterable[str] | None = None) -> None:
        """Reorder the input columns and/or the output columns."""
        new_in = self._inputs if inputs is None else list(inputs)
        new_out = self._outputs if outputs is None else list(outputs)
        for what, new, old in (("inputs", new_in, self._inputs),
                               ("outputs", new_out, self._outputs)):
            # compare as lists of ids: sorted() would raise TypeError on ids of mixed types
            if len(new) != len(old) or not all(isinstance(n, str) for n in new) \
                    or sorted(new) != sorted(old):
                raise NetworkError(f"{what}: the new order must list every {what[:-1]} "
                                   "exactly once")
        if new_in == self._inputs and new_out == self._outputs:
            return
        self._inputs, self._outputs = list(new_in), list(new_out)
        self._structure_changed()
        self.events.emit(ev.Event(ev.IO_CHANGED))
        self._ordering_changed()

    # ------------------------------------------------------------------ edges
    def add_edge(self, source: str, target: str, weight: float = 1.0, delay: int | str = "auto",
                 trainable: bool = True) -> tuple[str, str]:
        data = self._edge_data(source, target, weight, delay, trainable)
        self._check_zero_delay(source, target, data["delay"])
        self.graph.add_edge(source, target, **data)
        kept = self._delay_set((source, target), None, data["delay"])
        self.events.emit(ev.Event(ev.EDGE_ADDED, edge=(source, target), changed=dict(data)))
        self._ordering_changed(keep_caches=kept)
        return (source, target)

    def _edge_data(self, source: str, target: str, weight: float = 1.0,
                   delay: int | str = "auto", trainable: bool = True) -> dict[str, Any]:
        """The checked attributes of a new edge source -> target (every rule that does not
        depend on the other explicit delay-0 edges)."""
        nodes, key = self.graph._node, (source, target)
        for n in key:
            if not isinstance(n, str) or n not in nodes:
                raise NetworkError(f"{edge_name(*key)}: no node {n!r}", edge=key)
        du, dv = nodes[source], nodes[target]
        if dv["kind"] == "input":
            raise NetworkError(f"{edge_name(*key)}: an input cannot have incoming edges", edge=key)
        if target in self.graph._succ[source]:
            raise NetworkError(f"{edge_name(*key)}: there is already an edge from {source} to "
                               f"{target}", edge=key)
        data = {"weight": _weight(weight, source, target),
                "delay": _delay(delay, source, target),
                "trainable": trainable if type(trainable) is bool else
                _bool(trainable, f"{edge_name(*key)}: trainable", edge=key)}
        if du.get("direction") == "reverse" or dv.get("direction") == "reverse":
            self._check_direction(source, target, data["delay"], du, dv)
        if source == target and data["delay"] == 0 and not isinstance(data["delay"], str):
            raise NetworkError(f"{edge_name(*key)}: a self-loop with explicit delay 0 would read "
                               "its own value before computing it", edge=key)
        return data

    def remove_edge(self, source: str, target: str) -> None:
        self._require_edge(source, target)
        data = dict(self.graph.edges[source, target])
        self.graph.remove_edge(source, target)
        kept = self._delay_set((source, target), data["delay"], None)
        self.events.emit(ev.Event(ev.EDGE_REMOVED, edge=(source, target), changed=data))
        self._ordering_changed(keep_caches=kept)

    def set_edge_attrs(self, source: str, target: str, **attrs) -> None:
        self._require_edge(source, target)
        name = edge_name(source, target)
        unknown = set(attrs) - set(EDGE_ATTRS)
        if unknown:
            raise NetworkError(f"{name}: unknown edge attributes {', '.join(sorted(unknown))}",
                               edge=(source, target))
        old = self.graph.edges[source, target]
        new = dict(old)
        if "weight" in attrs:
            new["weight"] = _finite(attrs["weight"], f"{name}: weight", edge=(source, target))
        if "delay" in attrs:
            new["delay"] = check_delay(attrs["delay"], f"{name}: delay", edge=(source, target))
        if "trainable" in attrs:
            new["trainable"] = _bool(attrs["trainable"], f"{name}: trainable",
                                     edge=(source, target))
        changed = {k: v for k, v in new.items() if old[k] != v or type(old[k]) is not type(v)}
        if not changed:
            return
        if "delay" in changed:
            self._check_edge_rules(source, target, new["delay"], replacing=True)
        before = old["delay"]
        old.update(new)
        kept = True
        if "delay" in changed:
            kept = self._delay_set((source, target), before, new["delay"])
        elif "trainable" in changed:
            self._structure_changed(ordering=False)
        else:
            self.param_version += 1
        self.events.emit(ev.Event(ev.EDGE_CHANGED, edge=(source, target), changed=changed))
        if "delay" in changed:
            self._ordering_changed(keep_caches=kept)

    def _check_edge_rules(self, u: str, v: str, delay, replacing: bool = False) -> None:
        self._check_direction(u, v, delay, self.graph.nodes[u], self.graph.nodes[v])
        if u == v and delay == 0 and not isinstance(delay, str):
            raise NetworkError(f"{edge_name(u, v)}: a self-loop with explicit delay 0 would read "
                               "its own value before computing it", edge=(u, v))
        self._check_zero_delay(u, v, delay)

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

    def _check_direction(self, u: str, v: str, delay, du: dict, dv: dict) -> None:
        """Reverse neurons read inputs and reverse neurons only; forward ones may read a reverse
        neuron at the same step."""
        name = edge_name(u, v)
        rev_u = du["kind"] != "input" and du.get("direction") == "reverse"
        rev_v = dv["kind"] != "input" and dv.get("direction") == "reverse"
        if rev_v and not rev_u and du["kind"] != "input":
            raise NetworkError(f"{name}: the reverse-time neuron {v} may read only inputs and "
                               f"reverse-time neurons, not the forward neuron {u}", edge=(u, v))
        if rev_u and not rev_v and not (delay == "auto" or delay == 0):
            raise NetworkError(f"{name}: a forward neuron reads a reverse-time neuron at the same "
                               "step only; the delay must be auto or 0", edge=(u, v))

    def _reverse_to_forward(self, u: str, v: str) -> bool:
        nu, nv = self.graph.nodes[u], self.graph.nodes[v]
        return nu.get("direction") == "reverse" and nv.get("direction", "forward") == "forward"

    # ------------------------------------------------------------------ ordering
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
            g = self.graph
            inputs = list(self._inputs)
            skip = set(inputs)
            self._order_job = OrderingJob(self._order_key(), inputs,
                                          [n for n in g._node if n not in skip],
                                          self._reverse_nodes(), self._edge_delays())
        return True

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
            return f"Explicit delay {d}: reads the value from {d} step{'s' if d > 1 else ''} {when}."
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

    # ------------------------------------------------------------------ validation
    def _check_new_id_format(self, n: Any) -> None:
        if not isinstance(n, str) or not _ID_RE.match(n):
            raise NetworkError(f"node id {n!r}: {ID_RULE}")

    # ------------------------------------------------------------------ parameters
    def get_params(self) -> dict[str, dict]:
        """Every weight, bias and initial value (a plain copy, for undo and training)."""
        g = self.graph
        return {
            "weights": {(u, v): w for u, v, w in g.edges(data="weight")},
            "biases": {n: d["bias"] for n, d in g.nodes(data=True) if d["kind"] != "input"},
            "initials": {n: d["initial"] for n, d in g.nodes(data=True) if d["kind"] != "input"},
        }

    def set_params(self, params: dict[str, dict]) -> None:
        """Write many parameters at once (all checked first); one params_changed event."""
        checked_w = {}
        for (u, v), w in params.get("weights", {}).items():
            self._require_edge(u, v)
            checked_w[(u, v)] = _finite(w, f"{edge_name(u, v)}: weight", edge=(u, v))
        checked_n: dict[str, dict[str, float]] = {}
        for key, attr in (("biases", "bias"), ("initials", "initial")):
            for n, value in params.get(key, {}).items():
                self._require_node(n)
                if self.kind(n) == "input":
                    raise NetworkError(f"node {n}: an input has no {attr}", node=n)
                checked_n.setdefault(n, {})[attr] = _finite(value, f"node {n}: {attr}", node=n)
        for (u, v), w in checked_w.items():
            self.graph.edges[u, v]["weight"] = w
        for n, values in checked_n.items():
            self.graph.nodes[n].update(values)
        self.param_version += 1
        self.events.emit(ev.Event(ev.PARAMS_CHANGED))

    def set_meta(self, **meta) -> None:
        """Change name, description, training settings or view state."""
        for key, value in meta.items():
            if key not in ("name", "description", "training", "view"):
                raise NetworkError(f"unknown network setting {key!r}")
            if key in ("name", "description") and not isinstance(value, str):
                raise NetworkError(f"{key}: expected text")
            if key in ("training", "view") and not isinstance(value, dict):
                raise NetworkError(f"{key}: expected a mapping")
        for key, value in meta.items():
            setattr(self, key, copy.deepcopy(value))
        self.events.emit(ev.Event(ev.META_CHANGED, changed=dict(meta)))

    # ------------------------------------------------------------------ internals
    def _require_node(self, node: str) -> None:
        if node not in self.graph:
            raise NetworkError(f"no node {node!r}", node=node)

    def _require_edge(self, u: str, v: str) -> None:
        if not self.graph.has_edge(u, v):
            raise NetworkError(f"no {edge_name(u, v)}", edge=(u, v))

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
