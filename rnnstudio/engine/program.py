"""The compiled program: frozen index arrays and weight blocks, built once per structure.

Values live in one array Vp of shape (P + T + Q, C, N): steps, columns, sequences. P leading
and Q trailing padding steps hold the values "before the start" / "after the end" (the initial
values; 0 for inputs), so a read at t - s is always Vp[P + t - s]. Columns: the inputs, then
every other node grouped by phase and level (each level is a contiguous column range), then one
constant-1 column. One step's values of a range of columns, Vp[row, a:b], are contiguous: the
elementwise work of a level runs on whole blocks of memory.

Within a level the sum neurons come first, then the product neurons; each part is ordered by
activation (sigmoid, tanh, relu, identity), then by family (see families.py), then by position
inside the family, so that one-to-one wiring and the factors of products line up as column
ranges.

All parameters also live in one flat float64 vector theta = [weights | biases | initials]
(weights in `edges` order, biases and initials in `nodes` order); `set_theta` scatters it into
the blocks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

import numpy as np

ACT_ORDER = ("sigmoid", "tanh", "relu", "identity")   # the order of activations in a level
KEEP_BYTES = 16 << 20      # release() keeps work buffers up to this size


def field_values(records: list[dict], fields: dict[str, type]) -> list[np.ndarray]:
    """`record[key]` of many dicts as one array per key (dtype as given), in the records' order.

    A network's 50,000 edge dicts lie scattered in memory in the order they were created, which
    the graph's order rarely follows; reading them in memory order (CPython's id is the address)
    and scattering the values back costs a third of the cache misses of reading them in graph
    order.
    """
    n = len(records)
    order = np.argsort(np.fromiter(map(id, records), dtype=np.uintp, count=n))
    ordered = list(map(records.__getitem__, order.tolist()))
    arrays = []
    for key, dtype in fields.items():
        out = np.empty(n, dtype=dtype)
        out[order] = np.fromiter(map(itemgetter(key), ordered), dtype=dtype, count=n)
        arrays.append(out)
    return arrays


@dataclass
class Level:
    c0: int                        # first column
    c1: int                        # one past the last column
    n_sum: int                     # sum neurons come first, then product neurons
    acts: list                     # [(lo, hi, activation)] local column ranges
    fold: np.ndarray               # (width,) factor of each column's computed pre-activation
    bias: np.ndarray               # (n_sum,)
    blocks: list = field(default_factory=list)   # SumBlock / DiagBlock into the sum neurons
    prods: list = field(default_factory=list)    # ProdFamily / ProdGroup
    bias_f: np.ndarray | None = None             # (n_sum, 1): fold * bias (0 if in a block)
    has_bias: bool = False                       # some bias is not 0 (and not in a block)
    bias_in_block: bool = False                  # an EllBlock adds the bias (sparse.py)
    pull: object = None                          # PullBlock: its readers' ELL edges

    def __post_init__(self):
        self.bias_f = np.zeros((self.n_sum, 1), dtype=self.bias.dtype)

    @property
    def width(self) -> int:
        return self.c1 - self.c0

    @property
    def nonlinear(self) -> bool:
        """Some column has an activation other than identity (its derivative is not 1)."""
        return any(name != "identity" for _, _, name in self.acts)

    def set_bias(self, bias: np.ndarray) -> None:
        self.bias[:] = bias
        np.multiply(self.bias, self.fold[:self.n_sum], out=self.bias_f[:, 0])
        if self.bias_in_block:
            self.bias_f.fill(0.0)
        self.has_bias = bool(self.bias.any()) and not self.bias_in_block


@dataclass
class Phase:
    kind: str                      # "parallel" (all steps at once) | "sequential" (a sweep)
    reverse: bool                  # reverse-time neurons (swept from the last step to the first)
    levels: list
    c0: int
    c1: int
    padding: tuple | None = None   # sweeps: the pulled edges reading padding rows (sparse.py)


class Program:
    """A network compiled for the engine; see the module docstring for the layout."""

    def __init__(self, dtype, fast: bool = True):
        self.dtype = np.dtype(dtype)
        self.fast = fast                      # structure recognised (False: the general path)
        self.n_in = 0
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self.nodes: list[str] = []            # non-input nodes in column order
        self.col: dict[str, int] = {}
        self.edges: list[tuple[str, str]] = []
        self.phases: list[Phase] = []
        self.P = 0
        self.Q = 0
        self.margin = 0                       # rows of G beyond P and Q read by pulls
        self.out_cols = np.zeros(0, dtype=np.intp)
        self.init_row = np.zeros(0, dtype=self.dtype)
        self.trainable = np.zeros(0, dtype=bool)
        self.has_bias = np.zeros(0, dtype=bool)
        self.structure_version = -1
        self.param_version = -1
        self.theta = np.zeros(0)
        self._local = threading.local()       # per-thread work buffers

    def __getstate__(self) -> dict:
        """Copies and pickles leave the per-thread work buffers behind."""
        state = dict(self.__dict__)
        del state["_local"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    # ------------------------------------------------------------------ sizes
    @property
    def S(self) -> int:
        return len(self.nodes)

    @property
    def C(self) -> int:
        return self.n_in + self.S + 1

    @property
    def one(self) -> int:
        return self.C - 1

    @property
    def n_out(self) -> int:
        return len(self.outputs)

    @property
    def E(self) -> int:
        return len(self.edges)

    @property
    def n_levels(self) -> int:
        """Sequential levels per time step (the cost of one step of the sweeps)."""
        return sum(len(ph.levels) for ph in self.phases if ph.kind == "sequential")

    def level_nodes(self) -> list[dict]:
        """Per phase: kind, reverse, and the node ids of each level (for the UI)."""
        return [{"kind": ph.kind, "reverse": ph.reverse,
                 "levels": [self.nodes[lv.c0 - self.n_in:lv.c1 - self.n_in] for lv in ph.levels]}
                for ph in self.phases]

    def levels(self):
        for ph in self.phases:
            yield from ph.levels

    # ------------------------------------------------------------------ parameters
    def blocks(self):
        for lv in self.levels():
            yield from lv.blocks
            yield from lv.prods

    def set_theta(self, theta: np.ndarray) -> None:
        """Write the flat parameter vector into the weight blocks, biases and initial values."""
        self.theta = np.array(theta, dtype=np.float64)
        for b in self.blocks():
            b.set_weights(self.theta)
        E, S, n_in = self.E, self.S, self.n_in
        for lv in self.levels():
            i0 = E + lv.c0 - n_in
            lv.set_bias(self.theta[i0:i0 + lv.n_sum])
        self.init_row[n_in:n_in + S] = self.theta[E + S:E + 2 * S]

    def theta_from_net(self, net) -> np.ndarray:
        g = net.graph  # same structure: edges iterate in the compiled order
        data = list(chain.from_iterable(nbrs.values() for _, nbrs in g.adjacency()))
        nodes = g.nodes
        b = [nodes[n]["bias"] if self.has_bias[i] else 0.0 for i, n in enumerate(self.nodes)]
        init = [nodes[n]["initial"] for n in self.nodes]
        return np.concatenate([field_values(data, {"weight": np.float64})[0],
                               np.array(b + init, dtype=np.float64)])

    def load_params(self, net) -> None:
        """Refresh weights, biases and initial values from the net (same structure)."""
        self.set_theta(self.theta_from_net(net))
        self.param_version = net.param_version

    def params_dict(self, theta: np.ndarray | None = None) -> dict[str, dict]:
        """theta as {"weights": {(u, v): w}, "biases": {n: b}, "initials": {n: v}} (plain floats;
        product neurons have no bias and are left out of "biases")."""
        th = self.theta if theta is None else theta
        E, S = self.E, self.S
        return {
            "weights": {e: float(th[i]) for i, e in enumerate(self.edges)},
            "biases": {n: float(th[E + i]) for i, n in enumerate(self.nodes) if self.has_bias[i]},
            "initials": {n: float(th[E + S + i]) for i, n in enumerate(self.nodes)},
        }

    # ------------------------------------------------------------------ work buffers
    def workspace(self, key, shape, dtype=None, zero: bool = False) -> np.ndarray:
        """A reusable per-thread buffer for `key` and `shape` (contents undefined unless `zero`);
        the two most recent shapes of each key are kept (truncated BPTT alternates two
        lengths)."""
        store = getattr(self._local, "buffers", None)
        if store is None:
            store = self._local.buffers = {}
        kept = store.setdefault(key, [])
        for i, buf in enumerate(kept):
            if buf.shape == shape:
                if i:
                    kept.insert(0, kept.pop(i))
                if zero:
                    buf.fill(0)
                return buf
        buf = (np.zeros if zero else np.empty)(shape, dtype=dtype or self.dtype)
        kept.insert(0, buf)
        del kept[2:]
        return buf

    def release(self, keep_bytes: int = 0) -> None:
        """Drop this thread's work buffers larger than `keep_bytes` (all of them by default)."""
        store = getattr(self._local, "buffers", None)
        if not store:
            return
        for key in list(store):
            store[key] = [b for b in store[key] if b.nbytes <= keep_bytes]
            if not store[key]:
                del store[key]

    def workspace_bytes(self) -> int:
        """Bytes held in this thread's work buffers."""
        store = getattr(self._local, "buffers", None) or {}
        return sum(b.nbytes for kept in store.values() for b in kept)
