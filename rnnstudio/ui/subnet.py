"""Sub-networks as plain records: copy/paste, template insertion. No Qt.

A sub-network record is {"nodes": [[id, kind, attrs]], "edges": [[u, v, attrs]]}, the edges
being those with both ends inside. `renamed` gives the records fresh ids for a target network.
"""

from __future__ import annotations

import json

FORMAT = "rnnstudio-subnet"


def extract(net, ids) -> dict:
    """The nodes `ids` and the edges between them, as a JSON-able record."""
    ids = [n for n in net.ordering() if n in set(ids)]
    g = net.graph
    nodes = [[n, g.nodes[n]["kind"], {k: v for k, v in g.nodes[n].items() if k != "kind"}]
             for n in ids]
    inside = set(ids)
    edges = [[u, v, dict(d)] for u, v, d in g.edges(data=True) if u in inside and v in inside]
    return {"format": FORMAT, "nodes": nodes, "edges": edges}


def from_network(net) -> dict:
    """A whole network (a template) as a sub-network record, inputs and outputs in order."""
    order = net.inputs + [n for n in net.graph if net.kind(n) == "neuron"] + net.outputs
    record = extract(net, order)
    record["nodes"] = _in_order(record["nodes"], order)
    return record


def _in_order(nodes: list, order: list) -> list:
    rank = {n: i for i, n in enumerate(order)}
    return sorted(nodes, key=lambda rec: rank[rec[0]])


def dumps(record: dict) -> str:
    return json.dumps(record)


def loads(text: str) -> dict | None:
    """The record in `text`, or None if it is not a sub-network."""
    try:
        record = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    return record


def bounds(record: dict) -> tuple[float, float, float, float]:
    xs = [a.get("x", 0.0) for _, _, a in record["nodes"]] or [0.0]
    ys = [a.get("y", 0.0) for _, _, a in record["nodes"]] or [0.0]
    return min(xs), min(ys), max(xs), max(ys)


def renamed(net, record: dict, dx: float, dy: float) -> tuple[list, list]:
    """Nodes [(id, kind, attrs)] and edges [(u, v, attrs)] with ids fresh in `net`, moved by
    (dx, dy). Labels equal to the old id follow the new id."""
    mapping, nodes = {}, []
    for old, kind, attrs in record["nodes"]:
        new = net.new_id(kind)
        while new in mapping.values():
            new = net.new_id(kind)
        mapping[old] = new
        attrs = dict(attrs)
        attrs["x"] = float(attrs.get("x", 0.0)) + dx
        attrs["y"] = float(attrs.get("y", 0.0)) + dy
        if attrs.get("label", old) == old:
            attrs["label"] = new
        nodes.append((new, kind, attrs))
    edges = [(mapping[u], mapping[v], dict(a)) for u, v, a in record["edges"]
             if u in mapping and v in mapping]
    return nodes, edges
