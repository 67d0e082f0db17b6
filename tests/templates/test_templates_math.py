"""The templates compute what they claim, checked with the plain interpreter of SEMANTICS.md
(tests/templates/reference.py) against direct numpy implementations."""

import numpy as np
import pytest

from rnnstudio import templates as tpl

from .reference import run


def sig(a):
    return 1.0 / (1.0 + np.exp(-a))


def W(net, sources, targets):
    """Weight matrix (len(sources), len(targets)); 0 where there is no edge."""
    g = net.graph
    return np.array([[g.edges[u, v]["weight"] if g.has_edge(u, v) else 0.0 for v in targets]
                     for u in sources])


def B(net, nodes):
    return np.array([net.graph.nodes[n]["bias"] for n in nodes])


def _x(T=7, N=3, n_in=2, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, (T, N, n_in))


def numpy_lstm(net, X, n):
    cells = range(n)
    gate = {k: [f"{k}{j}" for j in cells] for k in "ifgo"}
    hs = [f"h{j}" for j in cells]
    h = np.zeros((X.shape[1], n))
    c = np.zeros_like(h)
    out = []
    for x in X:
        pre = {k: x @ W(net, net.inputs, gate[k]) + h @ W(net, hs, gate[k]) + B(net, gate[k])
               for k in "ifgo"}
        i, f, o, g = sig(pre["i"]), sig(pre["f"]), sig(pre["o"]), np.tanh(pre["g"])
        c = f * c + i * g
        h = o * np.tanh(c)
        out.append(h @ W(net, hs, net.outputs) + B(net, net.outputs))
    return np.stack(out)


def numpy_gru(net, X, n):
    cells = range(n)
    ids = {k: [f"{k}{j}" for j in cells] for k in ("r", "z", "hn", "n", "h")}
    hs = ids["h"]
    h = np.zeros((X.shape[1], n))
    out = []
    for x in X:
        r = sig(x @ W(net, net.inputs, ids["r"]) + h @ W(net, hs, ids["r"]) + B(net, ids["r"]))
        z = sig(x @ W(net, net.inputs, ids["z"]) + h @ W(net, hs, ids["z"]) + B(net, ids["z"]))
        hn = h @ W(net, hs, ids["hn"]) + B(net, ids["hn"])
        nn = np.tanh(x @ W(net, net.inputs, ids["n"]) + B(net, ids["n"]) + r * hn)
        h = (1 - z) * nn + z * h
        out.append(h @ W(net, hs, net.outputs) + B(net, net.outputs))
    return np.stack(out)


@pytest.mark.parametrize("seed", [0, 1])
def test_lstm_is_a_true_lstm(seed):
    net = tpl.lstm(2, 3, 2, seed=seed)
    X = _x(T=9, n_in=2, seed=seed)
    out, _ = run(net, X)
    np.testing.assert_allclose(out, numpy_lstm(net, X, 3), atol=1e-12)


def test_gru_is_torch_gru():
    net = tpl.gru(2, 3, 1, seed=2)
    X = _x(T=8)
    out, _ = run(net, X)
    np.testing.assert_allclose(out, numpy_gru(net, X, 3), atol=1e-12)


def test_elman_equations():
    net = tpl.elman(2, 4, 1, seed=3)
    X = _x()
    hs = [f"h{j}" for j in range(4)]
    h = np.zeros((X.shape[1], 4))
    expected = []
    for x in X:
        h = np.tanh(x @ W(net, net.inputs, hs) + h @ W(net, hs, hs) + B(net, hs))
        expected.append(h @ W(net, hs, net.outputs) + B(net, net.outputs))
    np.testing.assert_allclose(run(net, X)[0], np.stack(expected), atol=1e-12)


def test_windowed_sees_only_the_window():
    net = tpl.windowed(1, 3, 4, 1, seed=0)
    X = _x(T=10, N=2, n_in=1)
    Y = run(net, X)[0]
    X2 = X.copy()
    X2[:4] += 5.0  # steps 0..3 lie outside the window of step 6 and later
    Y2 = run(net, X2)[0]
    np.testing.assert_allclose(Y[6:], Y2[6:], atol=1e-12)
    assert not np.allclose(Y[:6], Y2[:6])
    states = run(net, X)[1]
    np.testing.assert_allclose(states["x0_d2"][2:], X[:-2, :, 0])


def test_bidirectional_outputs_see_the_future():
    net = tpl.bidirectional(1, 3, 1, seed=0)
    X = _x(T=8, N=2, n_in=1)
    X2 = X.copy()
    X2[-1] += 1.0  # change only the last input
    Y, Y2 = run(net, X)[0], run(net, X2)[0]
    assert not np.allclose(Y[0], Y2[0])
