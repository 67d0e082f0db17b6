"""Step-through: micro-steps equal steps; seek back and forth equals run."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnstudio.engine import Simulator, run

from .netgen import golden_cases, golden_network, load_case, random_network


def _states_equal(history, states, atol=1e-12):
    for node, values in states.items():
        np.testing.assert_allclose(history[node], values, rtol=0, atol=atol, err_msg=node)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), reverse=st.booleans())
def test_steps_equal_run(seed, reverse):
    rng = np.random.default_rng(seed)
    net = random_network(rng, n_hidden=4, p_product=0.2, p_reverse=0.4 if reverse else 0.0)
    X = rng.normal(size=(7, 3, 2))
    out, states = run(net, X, return_states=True)
    sim = Simulator(net, X=X)
    for t in range(7):
        np.testing.assert_allclose(sim.step(), out[t], atol=1e-12)
    _states_equal(sim.history, states)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31))
def test_micro_steps_equal_steps(seed):
    rng = np.random.default_rng(seed)
    net = random_network(rng, n_hidden=4, p_product=0.3, p_reverse=0.3)
    X = rng.normal(size=(5, 2, 2))
    a, b = Simulator(net, X=X), Simulator(net, X=X)
    order = [n for n in net.ordering() if n not in net.inputs]
    for t in range(5):
        a.step()
        for k, node in enumerate(order):
            assert b.next_node == node
            assert b.micro_step() == node
            if k < len(order) - 1:
                partial = b.values()
                assert not np.isnan(partial[node]).any()
                assert all(np.isnan(partial[n]).all() for n in order[k + 1:])
        assert b.t == a.t == t + 1
        va, vb = a.values(), b.values()
        for node in va:
            np.testing.assert_array_equal(va[node], vb[node])


def test_seek_back_and_forth():
    rng = np.random.default_rng(4)
    net = random_network(rng, n_hidden=5)
    X = rng.normal(size=(10, 2))
    out, states = run(net, X, return_states=True)
    sim = Simulator(net, X=X)
    sim.seek(10)
    assert sim.t == 10
    sim.seek(3)
    assert sim.t == 3
    np.testing.assert_allclose(sim.step(), out[3], atol=1e-12)
    sim.seek(0)
    sim.seek(8)
    for node in states:
        np.testing.assert_allclose(sim.values(7)[node], states[node][7:8], atol=1e-12)
    _states_equal({n: v[:, 0] for n, v in sim.history.items()}, states)


def test_free_inputs_and_branching():
    rng = np.random.default_rng(8)
    net = random_network(rng, n_hidden=3)
    X = rng.normal(size=(6, 2))
    out = run(net, X)
    sim = Simulator(net)
    for t in range(6):
        y = sim.step(X[t])
        assert y.shape == (2,)
        np.testing.assert_allclose(y, out[t], atol=1e-12)
    sim.seek(2)
    sim.step(X[2])          # same input: values kept
    assert sim._computed == 6
    sim.step(X[3] + 1.0)    # a different input: a new branch from here
    assert sim._computed == 4
    with pytest.raises(ValueError):
        sim.seek(6)
    sim.reset()
    assert sim.t == 0 and sim.history[net.outputs[0]].shape == (0, 1)


def test_batch_and_growth():
    rng = np.random.default_rng(9)
    net = random_network(rng, n_hidden=3)
    X = rng.normal(size=(150, 4, 2))
    out = run(net, X)
    sim = Simulator(net, batch=4)
    for t in range(150):
        np.testing.assert_allclose(sim.step(X[t]), out[t], atol=1e-12)


def test_reverse_neurons_need_the_sequence():
    rng = np.random.default_rng(2)
    net = random_network(rng, n_hidden=4, p_reverse=1.0)
    if not any(net.graph.nodes[n]["direction"] == "reverse" for n in net.graph
               if net.kind(n) != "input"):
        pytest.skip("no reverse neuron drawn")
    with pytest.raises(ValueError):
        Simulator(net)


@pytest.mark.parametrize("path", golden_cases()[:4], ids=lambda p: p.stem)
def test_golden_by_micro_steps(path):
    case = load_case(path)
    net = golden_network(case)
    X = np.array(case["X"], dtype=float)
    sim = Simulator(net, X=X)
    n = len(sim.order)
    for _ in range(X.shape[0] * n):
        sim.micro_step()
    got = np.stack([sim.outputs(t) for t in range(X.shape[0])])
    np.testing.assert_allclose(got, case["expected"]["outputs"], atol=1e-9)


def test_reset_picks_up_edits():
    rng = np.random.default_rng(10)
    net = random_network(rng, n_hidden=3)
    X = rng.normal(size=(4, 2))
    sim = Simulator(net, X=X)
    sim.seek(4)
    u, v = next(iter(net.graph.edges))
    net.set_edge_attrs(u, v, weight=3.0)
    sim.reset()
    sim.seek(4)
    np.testing.assert_allclose(sim.history[net.outputs[0]][:, 0], run(net, X)[:, 0], atol=1e-12)
