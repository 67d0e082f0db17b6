"""A network as a step plan of index arrays, for the torch module and the ONNX exporter.

Built from the model's public API only (ordering, resolved delays, node and edge attributes),
so it follows SEMANTICS.md and not the engine's internals. numpy only.

Columns of the value vector of one step: the inputs (in input order), then the reverse-time
neurons, then the forward ones. Each direction is a *sweep* whose neurons split into *levels*:
the longest path over same-step (delay-0) edges. Inside a level the sum neurons come first,
then the product neurons, each run grouped by activation, so a level is one matrix product,
one gathered product and a few activation calls per step; no Python loop over neurons.

Per step, a sweep first gathers its delayed reads into a *pool*: for each delay d, the values
of the sources that some edge reads d steps back (forward sweep: t - d; reverse sweep: t + d),
or their initial values when that step lies outside the sequence (inputs: 0). The pool's
columns are `Sweep.delays` in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

ACTIVATION_ORDER = ("identity", "tanh", "sigmoid", "relu")


@dataclass
class Level:
    c0: int                    # first column of the level in the value vector
    c1: int                    # one past its last column
    n_sum: int                 # sum neurons first, then product neurons
    runs: list                 # [(start, stop, activation)] relative to c0
    w0_rows: np.ndarray        # same-step sum edges: source column (< c0)
    w0_cols: np.ndarray        #   target, relative to c0 (< n_sum)
    w0_edge: np.ndarray        #   edge number
    prod_idx: np.ndarray       # (P, K) into [value[:, :c0], pool, 1]; padding -> the 1 column
    prod_edge: np.ndarray      # (P, K) edge number, -1 for padding (weight 1)


@dataclass
class Sweep:
    reverse: bool
    c0: int
    c1: int
    levels: list
    delays: list               # [(d, source columns)]: the pool's layout
    pool_size: int
    wd_rows: np.ndarray        # delayed sum edges: pool column
    wd_cols: np.ndarray        #   target, relative to the sweep's c0
    wd_edge: np.ndarray        #   edge number


@dataclass
class Plan:
    n_in: int
    columns: list              # node id of each column
    edges: list                # [(u, v)] in the graph's edge order: the weight vector's order
    weights: np.ndarray
    weight_trainable: np.ndarray
    biases: np.ndarray         # per neuron column (c - n_in)
    bias_trainable: np.ndarray  # trainable sum neurons
    initials: np.ndarray
    initial_trainable: np.ndarray
    out_cols: np.ndarray
    sweeps: list = field(default_factory=list)

    @property
    def S(self) -> int:
        return len(self.columns) - self.n_in

    @property
    def M(self) -> int:
        return len(self.columns)

    @property
    def neurons(self) -> list:
        return self.columns[self.n_in:]

    @property
    def max_delay(self) -> int:
        return max((d for sw in self.sweeps for d, _ in sw.delays), default=0)


def build_plan(net) -> Plan:
    """The step plan of a valid network (raises NetworkError otherwise)."""
    net.validate()
    g = net.graph
    delays = net.delays()
    rank = {n: i for i, n in enumerate(net.ordering())}
    inputs = net.inputs
    neurons = [n for n in net.ordering() if g.nodes[n]["kind"] != "input"]
    rev = [n for n in neurons if g.nodes[n]["direction"] == "reverse"]
    fwd = [n for n in neurons if g.nodes[n]["direction"] != "reverse"]
    groups = [(True, _levels(g, rev, delays, rank)), (False, _levels(g, fwd, delays, rank))]
    columns = list(inputs) + [n for _, lvs in groups for lv in lvs for n in lv]
    col = {n: i for i, n in enumerate(columns)}
    edges = list(g.edges)
    plan = Plan(
        n_in=len(inputs), columns=columns, edges=edges,
        weights=np.array([g.edges[e]["weight"] for e in edges], dtype=np.float64),
        weight_trainable=np.array([bool(g.edges[e]["trainable"]) for e in edges], dtype=bool),
        biases=_node_array(g, columns[len(inputs):], "bias"),
        bias_trainable=np.array([g.nodes[n]["trainable"] and g.nodes[n]["aggregate"] == "sum"
                                 for n in columns[len(inputs):]], dtype=bool),
        initials=_node_array(g, columns[len(inputs):], "initial"),
        initial_trainable=np.array([bool(g.nodes[n]["initial_trainable"])
                                    for n in columns[len(inputs):]], dtype=bool),
        out_cols=np.array([col[n] for n in net.outputs], dtype=np.int64))
    start = len(inputs)
    for reverse, levels in groups:
        if levels:
            plan.sweeps.append(_sweep(g, reverse, levels, start, col, edges, delays))
            start = plan.sweeps[-1].c1
    return plan


def _node_array(g, nodes, key) -> np.ndarray:
    return np.array([float(g.nodes[n][key]) for n in nodes], dtype=np.float64)


def _levels(g, nodes: list, delays: dict, rank: dict) -> list[list]:
    """The sweep's neurons in levels (same-step dependency depth); inside a level: sum
    neurons then product neurons, each by activation, ties in the network's ordering."""
    if not nodes:
        return []
    members = set(nodes)
    dag = nx.DiGraph()
    dag.add_nodes_from(nodes)
    dag.add_edges_from((u, v) for (u, v), d in delays.items()
                       if d == 0 and u in members and v in members)
    out = []
    for gen in nx.topological_generations(dag):
        out.append(sorted(gen, key=lambda n: (g.nodes[n]["aggregate"] == "product",
                                              ACTIVATION_ORDER.index(g.nodes[n]["activation"]),
                                              rank[n])))
    return out


def _sweep(g, reverse, levels, start, col, edges, delays) -> Sweep:
    c1 = start + sum(len(lv) for lv in levels)
    into = [(i, u, v, delays[(u, v)]) for i, (u, v) in enumerate(edges) if start <= col[v] < c1]
    delayed = sorted({(d, col[u]) for _, u, _, d in into if d > 0})
    layout = {}
    for d, c in delayed:
        layout.setdefault(d, []).append(c)
    pool_pos, k = {}, 0
    delay_list = []
    for d, cols in layout.items():
        delay_list.append((d, np.array(cols, dtype=np.int64)))
        for c in cols:
            pool_pos[(d, c)] = k
            k += 1
    sums = [(i, u, v, d) for i, u, v, d in into if g.nodes[v]["aggregate"] == "sum" and d > 0]
    sw = Sweep(reverse, start, c1, [], delay_list, k,
               np.array([pool_pos[(d, col[u])] for _, u, _, d in sums], dtype=np.int64),
               np.array([col[v] - start for _, _, v, _ in sums], dtype=np.int64),
               np.array([i for i, *_ in sums], dtype=np.int64))
    c0 = start
    for lv in levels:
        sw.levels.append(_level(g, lv, c0, col, into, pool_pos))
        c0 += len(lv)
    return sw


def _level(g, nodes, c0, col, into, pool_pos) -> Level:
    c1 = c0 + len(nodes)
    n_sum = sum(1 for n in nodes if g.nodes[n]["aggregate"] == "sum")
    runs = []
    for k, n in enumerate(nodes):
        key = (g.nodes[n]["aggregate"], g.nodes[n]["activation"])
        if runs and runs[-1][3] == key:
            runs[-1][1] = k + 1
        else:
            runs.append([k, k + 1, key[1], key])
    mine = [(i, u, v, d) for i, u, v, d in into if c0 <= col[v] < c1]
    same = [(i, u, v) for i, u, v, d in mine if d == 0 and g.nodes[v]["aggregate"] == "sum"]
    prod_nodes = nodes[n_sum:]
    fan = {v: [] for v in prod_nodes}
    for i, u, v, d in mine:
        if v in fan:
            fan[v].append((i, col[u] if d == 0 else c0 + pool_pos[(d, col[u])]))
    width = max((len(f) for f in fan.values()), default=0)
    pool_len = c0 + len(pool_pos)  # index of the constant-1 column
    idx = np.full((len(prod_nodes), width), pool_len, dtype=np.int64)
    eno = np.full((len(prod_nodes), width), -1, dtype=np.int64)
    for p, v in enumerate(prod_nodes):
        for k, (i, c) in enumerate(fan[v]):
            idx[p, k], eno[p, k] = c, i
    return Level(c0, c1, n_sum, [tuple(r[:3]) for r in runs],
                 np.array([col[u] for _, u, _ in same], dtype=np.int64),
                 np.array([col[v] - c0 for _, _, v in same], dtype=np.int64),
                 np.array([i for i, _, _ in same], dtype=np.int64), idx, eno)
