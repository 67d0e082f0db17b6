"""Build a `Network` from a golden case (tests/data/golden: a different, smaller schema).

A case's network has nodes {id, kind, activation, bias, initial, aggregate?}, edges {source,
target, weight, delay} and an `ordering` (inputs first) used as the manual ordering; the case
gives the column order in `inputs` and `outputs`. Engine tests reuse this helper.
"""

from __future__ import annotations

from typing import Any

from ..model import Network
from .migrations import FORMAT, VERSION
from .records import from_record

GOLDEN_NODE_KEYS = ("activation", "bias", "initial", "aggregate")
X_SPACING = 120.0


def case_to_record(case: dict[str, Any]) -> dict[str, Any]:
    """The golden case as a `.rnn.json` record (nodes laid out left to right in case order)."""
    network = case["network"]
    order = network.get("ordering") or [n["id"] for n in network["nodes"]]
    column = {node: i for i, node in enumerate(order)}
    nodes = [_node(n, column.get(n["id"], i)) for i, n in enumerate(network["nodes"])]
    edges = [{k: e[k] for k in ("source", "target", "weight", "delay") if k in e}
             for e in network["edges"]]
    inputs = case.get("inputs") or [n["id"] for n in nodes if n["kind"] == "input"]
    outputs = case.get("outputs") or [n["id"] for n in nodes if n["kind"] == "output"]
    manual = [n for n in network["ordering"] if n not in inputs] if network.get("ordering") \
        else []
    return {
        "format": FORMAT, "version": VERSION,
        "name": case.get("name", "golden"), "description": case.get("description", ""),
        "inputs": inputs, "outputs": outputs,
        "ordering": {"mode": "manual", "manual": manual} if manual else {"mode": "auto"},
        "nodes": nodes, "edges": edges,
    }


def _node(rec: dict[str, Any], column: int) -> dict[str, Any]:
    out = {"id": rec["id"], "kind": rec["kind"], "x": column * X_SPACING, "y": 0.0}
    if rec["kind"] != "input":
        out.update({k: rec[k] for k in GOLDEN_NODE_KEYS if k in rec})
    return out


def network_from_case(case: dict[str, Any]) -> Network:
    """The golden case's network, with its ordering as a manual ordering."""
    return from_record(case_to_record(case))
