"""Edges -> the blocks of each level (the second half of compiling).

Sum edges that wire one family to another one-to-one become `DiagBlock`s (fast path only); the
other sum edges are grouped by (level, time shift, read inside the sweep or not) into dense or
coo `SumBlock`s over the smallest range of target columns they reach. Product neurons become
`ProdFamily`s (fast path) or one `ProdGroup` per level (general path).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .blocks import DiagBlock, SumBlock, coo_block
from .products import ProdFamily, ProdGroup
from .sparse import edge_key, ell_blocks, pull_blocks

DENSE_MIN = 1 << 16     # a block with at most this many weight slots is always dense
DENSE_DENSITY = 0.05    # larger blocks are dense when at least this fraction are edges
SLICE_SLACK = (2, 16)   # dense rows over a column range when span <= 2 * sources + 16
BIAS_ROW_K = 32          # fast path: inputs up to this many carry a swept level's bias
ELL_GATHER = 8          # fast path: a sweep's level is sparse if its per-target tables
                        # gather at most this many times the rows of a dense block


@dataclass
class Wires:
    """The edges in column terms: source and target columns, shifts, and per edge whether the
    target is a product neuron, whether it is read inside a sweep."""
    src: np.ndarray
    tgt: np.ndarray
    shift: np.ndarray
    product: np.ndarray
    internal: np.ndarray
    level: np.ndarray           # the target's level (index over all levels)
    fam: np.ndarray | None      # family of each column (fast path)
    pos: np.ndarray | None      # position inside its family of each column


def build_blocks(prog, w: Wires, relations: list) -> None:
    levels = list(prog.levels())
    taken = w.product.copy()                 # edges already in a block
    if prog.fast:
        for block, lid, eids in _diag_blocks(prog, levels, w, relations):
            levels[lid].blocks.append(block)
            taken[eids] = True
        ell = _sparse_edges(prog, levels, w, taken)
        taken |= ell
    _sum_blocks(prog, levels, w, np.flatnonzero(~taken))
    if prog.fast:
        e = np.flatnonzero(ell)
        ell_blocks(prog, levels, w.shift[e], w.src[e], w.tgt[e], e)
        for ph in prog.phases:
            if ph.kind == "sequential":
                prog.margin = max(prog.margin, pull_blocks(prog, ph))
                for lv in ph.levels:
                    _bias_row(prog, lv)
    for lid, lv in enumerate(levels):
        if lv.width > lv.n_sum:
            edges = np.flatnonzero(w.product & (w.level == lid))
            if prog.fast:
                lv.prods.extend(_product_families(prog, lv, w, edges))
            else:
                lv.prods.append(_product_group(prog, lv, w, edges))


# ---------------------------------------------------------------------- one-to-one
def _diag_blocks(prog, levels, w: Wires, relations: list):
    """(DiagBlock, level index, edge ids) for each one-to-one wiring into sum neurons whose
    targets are a contiguous column range."""
    for _, _, sh, eids in relations:
        if w.product[eids[0]]:
            continue
        eids = eids[np.argsort(w.tgt[eids], kind="stable")]
        t, s = w.tgt[eids], w.src[eids]
        if not (np.diff(t) == 1).all():
            continue
        lid = int(w.level[eids[0]])
        lv = levels[lid]
        lo = int(t[0]) - lv.c0
        yield DiagBlock(sh, _as_slice(s), lo, lo + len(t), eids, lv.fold[lo:lo + len(t)],
                        internal=bool(w.internal[eids[0]]),
                        needs_grad=bool((s >= prog.n_in).any())), lid, eids


def _as_slice(cols: np.ndarray):
    """A slice when the columns are consecutive and increasing, else the array itself."""
    if len(cols) and (len(cols) == 1 or (np.diff(cols) == 1).all()):
        return slice(int(cols[0]), int(cols[-1]) + 1)
    return cols


# ---------------------------------------------------------------------- dense and coo
def _sum_blocks(prog, levels, w: Wires, eids: np.ndarray) -> None:
    """Group the sum edges by (level, shift, internal) into blocks; sources sorted within a
    group, so each group's distinct sources and their ranks come from one vectorised pass."""
    if not len(eids):
        return
    lid, src = w.level, w.src
    eids = eids[np.lexsort((src[eids], w.internal[eids], w.shift[eids], lid[eids]))]
    key = np.stack([lid[eids], w.shift[eids], w.internal[eids]])
    new_group = np.ones(len(eids), dtype=bool)
    new_group[1:] = (key[:, 1:] != key[:, :-1]).any(axis=0)
    s = src[eids]
    new_src = new_group.copy()
    new_src[1:] |= s[1:] != s[:-1]
    rank = np.cumsum(new_src) - 1                   # distinct-source number, over all groups
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], len(eids))
    gid = np.cumsum(new_group) - 1                  # each edge's group
    g_lid = lid[eids[starts]]
    c0 = np.array([lv.c0 for lv in levels], dtype=np.intp)
    t_local = w.tgt[eids] - c0[lid[eids]]
    t_lo = np.minimum.reduceat(t_local, starts)
    t_hi = np.maximum.reduceat(t_local, starts) + 1
    first, last = s[starts], s[ends - 1]
    k, nnz, span = rank[ends - 1] - rank[starts] + 1, ends - starts, last - first + 1
    width = t_hi - t_lo
    coo = (k * width > DENSE_MIN) & (nnz < DENSE_DENSITY * k * width)
    sliced = ~coo & (span <= SLICE_SLACK[0] * k + SLICE_SLACK[1])
    row = np.where(sliced[gid], s - first[gid], rank - rank[starts][gid])
    fpos = row * width[gid] + t_local - t_lo[gid]
    groups = zip(starts.tolist(), ends.tolist(), g_lid.tolist(), coo.tolist(), sliced.tolist(),
                 t_lo.tolist(), t_hi.tolist(), first.tolist(), last.tolist(), k.tolist())
    for a, b, lv_id, is_coo, is_slice, lo, hi, s0, s1, kk in groups:
        lv, part = levels[lv_id], eids[a:b]
        kw = {"internal": bool(w.internal[part[0]]), "needs_grad": s1 >= prog.n_in}
        sh = int(w.shift[part[0]])
        if is_coo:
            block = coo_block(sh, s[a:b], t_local[a:b], part, lv.fold, prog.dtype, **kw)
        else:
            src = slice(s0, s1 + 1) if is_slice else s[a:b][new_src[a:b]]
            rows = s1 - s0 + 1 if is_slice else kk
            block = SumBlock(sh, "slice" if is_slice else "gather", src, lo, hi,
                             np.zeros((rows, hi - lo), dtype=prog.dtype), part, fpos[a:b],
                             lv.fold[lo:hi], **kw)
        lv.blocks.append(block)


def _sparse_edges(prog, levels, w: Wires, taken: np.ndarray) -> np.ndarray:
    """Fast path: the edges read inside a sweep by its sparse levels (general graphs), which
    become EllBlocks (sparse.py). A level is sparse when its per-target tables (every target
    padded to the most edges any has, plus the bias) gather at most ELL_GATHER times the rows
    a dense block over its distinct sources would; a level with one-to-one blocks is not."""
    e = np.flatnonzero(~taken & w.internal)
    if not len(e):
        return np.zeros(len(w.src), dtype=bool)
    n_levels = len(levels)
    structured = np.zeros(n_levels + 1, dtype=bool)
    structured[w.level[taken & ~w.product]] = True
    lid = w.level[e]
    indeg = np.bincount(w.tgt[e], minlength=prog.C)
    c0 = np.array([lv.c0 for lv in levels] + [prog.C - 1])
    K = np.maximum.reduceat(indeg[:prog.C - 1], c0[:-1])[:n_levels] if n_levels else indeg[:0]
    pairs = np.sort(edge_key(prog, lid, w.shift[e], w.src[e]))
    new = np.ones(len(pairs), dtype=bool)
    new[1:] = pairs[1:] != pairs[:-1]
    distinct = np.bincount(pairs[new] // ((prog.P + prog.Q + 1) * prog.C), minlength=n_levels)
    n_sum = np.array([lv.n_sum for lv in levels])
    sparse = (n_sum * (K + 1) <= ELL_GATHER * (distinct + 1)) & ~structured[:n_levels]
    sparse &= np.bincount(lid, minlength=n_levels) > 0
    out = np.zeros(len(w.src), dtype=bool)
    out[e[sparse[lid]]] = True
    return out


def _bias_row(prog, lv) -> None:
    """Fast path: when a swept level reads few sources from outside the sweep (its inputs)
    in one dense block, that block also carries the bias (a row reading the constant-1 column)
    and covers every sum neuron: before the sweep one batched GEMM writes bias + inputs,
    instead of writing the bias, computing the GEMM and adding it (three passes over the
    level's columns for all steps)."""
    ext = [b for b in lv.blocks if not b.internal]
    if lv.bias_in_block or len(ext) != 1 or ext[0].mode in ("coo", "diag") \
            or ext[0].k > BIAS_ROW_K:  # a DiagBlock (one-to-one) has no dense rows to extend
        return
    b, n = ext[0], lv.n_sum
    src = np.arange(b.src.start, b.src.stop) if isinstance(b.src, slice) else b.src
    row, t = np.divmod(b.fpos, b.hi - b.lo)
    W = np.zeros((len(src) + 1, n), dtype=prog.dtype)
    i0 = prog.E + lv.c0 - prog.n_in
    merged = SumBlock(b.shift, "gather", np.append(src, prog.one), 0, n, W, b.eidx,
                      row * n + t + b.lo, lv.fold[:n], needs_grad=b.needs_grad,
                      bias=(len(src), np.arange(i0, i0 + n)))
    lv.blocks = [merged if x is b else x for x in lv.blocks]
    lv.bias_in_block = True


# ---------------------------------------------------------------------- products
def _product_edges(lv, w: Wires, edges: np.ndarray) -> list[np.ndarray]:
    """The factor edges of each product neuron of the level (in column order), each sorted by
    (shift, source family, position, source column)."""
    fam = w.fam[w.src[edges]] if w.fam is not None else np.zeros(len(edges), dtype=np.intp)
    pos = w.pos[w.src[edges]] if w.pos is not None else np.zeros(len(edges), dtype=np.intp)
    edges = edges[np.lexsort((w.src[edges], pos, fam, w.shift[edges], w.tgt[edges]))]
    cols = np.arange(lv.c0 + lv.n_sum, lv.c1)
    bounds = np.searchsorted(w.tgt[edges], np.append(cols, lv.c1))
    return [edges[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]


def _product_families(prog, lv, w: Wires, edges: np.ndarray) -> list[ProdFamily]:
    """Consecutive product neurons with the same number of factors, the same shifts and (when
    it has 2 or more members) the same family form one ProdFamily."""
    per_neuron = _product_edges(lv, w, edges)
    size = np.bincount(w.fam) if w.fam is not None else None
    keys = []
    for j, e in enumerate(per_neuron):
        f = int(w.fam[lv.c0 + lv.n_sum + j])
        keys.append((len(e), tuple(w.shift[e].tolist()), f if size[f] >= 2 else -1))
    out, a = [], 0
    for b in range(1, len(keys) + 1):
        if b == len(keys) or keys[b] != keys[a]:
            out.append(_family(prog, lv, w, per_neuron[a:b], lv.n_sum + a, lv.n_sum + b))
            a = b
    return out


def _family(prog, lv, w: Wires, per_neuron: list, lo: int, hi: int) -> ProdFamily:
    n, K = hi - lo, len(per_neuron[0])
    table = np.array(per_neuron, dtype=np.intp).reshape(n, K)
    slots = []
    for k in range(K):
        cols = w.src[table[:, k]]
        slots.append((int(w.shift[table[0, k]]), _as_slice(cols),
                      len(np.unique(cols)) == n, bool((cols >= prog.n_in).any())))
    eidx = table.reshape(-1)
    return ProdFamily(lo, hi, slots, np.ones((n, K), dtype=prog.dtype), eidx,
                      np.arange(n * K), lv.fold[lo:hi])


def _product_group(prog, lv, w: Wires, edges: np.ndarray) -> ProdGroup:
    per_neuron = _product_edges(lv, w, edges)
    n = len(per_neuron)
    K = max(1, max(map(len, per_neuron), default=1))
    g = ProdGroup(lv.n_sum, lv.width, np.full((n, K), prog.one, dtype=np.intp),
                  np.zeros((n, K), dtype=np.intp), np.ones((n, K), dtype=prog.dtype),
                  np.concatenate(per_neuron) if n else np.zeros(0, dtype=np.intp),
                  np.zeros(len(edges), dtype=np.intp), lv.fold[lv.n_sum:])
    j = 0
    for r, e in enumerate(per_neuron):
        g.src[r, :len(e)], g.shift[r, :len(e)] = w.src[e], w.shift[e]
        g.fpos[j:j + len(e)] = r * K + np.arange(len(e))
        j += len(e)
    return g
