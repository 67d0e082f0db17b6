"""The weighted pieces of a level, each op's backward next to its forward.

A `SumBlock` is every edge into one level's sum neurons that reads its sources with the same time
shift s (the value read at step t is the source's value at t - s; reverse-time targets have
s = -delay). It is a dense weight matrix over a contiguous column range ("slice", a view, no
copy), a dense matrix over gathered columns ("gather"), or, when very sparse, an edge list
("coo"). A `ProdGroup` holds a level's product neurons as padded (neurons x fan-in) tables.

Arrays passed in are 2-D (rows, columns): rows are one step's batch, or every (t, n) at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

COO_ROWS = 4096  # rows per chunk when summing coo weight gradients


@dataclass
class SumBlock:
    shift: int
    mode: str                      # "slice" | "gather" | "coo"
    src: object                    # slice or int array of source columns (coo: per edge)
    W: np.ndarray                  # (k, n_sum) dense, or (nnz,) for coo
    eidx: np.ndarray               # edge ids (positions in Program.edges)
    fpos: np.ndarray               # their positions in W.ravel()
    internal: bool = False         # source computed in the same sequential sweep
    needs_grad: bool = True        # some source is not an input
    et: np.ndarray | None = None   # coo: local target column of each edge (sorted)
    tuniq: np.ndarray | None = None
    tstart: np.ndarray | None = None
    perm_s: np.ndarray | None = None  # coo: edges sorted by source
    suniq: np.ndarray | None = None
    sstart: np.ndarray | None = None
    fold: float = 1.0              # forward weights Wf = fold * W (2 for swept tanh levels)
    Wf: np.ndarray | None = None

    def __post_init__(self):
        self.Wf = self.W

    def set_fold(self, fold: float) -> None:
        self.fold = fold
        self.Wf = self.W if fold == 1.0 else np.empty_like(self.W)

    def set_weights(self, theta: np.ndarray) -> None:
        self.W.reshape(-1)[self.fpos] = theta[self.eidx]
        if self.fold != 1.0:
            np.multiply(self.W, self.fold, out=self.Wf)


def block_forward(b: SumBlock, V: np.ndarray, out: np.ndarray, scratch=None,
                  first: bool = False, folded: bool = False) -> None:
    """out += contribution of block b read from source rows V (out = ... when `first`).
    `scratch(shape)` returns a reusable buffer (fresh large arrays pay page faults); `folded`
    uses the forward weights fold * W."""
    W = b.Wf if folded else b.W
    if b.mode == "coo":
        if first:
            out.fill(0.0)
        prod = V[:, b.src] * W
        out[:, b.tuniq] += np.add.reduceat(prod, b.tstart, axis=1)
    elif first:
        np.matmul(V[:, b.src], W, out=out)
    else:
        _add_product(V[:, b.src], W, out, scratch)


def block_backward(b: SumBlock, dA: np.ndarray, dV: np.ndarray, scratch=None) -> None:
    """dV (source rows) += d loss / d sources, given dA = d loss / d pre-activations."""
    if b.mode == "coo":
        g = dA[:, b.et] * b.W
        dV[:, b.suniq] += np.add.reduceat(g[:, b.perm_s], b.sstart, axis=1)
    else:  # a slice is a view (added in place); a gather is read, added and written back
        dV[:, b.src] += _product(dA, b.W.T, scratch)


def _product(A: np.ndarray, B: np.ndarray, scratch) -> np.ndarray:
    if scratch is None:
        return A @ B
    out = scratch((A.shape[0], B.shape[1]))
    np.matmul(A, B, out=out)
    return out


def _add_product(A: np.ndarray, B: np.ndarray, out: np.ndarray, scratch) -> None:
    out += _product(A, B, scratch)


def block_wgrad(b: SumBlock, V: np.ndarray, dA: np.ndarray) -> np.ndarray:
    """d loss / d weight for every edge of the block (in eidx order), one GEMM over all rows."""
    if b.mode == "coo":
        total = np.zeros(len(b.src), dtype=np.float64)
        for r in range(0, V.shape[0], COO_ROWS):
            total += (V[r:r + COO_ROWS, b.src] * dA[r:r + COO_ROWS, b.et]).sum(axis=0)
        return total
    return (V[:, b.src].T @ dA).reshape(-1)[b.fpos]


@dataclass
class ProdGroup:
    lo: int                        # first product column, local to the level
    src: np.ndarray                # (n, K) source columns; padding reads the constant-1 column
    shift: np.ndarray              # (n, K) time shifts
    W: np.ndarray                  # (n, K) weights; padding weight 1
    eidx: np.ndarray
    fpos: np.ndarray
    rows: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.src.shape[0]

    def set_weights(self, theta: np.ndarray) -> None:
        self.W.reshape(-1)[self.fpos] = theta[self.eidx]

    def _rows(self, P: int, ts: np.ndarray) -> np.ndarray:
        return P + ts[:, None, None] - self.shift[None]


def prod_forward(g: ProdGroup, Vp: np.ndarray, P: int, ts: np.ndarray) -> np.ndarray:
    """a = prod_k w_k * value_k for steps ts: (len(ts), N, n)."""
    vals = Vp[g._rows(P, ts), :, g.src[None]]          # (T', n, K, N)
    return (vals * g.W[None, :, :, None]).prod(axis=2).transpose(0, 2, 1)


def prod_backward(g: ProdGroup, Vp: np.ndarray, dVp: np.ndarray, P: int, ts: np.ndarray,
                  dA: np.ndarray) -> np.ndarray:
    """Scatter d loss / d sources into dVp; return d loss / d W (n, K) summed over ts and N."""
    rows = g._rows(P, ts)
    vals = Vp[rows, :, g.src[None]]                     # (T', n, K, N)
    f = vals * g.W[None, :, :, None]
    excl = _exclusive_products(f)
    dfac = dA.transpose(0, 2, 1)[:, :, None, :] * excl  # (T', n, K, N)
    dW = (dfac * vals).sum(axis=(0, 3))
    np.add.at(dVp, (rows, slice(None), g.src[None]), dfac * g.W[None, :, :, None])
    return dW


def _exclusive_products(f: np.ndarray) -> np.ndarray:
    """For each k along axis 2, the product of every other factor (exact with zeros)."""
    left = np.ones_like(f)
    right = np.ones_like(f)
    if f.shape[2] > 1:
        left[:, :, 1:] = np.cumprod(f[:, :, :-1], axis=2)
        right[:, :, :-1] = np.cumprod(f[:, :, :0:-1], axis=2)[:, :, ::-1]
    return left * right
