"""Checks of many new nodes or edges at once, column by column (no Qt).

Pasting 5,000 nodes and 50,000 edges, or loading them from a file, checked each item with a
function call or two: 150-200 ms. Here the same rules are asked of whole columns (the types of
all the weights as one set, their bounds as one min and max, the ends as two set inclusions),
in a few passes of C loops. A column that holds anything unusual makes the answer None, and
the exact item-by-item checks of `Network` decide: they are the arbiter, these passes only
recognise the common case where the arbiter would accept every item unchanged.
"""

from __future__ import annotations

from itertools import chain, repeat
from operator import itemgetter

from .values import (_CHOICES, _ID_RE, _PLAIN, EDGE_ATTRS, INPUT_ATTRS, KINDS, MAX_ABS_VALUE,
                     MAX_DELAY, NEURON_ATTRS, NODE_DEFAULTS, OUTPUT_DEFAULTS)

_EDGE_KEYS = frozenset(EDGE_ATTRS)
_EDGE_DEFAULTS = (("weight", 1.0), ("delay", "auto"), ("trainable", True))


def _only(column, kind: type) -> bool:
    """Every item is exactly of type `kind` (not a subclass: no bool for an int)."""
    return set(map(type, column)) <= {kind}


def _bounded(column: list) -> bool:
    """Every float is finite and of magnitude at most MAX_ABS_VALUE (a sum is NaN or infinite
    when an item is; then min and max are the extremes). `column`: floats, not empty."""
    total = sum(column)
    return total - total == 0.0 and -MAX_ABS_VALUE <= min(column) and \
        max(column) <= MAX_ABS_VALUE


def _triples(records: list) -> tuple | None:
    """The three columns of records [(a, b, attrs)] whose attrs are dicts, or None."""
    try:
        if set(map(len, records)) != {3}:
            return None
    except TypeError:  # a record without a length: the exact loop says what it is
        return None
    first, second, attrs = zip(*records)
    return (first, second, attrs) if _only(attrs, dict) else None


# ---------------------------------------------------------------------- edges
def edge_columns(records: list) -> tuple | None:
    """(sources, targets, weights, delays, trainables) of edge records [(u, v, attrs)], with
    `add_edge`'s defaults where attrs leave a keyword out; None when a record is not a triple
    with a dict of edge keywords."""
    columns = _triples(records)
    return None if columns is None else attr_columns(*columns)


def attr_columns(us, vs, attrs) -> tuple | None:
    """`edge_columns` of the edges us[i] -> vs[i] with keywords attrs[i] (dicts); None when
    one has a keyword that is no edge attribute."""
    if set(map(len, attrs)) == {3}:  # each has all three (or a KeyError says it has not)
        try:
            return (us, vs) + tuple(list(map(itemgetter(key), attrs)) for key in EDGE_ATTRS)
        except KeyError:
            pass
    if not _EDGE_KEYS.issuperset(chain.from_iterable(attrs)):
        return None
    return (us, vs) + tuple(list(map(dict.get, attrs, repeat(key), repeat(default)))
                            for key, default in _EDGE_DEFAULTS)


class EdgeColumns:
    """New edges column by column (`columns`: sources, targets, weights, delays, trainables,
    as `Network.add_edge_columns` takes them): a paste's 50,000 edges without a record each.
    Its length is the number of edges."""

    __slots__ = ("columns",)

    def __init__(self, columns: tuple):
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0])

    def keys(self) -> list:
        """[(source, target)] of the edges, in order."""
        return list(zip(self.columns[0], self.columns[1]))


def edge_records(us, vs, ws, ds, ts) -> list:
    """The edge records [(u, v, attrs)] of columns (for the exact checks)."""
    return [(u, v, {"weight": w, "delay": d, "trainable": t})
            for u, v, w, d, t in zip(us, vs, ws, ds, ts)]


def plain_edges(nodes: dict, us, vs, ws, ds, ts) -> list | None:
    """The data of new edges, each an ordinary one: from a known forward-time node into a
    known forward-time non-input (`nodes`: the graph's), a float weight within the limits,
    "auto" or a whole delay within them (no self-loop of delay 0), a bool trainable; data
    exactly as `Network._edge_data` gives it. None when some edge is not such an edge. (Whether
    an edge is there already or comes twice is seen as they go in: `insert_new_edges`.)"""
    if not (_only(us, str) and _only(vs, str) and _plain_ends(nodes, set(us), set(vs))
            and _only(ws, float) and _bounded(ws) and _only(ts, bool)
            and _plain_delays(us, vs, ds)):
        return None
    return [{"weight": w, "delay": d, "trainable": t} for w, d, t in zip(ws, ds, ts)]


def _plain_ends(nodes: dict, sources: set, targets: set) -> bool:
    """Every source is a known forward-time node (or an input), every target a known
    forward-time neuron or output."""
    if not (nodes.keys() >= sources and nodes.keys() >= targets):
        return False
    directions = set(map(dict.get, map(nodes.__getitem__, sources | targets),
                         repeat("direction")))
    return "reverse" not in directions and "input" not in set(
        map(itemgetter("kind"), map(nodes.__getitem__, targets)))


def insert_new_edges(graph, us, vs, datas: list) -> bool:
    """Put the edges us[i] -> vs[i] with data datas[i] into the graph's adjacency, or, when
    one is there already or comes twice, nothing (and say False)."""
    succ = graph._succ
    for i, (u, v, data) in enumerate(zip(us, vs, datas)):
        nbrs = succ[u]
        if v in nbrs:
            for u, v in zip(us[:i], vs[:i]):
                del succ[u][v]
            return False
        nbrs[v] = data
    pred = graph._pred
    for u, v, data in zip(us, vs, datas):
        pred[v][u] = data
    return True


def _plain_delays(us, vs, ds) -> bool:
    if not set(map(type, ds)) <= {int, str}:
        return False
    values = set(ds)  # ints and texts only: no 1 == 1.0 == True merging
    if not all(0 <= d <= MAX_DELAY if type(d) is int else d == "auto" for d in values):
        return False
    return 0 not in values or all(d != 0 for u, v, d in zip(us, vs, ds) if u == v)


# ---------------------------------------------------------------------- nodes
_DEFAULTS = {"input": {}, "neuron": NODE_DEFAULTS, "output": OUTPUT_DEFAULTS}
_KINDS = frozenset(KINDS)
_SIZES = {kind: len(INPUT_ATTRS if kind == "input" else NEURON_ATTRS) for kind in KINDS}


def plain_nodes(existing: dict, records: list) -> list | None:
    """[(node, kind, data)] of new node records [(id, kind, attrs)], each an ordinary one: a
    valid id, new (`existing`: the graph's nodes) and given once, a known kind, attributes
    that apply to it, each of its plain type and within the limits; data exactly as
    `Network._node_data` gives it. None when some node is not such a node."""
    columns = _triples(records)
    if columns is None:
        return None
    nodes, kinds, attrs = columns
    if not (_only(nodes, str) and _only(kinds, str) and set(kinds) <= _KINDS
            and all(map(_ID_RE.match, nodes)) and len(set(nodes)) == len(nodes)
            and existing.keys().isdisjoint(nodes)):
        return None
    datas = [{"label": n, "x": 0.0, "y": 0.0, **_DEFAULTS[k], **a, "kind": k}
             for n, k, a in zip(nodes, kinds, attrs)]
    # each data holds every attribute of its kind: as many as that means no other
    if sum(map(len, datas)) != sum(map(_SIZES.__getitem__, kinds)) or not _plain_values(datas):
        return None
    return list(zip(nodes, kinds, datas))


def _plain_values(datas: list) -> bool:
    labels = [d["label"] for d in datas]
    if not _only(labels, str) or max(map(len, labels)) > 200:
        return False
    for key, kind in _PLAIN.items():
        column = list(map(dict.get, datas, repeat(key), repeat(NODE_DEFAULTS.get(key, 0.0))))
        if not _only(column, kind) or (kind is float and not _bounded(column)) or (
                key in _CHOICES and not set(column) <= set(_CHOICES[key])):
            return False
    return True
