"""Sparse levels of general graphs: weighted sums as padded per-neuron tables (ELLPACK).

In a graph the user wires freely, a level of a sweep reads a few edges per neuron from sources
scattered over the network, at several time shifts. A dense matrix over its distinct sources
is mostly zeros (a 5,000-neuron graph: 18 targets x 250 sources for 180 edges), and streaming
those zeros through the cache cost more than the arithmetic. An `EllBlock` keeps, per target,
its K slots: the source each reads (an index into a window of the rows of every shift it
reads, see blocks.over_time) and the weight; one slot is the bias (reading the constant-1
column); unused slots read it with weight 0. A step of the sweep is then one gather of n * K
rows and one batched product (n x (1 x K) @ (K x N)).

The backward pass pulls instead of pushing: a `PullBlock` is the same edges seen from their
source level (per source neuron, the consumers' dA it is read by and the weights), so each
level gathers what it is owed, one gather and one batched product, with no scatter; the
gathered dA times the level's own values are the step's weight gradients of those edges.

Used by the fast path for levels inside a sweep (one step at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .blocks import WeightGrad, over_time


@dataclass
class EllBlock:
    shift: int                     # the window's first row reads shift `shift`
    span: int                      # ... and it covers shifts shift .. shift - span + 1
    src: np.ndarray                # (n, K) window index read by each slot
    W: np.ndarray                  # (n, K) weights (the bias slot included; padding 0)
    eidx: np.ndarray               # edge ids
    fpos: np.ndarray               # their positions in W.ravel()
    bias: tuple                    # (slot, theta indices of the n biases)
    fold: np.ndarray               # (n,)
    edges: tuple                   # (shift, source column, local target) of each edge
    own: np.ndarray                # (n,) window index of each target's own column (shift 0)
    internal: bool = True
    needs_grad: bool = False       # its sources pull their gradient (PullBlock)
    Wf: np.ndarray | None = None   # (n, 1, K): fold * W

    def __post_init__(self):
        if self.Wf is None:
            self.Wf = np.zeros((self.n, 1, self.W.shape[1]), dtype=self.W.dtype)

    @property
    def mode(self) -> str:
        return "ell"

    @property
    def n(self) -> int:
        return self.W.shape[0]

    @property
    def lo(self) -> int:
        return 0

    @property
    def hi(self) -> int:
        return self.n

    @property
    def k(self) -> int:
        return 0           # no chunk buffers: the weight gradients come step by step

    def covers(self, n_sum: int) -> bool:
        return self.n == n_sum

    def set_weights(self, theta: np.ndarray) -> None:
        self.W.reshape(-1)[self.fpos] = theta[self.eidx]
        self.W[:, self.bias[0]] = theta[self.bias[1]]
        np.multiply(self.W, self.fold[:, None], out=self.Wf[:, 0, :])


def edge_key(prog, major: np.ndarray, shift: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """One int64 per edge ordering by (major column, shift, minor column): an argsort of it is
    ~15x faster than np.lexsort of the three."""
    return (major * (prog.P + prog.Q + 1) + shift + prog.Q) * prog.C + minor


def slots(key: np.ndarray) -> np.ndarray:
    """For keys sorted so that equal keys are adjacent: each entry's place among its equals."""
    if not len(key):
        return np.zeros(0, dtype=np.intp)
    new = np.ones(len(key), dtype=bool)
    new[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(new)
    return np.arange(len(key)) - np.repeat(starts, np.diff(np.append(starts, len(key))))


def padded(groups: np.ndarray, slot: np.ndarray, n: np.ndarray, fill: np.ndarray):
    """Per group g of `n[g]` rows: the width K[g] (1 + the largest slot), the offset of its
    (n[g], K[g]) table in one flat array, and that array filled with fill[g]."""
    K = np.ones(len(n), dtype=np.intp)
    np.maximum.at(K, groups, slot + 1)
    size = n * K
    offset = np.cumsum(size) - size
    return K, offset, np.repeat(fill, size)


def ell_blocks(prog, levels, shift, src, tgt, eids) -> None:
    """An EllBlock for each level reached by these edges (time shift, source column, target
    column and id of each; every target a sum neuron of a level of a sweep); all tables are
    views into one array, filled in one pass."""
    if not len(eids):
        return
    order = np.argsort(edge_key(prog, tgt, shift, src))
    shift, src, tgt, eids = shift[order], src[order], tgt[order], eids[order]
    starts = np.array([lv.c0 for lv in levels])
    level = np.searchsorted(starts, tgt, side="right") - 1
    cuts = np.flatnonzero(np.diff(level)) + 1
    first = np.r_[0, cuts]
    ids = level[first]                                   # the levels reached, in order
    group = np.repeat(np.arange(len(ids)), np.diff(np.r_[first, len(tgt)]))
    top = np.maximum(np.maximum.reduceat(shift, first), 0)
    bottom = np.minimum(np.minimum.reduceat(shift, first), 0)
    n = np.array([levels[i].n_sum for i in ids.tolist()])
    slot = slots(tgt)
    K, offset, table = padded(group, slot + 1, n, top * prog.C + prog.one)   # + the bias
    t = tgt - starts[level]
    fpos = t * K[group] + slot
    table[offset[group] + fpos] = (top[group] - shift) * prog.C + src
    W, Wf = np.zeros(len(table), dtype=prog.dtype), np.zeros(len(table), dtype=prog.dtype)
    first_n = np.cumsum(n) - n                           # each level's first target, overall
    cols = np.repeat(starts[ids] - first_n, n) + np.arange(int(n.sum()))
    own, bias = np.repeat(top * prog.C, n) + cols, cols + prog.E - prog.n_in
    bounds = np.r_[first, len(tgt)].tolist()
    for g, (lid, o, k, nn, f, up, low) in enumerate(zip(
            ids.tolist(), offset.tolist(), K.tolist(), n.tolist(), first_n.tolist(),
            top.tolist(), bottom.tolist())):
        lv, a, b = levels[lid], bounds[g], bounds[g + 1]
        lv.blocks.append(EllBlock(up, up - low + 1, table[o:o + nn * k].reshape(nn, k),
                                  W[o:o + nn * k].reshape(nn, k), eids[a:b], fpos[a:b],
                                  (k - 1, bias[f:f + nn]), lv.fold[:nn],
                                  (shift[a:b], src[a:b], t[a:b]), own[f:f + nn],
                                  Wf=Wf[o:o + nn * k].reshape(nn, 1, k)))
        lv.bias_in_block = True


def ell_forward_op(b: EllBlock, Vp, P: int, T: int, R: int, N: int, write: bool):
    """op(i, out): the level's folded pre-activations (bias included) written into out[:n];
    unless `write`, what out holds (the inputs, computed before the sweep) is read as one more
    slot of weight 1, so the product still writes."""
    if R != 1:
        raise ValueError("an EllBlock is computed one step at a time")
    base = over_time(Vp, P - b.shift, T, b.span)
    n, Wf, table = b.n, b.Wf, b.src
    if not write:
        table = np.concatenate([table, b.own[:, None]], axis=1)
        Wf = np.concatenate([Wf, np.ones((n, 1, 1), dtype=Wf.dtype)], axis=2)
    flat = table.reshape(-1)
    buf = np.empty((flat.size, N), dtype=Vp.dtype)
    x = buf.reshape(n, table.shape[1], N)

    def ell(i, out):
        base[i].take(flat, axis=0, out=buf, mode="clip")
        np.matmul(Wf, x, out=out[:n, None, :])
    return ell


@dataclass
class PullBlock:
    """The ELL edges of a phase read from one level, seen from that level: per column j of
    the level, its K slots: the consumer's dA each reads (an index into a window of G over
    the rows t + first .. t + first + span - 1) and the weight (a position in the phase's
    weights, all EllBlocks' W laid end to end; the last position is a 0)."""
    first: int
    span: int
    gidx: np.ndarray               # (width, K + 1) window indices (padding: a G entry that is
                                   # 0; the last column: the level's own G at the step)
    wpos: np.ndarray               # (width, K)
    eidx: np.ndarray
    fpos: np.ndarray               # positions of the edges in a (width, K) table


def pull_blocks(prog, ph) -> int:
    """Give each level of the sweep `ph` whose neurons are read by EllBlocks its PullBlock;
    returns the largest |shift| pulled (G needs that many margin rows)."""
    ells = [b for lv in ph.levels for b in lv.blocks if isinstance(b, EllBlock)]
    if not ells:
        return 0
    offsets = np.cumsum([0] + [b.W.size for b in ells])
    consumer = {id(b): lv.c0 for lv in ph.levels for b in lv.blocks}
    shift, src, col, wpos, eidx = (np.concatenate(a) for a in zip(*(
        (b.edges[0], b.edges[1], consumer[id(b)] + b.edges[2], offsets[i] + b.fpos, b.eidx)
        for i, b in enumerate(ells))))
    order = np.argsort(edge_key(prog, src, shift, col))
    shift, src, col, wpos, eidx = (a[order] for a in (shift, src, col, wpos, eidx))
    starts = np.array([lv.c0 for lv in ph.levels])
    level = np.searchsorted(starts, src, side="right") - 1
    cuts = np.flatnonzero(np.diff(level)) + 1
    first_e = np.r_[0, cuts]
    ids = level[first_e]
    group = np.repeat(np.arange(len(ids)), np.diff(np.r_[first_e, len(src)]))
    first = np.minimum.reduceat(shift, first_e)
    span = np.maximum.reduceat(shift, first_e) - first + 1
    width = np.array([ph.levels[i].width for i in ids.tolist()])
    slot = slots(src)
    K, offset, gidx = padded(group, slot, width, -first * prog.C + prog.one)
    j = src - starts[level]
    fpos = j * K[group] + slot
    gidx[offset[group] + fpos] = (shift - first[group]) * prog.C + col
    table_w = np.full(len(gidx), offsets[-1], dtype=np.intp)
    table_w[offset[group] + fpos] = wpos
    bounds = np.r_[first_e, len(src)].tolist()
    for g, (lid, o, k, w, f, sp) in enumerate(zip(ids.tolist(), offset.tolist(), K.tolist(),
                                                  width.tolist(), first.tolist(),
                                                  span.tolist())):
        a, b = bounds[g], bounds[g + 1]
        lv = ph.levels[lid]
        f2 = min(f, 0)                       # the window also covers the level's own step
        sp2 = max(f + sp - 1, 0) - f2 + 1
        own = (0 - f2) * prog.C + lv.c0 + np.arange(w)
        table = np.concatenate([gidx[o:o + w * k].reshape(w, k) + (f - f2) * prog.C,
                                own[:, None]], axis=1)
        lv.pull = PullBlock(f2, sp2, table, table_w[o:o + w * k].reshape(w, k), eidx[a:b],
                            fpos[a:b])
    ph.padding = _padding_table(shift, src, col, wpos, eidx)
    return int(max(np.abs(first).max(), np.abs(first + span - 1).max()))


def _padding_table(shift, src, col, wpos, eidx):
    """The pulled edges that read padding rows (every delayed one), for pull_padding."""
    delayed = shift != 0
    return (shift[delayed], src[delayed], col[delayed], wpos[delayed], eidx[delayed])


def phase_weights(ph) -> np.ndarray:
    """Every EllBlock's W of the phase laid end to end, and a 0 (see PullBlock.wpos)."""
    ells = [b.W.reshape(-1) for lv in ph.levels for b in lv.blocks if isinstance(b, EllBlock)]
    return np.concatenate(ells + [np.zeros(1, dtype=ells[0].dtype if ells else float)])


def pull_op(pb: PullBlock, lv, G_full, margin: int, Vp, N: int, weights: np.ndarray,
            wgrad: WeightGrad | None):
    """op(r): G[row r, level] += what its readers' dA owe it; with `wgrad`, also the row's
    weight gradients of those edges (the gathered dA times the level's values). Rows are
    those of Vp. The level's own G is gathered as one more slot of weight 1, so the product
    writes the sum."""
    rows = Vp.shape[0]
    base = over_time(G_full, margin + pb.first, rows, pb.span)
    width, K = pb.wpos.shape
    WL = np.empty((width, 1, K + 1), dtype=G_full.dtype)
    WL[:, 0, :K] = weights[pb.wpos]
    WL[:, 0, K] = 1.0
    flat = pb.gidx.reshape(-1)
    buf = np.empty((width * (K + 1), N), dtype=G_full.dtype)
    x = buf.reshape(width, K + 1, N)
    grads = G_full[margin:margin + rows, lv.c0:lv.c1][:, :, None, :]
    values = Vp[:, lv.c0:lv.c1][:, :, :, None]
    total = wgrad.total if wgrad is not None else None
    read = x[:, :K]
    step = np.empty((width, K, 1), dtype=G_full.dtype) if wgrad is not None else None

    def pull(r):
        base[r].take(flat, axis=0, out=buf, mode="clip")
        np.matmul(WL, x, out=grads[r])
        if total is not None:
            np.matmul(read, values[r], out=step)
            np.add(total, step[:, :, 0], out=total)
    return pull


def pull_padding(ph, G, Vp, P: int, T: int, weights: np.ndarray, g: np.ndarray,
                 need: np.ndarray) -> None:
    """After the sweep, edge by edge for the whole phase: the padding rows (the initial
    values, read by the first steps; the last ones for reverse time) get their gradients, and
    the edges reading them the matching weight gradients. (The sweep's pulls cover steps
    0 .. T - 1 only: a padding row's readers at the same step do not exist.)"""
    shift, src, col, wpos, eidx = ph.padding
    reach = np.abs(shift)
    e = np.repeat(np.arange(len(shift)), reach)
    if not len(e):
        return
    k = np.arange(len(e)) - np.repeat(np.cumsum(reach) - reach, reach)
    u = np.where(shift[e] > 0, k - shift[e], T + k)          # the padding step read
    rows, s = P + u, src[e]
    d = G[rows + shift[e], col[e]]                           # the readers' dA
    np.add.at(G, (rows, s), d * weights[wpos[e]][:, None])
    wanted = need[eidx[e]]
    np.add.at(g, eidx[e][wanted], np.einsum("pn,pn->p", Vp[rows[wanted], s[wanted]],
                                            d[wanted]))


def pull_wgrad(pb: PullBlock) -> WeightGrad:
    """The weight gradients of a PullBlock's edges, summed by its op step by step."""
    return WeightGrad(pb.eidx, pb.wpos.shape, None, lambda total: total.reshape(-1)[pb.fpos])
