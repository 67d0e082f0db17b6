"""GraphML through networkx, for Gephi, Cytoscape and yEd; a round trip is exact.

    save(net, "net.graphml"); net = load("net.graphml")

Every node and edge attribute of the file format is a GraphML attribute of the same name
(`delay` is text: "auto" or a whole number, since a GraphML key has one type). The network's
own fields (name, description, inputs and outputs in column order, ordering, groups, training
and view settings) are graph attributes, the structured ones as JSON text. A GraphML file from
another tool (no such attributes) is read as a plain graph: nodes without incoming edges
become inputs, nodes without outgoing edges outputs, the rest tanh neurons; a numeric "weight"
attribute is kept, every other weight is 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from ..io import FileFormatError, from_record, to_record
from ..io.netfile import _read_bytes, write_atomic
from ..io.records import TOP_KEYS

PLAIN = ("format", "version", "name", "description")


def to_graph(net) -> nx.DiGraph:
    """The network as a DiGraph whose attributes are all GraphML-ready scalars."""
    rec = to_record(net)
    g = nx.DiGraph()
    for key, value in rec.items():
        if key in ("nodes", "edges"):
            continue
        g.graph[key] = value if key in PLAIN else json.dumps(value, ensure_ascii=False)
    for node in rec["nodes"]:
        g.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    for e in rec["edges"]:
        attrs = {k: v for k, v in e.items() if k not in ("source", "target")}
        attrs["delay"] = str(attrs.get("delay", "auto"))
        g.add_edge(e["source"], e["target"], **attrs)
    return g


def save(net, path) -> Path:
    """Write the network as GraphML (atomically: a temporary file renamed into place)."""
    path = Path(path)
    data = "\n".join(nx.generate_graphml(to_graph(net), encoding="utf-8", prettyprint=True))
    write_atomic(str(path), data.encode("utf-8"))
    return path


def load(path):
    """The network of a GraphML file (FileFormatError naming the file and the place)."""
    name = str(path)
    data = _read_bytes(path, name)  # a regular file of a sane size, or a clear error
    try:
        g = nx.parse_graphml(data.decode("utf-8", errors="replace"), force_multigraph=False)
    except Exception as exc:  # malformed XML, unknown types, ...
        raise FileFormatError(f"not a readable GraphML file ({type(exc).__name__}: {exc})",
                              name) from None
    try:
        return from_graph(g)
    except FileFormatError as exc:
        raise exc.located(name) from None


def from_graph(g) -> object:
    """The network of a graph made by `to_graph`, or of a plain graph (see the module doc)."""
    if g.is_multigraph():
        raise FileFormatError("parallel edges: a network has at most one edge per pair")
    if not g.is_directed():
        raise FileFormatError("the graph is undirected; a network's edges have a direction")
    if g.graph.get("format") is None:
        return from_record(_plain_record(g))
    rec = {}
    for key, value in g.graph.items():
        if key not in TOP_KEYS:  # networkx's node_default / edge_default, other tools' keys
            continue
        if key in PLAIN:
            rec[key] = value
        else:
            try:
                rec[key] = json.loads(value)
            except (TypeError, ValueError):
                raise FileFormatError("not JSON text", where=f"graph attribute {key!r}") from None
    rec["nodes"] = [{"id": str(n), **d} for n, d in g.nodes(data=True)]
    rec["edges"] = [{"source": str(u), "target": str(v), **_edge(u, v, d)}
                    for u, v, d in g.edges(data=True)]
    return from_record(rec)


def _edge(u, v, data: dict) -> dict:
    out = dict(data)
    delay = out.get("delay", "auto")
    if isinstance(delay, str) and delay != "auto":
        if not delay.strip().isdigit():
            raise FileFormatError(f"delay {delay!r} is not 'auto' or a whole number",
                                  where=f"edge {u} -> {v}")
        delay = int(delay)
    out["delay"] = delay
    return out


def _plain_record(g) -> dict:
    from ..io import FORMAT, VERSION
    from ..model.network import KINDS
    nodes, inputs, outputs = [], [], []
    for n, d in g.nodes(data=True):
        kind = d.get("kind") if d.get("kind") in KINDS else (
            "input" if g.in_degree(n) == 0 else "output" if g.out_degree(n) == 0 else "neuron")
        rec = {"id": str(n), "kind": kind, "label": str(d.get("label", n))}
        (inputs if kind == "input" else outputs if kind == "output" else []).append(str(n))
        nodes.append(rec)
    edges = [{"source": str(u), "target": str(v),
              "weight": float(d["weight"]) if isinstance(d.get("weight"), (int, float))
              and not isinstance(d.get("weight"), bool) else 1.0}
             for u, v, d in g.edges(data=True)]
    return {"format": FORMAT, "version": VERSION, "name": str(g.graph.get("name", "graph")),
            "inputs": inputs, "outputs": outputs, "nodes": nodes, "edges": edges}
