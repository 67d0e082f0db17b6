"""The network: one source of truth for every view, the engine and the files.

A `Network` wraps a `networkx.DiGraph`. Every mutation goes through its methods, which validate
first, leave the network unchanged on error (raising `NetworkError` naming the node or edge), and
then emit a plain change `Event` to subscribers.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable

import networkx as nx

from . import events as ev
from .errors import NetworkError
from .bulk import BulkMixin
from .groups import GroupsMixin
from .state import StateMixin
from .validation import ValidationMixin
from .ordered import ORDERING_MODES, OrderingMixin  # noqa: F401 (also imported from here)
from .ordering import OrderingJob
from .values import (  # noqa: F401 (the node rules are also imported from here)
    ACTIVATIONS, AGGREGATES, DIRECTIONS, EDGE_ATTRS, ID_PREFIX, ID_RULE, INPUT_ATTRS, KINDS,
    MAX_ABS_VALUE, NEURON_ATTRS, NODE_DEFAULTS, OUTPUT_DEFAULTS, PARAM_NODE_ATTRS,
    STRUCTURAL_NODE_ATTRS, _CHOICES, _ID_RE, _PLAIN, _bool, _choice, _delay, _finite, _weight,
    check_delay, edge_name)

class Network(OrderingMixin, GroupsMixin, StateMixin, BulkMixin, ValidationMixin):
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
        gives what it gave before the add: each prefix's counter goes down to the least
        number of an id `prefix<number>` among them."""
        ids = list(ids)
        for prefix in set(ID_PREFIX.values()) | {"n"}:
            numbers = [int(tail) for node in ids if node.startswith(prefix)
                       and _canonical_number(tail := node[len(prefix):])]
            if numbers and min(numbers) < self._id_counter.get(prefix, 0):
                self._id_counter[prefix] = min(numbers)

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


def _canonical_number(text: str) -> bool:
    """Is `text` a number as `new_id` writes it (digits, no leading zero but in 0)?"""
    return text.isascii() and text.isdigit() and text == str(int(text))
