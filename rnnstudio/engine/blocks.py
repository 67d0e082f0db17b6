"""The weighted sums of a level, each op's backward next to its forward.

A `SumBlock` is edges into one level's sum neurons that read their sources with the same time
shift s (the value read at step t is the source's value at t - s; reverse-time targets have
s = -delay): a dense matrix over a contiguous column range ("slice", a view) or over gathered
columns ("gather"), or, when very sparse, an edge list ("coo"). A `DiagBlock` is one-to-one
wiring from one family to another: target j reads source j only, an elementwise multiply-add
(or a plain add or subtract when every weight is 1 or -1).

Ops are closures built once per pass for a fixed number of rows R (one step of a sweep, or all
steps of a hoisted level): `forward_op(...)(r0, r1, out)` adds the block's part into the level's
pre-activations out[:, lo:hi] (or writes it, for the first op of a level), where out is
Vp[r0:r1, level columns]; `backward_op(...)(r0, r1, dA)` adds d loss / d sources into G; the
weight gradient of rows r0:r1 comes from `wgrad`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COO_ROWS = 8192           # (rows x batch) per chunk when summing coo weight gradients
WGRAD_BYTES = 2 << 20     # the temporaries of a dense block's weight gradient stay this small


def over_time(A: np.ndarray, first: int, R: int, span: int = 1) -> np.ndarray:
    """R consecutive windows of A (rows, C, N) starting at row `first`: (R, C, N) for one row
    each, else (R, span * C, N), window i being rows first + i .. first + i + span - 1 laid end
    to end (a sliding view: rows are contiguous, so a window is one block of memory)."""
    if span == 1:
        return A[first:first + R]
    if first < 0 or first + R + span - 1 > A.shape[0]:
        raise IndexError(f"windows of {span} rows from row {first} leave the {A.shape[0]} rows")
    return np.ndarray((R, span * A.shape[1], A.shape[2]), dtype=A.dtype, buffer=A,
                      offset=first * A.strides[0], strides=A.strides)


def gather(a: np.ndarray, idx: np.ndarray, buf: np.ndarray) -> np.ndarray:
    """a[..., idx, :] for a of shape (C, N) (into buf) or (R, C, N) (a new array): numpy's
    take along the leading axis is fast, along a middle axis ~10x slower than indexing."""
    if a.ndim == 2:
        return a.take(idx, axis=0, out=buf, mode="clip")
    return a[:, idx]


def shape(R: int, n: int, N: int) -> tuple:
    """The shape of n columns of R steps: (n, N) for one step (ops then run on 2-D views,
    which numpy handles with less overhead), else (R, n, N)."""
    return (n, N) if R == 1 else (R, n, N)


def cols(R: int, lo: int, hi: int):
    """Index of columns lo:hi in an array of `shape(R, ...)`."""
    return slice(lo, hi) if R == 1 else (slice(None), slice(lo, hi))


def reader(Vp, P: int, T: int, s: int, src, R: int, N: int):
    """i -> the values of columns `src` read with shift s at step i (an int; R == 1) or steps i
    (a slice of R steps): Vp[P + i - s, src], a view for a slice, a gather for an index
    array."""
    base = Vp[P - s:P - s + T]
    if isinstance(src, slice):
        return base[:, src].__getitem__
    buf = np.empty(shape(R, len(src), N), dtype=Vp.dtype)

    def read_gather(i):
        return gather(base[i], src, buf)
    return read_gather


def adder(G, P: int, T: int, s: int, src, unique: bool = True):
    """(i, x) -> G[P + i - s, src] += x (repeated indices add up)."""
    base = G[P - s:P - s + T]
    if isinstance(src, slice):
        part = base[:, src]

        def add_view(i, x):
            target = part[i]
            np.add(target, x, out=target)
        return add_view
    index = (Ellipsis, src, slice(None))
    if unique:
        def add_gather(i, x):
            rows = base[i]
            if rows.ndim == 2:  # take + add + put: ~30% less than rows[src] += x
                part = rows.take(src, axis=0)
                np.add(part, x, out=part)
                rows[src] = part
            else:
                rows[index] += x
        return add_gather

    def add_repeated(i, x):
        np.add.at(base[i], index, x)
    return add_repeated


def weight_kind(w: np.ndarray) -> str:
    """"one" when every entry is 1, "neg" when every entry is -1, else "vec"."""
    if (w == 1.0).all():
        return "one"
    return "neg" if (w == -1.0).all() else "vec"


@dataclass
class SumBlock:
    shift: int
    mode: str                      # "slice" | "gather" | "coo"
    src: object                    # slice or int array of source columns (coo: per edge)
    lo: int                        # local target columns lo:hi (in the level's sum part)
    hi: int
    W: np.ndarray                  # (k, hi - lo) dense, or (nnz,) for coo
    eidx: np.ndarray               # edge ids (positions in Program.edges)
    fpos: np.ndarray               # their positions in W.ravel()
    fold: np.ndarray               # fold of each target column (coo: of each edge's target)
    internal: bool = False         # source computed in the same sequential sweep
    needs_grad: bool = True        # some source is not an input
    WfT: np.ndarray | None = None  # forward weights: (fold * W).T, (hi - lo, k); coo: (1, nnz, 1)
    et: np.ndarray | None = None   # coo: local target (from lo) of each edge, edges by target
    tstart: np.ndarray | None = None
    tuniq: np.ndarray | None = None
    by_src: np.ndarray | None = None   # coo: edge order by source
    sstart: np.ndarray | None = None
    suniq: np.ndarray | None = None
    bias: tuple | None = None      # (row of W, theta indices): the level's biases, read from
                                   # the constant-1 column (wiring._bias_row)

    def __post_init__(self):
        if self.mode == "coo":
            self.WfT = np.zeros((1, len(self.W), 1), dtype=self.W.dtype)
        else:
            self.WfT = np.zeros((self.W.shape[1], self.W.shape[0]), dtype=self.W.dtype)

    @property
    def k(self) -> int:
        return len(self.src) if self.mode == "coo" else self.W.shape[0]

    def set_weights(self, theta: np.ndarray) -> None:
        self.W.reshape(-1)[self.fpos] = theta[self.eidx]
        if self.bias is not None:
            self.W[self.bias[0]] = theta[self.bias[1]]
        if self.mode == "coo":
            np.multiply(self.W, self.fold, out=self.WfT[0, :, 0])
        else:
            np.multiply(self.W.T, self.fold[:, None], out=self.WfT)

    def covers(self, n_sum: int) -> bool:
        full = self.mode != "coo" or len(self.tuniq) == self.hi - self.lo
        return full and self.lo == 0 and self.hi == n_sum


def coo_block(shift: int, srcs: np.ndarray, tgts: np.ndarray, eids: np.ndarray, fold,
              dtype, **kw) -> SumBlock:
    """A coo block of edges srcs -> tgts (local sum columns); fold per local column."""
    order = np.argsort(tgts, kind="stable")
    es, et, eids = srcs[order], tgts[order], eids[order]
    lo, hi = int(et[0]), int(et[-1]) + 1
    tuniq, tstart = np.unique(et - lo, return_index=True)
    by_src = np.argsort(es, kind="stable")
    suniq, sstart = np.unique(es[by_src], return_index=True)
    return SumBlock(shift, "coo", es, lo, hi, np.zeros(len(eids), dtype=dtype), eids,
                    np.arange(len(eids)), fold[et], et=et - lo, tstart=tstart, tuniq=tuniq,
                    by_src=by_src, sstart=sstart, suniq=suniq, **kw)


def sum_forward_op(b: SumBlock, Vp, P: int, T: int, R: int, N: int, write: bool):
    """op(i, out): out[lo:hi] (+)= the block's part (folded) at step(s) i, where out holds
    the level's columns at step(s) i."""
    lo, hi, WfT, ix = b.lo, b.hi, b.WfT, cols(R, b.lo, b.hi)
    dt = Vp.dtype
    if b.mode == "coo":
        base = Vp[P - b.shift:P - b.shift + T]
        src, tstart = b.src, b.tstart
        g = np.empty(shape(R, len(src), N), dtype=dt)
        w = WfT[0] if R == 1 else WfT
        full = len(b.tuniq) == hi - lo
        tix = cols(R, lo, hi) if full else (Ellipsis, lo + b.tuniq, slice(None))

        def coo(i, out):
            x = gather(base[i], src, g)
            np.multiply(x, w, out=x)
            red = np.add.reduceat(x, tstart, axis=-2)
            if full and write:
                np.copyto(out[tix], red)
            elif full:
                acc = out[tix]
                np.add(acc, red, out=acc)
            else:
                out[tix] += red
        return coo
    read = reader(Vp, P, T, b.shift, b.src, R, N)
    mm = product_fn(R)
    if write:
        def dense_write(i, out):
            mm(WfT, read(i), out=out[ix])
        return dense_write
    buf = np.empty(shape(R, hi - lo, N), dtype=dt)

    def dense_add(i, out):
        mm(WfT, read(i), out=buf)
        acc = out[ix]
        np.add(acc, buf, out=acc)
    return dense_add


def product_fn(R: int):
    """np.dot for one step's 2-D operands (~0.4 us less overhead than np.matmul), np.matmul
    for stacks of steps."""
    return np.dot if R == 1 else np.matmul


def sum_backward_op(b: SumBlock, G, P: int, T: int, R: int, N: int):
    """op(i, dA): G[sources] += d loss / d sources, given dA (the level's d loss / d
    pre-activations at step(s) i)."""
    ix, W = cols(R, b.lo, b.hi), b.W
    dt = G.dtype
    if b.mode == "coo":
        et_s = b.et[b.by_src]
        w_s = W[b.by_src][:, None]
        g = np.empty(shape(R, len(et_s), N), dtype=dt)
        sstart = b.sstart
        add = adder(G, P, T, b.shift, b.suniq)

        def coo(i, dA):
            x = gather(dA[ix], et_s, g)
            np.multiply(x, w_s, out=x)
            add(i, np.add.reduceat(x, sstart, axis=-2))
        return coo
    buf = np.empty(shape(R, W.shape[0], N), dtype=dt)
    add = adder(G, P, T, b.shift, b.src)
    mm = product_fn(R)

    def dense(i, dA):
        mm(W, dA[ix], out=buf)
        add(i, buf)
    return dense


class WeightGrad:
    """A block's weight gradient summed over the chunks of a backward pass: `add(a, b, dA)`
    adds steps a:b (dA: the level's d loss / d pre-activations of those steps, (b - a, width,
    N)); `flush(g)` adds the total into the flat gradient g (eidx order). With add None, an
    op sums into `total` step by step (sparse.PullBlock)."""

    def __init__(self, eidx: np.ndarray, shape: tuple, add, finish=None):
        self.eidx, self.total, self._add, self._finish = eidx, np.zeros(shape), add, finish
        self.per_chunk = add is not None

    def add(self, a: int, b: int, dA: np.ndarray) -> None:
        if self._add is not None:
            self.total += self._add(a, b, dA)

    def flush(self, g: np.ndarray) -> None:
        g[self.eidx] += self._finish(self.total) if self._finish else self.total


def sum_wgrad(b: SumBlock, Vp: np.ndarray, P: int, T: int) -> WeightGrad:
    """Dense: one small GEMM per step of the chunk, summed (then scattered to the edges);
    coo: per edge, in chunks of rows."""
    lo, hi = b.lo, b.hi
    src = b.src
    values = over_time(Vp, P - b.shift, T)
    if b.mode == "coo":
        step = max(1, COO_ROWS // max(1, Vp.shape[2]))

        def coo(a, z, dA):
            total = np.zeros(len(src))
            for c in range(a, z, step):
                e = min(z, c + step)
                total += np.einsum("rkn,rkn->k", values[c:e][:, src],
                                   dA[c - a:e - a, lo:hi][:, b.et])
            return total
        return WeightGrad(b.eidx, len(src), coo)

    step = max(1, WGRAD_BYTES // (b.W.size * Vp.itemsize))   # bounds the (rows, k, n) temp

    def dense(a, z, dA):
        total = 0.0
        for c in range(a, z, step):
            e = min(z, c + step)
            total = total + np.matmul(values[c:e][:, src],
                                      dA[c - a:e - a, lo:hi].transpose(0, 2, 1)).sum(axis=0)
        return total
    return WeightGrad(b.eidx, b.W.shape, dense, lambda total: total.reshape(-1)[b.fpos])


@dataclass
class DiagBlock:
    """One-to-one wiring into local sum columns lo:hi: target lo + j reads source src[j]."""
    shift: int
    src: object                    # slice or int array (one source per target)
    lo: int
    hi: int
    eidx: np.ndarray               # the edge into each target, in target order
    fold: np.ndarray               # (hi - lo,)
    unique: bool = True            # no source repeats (always, for a one-to-one wiring)
    internal: bool = False
    needs_grad: bool = True
    w: np.ndarray | None = None    # (n, 1) weights
    wf: np.ndarray | None = None   # (n, 1) fold * weights
    kind: str = "vec"              # of w: "one" | "neg" | "vec"
    fkind: str = "vec"             # of wf

    def __post_init__(self):
        n = self.hi - self.lo
        self.w = np.zeros((n, 1), dtype=self.fold.dtype)
        self.wf = np.zeros((n, 1), dtype=self.fold.dtype)

    @property
    def mode(self) -> str:
        return "diag"

    def set_weights(self, theta: np.ndarray) -> None:
        self.w[:, 0] = theta[self.eidx]
        np.multiply(self.w[:, 0], self.fold, out=self.wf[:, 0])
        self.kind, self.fkind = weight_kind(self.w), weight_kind(self.wf)

    def covers(self, n_sum: int) -> bool:
        return self.lo == 0 and self.hi == n_sum


def diag_forward_op(b: DiagBlock, Vp, P: int, T: int, R: int, N: int, write: bool):
    ix, wf, kind = cols(R, b.lo, b.hi), b.wf, b.fkind
    read = reader(Vp, P, T, b.shift, b.src, R, N)
    tmp = np.empty(shape(R, b.hi - b.lo, N), dtype=Vp.dtype) \
        if kind == "vec" and not write else None

    def diag(i, out):
        v = read(i)
        acc = out[ix]
        if write:
            scaled(v, kind, wf, acc)
        elif kind == "one":
            np.add(acc, v, out=acc)
        elif kind == "neg":
            np.subtract(acc, v, out=acc)
        else:
            np.multiply(v, wf, out=tmp)
            np.add(acc, tmp, out=acc)
    return diag


def scaled(v: np.ndarray, kind: str, w: np.ndarray, out: np.ndarray) -> None:
    """out = w * v (w a column of weights of the given kind)."""
    if kind == "one":
        np.copyto(out, v)
    elif kind == "neg":
        np.negative(v, out=out)
    else:
        np.multiply(v, w, out=out)


def diag_backward_op(b: DiagBlock, G, P: int, T: int, R: int, N: int):
    ix, w, kind = cols(R, b.lo, b.hi), b.w, b.kind
    add = adder(G, P, T, b.shift, b.src, b.unique)
    tmp = np.empty(shape(R, b.hi - b.lo, N), dtype=G.dtype)

    def diag(i, dA):
        d = dA[ix]
        if kind == "one":
            add(i, d)
        elif kind == "neg":
            np.negative(d, out=tmp)
            add(i, tmp)
        else:
            np.multiply(d, w, out=tmp)
            add(i, tmp)
    return diag


def diag_wgrad(b: DiagBlock, Vp: np.ndarray, P: int, T: int) -> WeightGrad:
    values, src, lo, hi = over_time(Vp, P - b.shift, T), b.src, b.lo, b.hi

    def diag(a, z, dA):
        return np.einsum("rjn,rjn->j", values[a:z][:, src], dA[:, lo:hi])
    return WeightGrad(b.eidx, hi - lo, diag)


def forward_op(b, Vp, P, T, R, N, write):
    from . import sparse
    fn = {DiagBlock: diag_forward_op, sparse.EllBlock: sparse.ell_forward_op}.get(
        type(b), sum_forward_op)
    return fn(b, Vp, P, T, R, N, write)


def backward_op(b, G, P, T, R, N):
    return (diag_backward_op if isinstance(b, DiagBlock) else sum_backward_op)(b, G, P, T, R, N)


def wgrad(b, Vp, P, T) -> WeightGrad:
    return (diag_wgrad if isinstance(b, DiagBlock) else sum_wgrad)(b, Vp, P, T)
