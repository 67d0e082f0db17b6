"""compile(network) -> Program, cached on the network by structure version.

When only parameters changed since the last compile (net.param_version), the cached program's
weight, bias and initial arrays are updated in place instead of recompiling.
"""

from __future__ import annotations

import numpy as np

from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from . import blas
from .blocks import ProdGroup, SumBlock
from .program import Level, Phase, Program
from .structure import generations, split_phases

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
    attrs: list            # node attribute dicts, in ordering order
    edges: list            # (u, v) in graph order
    eu: np.ndarray         # source number of each edge
    ev: np.ndarray         # target number
    shift: np.ndarray      # read t - shift (reverse-time targets: t + delay)
    edge_attrs: list


def _extract(net) -> _Graph:
    names = net.ordering()
    index = {n: i for i, n in enumerate(names)}
    nodes = net.graph.nodes
    attrs = [nodes[n] for n in names]
    delays = net.delays()
    adjacency = list(net.graph.adjacency())  # (u, {v: edge data}), the order of graph.edges
    data = [d for _, nbrs in adjacency for d in nbrs.values()]
    E = len(data)
    counts = np.fromiter((len(nbrs) for _, nbrs in adjacency), dtype=np.intp,
                         count=len(adjacency))
    eu = np.repeat(np.fromiter((index[u] for u, _ in adjacency), dtype=np.intp,
                               count=len(adjacency)), counts)
    ev = np.fromiter(map(index.__getitem__, (v for _, nbrs in adjacency for v in nbrs)),
                     dtype=np.intp, count=E)
    edges, d = _edges_and_delays(delays, adjacency, E)
    rev = np.array([a.get("direction") == "reverse" for a in attrs], dtype=bool)
    shift = np.where(rev[ev], -d, d) if E else d
    return _Graph(names, len(net.inputs), attrs, edges, eu, ev, shift, data)


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
    n, attrs = len(gr.names), gr.attrs
    rev = np.array([a.get("direction") == "reverse" for a in attrs], dtype=bool)
    is_node = np.arange(n) >= gr.n_in
    prod = np.array([a.get("aggregate") == "product" for a in attrs], dtype=bool)
    codes: dict[str, int] = {}
    act = np.array([codes.setdefault(a.get("activation", ""), len(codes)) for a in attrs],
                   dtype=np.intp)
    same_step = gr.shift == 0
    plan = []
    for reverse in (True, False):
        members = is_node & (rev == reverse)
        pre, loop, post = split_phases(n, gr.eu, gr.ev, members)
        for kind, mask in (("parallel", pre), ("sequential", loop), ("parallel", post)):
            if not mask.any():
                continue
            sel = same_step if kind == "sequential" else slice(None)
            level = generations(n, gr.eu[sel], gr.ev[sel], mask, gr.names)
            nodes = np.flatnonzero(mask)
            nodes = nodes[np.lexsort((nodes, act[nodes], prod[nodes], level[nodes]))]
            cuts = np.flatnonzero(np.diff(level[nodes])) + 1
            plan.append((kind, reverse, np.split(nodes, cuts)))
    return plan


def _assign_columns(prog: Program, gr: _Graph, plan) -> None:
    prog.col = {n: j for j, n in enumerate(prog.inputs)}
    c = prog.n_in
    for kind, reverse, lvs in plan:
        phase = Phase(kind, reverse, [], c, c)
        for members in lvs:
            phase.levels.append(_empty_level(prog, [gr.attrs[i] for i in members], c))
            for i in members:
                prog.col[gr.names[i]] = c
                prog.nodes.append(gr.names[i])
                c += 1
        phase.c1 = c
        prog.phases.append(phase)
    prog.init_row = np.zeros(prog.C, dtype=prog.dtype)
    prog.init_row[prog.one] = 1.0


def _empty_level(prog: Program, attrs: list[dict], c0: int) -> Level:
    n_sum = sum(1 for a in attrs if a["aggregate"] == "sum")
    acts = []
    for i, a in enumerate(attrs):
        key = (a["aggregate"], a["activation"])
        if acts and acts[-1][3] == key and i != n_sum:
            acts[-1][1] = i + 1
        else:
            acts.append([i, i + 1, key[1], key])
    return Level(c0, c0 + len(attrs), n_sum, [(a, b, name) for a, b, name, _ in acts],
                 np.zeros(n_sum, dtype=prog.dtype))


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
    by_name = dict(zip(gr.names, gr.attrs))
    attrs = [by_name[n] for n in prog.nodes]
    prog.has_bias = np.array([a["aggregate"] == "sum" for a in attrs], dtype=bool)
    # one pass over the edge records (50,000 scattered dicts: each pass costs cache misses)
    pairs = list(map(itemgetter("weight", "trainable"), gr.edge_attrs))
    edge = np.fromiter(chain.from_iterable(pairs), dtype=np.float64,
                       count=2 * len(pairs)).reshape(-1, 2)
    b = [a["bias"] if s else 0.0 for a, s in zip(attrs, prog.has_bias)]
    init = [a["initial"] for a in attrs]
    prog.set_theta(np.concatenate([edge[:, 0], np.array(b + init, dtype=np.float64)]))
    prog.trainable = np.concatenate([
        edge[:, 1] != 0.0,
        np.array([bool(a["trainable"]) and s for a, s in zip(attrs, prog.has_bias)]
                 + [bool(a["initial_trainable"]) for a in attrs], dtype=bool)])


# ---------------------------------------------------------------------- edges -> blocks
def _build_blocks(prog: Program, gr: _Graph) -> None:
    level_of, phase_of = _level_index(prog)
    col_of = np.array([prog.col[n] for n in gr.names], dtype=np.intp)
    src, tgt, shift = col_of[gr.eu], col_of[gr.ev], gr.shift
    prog.P = max(0, int(shift.max(initial=0)))
    prog.Q = max(0, int(-shift.min(initial=0)))
    lid = level_of[tgt]
    is_prod = np.array([a.get("aggregate") == "product" for a in gr.attrs],
                       dtype=bool)[gr.ev]
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
    for a, b in zip(starts, list(starts[1:]) + [len(eids)]):
        part = eids[a:b]
        lv = all_levels[lid[part[0]]]
        block = _make_block(prog, s[a:b], tgt[part] - lv.c0, part, lv.n_sum,
                            int(shift[part[0]]), rank[a:b] - rank[a], s[a:b][new_src[a:b]])
        block.internal = bool(internal[part[0]])
        lv.blocks.append(block)


def _make_block(prog: Program, srcs, tgts, eids, n_sum: int, s: int, ranks,
                uniq) -> SumBlock:
    """srcs sorted; ranks: each edge's source number among the distinct sources `uniq`."""
    k, nnz = len(uniq), len(eids)
    needs_grad = bool(uniq[-1] >= prog.n_in)
    if k * n_sum > DENSE_MIN and nnz < DENSE_DENSITY * k * n_sum:
        return _coo_block(prog, srcs, tgts, eids, s, needs_grad)
    span = int(uniq[-1] - uniq[0] + 1)
    if span <= SLICE_SLACK[0] * k + SLICE_SLACK[1]:
        rows, src, kk, mode = srcs - uniq[0], slice(int(uniq[0]), int(uniq[-1]) + 1), span, "slice"
    else:
        rows, src, kk, mode = ranks, uniq, k, "gather"
    W = np.zeros((kk, n_sum), dtype=prog.dtype)
    return SumBlock(s, mode, src, W, eids, rows * n_sum + tgts, needs_grad=needs_grad)


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
