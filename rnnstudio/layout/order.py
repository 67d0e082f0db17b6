"""Layers and crossing reduction for `rnnstudio.layout` (see its docstring). No Qt."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from .blocks import group_block_size

SWEEPS = 4
BIG = 20000  # edges: above this the sweeps do not count crossings to keep the best
DUMMIES = 20000  # at most this many dummy units for edges that skip layers


@dataclass
class Graph:
    """The network by ordering index, one *unit* per node, except that a collapsed group is
    one unit (a block): names, layering (forward) edges, groups."""
    names: list[str]         # a node's id, or a collapsed group's id
    src: np.ndarray          # forward edges (layering), src index < dst index
    dst: np.ndarray
    inputs: np.ndarray       # bool per unit
    outputs: np.ndarray
    group: np.ndarray        # group index per unit, -1 when ungrouped
    n_groups: int
    layer: np.ndarray = field(default=None)
    members: dict = field(default_factory=dict)  # unit -> member ids (collapsed groups)
    half: np.ndarray = field(default=None)  # per unit: half width, half height (0: a node)
    loops: np.ndarray = field(default=None)  # per unit: a block's loop above (delayed edges
    # among its members), below (same-step ones)


def _forward_edges(net, index: dict) -> list[tuple[str, str]]:
    """Edges that go forward in the ordering and are same-step, or delayed between nodes of
    different strongly connected components (a delay line, a tap): they define the layers."""
    fwd = [(u, v, d) for (u, v), d in net.delays().items() if index[u] < index[v]]
    if any(d for _, _, d in fwd):  # only then are the cycles needed
        comp = {}
        for c, nodes in enumerate(nx.strongly_connected_components(net.graph)):
            comp.update(dict.fromkeys(nodes, c))
        fwd = [(u, v, d) for u, v, d in fwd if d == 0 or comp[u] != comp[v]]
    return [(u, v) for u, v, _ in fwd]


def _units(net, collapsed) -> tuple[list[str], dict, dict]:
    """The units in the ordering (a collapsed group where its first member is), each node's
    unit index, and the members of the collapsed units."""
    groups = net.groups
    shut = {g for g, r in groups.items() if r["collapsed"]} if collapsed is None else set(
        g for g in collapsed if g in groups)
    owner = {m: g for g in shut for m in groups[g]["members"]}
    names: list[str] = []
    unit_of: dict = {}
    first: dict = {}
    members: dict = {}
    for n in net.ordering():
        g = owner.get(n)
        if g is None:
            unit_of[n] = len(names)
            names.append(n)
        else:
            if g not in first:
                first[g] = len(names)
                members[first[g]] = list(groups[g]["members"])
                names.append(g)
            unit_of[n] = first[g]
    return names, unit_of, members


def read(net, collapsed=None) -> Graph:
    """The network as units; `collapsed`: the groups drawn as blocks (None: those the network
    has collapsed)."""
    names, unit_of, members = _units(net, collapsed)
    pairs = {(unit_of[u], unit_of[v]) for u, v in _forward_edges(net, unit_of)}
    loops = np.zeros((len(names), 2), bool)
    if members:
        for (u, v), d in net.delays().items():
            if unit_of[u] == unit_of[v] and unit_of[u] in members:
                loops[unit_of[u], 0 if d >= 1 or u == v else 1] = True
    arr = np.array(sorted((a, b) for a, b in pairs if a < b), dtype=np.int64).reshape(-1, 2)
    n = len(names)
    inputs = np.zeros(n, bool)
    inputs[[unit_of[x] for x in net.inputs]] = True
    outputs = np.zeros(n, bool)
    outputs[[unit_of[y] for y in net.outputs]] = True
    groups = getattr(net, "groups", {}) or {}
    kinds = net.graph.nodes
    half = np.zeros((n, 2))
    for i, ms in members.items():  # a block is an input (output) when all its members are
        inputs[i] = all(kinds[m]["kind"] == "input" for m in ms)
        outputs[i] = all(kinds[m]["kind"] == "output" for m in ms)
        half[i] = np.array(group_block_size(net, groups[names[i]])) / 2
    group = np.full(n, -1, dtype=np.int64)
    for g, gid in enumerate(groups):  # groups are ordered by insertion
        for m in groups[gid]["members"]:
            if m in unit_of:
                group[unit_of[m]] = g
    return Graph(names, arr[:, 0].copy(), arr[:, 1].copy(), inputs, outputs, group,
                 len(groups), members=members, half=half, loops=loops)


def longest_path(g: Graph) -> np.ndarray:
    """Inputs in layer 0, every other node at least 1 and right of its forward predecessors;
    outputs that feed nothing forward sit in the last layer."""
    n = len(g.names)
    layer = np.where(g.inputs, 0, 1).astype(np.int64)
    by_dst = np.argsort(g.dst, kind="stable")  # predecessors come first in the ordering
    for u, v in zip(g.src[by_dst].tolist(), g.dst[by_dst].tolist()):
        if layer[u] + 1 > layer[v]:
            layer[v] = layer[u] + 1
    has_succ = np.zeros(n, bool)
    has_succ[g.src] = True
    sinks = g.outputs & ~has_succ & ~g.inputs
    if sinks.any():
        rest = ~sinks & ~g.inputs
        last = max(int(layer[rest].max()) + 1 if rest.any() else 1, int(layer[sinks].max()))
        layer[sinks] = last
    return layer


def with_dummies(g: Graph, cap: int = DUMMIES) -> Graph:
    """`g` with each forward edge that skips layers cut into a chain of one-layer edges
    through dummy units (ungrouped, after the real ones), so that crossing reduction sees
    where long edges run (the LSTM's output gate then sits at the edge of its column and its
    edge to h runs beside the cell, not through it). Unchanged when more than `cap` dummies
    would be needed."""
    span = g.layer[g.dst] - g.layer[g.src]
    long = np.flatnonzero(span > 1)
    extra = int((span[long] - 1).sum())
    if not len(long) or extra > cap:
        return g
    n = len(g.names)
    src, dst, layer = [g.src[span <= 1]], [g.dst[span <= 1]], [g.layer]
    k = n
    for e in long.tolist():
        u, v = int(g.src[e]), int(g.dst[e])
        chain = [u] + list(range(k, k + int(span[e]) - 1)) + [v]
        layer.append(np.arange(g.layer[u] + 1, g.layer[v], dtype=np.int64))
        src.append(np.array(chain[:-1], dtype=np.int64))
        dst.append(np.array(chain[1:], dtype=np.int64))
        k += int(span[e]) - 1
    pad = np.zeros(extra, bool)
    return Graph(g.names + [""] * extra, np.concatenate(src), np.concatenate(dst),
                 np.concatenate([g.inputs, pad]), np.concatenate([g.outputs, pad]),
                 np.concatenate([g.group, np.full(extra, -1, dtype=np.int64)]), g.n_groups,
                 np.concatenate(layer), g.members, g.half, g.loops)


# ---------------------------------------------------------------- blocks and ordering
def blocks(g: Graph) -> tuple[np.ndarray, list[range]]:
    """A block id per node (a group, or the ungrouped nodes of one layer) and, per block,
    the layers it spans. Groups keep ids 0..n_groups-1."""
    block = g.group.copy()
    free = block < 0
    block[free] = g.n_groups + g.layer[free]
    n_blocks = g.n_groups + int(g.layer.max()) + 1 if len(block) else 0
    span = []
    for b in range(n_blocks):
        ls = g.layer[block == b]
        span.append(range(int(ls.min()), int(ls.max()) + 1) if len(ls) else range(0))
    return block, span


def _initial_pos(g: Graph, block: np.ndarray):
    """Rank in the layer: groups in the order they were made (a template lists them in
    reading order), then the other nodes by the ordering; centred on 0."""
    n = len(g.names)
    first = np.full(block.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, block, np.arange(n))
    ids = np.arange(len(first))
    key = np.where(ids < g.n_groups, ids, g.n_groups + first).astype(float)
    return _ranks(g.layer, block, key[block], np.zeros(n)), key


def _ranks(layer, block, block_key, own_key) -> np.ndarray:
    """Position of each node in its layer after sorting by (block key, block, own key,
    ordering), centred on 0 (so layers of different sizes line up on their middles)."""
    order = np.lexsort((np.arange(len(layer)), own_key, block, block_key, layer))
    pos = np.empty(len(layer), dtype=float)
    counts = np.bincount(layer) if len(layer) else np.zeros(0, int)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(layer)) - starts[layer[order]]
    pos[order] = rank - (counts[layer[order]] - 1) / 2.0
    return pos


def bary(pos, src, dst, n) -> tuple[np.ndarray, np.ndarray]:
    """Mean position of each node's neighbours along (src -> dst), and their count."""
    total = np.bincount(dst, weights=pos[src], minlength=n)
    count = np.bincount(dst, minlength=n).astype(float)
    return total, count


def _sweep(g: Graph, block: np.ndarray, pos: np.ndarray, down: bool):
    """One barycentre sweep: each node keyed by its neighbours on one side (both sides for
    nodes without such neighbours keep their place), blocks by their members' mean key."""
    n = len(pos)
    s, d = (g.src, g.dst) if down else (g.dst, g.src)
    total, count = bary(pos, s, d, n)
    key = np.where(count > 0, total / np.maximum(count, 1), pos)
    nb = block.max() + 1
    bkey = np.bincount(block, weights=key, minlength=nb) / np.maximum(
        np.bincount(block, minlength=nb), 1)
    return _ranks(g.layer, block, bkey[block], key), bkey


def crossings(pos: dict, edges) -> int:
    """Crossings among straight edges between the given positions (end points shared by two
    edges do not count): a plain quality figure for tests and benchmarks, O(E^2)."""
    seg = np.array([pos[u] + pos[v] for u, v in edges if u != v], dtype=float).reshape(-1, 4)
    ends = [(u, v) for u, v in edges if u != v]
    total = 0
    for i in range(len(seg) - 1):
        a, rest = seg[i], seg[i + 1:]
        hit = _segments_cross(a, rest)
        shared = np.array([len({ends[i][0], ends[i][1]} & {u, v}) > 0 for u, v in ends[i + 1:]],
                          dtype=bool)
        total += int(np.count_nonzero(hit & ~shared))
    return total


def _segments_cross(a: np.ndarray, rest: np.ndarray) -> np.ndarray:
    def orient(px, py, qx, qy, rx, ry):
        return np.sign((qx - px) * (ry - py) - (qy - py) * (rx - px))
    o1 = orient(a[0], a[1], a[2], a[3], rest[:, 0], rest[:, 1])
    o2 = orient(a[0], a[1], a[2], a[3], rest[:, 2], rest[:, 3])
    o3 = orient(rest[:, 0], rest[:, 1], rest[:, 2], rest[:, 3], a[0], a[1])
    o4 = orient(rest[:, 0], rest[:, 1], rest[:, 2], rest[:, 3], a[2], a[3])
    return (o1 * o2 < 0) & (o3 * o4 < 0)


def _layer_crossings(g: Graph, pos: np.ndarray) -> int:
    """Crossings between edges joining adjacent layers (the sweeps' figure of merit); -1
    for big graphs, whose sweeps run a fixed number of times."""
    if len(g.src) > BIG:
        return -1
    adj = g.layer[g.dst] - g.layer[g.src] == 1
    s, d, lay = pos[g.src[adj]], pos[g.dst[adj]], g.layer[g.src[adj]]
    total = 0
    for L in np.unique(lay).tolist():
        m = lay == L
        a, b = s[m], d[m]
        if len(a) > 600:
            return -1
        total += int(np.count_nonzero(np.triu((a[:, None] - a[None, :]) *
                                              (b[:, None] - b[None, :]) < 0, 1)))
    return total


def order(g: Graph, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the layers after the sweeps with the fewest crossings, and each block's
    key (blocks follow it in every layer they span)."""
    pos, bkey = _initial_pos(g, block)
    best, best_x = (pos, bkey), _layer_crossings(g, pos)
    for i in range(SWEEPS * 2):
        pos, bkey = _sweep(g, block, pos, down=i % 2 == 0)
        x = _layer_crossings(g, pos)
        if x < 0:
            best = (pos, bkey)
        elif x < best_x:
            best, best_x = (pos, bkey), x
    return best
