"""Whole-network validation (`Network.validate`). No Qt.

The model checks every edit, so a network is valid unless someone wrote into `net.graph`
directly; `validate` is the safety net run before saving and after loading. It is linear in the
size and cheap in the common case: each node and edge first takes a few exact type tests, and
only one that fails them goes through the checks that word a refusal.
"""

from __future__ import annotations

import networkx as nx

from ..pacing import paced
from .errors import NetworkError
from .values import (EDGE_ATTRS, INPUT_ATTRS, KINDS, MAX_ABS_VALUE, MAX_DELAY, NEURON_ATTRS,
                     _CHOICES, _PLAIN, _bool, _choice, _finite, check_delay, edge_name)

_FLOAT = ("bias", "initial", "x", "y")


class ValidationMixin:
    """`validate` of `Network` (see the module docstring)."""

    def validate(self) -> None:
        """Check the whole network; raise NetworkError naming the node or edge at fault."""
        self._validate_nodes()
        self._validate_io()
        self._validate_edges()
        self._validate_loops()
        if self._mode == "manual":
            expected = [n for n, d in self.graph._node.items() if d["kind"] != "input"]
            if sorted(self._manual) != sorted(expected):
                raise NetworkError("ordering: the manual ordering must list every non-input node "
                                   "exactly once")
        self._check_forced_forward(self._mode, self._manual)
        self._validate_groups()

    def _validate_nodes(self) -> None:
        expected = {"input": set(INPUT_ATTRS), "neuron": set(NEURON_ATTRS),
                    "output": set(NEURON_ATTRS)}
        pred = self.graph._pred
        for n, data in paced(self.graph._node.items()):
            kind = data.get("kind")
            ok = (type(n) is str and type(kind) is str and kind in expected
                  and data.keys() == expected[kind]
                  and type(data["label"]) is str and len(data["label"]) <= 200)
            if ok:
                for key, value in data.items():
                    plain = _PLAIN.get(key)
                    if plain is not None and (type(value) is not plain or (
                            plain is float and not -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE)
                            or (plain is str and value not in _CHOICES[key])):
                        ok = False
                        break
            if not ok:
                self._refuse_node(n, data)
            if kind == "input" and pred[n]:
                raise NetworkError(f"node {n}: an input cannot have incoming edges", node=n)

    def _refuse_node(self, n, data: dict) -> None:
        """The full checks of one node, worded (they may also find nothing wrong)."""
        self._check_new_id_format(n)
        kind = data.get("kind")
        _choice(kind, KINDS, f"node {n}: kind", node=n)
        expected = set(INPUT_ATTRS if kind == "input" else NEURON_ATTRS)
        if set(data) != expected:
            missing = expected - set(data)
            extra = set(data) - expected
            raise NetworkError(f"node {n}: attributes " + (
                f"missing {', '.join(sorted(missing))}" if missing
                else f"not applicable: {', '.join(sorted(extra))}"), node=n)
        self._checked_node_values(n, data)

    def _validate_io(self) -> None:
        kinds = [(n, d["kind"]) for n, d in self.graph._node.items()]
        if sorted(self._inputs) != sorted(n for n, k in kinds if k == "input"):
            raise NetworkError("inputs: the input list does not match the input nodes")
        if sorted(self._outputs) != sorted(n for n, k in kinds if k == "output"):
            raise NetworkError("outputs: the output list does not match the output nodes")

    def _validate_edges(self) -> None:
        nodes = self.graph._node
        reverse = {n for n, d in nodes.items() if d.get("direction") == "reverse"}
        for u, nbrs in paced(self.graph._succ.items(), 20):
            for v, d in nbrs.items():
                w, delay = d.get("weight"), d.get("delay")
                if not (len(d) == 3 and type(w) is float and -MAX_ABS_VALUE <= w <= MAX_ABS_VALUE
                        and ((type(delay) is int and 0 <= delay <= MAX_DELAY and
                              (delay or u != v)) or (type(delay) is str and delay == "auto"))
                        and type(d.get("trainable")) is bool):
                    self._refuse_edge(u, v, d)
                if u in reverse or v in reverse:
                    self._check_direction(u, v, delay, nodes[u], nodes[v])

    def _refuse_edge(self, u: str, v: str, data: dict) -> None:
        name = edge_name(u, v)
        if set(data) != set(EDGE_ATTRS):
            raise NetworkError(f"{name}: attributes must be {', '.join(EDGE_ATTRS)}",
                               edge=(u, v))
        _finite(data["weight"], f"{name}: weight", edge=(u, v))
        check_delay(data["delay"], f"{name}: delay", edge=(u, v))
        _bool(data["trainable"], f"{name}: trainable", edge=(u, v))
        if data["delay"] == 0 and not isinstance(data["delay"], str) and u == v:
            raise NetworkError(f"{name}: a self-loop cannot have delay 0", edge=(u, v))

    def _validate_loops(self) -> None:
        zero = nx.DiGraph((u, v) for u, nbrs in paced(self.graph._succ.items(), 20)
                          for v, d in nbrs.items()
                          if d["delay"] == 0 and not isinstance(d["delay"], (str, bool)))
        try:
            cycle = nx.find_cycle(zero)
        except nx.NetworkXNoCycle:
            return
        loop = " -> ".join([cycle[0][0]] + [b for _, b in cycle])
        raise NetworkError(f"edge {cycle[0][0]} -> {cycle[0][1]}: algebraic loop {loop} made "
                           "of explicit delay-0 edges", edge=tuple(cycle[0][:2]))
