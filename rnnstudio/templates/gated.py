"""Gated templates built from sum and product neurons: LSTM and GRU.

LSTM, per cell j (sigma = sigmoid; W x(t) + U h(t-1) + b for each gate):
    i, f, o = sigma(...), g = tanh(...)
    c(t) = f(t) * c(t-1) + i(t) * g(t)          (products: aggregate="product" neurons)
    h(t) = o(t) * tanh(c(t))
GRU, per cell j (as torch.nn.GRU):
    r, z = sigma(W x(t) + U h(t-1) + b)
    n(t) = tanh(W_n x(t) + b_n + r(t) * (U_n h(t-1) + b_hn))
    h(t) = (1 - z(t)) * n(t) + z(t) * h(t-1)  =  n(t) + z(t) * (h(t-1) - n(t))
Wiring edges (into products, cell sums, relays) have weight 1 (or -1) and are not trainable;
the neurons that only add or relay have bias 0 and are not trainable.
"""

from __future__ import annotations

from ..model import Network
from .common import Builder, check_sizes, ids, set_natural_training
from .init import init_weights

_FIXED = {"activation": "identity", "trainable": False}
_PRODUCT = {"activation": "identity", "aggregate": "product", "trainable": False}


# Gate families, one group each: (group id, label, node-id prefix), in the order of the cell.
LSTM_GROUPS = [
    ("input_gate", "input gate i", "i"), ("forget_gate", "forget gate f", "f"),
    ("candidate", "candidate g", "g"), ("output_gate", "output gate o", "o"),
    ("i_times_g", "i · g", "ig"), ("f_times_c", "f · c(t-1)", "fc"), ("cell", "cell c", "c"),
    ("tanh_c", "tanh(c)", "tc"), ("hidden", "hidden h", "h"),
]
GRU_GROUPS = [
    ("reset_gate", "reset gate r", "r"), ("update_gate", "update gate z", "z"),
    ("recurrent_n", "U_n h(t-1) + b", "hn"), ("r_times_u", "r · (U_n h(t-1) + b)", "rh"),
    ("candidate", "candidate n", "n"), ("h_minus_n", "h(t-1) - n", "d"),
    ("z_times_d", "z · (h(t-1) - n)", "zd"), ("hidden", "hidden h", "h"),
]


def _cells(prefix: str, n: int) -> list[str]:
    return ids(prefix, n)


def _families(table, n: int) -> list[tuple[str, str, list[str]]]:
    return [(gid, label, _cells(prefix, n)) for gid, label, prefix in table]


def _lstm_cell(b: Builder, j: int, xs: list[str], hs: list[str]) -> None:
    i, f, g, o, c = f"i{j}", f"f{j}", f"g{j}", f"o{j}", f"c{j}"
    for gate in (i, f, g, o):
        b.dense(xs, [gate])
        b.dense(hs, [gate], delay=1)
    b.fixed(i, f"ig{j}")
    b.fixed(g, f"ig{j}")
    b.fixed(f, f"fc{j}")
    b.fixed(c, f"fc{j}", delay=1)
    b.fixed(f"ig{j}", c)
    b.fixed(f"fc{j}", c)
    b.fixed(c, f"tc{j}")
    b.fixed(o, f"h{j}")
    b.fixed(f"tc{j}", f"h{j}")


def _lstm_nodes(b: Builder, n: int) -> None:
    for j in range(n):
        b.neurons([f"i{j}", f"f{j}"], activation="sigmoid")
        b.neurons([f"g{j}"], activation="tanh")
        b.neurons([f"o{j}"], activation="sigmoid")
    b.neurons([f"{p}{j}" for j in range(n) for p in ("ig", "fc")], **_PRODUCT)
    b.neurons(_cells("c", n), **_FIXED)
    b.neurons(_cells("tc", n), activation="tanh", trainable=False)
    b.neurons(_cells("h", n), **_PRODUCT)


def lstm(n_in: int, n_cells: int, n_out: int, out_activation: str = "identity",
         seed: int = 0, forget_bias: float = 1.0) -> Network:
    """A true LSTM layer of `n_cells` cells (no peepholes) and linear (or `out_activation`)
    outputs reading h. Gates read the inputs and every cell's h of the previous step. The
    forget gates' biases start at `forget_bias` (1 helps memory early in training)."""
    check_sizes(n_in=n_in, n_cells=n_cells, n_out=n_out)
    net = Network(name=f"LSTM {n_in}-{n_cells}-{n_out}", description=(
        "An LSTM built from neurons: sigmoid gates i, f, o and a tanh candidate g read the "
        "inputs and the previous h. Product neurons multiply: the cell c(t) = f*c(t-1) + i*g "
        "keeps its value through the delay-1 edge c -> fc while the forget gate stays near 1, "
        "and h(t) = o * tanh(c(t)). That gated self-loop carries memory over long spans."))
    xs, hs, ys = ids("x", n_in), _cells("h", n_cells), ids("y", n_out)
    b = Builder(net)
    with net.batch():
        b.inputs(xs)
        _lstm_nodes(b, n_cells)
        b.outputs(ys, activation=out_activation)
        for j in range(n_cells):
            _lstm_cell(b, j, xs, hs)
        b.dense(hs, ys)
        b.groups(("inputs", "inputs x", xs), *_families(LSTM_GROUPS, n_cells),
                 ("outputs", "outputs y", ys))
        b.arrange()
        init_weights(net, seed)
        net.set_params({"biases": {f"f{j}": float(forget_bias) for j in range(n_cells)}})
    set_natural_training(net, n_in, n_out, out_activation, lr=0.01, epochs=300)
    return net


def _gru_nodes(b: Builder, n: int) -> None:
    for j in range(n):
        b.neurons([f"r{j}", f"z{j}"], activation="sigmoid")
        b.neurons([f"hn{j}"], activation="identity")
    b.neurons(_cells("rh", n), **_PRODUCT)
    b.neurons(_cells("n", n), activation="tanh")
    b.neurons(_cells("d", n), **_FIXED)
    b.neurons(_cells("zd", n), **_PRODUCT)
    b.neurons(_cells("h", n), **_FIXED)


def _gru_cell(b: Builder, j: int, xs: list[str], hs: list[str]) -> None:
    for gate in (f"r{j}", f"z{j}"):
        b.dense(xs, [gate])
        b.dense(hs, [gate], delay=1)
    b.dense(hs, [f"hn{j}"], delay=1)
    b.fixed(f"r{j}", f"rh{j}")
    b.fixed(f"hn{j}", f"rh{j}")
    b.dense(xs, [f"n{j}"])
    b.fixed(f"rh{j}", f"n{j}")
    b.fixed(f"h{j}", f"d{j}", 1.0, delay=1)
    b.fixed(f"n{j}", f"d{j}", -1.0)
    b.fixed(f"z{j}", f"zd{j}")
    b.fixed(f"d{j}", f"zd{j}")
    b.fixed(f"n{j}", f"h{j}")
    b.fixed(f"zd{j}", f"h{j}")


def gru(n_in: int, n_cells: int, n_out: int, out_activation: str = "identity",
        seed: int = 0) -> Network:
    """A GRU layer (torch.nn.GRU's equations) of `n_cells` cells and linear outputs reading h."""
    check_sizes(n_in=n_in, n_cells=n_cells, n_out=n_out)
    net = Network(name=f"GRU {n_in}-{n_cells}-{n_out}", description=(
        "A GRU built from neurons: the reset gate r scales what the candidate n reads from the "
        "previous h (product rh = r * hn), and the update gate z mixes old and new: "
        "h(t) = n + z * (h(t-1) - n). With z near 1 a cell keeps its value for many steps."))
    xs, hs, ys = ids("x", n_in), _cells("h", n_cells), ids("y", n_out)
    b = Builder(net)
    with net.batch():
        b.inputs(xs)
        _gru_nodes(b, n_cells)
        b.outputs(ys, activation=out_activation)
        for j in range(n_cells):
            _gru_cell(b, j, xs, hs)
        b.dense(hs, ys)
        b.groups(("inputs", "inputs x", xs), *_families(GRU_GROUPS, n_cells),
                 ("outputs", "outputs y", ys))
        b.arrange()
        init_weights(net, seed)
    set_natural_training(net, n_in, n_out, out_activation, lr=0.01, epochs=300)
    return net
