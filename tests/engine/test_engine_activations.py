"""Activations as the engine computes them: float32 sigmoids as 0.5 * tanh(a / 2) + 0.5 (one
tanh call shared with adjacent tanh columns), float64 ones as 1 / (1 + exp(-a))."""

import numpy as np
import pytest

from rnnstudio import templates
from rnnstudio.engine import activations, compile, run
from rnnstudio.engine.ops import _activation_calls
from rnnstudio.model import Network


def reference_sigmoid(a):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=np.float64)))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_folded_sigmoid_matches_the_definition_over_the_whole_range(dtype):
    a = np.concatenate([np.linspace(-120, 120, 2001), [-1e30, 1e30, 0.0]])
    folded = (a * activations.fold("sigmoid", dtype)).astype(dtype)
    out = np.empty_like(folded)
    with np.errstate(over="ignore"):
        activations.sigmoid_folded(folded, out)
    assert out.dtype == np.dtype(dtype)
    tol = 1e-7 if dtype == "float32" else 1e-15
    np.testing.assert_allclose(out, reference_sigmoid(a), rtol=0, atol=tol)
    assert ((out >= 0) & (out <= 1)).all()


def test_adjacent_sigmoid_and_tanh_runs_share_one_tanh_call():
    runs = [(0, 6, "sigmoid"), (6, 8, "tanh"), (8, 9, "relu"), (9, 12, "sigmoid")]
    assert _activation_calls(runs, half=True) == [
        ("tanh", 0, 8), ("relu", 8, 9), ("tanh", 9, 12), ("half", 0, 6), ("half", 9, 12)]
    assert _activation_calls(runs, half=False) == [
        ("sigmoid", 0, 6), ("tanh", 6, 8), ("relu", 8, 9), ("sigmoid", 9, 12)]


def mixed_level_net() -> Network:
    """One level mixing sigmoid, tanh, relu and identity neurons, read back through delays."""
    rng = np.random.default_rng(3)
    net = Network("mixed")
    xs = [net.add_input(f"x{i}") for i in range(2)]
    acts = ["sigmoid", "tanh", "relu", "identity"] * 2
    hs = [net.add_neuron(f"h{i}", activation=a, bias=float(rng.normal()))
          for i, a in enumerate(acts)]
    y = net.add_output("y")
    for h in hs:
        for x in xs:
            net.add_edge(x, h, weight=float(rng.normal(0, 2)))
        for u in hs:
            net.add_edge(u, h, weight=float(rng.normal(0, 0.7)), delay=1)
        net.add_edge(h, y, weight=float(rng.normal()))
    return net


@pytest.mark.parametrize("make", [mixed_level_net, lambda: templates.lstm(3, 5, 2, seed=1),
                                  lambda: templates.gru(3, 5, 2, seed=2)])
def test_float32_runs_agree_with_float64(make):
    net = make()
    X = np.random.default_rng(0).normal(0, 3, size=(15, 4, len(net.inputs)))
    assert compile(net, "float32").n_levels >= 1
    np.testing.assert_allclose(run(net, X, dtype="float32"), run(net, X), rtol=2e-5, atol=2e-5)
