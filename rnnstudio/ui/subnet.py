"""Sub-networks as plain records: copy/paste, template insertion. No Qt.

A sub-network record is {"nodes": [[id, kind, attrs]], "edges": [[u, v, attrs]], "groups":
[[gid, label, members, collapsed]]}, the edges being those with both ends inside and the groups
those with every member inside. `renamed` gives the records ids free in a target network.
"""

from __future__ import annotations

import json
from itertools import compress

import numpy as np

from ..model import KINDS
from ..model.columns import EdgeColumns, attr_columns
from ..model.network import EDGE_ATTRS, NEURON_ATTRS

FORMAT = "rnnstudio-subnet"
MAX_TEXT = 64 * 2**20  # a clipboard larger than this is not taken apart
MAX_COORD = 1e12


class SubnetError(ValueError):
    """A sub-network record that is not well formed; the message names the place."""


def extract(net, ids) -> dict:
    """The nodes `ids` and the edges between them, as a JSON-able record."""
    ids = [n for n in net.ordering() if n in set(ids)]
    g = net.graph
    nodes = [[n, g.nodes[n]["kind"], {k: v for k, v in g.nodes[n].items() if k != "kind"}]
             for n in ids]
    inside = set(ids)
    edges = [[u, v, dict(d)] for u, v, d in g.edges(data=True) if u in inside and v in inside]
    groups = [[gid, r["label"], r["members"], r["collapsed"]] for gid, r in net.groups.items()
              if inside.issuperset(r["members"])]
    return {"format": FORMAT, "nodes": nodes, "edges": edges, "groups": groups}


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
    """The record in `text`, or None if it is not a sub-network. A text that claims to be one
    but is malformed raises SubnetError naming the place at fault."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    try:
        record = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return None
    check(record)
    return record


def check(record: dict) -> None:
    """Raise SubnetError unless `record` has the shape `renamed` and `bounds` rely on: nodes
    [id, kind, attrs] with distinct text ids and finite positions, edges [u, v, attrs] between
    them. The values themselves are checked by the model when the nodes are added."""
    nodes, edges = record.get("nodes"), record.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise SubnetError("nodes and edges must be lists")
    ids: set = set()
    for i, rec in enumerate(nodes):
        _check_triple(rec, "nodes", i, "id and kind", _NODE_KEYS)
        node, kind, attrs = rec
        if kind not in KINDS:
            raise SubnetError(f"nodes[{i}]: kind {str(kind)[:20]!r} is not one of "
                              f"{', '.join(KINDS)}")
        if node in ids:
            raise SubnetError(f"nodes[{i}]: duplicate id {node!r}")
        ids.add(node)
        for key in ("x", "y"):
            value = attrs.get(key, 0.0)
            if type(value) is not float and (isinstance(value, bool) or not isinstance(
                    value, (int, float))) or not abs(value) <= MAX_COORD:  # false for NaN
                raise SubnetError(f"nodes[{i}]: {key} must be a finite number")
    for i, rec in enumerate(edges):
        _check_triple(rec, "edges", i, "source and target", _EDGE_KEYS)
        if rec[0] not in ids or rec[1] not in ids:
            end = rec[0] if rec[0] not in ids else rec[1]
            raise SubnetError(f"edges[{i}]: no node {end[:64]!r} among the nodes")
    _check_groups(record.get("groups", []), ids)


def _check_groups(groups, ids: set) -> None:
    if not isinstance(groups, list):
        raise SubnetError("groups must be a list")
    for i, rec in enumerate(groups):
        where = f"groups[{i}]"
        if not isinstance(rec, list) or len(rec) != 4:
            raise SubnetError(f"{where}: expected [id, label, members, collapsed]")
        gid, label, members, collapsed = rec
        if not isinstance(gid, str) or not isinstance(label, str) \
                or not isinstance(collapsed, bool) or not isinstance(members, list):
            raise SubnetError(f"{where}: expected text id and label, a list of members and "
                              "true or false")
        for n in members:
            if not isinstance(n, str) or n not in ids:
                raise SubnetError(f"{where}: member {str(n)[:64]!r} is not among the nodes")


_NODE_KEYS = frozenset(NEURON_ATTRS) - {"kind"}
_EDGE_KEYS = frozenset(EDGE_ATTRS) - {"kind"}


def _check_triple(rec, part: str, i: int, first: str, allowed: frozenset) -> None:
    """`record[part][i]` is [text, text, {attribute: value}] with `allowed` attributes (the
    place is spelled out only for an error: 55,000 records are checked for a big paste)."""
    if type(rec) is list and len(rec) == 3 and type(rec[0]) is str and type(rec[1]) is str \
            and type(rec[2]) is dict and allowed.issuperset(rec[2]):
        return
    where = f"{part}[{i}]"
    if not isinstance(rec, list) or len(rec) != 3:
        raise SubnetError(f"{where}: expected [{first.replace(' and ', ', ')}, attributes]")
    if not isinstance(rec[0], str) or not isinstance(rec[1], str):
        raise SubnetError(f"{where}: {first} must be text")
    if not isinstance(rec[2], dict):
        raise SubnetError(f"{where}: the attributes must be an object")
    unknown = [k for k in rec[2] if k not in allowed]
    raise SubnetError(f"{where}: unknown attribute {str(unknown[0])[:40]!r}")


def bounds(record: dict) -> tuple[float, float, float, float]:
    xs = [a.get("x", 0.0) for _, _, a in record["nodes"]] or [0.0]
    ys = [a.get("y", 0.0) for _, _, a in record["nodes"]] or [0.0]
    return min(xs), min(ys), max(xs), max(ys)


def free_id(old: str, taken) -> str:
    """`old` if it is not `taken`, else `old_2`, `old_3`, ... (the first one free)."""
    if old not in taken:
        return old
    k = 2
    while f"{old}_{k}" in taken:
        k += 1
    return f"{old}_{k}"


def renamed(net, record: dict, dx: float, dy: float, keep_ids: bool = False,
            table: tuple | None = None) -> tuple[list, list | EdgeColumns, list]:
    """Nodes [(id, kind, attrs)], edges and groups [(gid, label, members, collapsed)] of a
    record as `check` accepts it (`loads` checks a clipboard's; `extract` makes such), with ids
    free in `net`, moved by (dx, dy): fresh ids of each kind (h7, ...), or with `keep_ids` the
    record's own ids, suffixed only where `net` has them (a template's i0, f0, ... stay).
    Labels equal to the old id follow the new id. The edges are `EdgeColumns` (a paste's 50,000
    edges need no record each); `table`, the record's `edge_table` if it has one (a copy's),
    spares taking its edges apart again."""
    olds, kinds, attrs = _columns(record["nodes"])
    if keep_ids:
        taken, news = set(net.graph), []
        for old in olds:
            news.append(free_id(old, taken))
            taken.add(news[-1])
    else:
        news = net.new_ids(kinds)
    mapping = dict(zip(olds, news))
    nodes = list(zip(news, kinds, _moved(attrs, olds, news, dx, dy)))
    groups, gids = [], set(net.groups)
    for gid, label, members, collapsed in record.get("groups", []):
        new_gid = free_id(gid, gids)
        gids.add(new_gid)
        groups.append((new_gid, label, [mapping[n] for n in members], collapsed))
    edges = _renamed_edges(record.get("edges", []), mapping) if table is None else \
        _tabled_edges(table, news)
    return nodes, edges, groups


def _columns(records: list) -> tuple:
    """The three columns of records [first, second, attrs]."""
    return tuple(zip(*records)) if records else ((), (), ())


def _moved(attrs, olds, news, dx: float, dy: float) -> list:
    """Copies of the attrs moved by (dx, dy), labels equal to the old id the new id."""
    moved = []
    for a, old, new in zip(attrs, olds, news):
        a = a.copy()  # (a dict's copy is one block copied: faster than {**a, ...})
        a["x"] = float(a.get("x", 0.0)) + dx
        a["y"] = float(a.get("y", 0.0)) + dy
        if a.get("label", old) == old:
            a["label"] = new
        moved.append(a)
    return moved


def _renamed_edges(records: list, mapping: dict) -> list | EdgeColumns:
    """The edges between renamed nodes, their ends renamed (the attribute values are the
    record's: nothing changes them)."""
    us, vs, attrs = _columns(records)
    us, vs = list(map(mapping.get, us)), list(map(mapping.get, vs))  # (ids: never None)
    if None in us or None in vs:
        kept = [u is not None and v is not None for u, v in zip(us, vs)]
        us, vs, attrs = (list(compress(c, kept)) for c in (us, vs, attrs))
    columns = attr_columns(us, vs, attrs)
    return list(zip(us, vs, attrs)) if columns is None else EdgeColumns(columns)


def edge_table(record: dict) -> tuple | None:
    """The record's edges as `renamed` can take them again and again (a copy's, made once:
    a paste of it then only renames 50,000 ends): (sources, targets) as positions in
    record["nodes"] (numpy arrays), then the weights, delays and trainables as `attr_columns`
    gives them, as tuples (every paste hands the same ones to the model: nobody can change
    them). None when an edge has an end that is not among the nodes or a keyword that is no
    edge attribute: then `renamed` takes the edges apart as it does a record without one."""
    us, vs, attrs = _columns(record.get("edges", []))
    columns = attr_columns(us, vs, attrs)
    if columns is None:
        return None
    at = {rec[0]: i for i, rec in enumerate(record["nodes"])}  # (the last of an id, as renamed)
    try:
        ends = [np.fromiter(map(at.__getitem__, c), np.intp, len(c)) for c in (us, vs)]
    except KeyError:
        return None
    return (*ends, *map(tuple, columns[2:]))


def _tabled_edges(table: tuple, news: list) -> EdgeColumns:
    """The edges of an `edge_table`, their ends the new ids (`news`: in the record's order)."""
    sources, targets, *values = table
    ids = np.array(news, dtype=object)
    return EdgeColumns((ids[sources].tolist(), ids[targets].tolist(), *values))
