"""compile(network) -> Program, cached on the network by structure version.

When only parameters changed since the last compile (net.param_version), the cached program's
weight, bias and initial arrays are updated in place instead of recompiling.
"""

from __future__ import annotations

import numpy as np

from . import blas
from .blocks import ProdGroup, SumBlock
from .program import Level, Phase, Program
from .structure import levels, split_phases

DENSE_MIN = 4096        # a block with at most this many weight slots is always dense
DENSE_DENSITY = 0.05    # larger blocks are dense when at least this fraction are edges
SLICE_SLACK = (2, 16)   # dense rows over a column range when span <= 2 * sources + 16
CACHE_ATTR = "_engine_cache"


def compile(net, dtype="float64", cache: bool = True) -> Program:  # noqa: A001 (API name)
    """The network compiled for the engine (the cached program when the structure is the same)."""
    dtype = np.dtype(dtype)
    store = getattr(net, CACHE_ATTR, None)
    if not isinstance(store, dict):
        store = {}
    prog = store.get(dtype.name) if cache else None
    if prog is None or prog.structure_version != net.structure_version:
        prog = build(net, dtype)
        if cache:
            store[dtype.name] = prog
            setattr(net, CACHE_ATTR, store)
    elif prog.param_version != net.param_version:
        prog.load_params(net)
    return prog


def build(net, dtype="float64") -> Program:
    """A fresh program for the network (no cache)."""
    blas.warm_up()
    net.validate()
    prog = Program(dtype)
    g = net.graph
    order = net.ordering()
    delays = net.delays()
    prog.inputs, prog.outputs, prog.n_in = net.inputs, net.outputs, len(net.inputs)
    plan = _plan_phases(net, order, delays)
    _assign_columns(prog, g, plan)
    prog.edges = list(g.edges)
    prog.trainable = _trainable_mask(prog, g)
    _build_blocks(prog, g, delays)
    prog.out_cols = np.array([prog.col[n] for n in prog.outputs], dtype=np.intp)
    prog.load_params(net)
    prog.structure_version = net.structure_version
    return prog


def _plan_phases(net, order: list[str], delays: dict) -> list[tuple[str, bool, list]]:
    """[(kind, reverse, levels of node ids)] in evaluation order, empty phases left out."""
    g = net.graph
    pos = {n: i for i, n in enumerate(order)}
    nodes = g.nodes

    def key(n):
        return (nodes[n]["aggregate"] == "product", nodes[n]["activation"], pos[n])

    others = order[len(net.inputs):]
    plan = []
    for reverse in (True, False):
        group = [n for n in others if (nodes[n]["direction"] == "reverse") == reverse]
        pre, loop, post = split_phases(g, group)
        for kind, members in (("parallel", pre), ("sequential", loop), ("parallel", post)):
            if members:
                lv = levels(g, members, kind == "sequential", delays, key)
                plan.append((kind, reverse, lv))
    return plan


def _assign_columns(prog: Program, g, plan) -> None:
    prog.col = {n: j for j, n in enumerate(prog.inputs)}
    c = prog.n_in
    for kind, reverse, lvs in plan:
        phase = Phase(kind, reverse, [], c, c)
        for members in lvs:
            lv = _empty_level(prog, g, members, c)
            for n in members:
                prog.col[n] = c
                prog.nodes.append(n)
                c += 1
            phase.levels.append(lv)
        phase.c1 = c
        prog.phases.append(phase)
    prog.has_bias = np.array([g.nodes[n]["aggregate"] == "sum" for n in prog.nodes], dtype=bool)
    prog.init_row = np.zeros(prog.C, dtype=prog.dtype)
    prog.init_row[prog.one] = 1.0


def _empty_level(prog: Program, g, members: list[str], c0: int) -> Level:
    n_sum = sum(1 for n in members if g.nodes[n]["aggregate"] == "sum")
    acts = []
    for i, n in enumerate(members):
        key = (g.nodes[n]["aggregate"], g.nodes[n]["activation"])
        if acts and acts[-1][3] == key and i != n_sum:
            acts[-1][1] = i + 1
        else:
            acts.append([i, i + 1, key[1], key])
    return Level(c0, c0 + len(members), n_sum, [(a, b, name) for a, b, name, _ in acts],
                 np.zeros(n_sum, dtype=prog.dtype))


def _trainable_mask(prog: Program, g) -> np.ndarray:
    w = [bool(g.edges[e]["trainable"]) for e in prog.edges]
    b = [bool(g.nodes[n]["trainable"]) and prog.has_bias[i] for i, n in enumerate(prog.nodes)]
    init = [bool(g.nodes[n]["initial_trainable"]) for n in prog.nodes]
    return np.array(w + b + init, dtype=bool)


# ---------------------------------------------------------------------- edges -> blocks
def _build_blocks(prog: Program, g, delays: dict) -> None:
    level_of, phase_of = _level_index(prog)
    E = prog.E
    src = np.empty(E, dtype=np.intp)
    tgt = np.empty(E, dtype=np.intp)
    shift = np.empty(E, dtype=np.intp)
    nodes, col = g.nodes, prog.col
    for i, (u, v) in enumerate(prog.edges):
        src[i], tgt[i] = col[u], col[v]
        d = delays[(u, v)]
        shift[i] = -d if nodes[v]["direction"] == "reverse" else d
    prog.P = max(0, int(shift.max(initial=0)))
    prog.Q = max(0, int(-shift.min(initial=0)))
    lid = level_of[tgt]
    is_prod = np.array([nodes[v]["aggregate"] == "product" for _, v in prog.edges], dtype=bool)
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
    eids = np.flatnonzero(mask)
    if not len(eids):
        return
    keys = np.lexsort((internal[eids], shift[eids], lid[eids]))
    eids = eids[keys]
    k = np.stack([lid[eids], shift[eids], internal[eids]])
    cuts = np.flatnonzero((k[:, 1:] != k[:, :-1]).any(axis=0)) + 1
    for part in np.split(eids, cuts):
        lv = all_levels[lid[part[0]]]
        block = _make_block(prog, src[part], tgt[part] - lv.c0, part, lv.n_sum,
                            int(shift[part[0]]))
        block.internal = bool(internal[part[0]])
        lv.blocks.append(block)


def _make_block(prog: Program, srcs, tgts, eids, n_sum: int, s: int) -> SumBlock:
    uniq = np.unique(srcs)
    k, nnz = len(uniq), len(eids)
    needs_grad = bool((uniq >= prog.n_in).any())
    if k * n_sum > DENSE_MIN and nnz < DENSE_DENSITY * k * n_sum:
        return _coo_block(prog, srcs, tgts, eids, s, needs_grad)
    span = int(uniq[-1] - uniq[0] + 1)
    if span <= SLICE_SLACK[0] * k + SLICE_SLACK[1]:
        rows, src, kk, mode = srcs - uniq[0], slice(int(uniq[0]), int(uniq[-1]) + 1), span, "slice"
    else:
        rows, src, kk, mode = np.searchsorted(uniq, srcs), uniq, k, "gather"
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
        K = max([rows.count(r) for r in set(rows)] + [1])
        g = ProdGroup(lv.n_sum, np.full((n, K), prog.one, dtype=np.intp),
                      np.zeros((n, K), dtype=np.intp), np.ones((n, K), dtype=prog.dtype),
                      np.array(edges, dtype=np.intp), np.zeros(len(edges), dtype=np.intp))
        fill = [0] * n
        for j, (i, r) in enumerate(zip(edges, rows)):
            g.src[r, fill[r]], g.shift[r, fill[r]] = src[i], shift[i]
            g.fpos[j] = r * K + fill[r]
            fill[r] += 1
        lv.prod = g
