"""A level's work as a short list of ops (closures over fixed arrays and buffers).

Ops are built for one pass over a window of steps: step t is row P + t of Vp (and G), t in
0 .. T - 1. A forward op is called as op(i, out), with i one step (an int, R == 1: the ops then
work on 2-D views, which numpy handles with the least overhead) or a slice of R steps, and out
the level's columns of Vp at step(s) i: the weighted sums into the sum part (folded
pre-activations, written in place), their activations, then the products and theirs. A
backward op is called as op(i, dA), dA the level's d loss / d pre-activations at step(s) i, and
adds d loss / d sources into G.

Ops are built once per pass (weights may change between passes: whether every weight of a
block is 1 is read when its op is built).
"""

from __future__ import annotations

import numpy as np

from . import activations, blocks
from .blocks import DiagBlock, cols, reader
from .products import backward_op as prod_backward_op
from .products import forward_op as prod_forward_op

DIRECT = ("tanh", "relu", "identity")  # activations that may read a one-to-one source directly


def sum_ops(lv, Vp, P: int, T: int, R: int, N: int, use: list, prefilled: bool,
            bias: bool) -> list:
    """Ops that leave the folded pre-activations of the level's sum neurons in its first n_sum
    columns of out: the blocks `use` (+ the bias if `bias`), on top of what is there when
    `prefilled`. The first block writes when it covers every sum neuron; else the bias (or 0)
    is written first."""
    n = lv.n_sum
    use = sorted(use, key=lambda b: not b.covers(n))
    ops = []
    if not prefilled:
        if use and use[0].covers(n):
            pair = _unit_pair(use, n)
            if pair is not None:
                ops.append(_pair_op(*pair, Vp, P, T, R, N))
                use = use[2:]
            else:
                ops.append(blocks.forward_op(use[0], Vp, P, T, R, N, write=True))
                use = use[1:]
        else:
            ops.append(_fill_op(lv.bias_f if bias else None, cols(R, 0, n)))
            bias = False
    ops.extend(blocks.forward_op(b, Vp, P, T, R, N, write=False) for b in use)
    if bias and lv.has_bias:
        ops.append(_bias_op(lv.bias_f, cols(R, 0, n)))
    return ops


def _unit_pair(use: list, n: int):
    """The first two blocks when both are one-to-one slices over every sum neuron with weights
    all 1 or all -1 (then one add or subtract computes them)."""
    if len(use) < 2:
        return None
    a, b = use[0], use[1]
    ok = all(isinstance(x, DiagBlock) and x.covers(n) and x.fkind in ("one", "neg")
             and isinstance(x.src, slice) for x in (a, b))
    return (a, b) if ok else None


def _pair_op(a: DiagBlock, b: DiagBlock, Vp, P: int, T: int, R: int, N: int):
    """out = (+-) source a (+-) source b."""
    if a.fkind == "neg" and b.fkind == "one":
        a, b = b, a
    read_a = reader(Vp, P, T, a.shift, a.src, R, N)
    read_b = reader(Vp, P, T, b.shift, b.src, R, N)
    fn = np.subtract if a.fkind != b.fkind else np.add
    negate = a.fkind == "neg" and b.fkind == "neg"
    ix = cols(R, 0, a.hi)

    def pair(i, out):
        acc = out[ix]
        fn(read_a(i), read_b(i), out=acc)
        if negate:
            np.negative(acc, out=acc)
    return pair


def _fill_op(bias_f, ix):
    def fill(i, out):
        if bias_f is None:
            out[ix].fill(0.0)
        else:
            np.copyto(out[ix], bias_f)
    return fill


def _bias_op(bias_f, ix):
    def add_bias(i, out):
        acc = out[ix]
        np.add(acc, bias_f, out=acc)
    return add_bias


def _direct_op(lv, b: DiagBlock, Vp, P: int, T: int, R: int, N: int):
    """activation(source) straight into the sum part: one one-to-one block of unit weights is
    the whole pre-activation."""
    fn, ix = activations.FORWARD[lv.acts[0][2]], cols(R, 0, lv.n_sum)
    read = reader(Vp, P, T, b.shift, b.src, R, N)

    def direct(i, out):
        fn(read(i), out[ix])
    return direct


def _direct(lv, use: list, prefilled: bool, bias: bool) -> bool:
    if prefilled or len(use) != 1 or (bias and lv.has_bias) or not lv.n_sum:
        return False
    b = use[0]
    sum_runs = [r for r in lv.acts if r[0] < lv.n_sum]
    return (isinstance(b, DiagBlock) and b.covers(lv.n_sum) and b.fkind == "one"
            and len(sum_runs) == 1 and sum_runs[0][2] in DIRECT)


def activation_ops(lv, lo: int, hi: int, R: int) -> list:
    """One op applying the activations of the level's columns lo:hi (identity needs none),
    the calls written out here (a level of a general graph has two or three runs). With
    half-tanh sigmoids (float32, see activations.py), adjacent sigmoid and tanh runs share one
    tanh call; the sigmoid runs then take 0.5 * t + 0.5."""
    runs = [(a, b, name) for a, b, name in lv.acts if a >= lo and b <= hi and name != "identity"]
    if not runs:
        return []
    if any(name not in INLINE for _, _, name in runs):
        return [_activation_op(activations.FORWARD[name], cols(R, a, b)) for a, b, name in runs]
    calls = _activation_calls(runs, activations.half_tanh(lv.fold.dtype))
    calls = [(kind, cols(R, a, b)) for kind, a, b in calls]

    def activate(i, out):
        for kind, ix in calls:
            x = out[ix]
            if kind == "tanh":
                np.tanh(x, out=x)
            elif kind == "half":                # x = tanh(a / 2): sigmoid(a) = x / 2 + 1 / 2
                np.multiply(x, 0.5, out=x)
                np.add(x, 0.5, out=x)
            elif kind == "sigmoid":             # folded: x = -a
                np.exp(x, out=x)
                np.add(x, 1.0, out=x)
                np.divide(1.0, x, out=x)
            else:
                np.maximum(x, 0.0, out=x)
    return [activate]


def _activation_calls(runs: list, half: bool) -> list:
    """[(kind, lo, hi)] for the runs [(lo, hi, activation)]: kinds tanh, sigmoid, relu, and
    with `half` (sigmoid columns hold a / 2) one tanh over each stretch of adjacent sigmoid and
    tanh runs, then "half" over each sigmoid run."""
    if not half:
        return [(name, a, b) for a, b, name in runs]
    calls, halves = [], []
    for a, b, name in runs:
        if name in ("sigmoid", "tanh"):
            if calls and calls[-1][0] == "tanh" and calls[-1][2] == a:
                calls[-1] = ("tanh", calls[-1][1], b)
            else:
                calls.append(("tanh", a, b))
            if name == "sigmoid":
                halves.append(("half", a, b))
        else:
            calls.append((name, a, b))
    return calls + halves


INLINE = ("sigmoid", "tanh", "relu")   # must match activations.FORWARD


def _activation_op(fn, ix):
    def activate(i, out):
        x = out[ix]
        fn(x, x)
    return activate


def level_ops(lv, Vp, P: int, T: int, R: int, N: int, use: list, prefilled: bool,
              bias: bool) -> list:
    """Every forward op of a level: sums from `use`, activations, products."""
    if _direct(lv, use, prefilled, bias):
        ops = [_direct_op(lv, use[0], Vp, P, T, R, N)]
    else:
        ops = sum_ops(lv, Vp, P, T, R, N, use, prefilled, bias) if lv.n_sum else []
        ops += activation_ops(lv, 0, lv.n_sum, R)
    if lv.width > lv.n_sum:
        ops += [prod_forward_op(p, Vp, P, T, R, N) for p in lv.prods]
        ops += activation_ops(lv, lv.n_sum, lv.width, R)
    return ops


def prefill(lv, Vp, P: int, T: int, N: int) -> bool:
    """Before a sweep: write bias + everything the level reads from outside the sweep, for all
    steps, into its sum columns of Vp (folded). Returns whether anything was written (else the
    sweep's first block writes)."""
    if not lv.n_sum:
        return False
    ext = [b for b in lv.blocks if not b.internal]
    internal = [b for b in lv.blocks if b.internal]
    if not ext and not lv.has_bias and any(b.covers(lv.n_sum) for b in internal):
        return False
    i = whole(T)
    out = Vp[P:P + T, lv.c0:lv.c1][i]
    for op in sum_ops(lv, Vp, P, T, T, N, ext, prefilled=False, bias=True):
        op(i, out)
    return True


def whole(T: int):
    """The index of all T steps for ops built with R = T (an int when T is 1)."""
    return 0 if T == 1 else slice(None)


def level_back_ops(lv, G, Vp, P: int, T: int, R: int, N: int, use: list,
                   products: bool = True) -> list:
    """Backward ops of a level: its products (when `products`), then the blocks `use` (those
    whose sources need a gradient)."""
    ops = [prod_backward_op(p, G, Vp, P, T, R, N) for p in lv.prods] if products else []
    ops += [blocks.backward_op(b, G, P, T, R, N) for b in use if b.needs_grad]
    return ops
