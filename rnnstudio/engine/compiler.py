"""compile(network) -> Program, cached on the network by structure version.

When only parameters changed since the last compile (net.param_version), the cached program's
weight, bias and initial arrays are updated in place instead of recompiling.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np

from . import blas
from .blocks import ProdGroup, SumBlock
from .program import Level, Phase, Program, field_values
from .structure import EdgeIndex, generations, split_phases

DENSE_MIN = 4096        # a block with at most this many weight slots is always dense
DENSE_DENSITY = 0.05    # larger blocks are dense when at least this fraction are edges
SLICE_SLACK = (2, 16)   # dense rows over a column range when span <= 2 * sources + 16
CACHE_ATTR = "_engine_cache"


def compile(net, dtype="float64", cache: bool = True,  # noqa: A001 (the API's name)
            validate: bool = False) -> Program:
    """The network compiled for the engine (the cached program when the structure is the same;
    its parameters are refreshed in place when only they changed)."""
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
    edge_attrs: list
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
    nodes = net.graph.nodes
    attrs = [nodes[n] for n in names]
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
    return _Graph(names, n_in, edges, eu, ev, shift, data, **table)


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
    codes: dict[str, int] = {}
    return {"reverse": column(map("reverse".__eq__, cols["direction"]), bool, False),
            "product": column(map("product".__eq__, cols["aggregate"]), bool, False),
            "act": column((codes.setdefault(a, len(codes)) for a in cols["activation"]),
                          np.intp, -1),
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


def build(net, dtype="float64", validate: bool = False) -> Program:
    """A fresh program for the network (no cache). The model keeps the network valid through
    its edits; `validate` runs its full check first as well."""
    blas.warm_up()
    if validate:
        net.validate()
    with _gc_paused():
        return _build(net, np.dtype(dtype))


@contextmanager
def _gc_paused():
    """Building allocates many small objects (tuples, levels, blocks), which lets the cyclic
    garbage collector start a full pass over the whole heap (the network's 50,000 edge dicts and
    more: ~10 ms) in the middle of the build; nothing built here is cyclic garbage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(net, dtype: np.dtype) -> Program:
    gr = _extract(net)
    prog = Program(dtype)
    prog.inputs, prog.outputs, prog.n_in = net.inputs, net.outputs, gr.n_in
    _assign_columns(prog, gr, _plan_phases(gr))
    prog.edges = gr.edges
    _build_blocks(prog, gr)
    _fold_tanh_levels(prog)
    prog.out_cols = np.array([prog.col[n] for n in prog.outputs], dtype=np.intp)
    _parameters(prog, gr)
    prog.structure_version = net.structure_version
    prog.param_version = net.param_version
    return prog


def _plan_phases(gr: _Graph) -> list[tuple[str, bool, list]]:
    """[(kind, reverse, levels as arrays of node numbers)] in evaluation order."""
    n, rev, prod, act = len(gr.names), gr.reverse, gr.product, gr.act
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
            nodes = nodes[np.lexsort((nodes, act[nodes], prod[nodes], level[nodes]))]
            cuts = np.flatnonzero(np.diff(level[nodes])) + 1
            plan.append((kind, reverse, np.split(nodes, cuts)))
    return plan


def _assign_columns(prog: Program, gr: _Graph, plan) -> None:
    """Columns: the inputs, then the plan's levels in order. Within a level the sum neurons
    come first and neurons of one activation are adjacent (the plan sorts them so), so a
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
    runs = list(zip(run_lo.tolist(), run_hi.tolist(),
                    [gr.act_names[a] for a in act[run_lo].tolist()]))
    first_run = np.searchsorted(run_lo, starts).tolist() + [len(runs)]
    n_sum = np.add.reduceat(~prod, starts).tolist() if len(order) else []
    k = 0
    for kind, reverse, lvs in plan:
        phase = Phase(kind, reverse, [], n_in + int(starts[k]), 0)
        for _ in lvs:
            lo = int(starts[k])
            acts = [(a - lo, b - lo, name) for a, b, name in runs[first_run[k]:first_run[k + 1]]]
            phase.levels.append(Level(n_in + lo, n_in + lo + int(sizes[k]), int(n_sum[k]), acts,
                                      np.zeros(n_sum[k], dtype=prog.dtype)))
            k += 1
        phase.c1 = phase.levels[-1].c1
        prog.phases.append(phase)
    prog.init_row = np.zeros(prog.C, dtype=prog.dtype)
    prog.init_row[prog.one] = 1.0


def _fold_tanh_levels(prog: Program) -> None:
    """float64 swept levels made only of tanh sum neurons compute 2a directly (see
    activations.tanh_folded)."""
    if prog.dtype != np.float64:
        return
    for ph in prog.phases:
        if ph.kind == "sequential":
            for lv in ph.levels:
                if lv.prod is None and lv.acts == [(0, lv.width, "tanh")]:
                    lv.set_fold(2.0)


def _parameters(prog: Program, gr: _Graph) -> None:
    """The trainable mask and the parameter values (theta) from the network."""
    cols = gr.columns
    prog.has_bias = ~gr.product[cols]
    weights, trainable = field_values(gr.edge_attrs, {"weight": np.float64, "trainable": bool})
    prog.set_theta(np.concatenate([weights, np.where(prog.has_bias, gr.bias[cols], 0.0),
                                   gr.initial[cols]]))
    prog.trainable = np.concatenate([trainable, gr.trainable[cols] & prog.has_bias,
                                     gr.initial_trainable[cols]])


# ---------------------------------------------------------------------- edges -> blocks
def _build_blocks(prog: Program, gr: _Graph) -> None:
    level_of, phase_of = _level_index(prog)
    col_of = np.array([prog.col[n] for n in gr.names], dtype=np.intp)
    src, tgt, shift = col_of[gr.eu], col_of[gr.ev], gr.shift
    prog.P = max(0, int(shift.max(initial=0)))
    prog.Q = max(0, int(-shift.min(initial=0)))
    lid = level_of[tgt]
    is_prod = gr.product[gr.ev]
    internal = _internal(prog, phase_of, src, tgt)
    all_levels = [lv for ph in prog.phases for lv in ph.levels]
    _sum_blocks(prog, all_levels, src, tgt, shift, lid, internal, ~is_prod)
    _prod_groups(prog, all_levels, src, tgt, shift, lid, is_prod)


def _level_index(prog: Program) -> tuple[np.ndarray, np.ndarray]:
    """Per column: its level's index over all phases, and its phase's index (-1 for inputs)."""
    level_of = np.full(prog.C, -1, dtype=np.intp)
    phase_of = np.full(prog.C, -1, dtype=np.intp)
    k = 0
    for p, ph in enumerate(prog.phases):
        phase_of[ph.c0:ph.c1] = p
        for lv in ph.levels:
            level_of[lv.c0:lv.c1] = k
            k += 1
    return level_of, phase_of


def _internal(prog: Program, phase_of: np.ndarray, src, tgt) -> np.ndarray:
    seq = np.array([ph.kind == "sequential" for ph in prog.phases] + [False], dtype=bool)
    return (phase_of[src] == phase_of[tgt]) & seq[phase_of[tgt]]


def _sum_blocks(prog, all_levels, src, tgt, shift, lid, internal, mask) -> None:
    """Group the sum edges by (level, shift, internal) into blocks; sources sorted within a
    group, so each group's distinct sources and their ranks come from one vectorised pass."""
    eids = np.flatnonzero(mask)
    if not len(eids):
        return
    eids = eids[np.lexsort((src[eids], internal[eids], shift[eids], lid[eids]))]
    key = np.stack([lid[eids], shift[eids], internal[eids]])
    new_group = np.ones(len(eids), dtype=bool)
    new_group[1:] = (key[:, 1:] != key[:, :-1]).any(axis=0)
    s = src[eids]
    new_src = new_group.copy()
    new_src[1:] |= s[1:] != s[:-1]
    rank = np.cumsum(new_src) - 1                   # distinct-source number, over all groups
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], len(eids))
    gid = np.cumsum(new_group) - 1                  # each edge's group
    # per group: level, width, distinct sources, their range, edges; then the block's kind
    g_lid = lid[eids[starts]]
    c0 = np.array([lv.c0 for lv in all_levels], dtype=np.intp)
    n_sum = np.array([lv.n_sum for lv in all_levels], dtype=np.intp)[g_lid]
    first, last = s[starts], s[ends - 1]
    k, nnz, span = rank[ends - 1] - rank[starts] + 1, ends - starts, last - first + 1
    coo = (k * n_sum > DENSE_MIN) & (nnz < DENSE_DENSITY * k * n_sum)
    sliced = ~coo & (span <= SLICE_SLACK[0] * k + SLICE_SLACK[1])
    t_local = tgt[eids] - c0[lid[eids]]
    row = np.where(sliced[gid], s - first[gid], rank - rank[starts][gid])
    fpos = row * n_sum[gid] + t_local
    groups = zip(starts.tolist(), ends.tolist(), g_lid.tolist(), shift[eids[starts]].tolist(),
                 internal[eids[starts]].tolist(), (last >= prog.n_in).tolist(), coo.tolist(),
                 sliced.tolist(), first.tolist(), last.tolist(), k.tolist(), n_sum.tolist())
    for a, b, g, sh, inside, grad, is_coo, is_slice, lo, hi, kk, width in groups:
        part = eids[a:b]
        if is_coo:
            block = _coo_block(prog, s[a:b], t_local[a:b], part, sh, grad)
        elif is_slice:
            block = SumBlock(sh, "slice", slice(lo, hi + 1),
                             np.zeros((hi - lo + 1, width), dtype=prog.dtype), part, fpos[a:b],
                             needs_grad=grad)
        else:
            block = SumBlock(sh, "gather", s[a:b][new_src[a:b]],
                             np.zeros((kk, width), dtype=prog.dtype), part, fpos[a:b],
                             needs_grad=grad)
        block.internal = inside
        all_levels[g].blocks.append(block)


def _coo_block(prog: Program, srcs, tgts, eids, s: int, needs_grad: bool) -> SumBlock:
    order = np.argsort(tgts, kind="stable")
    es, et, eids = srcs[order], tgts[order], eids[order]
    tuniq, tstart = np.unique(et, return_index=True)
    perm_s = np.argsort(es, kind="stable")
    suniq, sstart = np.unique(es[perm_s], return_index=True)
    W = np.zeros(len(eids), dtype=prog.dtype)
    return SumBlock(s, "coo", es, W, eids, np.arange(len(eids)), needs_grad=needs_grad,
                    et=et, tuniq=tuniq, tstart=tstart, perm_s=perm_s, suniq=suniq, sstart=sstart)


def _prod_groups(prog, all_levels, src, tgt, shift, lid, is_prod) -> None:
    by_level: dict[int, list[int]] = {}
    for i in np.flatnonzero(is_prod):
        by_level.setdefault(int(lid[i]), []).append(int(i))
    for k, lv in enumerate(all_levels):
        n = lv.width - lv.n_sum
        if n == 0:
            continue
        edges = by_level.get(k, [])
        rows = [int(tgt[i]) - lv.c0 - lv.n_sum for i in edges]
        K = max(np.bincount(np.array(rows, dtype=np.intp), minlength=1).max(initial=0), 1)
        g = ProdGroup(lv.n_sum, np.full((n, K), prog.one, dtype=np.intp),
                      np.zeros((n, K), dtype=np.intp), np.ones((n, K), dtype=prog.dtype),
                      np.array(edges, dtype=np.intp), np.zeros(len(edges), dtype=np.intp))
        fill = [0] * n
        for j, (i, r) in enumerate(zip(edges, rows)):
            g.src[r, fill[r]], g.shift[r, fill[r]] = src[i], shift[i]
            g.fpos[j] = r * K + fill[r]
            fill[r] += 1
        lv.prod = g
