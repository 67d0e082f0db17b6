"""compile(): caching by structure version, in-place parameter updates, levels, hoisting."""

import numpy as np
import pytest

from rnnstudio.engine import compile, gradients, run
from rnnstudio.model import Network

from .netgen import random_network


def chain(n=4, loop=True):
    net = Network()
    net.add_input("x")
    prev = "x"
    for i in range(n):
        net.add_neuron(f"h{i}")
        net.add_edge(prev, f"h{i}", weight=0.5)
        prev = f"h{i}"
    net.add_output("y")
    net.add_edge(prev, "y")
    if loop:
        net.add_edge(f"h{n - 1}", "h1", weight=0.3)   # a cycle h1 -> ... -> h3 -> h1
    return net


def test_cache_and_in_place_parameter_updates():
    net = chain()
    X = np.linspace(-1, 1, 12).reshape(6, 2, 1)
    prog = compile(net)
    before = run(net, X)
    assert compile(net) is prog
    net.set_edge_attrs("x", "h0", weight=2.0)
    net.set_node_attrs("h2", bias=0.25, initial=0.5)
    assert compile(net) is prog                       # same program, parameters refreshed
    after = run(net, X)
    assert not np.allclose(before, after)
    fresh = net.copy()
    np.testing.assert_array_equal(run(fresh, X), after)
    net.add_neuron("extra")
    assert compile(net) is not prog                   # a structural change recompiles


def test_phases_hoist_what_is_outside_the_cycles():
    prog = compile(chain())
    kinds = [(p["kind"], [list(map(str, lv)) for lv in p["levels"]]) for p in prog.level_nodes()]
    assert kinds[0] == ("parallel", [["h0"]])         # upstream of the cycle: hoisted
    assert kinds[1][0] == "sequential"
    assert sorted(sum(kinds[1][1], [])) == ["h1", "h2", "h3"]
    assert kinds[2] == ("parallel", [["y"]])          # only downstream: hoisted after
    assert prog.n_levels == 3                         # h1 -> h2 -> h3 same-step chain


def test_dag_has_no_sweep():
    prog = compile(chain(loop=False))
    assert prog.n_levels == 0
    assert all(p["kind"] == "parallel" for p in prog.level_nodes())


def test_same_levels_whatever_topological_order():
    # reordering inside the delay-0 DAG never changes results (only the delayed edges matter)
    rng = np.random.default_rng(0)
    net = random_network(rng, n_hidden=5, p_edge=0.5)
    X = rng.normal(size=(5, 2, 2))
    out = run(net, X)
    other = net.copy()
    other.set_ordering(net.ordering())
    np.testing.assert_array_equal(run(other, X), out)


def test_float32_program_is_separate_and_close():
    rng = np.random.default_rng(1)
    net = random_network(rng, n_hidden=4)
    X = rng.normal(size=(6, 3, 2))
    assert compile(net, "float32") is not compile(net)
    np.testing.assert_allclose(run(net, X, dtype="float32"), run(net, X), atol=1e-5)
    assert run(net, X, dtype="float32").dtype == np.float32


def test_shapes_and_errors():
    net = chain()
    assert run(net, np.zeros((3, 1))).shape == (3, 1)
    assert run(net, np.zeros((3, 4, 1))).shape == (3, 4, 1)
    with pytest.raises(ValueError):
        run(net, np.zeros((3, 2)))
    with pytest.raises(ValueError):
        gradients(net, np.zeros((3, 1)), np.zeros((4, 1)))
    with pytest.raises(ValueError):
        gradients(net, np.zeros((3, 1)), np.zeros((3, 1)), loss="hinge")


def test_explicit_zero_delay_is_read_at_the_same_step():
    net = chain(loop=False)
    net.add_edge("h3", "h1", weight=0.3, delay=0)    # forces h3 before h1: another edge delays
    assert net.resolved_delay("h3", "h1") == 0
    assert net.backward_edges()
    prog = compile(net)
    level = {n: (p, k) for p, ph in enumerate(prog.level_nodes())
             for k, lv in enumerate(ph["levels"]) for n in lv}
    assert level["h3"] < level["h1"]
    assert np.isfinite(run(net, np.ones((5, 1)))).all()


def test_empty_and_input_only_networks():
    net = Network()
    net.add_input("x")
    net.add_output("y")
    out = run(net, np.ones((4, 1)))
    np.testing.assert_array_equal(out, np.zeros((4, 1)))     # no edges: y = bias = 0
    loss, grads = gradients(net, np.ones((4, 1)), np.ones((4, 1)))
    assert loss == 1.0 and grads.biases["y"] == -2.0


def test_reverse_neurons_read_the_future():
    net = Network()
    net.add_input("x")
    net.add_neuron("b", activation="identity", direction="reverse", initial=0.5)
    net.add_output("y")
    net.add_edge("x", "b", weight=1.0)
    net.add_edge("b", "b", weight=1.0, delay=1)             # b(t) = x(t) + b(t+1)
    net.add_edge("b", "y", weight=1.0)
    X = np.array([[1.0], [2.0], [3.0]])
    np.testing.assert_allclose(run(net, X)[:, 0], [6.5, 5.5, 3.5])


def test_a_network_with_a_cached_program_can_be_copied_and_pickled():
    import copy
    import pickle
    net = chain()
    X = np.ones((4, 1))
    out = run(net, X)
    for other in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        np.testing.assert_array_equal(run(other, X), out)
