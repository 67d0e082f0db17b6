"""Product neurons: a = prod_k w_k * value_k (no bias), each op's backward next to its forward.

A `ProdFamily` is product neurons of one level with the same number of factors K whose k-th
factors are all read with the same time shift (the factors of each neuron sorted by shift,
source family and position): factor k of the whole family is one column range (a view) when the
families line up, else a gather. The weights only enter as one factor per neuron,
c = prod_k w_k, so the forward pass is K - 1 elementwise multiplies (plus one by c unless every c
is 1). The general path (`Program.fast` False) uses a `ProdGroup` instead: every product neuron
of a level in one padded (neurons x fan-in) table, gathered with per-entry time shifts.

Ops follow blocks.py: `product_forward_op(...)(i, out)` writes the family's columns of out;
`product_backward_op(...)(i, dA)` adds d loss / d factors into G.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .blocks import WeightGrad, adder, cols, over_time, reader, scaled, shape, weight_kind


@dataclass
class ProdFamily:
    lo: int                        # local columns lo:hi of the level
    hi: int
    slots: list                    # [(shift, src slice or array, sources unique, needs grad)]
    W: np.ndarray                  # (n, K)
    eidx: np.ndarray
    fpos: np.ndarray               # positions of eidx in W.ravel()
    fold: np.ndarray               # (n,)
    c: np.ndarray | None = None    # (n, 1): prod_k w_k
    cf: np.ndarray | None = None   # (n, 1): fold * c
    kind: str = "vec"
    fkind: str = "vec"

    def __post_init__(self):
        n = self.hi - self.lo
        self.c = np.ones((n, 1), dtype=self.W.dtype)
        self.cf = np.ones((n, 1), dtype=self.W.dtype)

    @property
    def K(self) -> int:
        return len(self.slots)

    def set_weights(self, theta: np.ndarray) -> None:
        self.W.reshape(-1)[self.fpos] = theta[self.eidx]
        np.prod(self.W, axis=1, out=self.c[:, 0])
        np.multiply(self.c[:, 0], self.fold, out=self.cf[:, 0])
        self.kind, self.fkind = weight_kind(self.c), weight_kind(self.cf)


def _factors(f: ProdFamily, Vp, P: int, T: int, R: int, N: int):
    """i -> [value of factor k at step(s) i] (views or gathers)."""
    reads = [reader(Vp, P, T, s, src, R, N) for s, src, _, _ in f.slots]

    def factors(i):
        return [read(i) for read in reads]
    return factors


def product_forward_op(f: ProdFamily, Vp, P: int, T: int, R: int, N: int):
    ix, cf, kind = cols(R, f.lo, f.hi), f.cf, f.fkind
    if f.K == 2 and kind == "one":              # gates: one multiply, nothing else per step
        read_a, read_b = (reader(Vp, P, T, s, src, R, N) for s, src, _, _ in f.slots)

        def product2(i, out):
            np.multiply(read_a(i), read_b(i), out=out[ix])
        return product2
    factors = _factors(f, Vp, P, T, R, N)

    def product(i, out):
        p = out[ix]
        v = factors(i)
        if not v:
            np.copyto(p, cf)
            return
        if len(v) == 1:
            scaled(v[0], kind, cf, p)
            return
        np.multiply(v[0], v[1], out=p)
        for x in v[2:]:
            np.multiply(p, x, out=p)
        if kind != "one":
            scaled(p, kind, cf, p)
    return product


def _others(v: list, k: int, out: np.ndarray) -> np.ndarray | None:
    """The product of every factor but the k-th (None when there is none)."""
    rest = v[:k] + v[k + 1:]
    if not rest:
        return None
    if len(rest) == 1:
        return rest[0]
    np.multiply(rest[0], rest[1], out=out)
    for x in rest[2:]:
        np.multiply(out, x, out=out)
    return out


def product_backward_op(f: ProdFamily, G, Vp, P: int, T: int, R: int, N: int):
    ix, c, kind = cols(R, f.lo, f.hi), f.c, f.kind
    factors = _factors(f, Vp, P, T, R, N)
    tmp = np.empty(shape(R, f.hi - f.lo, N), dtype=G.dtype)
    rest = np.empty_like(tmp)
    slots = [(k, adder(G, P, T, s, src, unique))
             for k, (s, src, unique, needs) in enumerate(f.slots) if needs]
    if f.K == 2 and kind == "one":
        return _product2_back(f, slots, Vp, P, T, R, N, ix, tmp)

    def product_back(i, dA):
        d = dA[ix]
        v = factors(i)
        for k, add in slots:
            other = _others(v, k, rest)
            if other is None:
                scaled(d, kind, c, tmp)
            else:
                np.multiply(d, other, out=tmp)
                if kind != "one":
                    scaled(tmp, kind, c, tmp)
            add(i, tmp)
    return product_back


def _product2_back(f: ProdFamily, slots: list, Vp, P: int, T: int, R: int, N: int, ix, tmp):
    """Two factors of unit weight: d loss / d factor k = dA * the other factor."""
    reads = [reader(Vp, P, T, s, src, R, N) for s, src, _, _ in f.slots]
    pairs = [(reads[1 - k], add) for k, add in slots]

    def product2_back(i, dA):
        d = dA[ix]
        for other, add in pairs:
            np.multiply(d, other(i), out=tmp)
            add(i, tmp)
    return product2_back


def product_wgrad(f: ProdFamily, Vp: np.ndarray, P: int, T: int) -> WeightGrad:
    """dL/dw_k = sum(dA * prod_j v_j) * prod_(j != k) w_j: the sum per neuron is added up over
    the chunks, the weights enter at the end."""
    factors = [(over_time(Vp, P - s, T), src) for s, src, _, _ in f.slots]
    lo, hi = f.lo, f.hi

    def sums(a, z, dA):
        prod = np.ones((z - a, hi - lo, Vp.shape[2]), dtype=Vp.dtype)
        for values, src in factors:
            prod *= values[a:z][:, src]
        return np.einsum("rjn,rjn->j", dA[:, lo:hi], prod)

    def finish(S):
        K = f.K
        dW = np.empty(f.W.shape)
        for k in range(K):
            dW[:, k] = S * (np.prod(np.delete(f.W, k, axis=1), axis=1) if K > 1 else 1.0)
        return dW.reshape(-1)[f.fpos]
    return WeightGrad(f.eidx, hi - lo, sums, finish)


@dataclass
class ProdGroup:
    """The general path: a level's product neurons as padded (n, K) tables."""
    lo: int
    hi: int
    src: np.ndarray                # (n, K) source columns; padding reads the constant-1 column
    shift: np.ndarray              # (n, K) time shifts
    W: np.ndarray                  # (n, K) weights; padding weight 1
    eidx: np.ndarray
    fpos: np.ndarray
    fold: np.ndarray               # (n,)

    def set_weights(self, theta: np.ndarray) -> None:
        self.W.reshape(-1)[self.fpos] = theta[self.eidx]


def _table_values(g: ProdGroup, Vp, P: int, i):
    """rows (R', n, K) and values (R', n, K, N) of the group's table at step(s) i."""
    steps = np.arange(i.start, i.stop) if isinstance(i, slice) else np.array([i])
    rows = P + steps[:, None, None] - g.shift[None]
    return rows, Vp[rows, g.src[None]]


def group_forward_op(g: ProdGroup, Vp, P: int, T: int, R: int, N: int):
    ix = cols(R, g.lo, g.hi)

    def product(i, out):
        _, vals = _table_values(g, Vp, P, _span(i, T))
        a = (vals * g.W[None, :, :, None]).prod(axis=2) * g.fold[:, None]
        out[ix] = a[0] if R == 1 else a
    return product


def group_backward_op(g: ProdGroup, G, Vp, P: int, T: int, R: int, N: int):
    ix = cols(R, g.lo, g.hi)

    def product_back(i, dA):
        rows, vals = _table_values(g, Vp, P, _span(i, T))
        f = vals * g.W[None, :, :, None]
        d = dA[ix] if R > 1 else dA[ix][None]
        dfac = d[:, :, None, :] * _exclusive_products(f)
        np.add.at(G, (rows, g.src[None]), dfac * g.W[None, :, :, None])
    return product_back


def _span(i, T: int):
    """An int step, or a slice with explicit bounds."""
    return slice(*i.indices(T)) if isinstance(i, slice) else i


def group_wgrad(g: ProdGroup, Vp: np.ndarray, P: int, T: int) -> WeightGrad:
    def table(a, z, dA):
        _, vals = _table_values(g, Vp, P, slice(a, z))
        f = vals * g.W[None, :, :, None]
        dfac = dA[:, g.lo:g.hi, None, :] * _exclusive_products(f)
        return (dfac * vals).sum(axis=(0, 3))
    return WeightGrad(g.eidx, g.W.shape, table, lambda total: total.reshape(-1)[g.fpos])


def _exclusive_products(f: np.ndarray) -> np.ndarray:
    """For each k along axis 2, the product of every other factor (exact with zeros)."""
    left = np.ones_like(f)
    right = np.ones_like(f)
    if f.shape[2] > 1:
        left[:, :, 1:] = np.cumprod(f[:, :, :-1], axis=2)
        right[:, :, :-1] = np.cumprod(f[:, :, :0:-1], axis=2)[:, :, ::-1]
    return left * right


def forward_op(p, Vp, P, T, R, N):
    fn = product_forward_op if isinstance(p, ProdFamily) else group_forward_op
    return fn(p, Vp, P, T, R, N)


def backward_op(p, G, Vp, P, T, R, N):
    fn = product_backward_op if isinstance(p, ProdFamily) else group_backward_op
    return fn(p, G, Vp, P, T, R, N)


def wgrad(p, Vp, P, T) -> WeightGrad:
    return (product_wgrad if isinstance(p, ProdFamily) else group_wgrad)(p, Vp, P, T)
