"""Equivalence with torch for gated cells built from sum and product neurons: nn.LSTM, nn.GRU
and a bidirectional nn.RNN (each + Linear) against networks drawn neuron by neuron (ids that
say nothing about roles, added in a shuffled order), in float64 to 1e-10: outputs, loss and
every gradient (skipped without torch)."""

import numpy as np
import pytest

from rnnstudio.engine import gradients, run
from rnnstudio.engine.compiler import build
from rnnstudio.engine.sparse import EllBlock
from rnnstudio.model import Network

torch = pytest.importorskip("torch")

TOL = 1e-10


class Drawer:
    """Adds neurons with opaque ids, and edges by role."""

    def __init__(self, n_in: int, seed: int):
        self.net = Network("gated")
        self.rng = np.random.default_rng(seed)
        self.id = {}
        self.xs = [self.net.add_input(f"x{i}") for i in range(n_in)]

    def neurons(self, roles: list[str], **attrs) -> None:
        for r in self.rng.permutation(roles).tolist():
            self.id[r] = self.net.add_neuron(f"q{self.rng.integers(1 << 40)}", **attrs)

    def edge(self, u, v, w, delay="auto", trainable=True) -> None:
        u = self.id.get(u, u)
        self.net.add_edge(u, self.id[v], weight=float(w), delay=delay, trainable=trainable)

    def outputs(self, sources: list[str], lin) -> None:
        W, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
        for o in range(W.shape[0]):
            y = self.net.add_output(f"y{o}", bias=float(b[o]))
            for j, s in enumerate(sources):
                self.net.add_edge(self.id[s], y, weight=float(W[o, j]))


def t(p) -> np.ndarray:
    return p.detach().numpy()


def lstm_net(rnn, lin, seed=0) -> tuple[Network, dict]:
    n_in, H = rnn.input_size, rnn.hidden_size
    d = Drawer(n_in, seed)
    W_ih, W_hh, b = t(rnn.weight_ih_l0), t(rnn.weight_hh_l0), t(rnn.bias_ih_l0 + rnn.bias_hh_l0)
    gates = {"i": "sigmoid", "f": "sigmoid", "g": "tanh", "o": "sigmoid"}
    for k, (gate, act) in enumerate(gates.items()):
        for j in range(H):
            d.neurons([f"{gate}{j}"], activation=act, bias=float(b[k * H + j]))
    for role in ("ig", "fc", "h"):
        d.neurons([f"{role}{j}" for j in range(H)], activation="identity", aggregate="product")
    d.neurons([f"c{j}" for j in range(H)], activation="identity", trainable=False)
    d.neurons([f"tc{j}" for j in range(H)], activation="tanh", trainable=False)
    for k, gate in enumerate(gates):
        for j in range(H):
            for i, x in enumerate(d.xs):
                d.edge(x, f"{gate}{j}", W_ih[k * H + j, i])
            for m in range(H):
                d.edge(f"h{m}", f"{gate}{j}", W_hh[k * H + j, m], delay=1)
    for j in range(H):
        for u, v, delay in ((f"i{j}", f"ig{j}", "auto"), (f"g{j}", f"ig{j}", "auto"),
                            (f"f{j}", f"fc{j}", "auto"), (f"c{j}", f"fc{j}", 1),
                            (f"ig{j}", f"c{j}", "auto"), (f"fc{j}", f"c{j}", "auto"),
                            (f"c{j}", f"tc{j}", "auto"), (f"o{j}", f"h{j}", "auto"),
                            (f"tc{j}", f"h{j}", "auto")):
            d.edge(u, v, 1.0, delay=delay, trainable=False)
    d.outputs([f"h{j}" for j in range(H)], lin)
    return d.net, d.id


def gru_net(rnn, lin, seed=0) -> tuple[Network, dict]:
    n_in, H = rnn.input_size, rnn.hidden_size
    d = Drawer(n_in, seed)
    W_ih, W_hh = t(rnn.weight_ih_l0), t(rnn.weight_hh_l0)
    b_ih, b_hh = t(rnn.bias_ih_l0), t(rnn.bias_hh_l0)
    for j in range(H):
        d.neurons([f"r{j}"], activation="sigmoid", bias=float(b_ih[j] + b_hh[j]))
        d.neurons([f"z{j}"], activation="sigmoid", bias=float(b_ih[H + j] + b_hh[H + j]))
        d.neurons([f"hn{j}"], activation="identity", bias=float(b_hh[2 * H + j]))
        d.neurons([f"n{j}"], activation="tanh", bias=float(b_ih[2 * H + j]))
    for role in ("rh", "zd"):
        d.neurons([f"{role}{j}" for j in range(H)], activation="identity", aggregate="product")
    d.neurons([f"{r}{j}" for r in ("d", "h") for j in range(H)], activation="identity",
              trainable=False)
    for j in range(H):
        for k, gate in enumerate(("r", "z", "n")):
            for i, x in enumerate(d.xs):
                d.edge(x, f"{gate}{j}", W_ih[k * H + j, i])
        for k, gate in enumerate(("r", "z", "hn")):
            for m in range(H):
                d.edge(f"h{m}", f"{gate}{j}", W_hh[k * H + j, m], delay=1)
        for u, v, w, delay in ((f"r{j}", f"rh{j}", 1, "auto"), (f"hn{j}", f"rh{j}", 1, "auto"),
                               (f"rh{j}", f"n{j}", 1, "auto"), (f"h{j}", f"d{j}", 1, 1),
                               (f"n{j}", f"d{j}", -1, "auto"), (f"z{j}", f"zd{j}", 1, "auto"),
                               (f"d{j}", f"zd{j}", 1, "auto"), (f"n{j}", f"h{j}", 1, "auto"),
                               (f"zd{j}", f"h{j}", 1, "auto")):
            d.edge(u, v, w, delay=delay, trainable=False)
    d.outputs([f"h{j}" for j in range(H)], lin)
    return d.net, d.id


def bidirectional_net(rnn, lin, seed=0) -> tuple[Network, dict]:
    n_in, H = rnn.input_size, rnn.hidden_size
    d = Drawer(n_in, seed)
    for side, suffix, direction in (("f", "", "forward"), ("b", "_reverse", "reverse")):
        W_ih, W_hh = t(getattr(rnn, "weight_ih_l0" + suffix)), t(getattr(rnn, "weight_hh_l0" + suffix))
        b = t(getattr(rnn, "bias_ih_l0" + suffix) + getattr(rnn, "bias_hh_l0" + suffix))
        for j in range(H):
            d.neurons([f"{side}{j}"], activation="tanh", bias=float(b[j]), direction=direction)
        for j in range(H):
            for i, x in enumerate(d.xs):
                d.edge(x, f"{side}{j}", W_ih[j, i])
            for m in range(H):
                d.edge(f"{side}{m}", f"{side}{j}", W_hh[j, m], delay=1)
    d.outputs([f"f{j}" for j in range(H)] + [f"b{j}" for j in range(H)], lin)
    return d.net, d.id


def check(net, out, loss, X, Y, grads_of: dict) -> None:
    """Outputs and loss equal torch's; each torch gradient equals ours at the given params."""
    np.testing.assert_allclose(run(net, X), out.detach().numpy(), rtol=0, atol=TOL)
    value, grads = gradients(net, X, Y)
    assert abs(value - loss.item()) < TOL
    for expected, ours in grads_of(grads):
        assert abs(ours - expected) < TOL, (ours, expected)


def torch_case(module, n_in, H, n_out, T=9, N=3, seed=0):
    torch.manual_seed(seed)
    rnn = module.double()
    lin = torch.nn.Linear(H * (2 if rnn.bidirectional else 1), n_out).double()
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(T, N, n_in)), rng.normal(size=(T, N, n_out))
    out = lin(rnn(torch.tensor(X))[0])
    loss = ((out - torch.tensor(Y)) ** 2).mean()
    loss.backward()
    return rnn, lin, X, Y, out, loss


def linear_grads(grads, ids, lin, sources):
    gW, gb = t(lin.weight.grad), t(lin.bias.grad)
    for o in range(gW.shape[0]):
        yield gb[o], grads.biases[f"y{o}"]
        for j, s in enumerate(sources):
            yield gW[o, j], grads.weights[(ids[s], f"y{o}")]


def test_lstm_matches_torch():
    rnn, lin, X, Y, out, loss = torch_case(torch.nn.LSTM(3, 5), 3, 5, 2)
    net, ids = lstm_net(rnn, lin)
    H = 5
    gi, gh, gb = t(rnn.weight_ih_l0.grad), t(rnn.weight_hh_l0.grad), t(rnn.bias_ih_l0.grad)

    def grads_of(grads):
        for k, gate in enumerate("ifgo"):
            for j in range(H):
                yield gb[k * H + j], grads.biases[ids[f"{gate}{j}"]]
                for i in range(3):
                    yield gi[k * H + j, i], grads.weights[(f"x{i}", ids[f"{gate}{j}"])]
                for m in range(H):
                    yield gh[k * H + j, m], grads.weights[(ids[f"h{m}"], ids[f"{gate}{j}"])]
        yield from linear_grads(grads, ids, lin, [f"h{j}" for j in range(H)])
    check(net, out, loss, X, Y, grads_of)


def test_gru_matches_torch():
    rnn, lin, X, Y, out, loss = torch_case(torch.nn.GRU(2, 4), 2, 4, 1, seed=1)
    net, ids = gru_net(rnn, lin, seed=1)
    H = 4
    gi, gh = t(rnn.weight_ih_l0.grad), t(rnn.weight_hh_l0.grad)
    gbi, gbh = t(rnn.bias_ih_l0.grad), t(rnn.bias_hh_l0.grad)

    def grads_of(grads):
        for j in range(H):
            yield gbi[j], grads.biases[ids[f"r{j}"]]
            yield gbi[H + j], grads.biases[ids[f"z{j}"]]
            yield gbi[2 * H + j], grads.biases[ids[f"n{j}"]]
            yield gbh[2 * H + j], grads.biases[ids[f"hn{j}"]]
            for k, gate in enumerate(("r", "z", "n")):
                for i in range(2):
                    yield gi[k * H + j, i], grads.weights[(f"x{i}", ids[f"{gate}{j}"])]
            for k, gate in enumerate(("r", "z", "hn")):
                for m in range(H):
                    yield gh[k * H + j, m], grads.weights[(ids[f"h{m}"], ids[f"{gate}{j}"])]
        yield from linear_grads(grads, ids, lin, [f"h{j}" for j in range(H)])
    check(net, out, loss, X, Y, grads_of)


def test_bidirectional_matches_torch():
    rnn, lin, X, Y, out, loss = torch_case(
        torch.nn.RNN(2, 3, nonlinearity="tanh", bidirectional=True), 2, 3, 2, seed=2)
    net, ids = bidirectional_net(rnn, lin, seed=2)
    H = 3

    def grads_of(grads):
        for side, suffix in (("f", ""), ("b", "_reverse")):
            gi = t(getattr(rnn, "weight_ih_l0" + suffix).grad)
            gh = t(getattr(rnn, "weight_hh_l0" + suffix).grad)
            gb = t(getattr(rnn, "bias_ih_l0" + suffix).grad)
            for j in range(H):
                yield gb[j], grads.biases[ids[f"{side}{j}"]]
                for i in range(2):
                    yield gi[j, i], grads.weights[(f"x{i}", ids[f"{side}{j}"])]
                for m in range(H):
                    yield gh[j, m], grads.weights[(ids[f"{side}{m}"], ids[f"{side}{j}"])]
        yield from linear_grads(grads, ids, lin,
                                [f"f{j}" for j in range(H)] + [f"b{j}" for j in range(H)])
    check(net, out, loss, X, Y, grads_of)


@pytest.mark.parametrize("make", [lstm_net, gru_net])
def test_hand_drawn_gated_cells_take_the_fast_path(make):
    """The cells drawn above (shuffled, opaque ids) compile to column ranges and one-to-one
    blocks, not to per-target tables."""
    torch.manual_seed(0)
    module = torch.nn.LSTM(3, 6) if make is lstm_net else torch.nn.GRU(3, 6)
    net, _ = make(module.double(), torch.nn.Linear(6, 2).double())
    prog = build(net)
    blocks = [b for lv in prog.levels() for b in lv.blocks]
    assert any(b.mode == "diag" for b in blocks)
    assert not any(isinstance(b, EllBlock) for b in blocks)
    slots = [src for lv in prog.levels() for p in lv.prods for _, src, _, _ in p.slots]
    assert slots and all(isinstance(src, slice) for src in slots)
