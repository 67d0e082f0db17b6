"""compile(network) -> Program, cached on the network by structure version.

When only parameters changed since the last compile (net.param_version), the cached program's
weight, bias and initial arrays are updated in place instead of recompiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np

from ..collector import quiet_collector
from . import activations, blas, families
from .program import ACT_ORDER, Level, Phase, Program, field_values
from .structure import EdgeIndex, generations, split_phases
from .wiring import Wires, build_blocks

CACHE_ATTR = "_engine_cache"


def compile(net, dtype="float64", cache: bool = True,  # noqa: A001 (the API's name)
            validate: bool = False) -> Program:
    """The network compiled for the engine (the cached program when the structure is the same;
    its parameters are refreshed in place when only they changed). The program recognises
    structure (families, one-to-one wiring, products on aligned columns); `build(net,
    fast=False)` gives the general path, which every fast path must agree with."""
    dtype = np.dtype(dtype)
    store = getattr(net, CACHE_ATTR, None)
    if not isinstance(store, dict):
        store = {}
    prog = store.get(dtype.name) if cache else None
    if prog is None or prog.structure_version != net.structure_version:
        prog = build(net, dtype, validate)
        if cache:
            store[dtype.name] = prog
            setattr(net, CACHE_ATTR, store)
    elif prog.param_version != net.param_version:
        prog.load_params(net)
    return prog


@dataclass
class _Graph:
    """The network as plain arrays, nodes numbered by their place in the ordering."""
    names: list            # ordering (inputs first)
    n_in: int
    edges: list            # (u, v) in graph order
    eu: np.ndarray         # source number of each edge
    ev: np.ndarray         # target number
    shift: np.ndarray      # read t - shift (reverse-time targets: t + delay)
    weight: np.ndarray     # per edge
    edge_trainable: np.ndarray
    reverse: np.ndarray    # per node: a reverse-time neuron
    product: np.ndarray    # per node: a product neuron
    act: np.ndarray        # per node: its activation's index in act_names (-1: an input)
    act_names: list
    bias: np.ndarray       # per node (0 for inputs), and the same for the fields below
    initial: np.ndarray
    trainable: np.ndarray  # the bias is trainable
    initial_trainable: np.ndarray
    columns: np.ndarray | None = None  # node numbers in column order (after the inputs)


def _extract(net) -> _Graph:
    names = net.ordering()
    index = {n: i for i, n in enumerate(names)}
    attrs = list(map(net.graph.nodes.__getitem__, names))
    delays = net.delays()
    adjacency = list(net.graph.adjacency())  # (u, {v: edge data}), the order of graph.edges
    targets = [nbrs for _, nbrs in adjacency]
    data = list(chain.from_iterable(map(dict.values, targets)))
    E = len(data)
    counts = np.fromiter(map(len, targets), dtype=np.intp, count=len(targets))
    eu = np.repeat(np.fromiter(map(index.__getitem__, (u for u, _ in adjacency)),
                               dtype=np.intp, count=len(adjacency)), counts)
    ev = np.fromiter(map(index.__getitem__, chain.from_iterable(targets)), dtype=np.intp,
                     count=E)
    edges, d = _edges_and_delays(delays, adjacency, E)
    n_in = len(net.inputs)
    table = _node_table(attrs[n_in:], n_in)
    shift = np.where(table["reverse"][ev], -d, d) if E else d
    weight, trainable = field_values(data, {"weight": np.float64, "trainable": bool})
    return _Graph(names, n_in, edges, eu, ev, shift, weight, trainable, **table)


NODE_FIELDS = ("direction", "aggregate", "activation", "bias", "initial", "trainable",
               "initial_trainable")


def _node_table(neurons: list[dict], n_in: int) -> dict:
    """Per-node arrays of the neuron attributes the engine needs (inputs first, with defaults),
    read from the node dicts in one pass."""
    n = n_in + len(neurons)
    cols = dict(zip(NODE_FIELDS, zip(*map(itemgetter(*NODE_FIELDS), neurons)))) \
        if neurons else dict.fromkeys(NODE_FIELDS, ())

    def column(values, dtype, fill) -> np.ndarray:
        out = np.full(n, fill, dtype=dtype)
        out[n_in:] = np.fromiter(values, dtype=dtype, count=n - n_in)
        return out
    codes = {a: i for i, a in enumerate(dict.fromkeys(cols["activation"]))}
    return {"reverse": column(map("reverse".__eq__, cols["direction"]), bool, False),
            "product": column(map("product".__eq__, cols["aggregate"]), bool, False),
            "act": column(map(codes.__getitem__, cols["activation"]), np.intp, -1),
            "act_names": list(codes),
            "bias": column(cols["bias"], np.float64, 0.0),
            "initial": column(cols["initial"], np.float64, 0.0),
            "trainable": column(cols["trainable"], bool, False),
            "initial_trainable": column(cols["initial_trainable"], bool, False)}


def _edges_and_delays(delays: dict, adjacency: list, E: int) -> tuple[list, np.ndarray]:
    """The edges in graph order and their resolved delays. The model builds `delays` by walking
    the graph's edges, so its keys are usually already in that order (checked at both ends)."""
    edges = list(delays)
    first = next(((u, v) for u, nbrs in adjacency for v in nbrs), None)
    last = next(((u, v) for u, nbrs in reversed(adjacency) for v in reversed(nbrs)), None)
    if len(edges) == E and (E == 0 or (edges[0] == first and edges[-1] == last)):
        return edges, np.fromiter(delays.values(), dtype=np.intp, count=E)
    edges = [(u, v) for u, nbrs in adjacency for v in nbrs]
    return edges, np.fromiter(map(delays.__getitem__, edges), dtype=np.intp, count=E)


def build(net, dtype="float64", validate: bool = False, fast: bool = True) -> Program:
    """A fresh program for the network (no cache). The model keeps the network valid through
    its edits; `validate` runs its full check first as well. `fast=False` recognises no
    structure (no families, no one-to-one blocks, products as padded tables)."""
    blas.warm_up()
    if validate:
        net.validate()
    # building allocates many small objects (tuples, levels, blocks), which lets the cyclic
    # garbage collector start a full pass over the whole heap in the middle of the build;
    # nothing built here is cyclic garbage. Counted with the app's other holders (a worker
    # thread compiling must not turn it back on under another that holds it)
    with quiet_collector():
        return _build(net, np.dtype(dtype), fast)


def _build(net, dtype: np.dtype, fast: bool) -> Program:
    gr = _extract(net)
    prog = Program(dtype, fast)
    prog.inputs, prog.outputs, prog.n_in = net.inputs, net.outputs, gr.n_in
    plan = _plan_phases(gr)
    fam, pos, relations = _layout(gr, plan, fast)
    _assign_columns(prog, gr, plan)
    prog.edges = gr.edges
    build_blocks(prog, _wires(prog, gr, fam, pos), relations)
    prog.out_cols = np.array([prog.col[n] for n in prog.outputs], dtype=np.intp)
    _parameters(prog, gr)
    prog.structure_version = net.structure_version
    prog.param_version = net.param_version
    return prog


def _plan_phases(gr: _Graph) -> list[tuple[str, bool, list]]:
    """[(kind, reverse, levels as arrays of node numbers)] in evaluation order."""
    n, rev = len(gr.names), gr.reverse
    is_node = np.arange(n) >= gr.n_in
    same_step = gr.shift == 0
    everything = np.ones(len(gr.eu), dtype=bool)
    index = EdgeIndex(n, gr.eu, gr.ev)
    plan = []
    for reverse in (True, False):
        members = is_node & (rev == reverse)
        pre, loop, post = split_phases(index, members)
        for kind, mask in (("parallel", pre), ("sequential", loop), ("parallel", post)):
            if not mask.any():
                continue
            keep = same_step if kind == "sequential" else everything
            level = generations(index, keep, mask, gr.names)
            nodes = np.flatnonzero(mask)
            nodes = nodes[np.argsort(level[nodes], kind="stable")]
            cuts = np.flatnonzero(np.diff(level[nodes])) + 1
            plan.append((kind, reverse, np.split(nodes, cuts)))
    return plan


def _layout(gr: _Graph, plan, fast: bool):
    """Order each level of the plan in place: sum neurons, then products; by activation
    (ACT_ORDER); then (fast path) by family and position inside it, products also by their
    number of factors and time shifts, so one-to-one wiring lines up. Returns the families,
    positions and one-to-one relations (None, None, [] on the general path)."""
    n, E = len(gr.names), len(gr.eu)
    level_id = np.full(n, -1, dtype=np.intp)
    lvs = [lv for _, _, levels in plan for lv in levels]
    for k, nodes in enumerate(lvs):
        level_id[nodes] = k
    rank = np.arange(n)
    act_rank = np.array([ACT_ORDER.index(a) for a in gr.act_names] + [-1],
                        dtype=np.intp)[gr.act]
    prod = gr.product.astype(np.intp)
    fam = pos = None
    relations: list = []
    zeros = np.zeros(n, dtype=np.intp)
    keys = [zeros, zeros, zeros, rank]                # position, family, shifts, factors
    if fast:
        base = (level_id * 2 + prod) * len(ACT_ORDER) + act_rank
        fam = families.colours(base, gr.eu, gr.ev, families.edge_keys(gr.shift,
                                                                     gr.edge_trainable))
        relations = families.bijections(fam, gr.eu, gr.ev, gr.shift, np.arange(E))
        pos = families.positions(fam, rank, gr.eu, gr.ev, relations)
        keys = _family_keys(gr, fam, pos, rank, prod)
    nodes = np.concatenate(lvs) if lvs else np.zeros(0, dtype=np.intp)
    within, famkey, sig, K = (k[nodes] for k in keys)
    nodes = nodes[np.lexsort((within, famkey, sig, K, act_rank[nodes], prod[nodes],
                              level_id[nodes]))]
    k = 0
    for _, _, levels in plan:
        for i, lv in enumerate(levels):
            levels[i] = nodes[k:k + len(lv)]
            k += len(lv)
    return fam, pos, relations


def _family_keys(gr: _Graph, fam, pos, rank, prod) -> list[np.ndarray]:
    """Sort keys per node: position in family, family (its first member's rank; -1 for lone
    products, which are grouped by factors and shifts instead), time-shift signature and
    number of factors (products)."""
    size = np.bincount(fam)
    first = np.full(len(size), len(rank), dtype=np.intp)
    np.minimum.at(first, fam, rank)
    grouped = size[fam] >= 2
    famkey = np.where(grouped, first[fam], np.where(prod == 1, -1, rank))
    within = np.where(grouped, pos, rank)
    into_prod = gr.product[gr.ev]
    K = np.bincount(gr.ev[into_prod], minlength=len(rank))
    sig = np.zeros(len(rank), dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(sig, gr.ev[into_prod], families.edge_keys(gr.shift[into_prod],
                                                           np.zeros(int(into_prod.sum()), bool))
                  * np.uint64(0x9E3779B97F4A7C15))
    return [within, famkey, sig, K]


def _assign_columns(prog: Program, gr: _Graph, plan) -> None:
    """Columns: the inputs, then the plan's levels in order (each ordered by _layout), so a
    level's activations are a few column ranges."""
    members = [m for _, _, lvs in plan for m in lvs]
    order = np.concatenate(members) if members else np.zeros(0, dtype=np.intp)
    gr.columns = order
    n_in = prog.n_in
    prog.nodes = [gr.names[i] for i in order.tolist()]
    prog.col = {n: j for j, n in enumerate(prog.inputs)}
    prog.col.update(zip(prog.nodes, range(n_in, n_in + len(order))))
    sizes = np.fromiter(map(len, members), dtype=np.intp, count=len(members))
    starts = np.cumsum(sizes) - sizes                 # each level's first column - n_in
    prod, act = gr.product[order], gr.act[order]
    run = np.ones(len(order), dtype=bool)             # where a run of one activation starts
    run[1:] = (act[1:] != act[:-1]) | (prod[1:] != prod[:-1])
    run[starts] = True
    run_lo = np.flatnonzero(run)
    run_hi = np.append(run_lo[1:], len(order))
    names = [gr.act_names[a] for a in act[run_lo].tolist()]
    runs = list(zip(run_lo.tolist(), run_hi.tolist(), names))
    fold = np.ones(len(order), dtype=prog.dtype)
    for lo, hi, name in runs:
        fold[lo:hi] = activations.fold(name, prog.dtype)
    first_run = np.searchsorted(run_lo, starts).tolist() + [len(runs)]
    n_sum = np.add.reduceat(~prod, starts).tolist() if len(order) else []
    k = 0
    for kind, reverse, lvs in plan:
        phase = Phase(kind, reverse, [], n_in + int(starts[k]), 0)
        for _ in lvs:
            lo, hi = int(starts[k]), int(starts[k] + sizes[k])
            acts = [(a - lo, b - lo, name) for a, b, name in runs[first_run[k]:first_run[k + 1]]]
            phase.levels.append(Level(n_in + lo, n_in + hi, int(n_sum[k]), acts, fold[lo:hi],
                                      np.zeros(n_sum[k], dtype=prog.dtype)))
            k += 1
        phase.c1 = phase.levels[-1].c1
        prog.phases.append(phase)
    prog.init_row = np.zeros(prog.C, dtype=prog.dtype)
    prog.init_row[prog.one] = 1.0


def _wires(prog: Program, gr: _Graph, fam, pos) -> Wires:
    col_of = np.array([prog.col[n] for n in gr.names], dtype=np.intp)
    src, tgt, shift = col_of[gr.eu], col_of[gr.ev], gr.shift
    prog.P = max(0, int(shift.max(initial=0)))
    prog.Q = max(0, int(-shift.min(initial=0)))
    level_of = np.full(prog.C, -1, dtype=np.intp)
    phase_of = np.full(prog.C, -1, dtype=np.intp)
    for k, lv in enumerate(prog.levels()):
        level_of[lv.c0:lv.c1] = k
    for p, ph in enumerate(prog.phases):
        phase_of[ph.c0:ph.c1] = p
    seq = np.array([ph.kind == "sequential" for ph in prog.phases] + [False], dtype=bool)
    internal = (phase_of[src] == phase_of[tgt]) & seq[phase_of[tgt]]
    fam_col = pos_col = None
    if fam is not None:
        fam_col, pos_col = np.zeros(prog.C, dtype=np.intp), np.zeros(prog.C, dtype=np.intp)
        fam_col[col_of], pos_col[col_of] = fam, pos
        fam_col[prog.one] = fam.max(initial=-1) + 1
    return Wires(src, tgt, shift, gr.product[gr.ev], internal, level_of[tgt], fam_col,
                 pos_col)


def _parameters(prog: Program, gr: _Graph) -> None:
    """The trainable mask and the parameter values (theta) from the network."""
    cols = gr.columns
    prog.has_bias = ~gr.product[cols]
    prog.set_theta(np.concatenate([gr.weight, np.where(prog.has_bias, gr.bias[cols], 0.0),
                                   gr.initial[cols]]))
    prog.trainable = np.concatenate([gr.edge_trainable, gr.trainable[cols] & prog.has_bias,
                                     gr.initial_trainable[cols]])
