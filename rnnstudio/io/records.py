"""Network <-> plain record (the dict that is the JSON file).

Reading checks the shape of the record (types, unknown and missing keys, duplicate ids, edges
to unknown nodes) with the place of each problem, then builds the network through its public
methods, which check the values; a `NetworkError` becomes a `FileFormatError` at that place.
"""

from __future__ import annotations

from itertools import chain, repeat
from typing import Any

from ..pacing import paced
from ..model import KINDS, Network, NetworkError
from .errors import FileFormatError
from .jsontext import Limits, check_value, describe, join
from .migrations import FORMAT, VERSION, check_header, migrate

Record = dict[str, Any]

TOP_KEYS = ("format", "version", "name", "description", "inputs", "outputs", "ordering",
            "nodes", "edges", "groups", "training", "view")
NODE_KEYS = ("id", "kind", "label", "x", "y", "activation", "bias", "initial", "aggregate",
             "direction", "trainable", "initial_trainable")
EDGE_KEYS = ("source", "target", "weight", "delay", "trainable")
ORDERING_KEYS = ("mode", "manual")
GROUP_KEYS = ("id", "label", "members", "collapsed")
# the free-form blocks (training settings, view state) are small: what they may hold
FREE_FORM = ("training", "view")
FREE_FORM_LIMITS = {key: Limits(depth=16, values=100_000, text=1_000_000,
                                name=f"the {key} block") for key in FREE_FORM}
# the JSON type each field must have (values are checked by the model)
NUMBER, TEXT, BOOL = (int, float), (str,), (bool,)
FIELD_TYPES = {"id": TEXT, "kind": TEXT, "label": TEXT, "x": NUMBER, "y": NUMBER,
               "activation": TEXT, "bias": NUMBER, "initial": NUMBER, "aggregate": TEXT,
               "direction": TEXT, "trainable": BOOL, "initial_trainable": BOOL,
               "source": TEXT, "target": TEXT, "weight": NUMBER, "mode": TEXT,
               "collapsed": BOOL}


# ---------------------------------------------------------------------- writing
def to_record(net: Network) -> Record:
    """The network as a plain, JSON-ready dict in the file's key order (the network is
    validated first; a problem raises FileFormatError)."""
    try:
        net.validate()
    except NetworkError as exc:
        raise FileFormatError(f"cannot save an invalid network: {exc}") from None
    for key in FREE_FORM:
        if not isinstance(getattr(net, key), dict):
            raise FileFormatError(f"expected an object, got {describe(getattr(net, key))}",
                                  where=key)
        check_value(getattr(net, key), key, FREE_FORM_LIMITS[key])
    for key in ("name", "description"):
        check_value(getattr(net, key), key)
    return {
        "format": FORMAT, "version": VERSION, "name": net.name, "description": net.description,
        "inputs": net.inputs, "outputs": net.outputs,
        "ordering": {"mode": net.ordering_mode, "manual": net.manual_order},
        "nodes": [_node_record(n, d) for n, d in paced(net.graph.nodes(data=True))],
        "edges": [_edge_record(u, v, d) for u, v, d in paced(net.graph.edges(data=True))],
        "groups": [{"id": g, "label": r["label"], "members": r["members"],
                    "collapsed": r["collapsed"]} for g, r in net.groups.items()],
        "training": _plain(net.training), "view": _plain(net.view),
    }


def _node_record(node: str, data: dict) -> Record:
    out: Record = {"id": node}
    for key in NODE_KEYS[1:]:
        if key in data:
            value = data[key]
            out[key] = float(value) if FIELD_TYPES[key] is NUMBER else value
    return out


def _edge_record(u: str, v: str, data: dict) -> Record:
    return {"source": u, "target": v, "weight": float(data["weight"]), "delay": data["delay"],
            "trainable": data["trainable"]}


def _plain(value: Any) -> Any:
    """A copy made of dicts and lists only (tuples become lists, as in JSON)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# ---------------------------------------------------------------------- reading
def from_record(record: Any) -> Network:
    """Check, migrate and validate a record, then build the network. Problems raise
    FileFormatError with the place (``where``) but no path; `load` adds the path."""
    if isinstance(record, dict):  # the free-form blocks first: their limits fail fast
        for key in FREE_FORM:
            if isinstance(record.get(key), dict):
                check_value(record[key], key, FREE_FORM_LIMITS[key])
    check_value(record, "")
    version = check_header(record)
    record = migrate(dict(record), version)
    _check_keys(record, "", TOP_KEYS, required=("format", "version", "nodes", "edges"))
    net = Network()
    _call(net.set_meta, None, name=_get(record, "name", TEXT, "untitled"),
          description=_get(record, "description", TEXT, ""))
    _add_nodes(net, _get_list(record, "nodes"))
    _add_edges(net, _get_list(record, "edges"))
    _add_groups(net, _get_list(record, "groups") if "groups" in record else [])
    _set_io_order(net, record)
    _set_ordering(net, _get(record, "ordering", (dict,), {"mode": "auto"}))
    _call(net.set_meta, None, training=_get(record, "training", (dict,), {}),
          view=_get(record, "view", (dict,), {}))
    _call(net.validate, None)
    return net


def _add_nodes(net: Network, nodes: list) -> None:
    """Add the node records: at once when each is plain in shape (`_plain_columns`), the
    model checking the values; else, or when the model refuses some, `_checked_nodes`
    names the first record at fault in the file's words (the model's refusal when none
    is)."""
    columns = _plain_columns(nodes, NODE_KEYS, ("id", "kind"), {})
    if columns is not None:
        records = list(zip(columns["id"], columns["kind"],
                           [{k: v for k, v in rec.items() if k != "id" and k != "kind"}
                            for rec in nodes]))
        _bulk(net.add_nodes, records, "nodes", lambda: _checked_nodes(nodes))
    else:
        _bulk(net.add_nodes, _checked_nodes(nodes), "nodes")


def _checked_nodes(nodes: list) -> list:
    """[(id, kind, attrs)] of the node records, each checked in turn: the first problem of
    shape (types, unknown and missing keys, duplicate ids, kinds) raises FileFormatError."""
    ids: dict[str, int] = {}
    records = []
    for i, rec in enumerate(nodes):
        _check_record(rec, i, "nodes", NODE_KEYS, ("id", "kind"))
        node, kind = rec["id"], rec["kind"]
        if node in ids:
            raise FileFormatError(f"duplicate id {node!r} (also nodes[{ids[node]}])",
                                  where=join(f"nodes[{i}]", "id"))
        if kind not in KINDS:
            raise FileFormatError(f"{kind!r} is not one of {', '.join(KINDS)}",
                                  where=join(f"nodes[{i}]", "kind"))
        records.append((node, kind, {k: v for k, v in rec.items() if k != "id" and k != "kind"}))
        ids[node] = i
    return records


def _add_edges(net: Network, edges: list) -> None:
    """Add the edge records, as `_add_nodes` adds the nodes (`net`: the file's nodes)."""
    columns = _plain_columns(edges, EDGE_KEYS, ("source", "target", "weight"), EDGE_DEFAULTS)
    if columns is not None:
        _bulk(lambda cols: net.add_edge_columns(*cols), [columns[k] for k in EDGE_KEYS],
              "edges", lambda: _checked_edges(edges, net))
    else:
        _bulk(net.add_edges, _checked_edges(edges, net), "edges")


def _checked_edges(edges: list, nodes) -> list:
    """[(source, target, attrs)] of the edge records, each checked in turn: the first
    problem of shape (types, unknown and missing keys, unknown ends, duplicate edges) raises
    FileFormatError."""
    seen: dict[tuple[str, str], int] = {}
    records = []
    for i, rec in enumerate(edges):
        _check_record(rec, i, "edges", EDGE_KEYS, ("source", "target", "weight"))
        u, v = rec["source"], rec["target"]
        for key, node in (("source", u), ("target", v)):
            if node not in nodes:
                raise FileFormatError(f"no node {node!r}", where=join(f"edges[{i}]", key))
        if (u, v) in seen:
            raise FileFormatError(f"duplicate edge {u} -> {v} (also edges[{seen[u, v]}])",
                                  where=f"edges[{i}]")
        records.append((u, v, {k: v for k, v in rec.items() if k != "source" and k != "target"}))
        seen[u, v] = i
    return records


def _bulk(method, records, where: str, exact=None) -> None:
    """`method(records)`; its refusal becomes a FileFormatError at the record it names. With
    `exact` (the records' checks one by one, in the file's words), a refusal first asks
    `exact` whether a record has a problem of shape before it: that one is named."""
    try:
        method(records)
    except NetworkError as exc:
        if exact is not None:
            exact()
        at = f"{where}[{exc.index}]" if exc.index is not None else None
        raise FileFormatError(str(exc), where=at) from None


# the exact JSON types each field may have (a fast test; `_field` words the refusal)
_EXACT = {key: {str} if types is TEXT else {bool} if types is BOOL else {int, float}
          for key, types in FIELD_TYPES.items()}
_EXACT["delay"] = {int, str}


def _check_record(rec: Any, i: int, what: str, allowed: tuple, required: tuple) -> None:
    """The record is an object of known keys, with the required ones, each of its type."""
    if type(rec) is dict and rec.keys() <= set(allowed) and all(k in rec for k in required) \
            and all(type(v) in _EXACT[k] for k, v in rec.items()) \
            and (type(rec.get("delay")) is not str or rec["delay"] == "auto"):
        return
    where = f"{what}[{i}]"
    _check_keys(rec, where, allowed, required)
    for key in rec:
        _field(rec, key, where)


class _Absent:
    """The value of a key a record leaves out (`_plain_columns`)."""


_ABSENT = _Absent()
EDGE_DEFAULTS = {"delay": "auto", "trainable": True}


def _plain_columns(recs: list, keys: tuple, required: tuple, defaults: dict) -> dict | None:
    """{key: [its value in each record]} when every record is plain in shape, as
    `_check_record` sees one: an object of known keys, with the required ones, each of its
    JSON type ("auto" the only text delay). A record without an optional key has
    `defaults[key]` there, or `_ABSENT`. None when some record is not plain."""
    if not (set(map(type, recs)) <= {dict} and set(keys).issuperset(chain.from_iterable(recs))):
        return None
    columns = {}
    for key in keys:
        column = list(map(dict.get, recs, repeat(key), repeat(defaults.get(key, _ABSENT))))
        types = set(map(type, column))
        if key not in required:
            types.discard(_Absent)
        if not types <= _EXACT[key] or (str in types and key == "delay" and any(
                type(d) is str and d != "auto" for d in set(column))):
            return None
        columns[key] = column
    return columns


def _add_groups(net: Network, groups: list) -> None:
    for i, rec in enumerate(groups):
        where = f"groups[{i}]"
        _check_keys(rec, where, GROUP_KEYS, required=("id", "members"))
        gid = _field(rec, "id", where)
        if gid in net.groups:
            raise FileFormatError(f"duplicate group id {gid!r}", where=join(where, "id"))
        members = _get_text_list(rec, "members", [], where=join(where, "members"))
        attrs = {k: _field(rec, k, where) for k in ("label", "collapsed") if k in rec}
        _call(net.add_group, where, gid, members, **attrs)


def _set_io_order(net: Network, record: Record) -> None:
    orders = {}
    for key, kind in (("inputs", "input"), ("outputs", "output")):
        expected = [n for n in net.graph if net.kind(n) == kind]
        order = _get_text_list(record, key, expected)
        for i, node in enumerate(order):
            if node not in net or net.kind(node) != kind:
                raise FileFormatError(f"{node!r} is not an {kind} node", where=join(key, i))
        if len(set(order)) != len(order) or len(order) != len(expected):
            missing = sorted(set(expected) - set(order))
            raise FileFormatError(f"must list every {kind} node exactly once"
                                  + (f" (missing {', '.join(missing[:5])})" if missing else ""),
                                  where=key)
        orders[key] = order
    _call(net.set_io_order, None, **orders)


def _set_ordering(net: Network, rec: Record) -> None:
    _check_keys(rec, "ordering", ORDERING_KEYS, required=("mode",))
    mode = _field(rec, "mode", "ordering")
    manual = _get_text_list(rec, "manual", [], where="ordering.manual")
    if mode == "manual":
        _call(net.set_ordering, "ordering.manual", manual)
        return
    if manual:
        raise FileFormatError(f"a manual order is only used in mode 'manual' (mode is {mode!r})",
                              where="ordering.manual")
    _call(net.set_ordering_mode, "ordering.mode", mode)


# ---------------------------------------------------------------------- small checks
def _call(method, where: str | None, *args, **kwargs) -> Any:
    """Call a model method; its NetworkError becomes a FileFormatError at `where`."""
    try:
        return method(*args, **kwargs)
    except NetworkError as exc:
        raise FileFormatError(str(exc), where=where) from None


def _check_keys(rec: Any, where: str, allowed: tuple, required: tuple) -> None:
    if not isinstance(rec, dict):
        raise FileFormatError(f"expected an object, got {describe(rec)}", where=where or None)
    for key in rec:
        if key not in allowed:
            raise FileFormatError(f"unknown key {key!r}", where=where or None)
    for key in required:
        if key not in rec:
            raise FileFormatError(f"missing key {key!r}", where=where or None)


def _field(rec: Record, key: str, where: str) -> Any:
    value = rec[key]
    types = FIELD_TYPES.get(key)
    if key == "delay":
        if not (value == "auto" and isinstance(value, str)) and \
                (isinstance(value, bool) or not isinstance(value, int)):
            raise FileFormatError(f"expected \"auto\" or a whole number, got {value!r}",
                                  where=join(where, key))
    elif types and (not isinstance(value, types) or (types is NUMBER and isinstance(value, bool))):
        expected = {NUMBER: "a number", TEXT: "text", BOOL: "true or false"}[types]
        raise FileFormatError(f"expected {expected}, got {describe(value)}",
                              where=join(where, key))
    return value


def _get(record: Record, key: str, types: tuple, default: Any) -> Any:
    if key not in record:
        return default
    value = record[key]
    if not isinstance(value, types) or isinstance(value, bool):
        expected = "an object" if types == (dict,) else "text"
        raise FileFormatError(f"expected {expected}, got {describe(value)}", where=key)
    return value


def _get_list(record: Record, key: str) -> list:
    value = record[key]
    if not isinstance(value, list):
        raise FileFormatError(f"expected an array, got {describe(value)}", where=key)
    return value


def _get_text_list(record: Record, key: str, default: list, where: str | None = None) -> list:
    where = where or key
    if key not in record:
        return list(default)
    value = record[key]
    if not isinstance(value, list):
        raise FileFormatError(f"expected an array of node ids, got {describe(value)}",
                              where=where)
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise FileFormatError(f"expected a node id (text), got {describe(item)}",
                                  where=join(where, i))
    return value
