"""Every golden case of the spec: outputs, backward edges, loss and gradients to 1e-9."""

import numpy as np
import pytest

from rnnstudio.engine import gradients, run

from .netgen import golden_cases, golden_network, load_case, nan_array

CASES = golden_cases()


def test_golden_cases_found():
    assert len(CASES) >= 9


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path):
    case = load_case(path)
    net = golden_network(case)
    expected = case["expected"]
    X = np.array(case["X"], dtype=float)
    assert [list(e) for e in net.backward_edges()] == expected["backward_edges"]
    np.testing.assert_allclose(run(net, X), expected["outputs"], rtol=0, atol=1e-9)
    if case["Y"] is None:
        return
    loss, grads = gradients(net, X, nan_array(case["Y"]), loss=case["loss"])
    assert abs(loss - expected["loss"]) < 1e-9
    for w in expected["grad_weights"]:
        assert abs(grads.weights[(w["source"], w["target"])] - w["grad"]) < 1e-9, w
    assert len(expected["grad_weights"]) == net.graph.number_of_edges()
    for node, value in expected["grad_biases"].items():
        assert abs(grads.biases[node] - value) < 1e-9, node


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_single_sequence_and_states(path):
    case = load_case(path)
    net = golden_network(case)
    X = np.array(case["X"], dtype=float)
    out, states = run(net, X[:, 0, :], return_states=True)
    np.testing.assert_allclose(out, np.array(case["expected"]["outputs"])[:, 0, :], atol=1e-9)
    assert set(states) == set(net.graph.nodes)
    for k, node in enumerate(net.outputs):
        np.testing.assert_array_equal(states[node], out[:, k])
    for j, node in enumerate(net.inputs):
        np.testing.assert_array_equal(states[node], X[:, 0, j])
