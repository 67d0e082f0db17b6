"""init_weights: fan-in scaled uniform, deterministic by seed and sorted ids, one set_params."""

import math

import numpy as np

from rnnstudio import Network
from rnnstudio import templates as tpl
from rnnstudio.model.events import PARAMS_CHANGED


def _chain(order):
    net = Network()
    net.add_input("x")
    for n in order:
        net.add_neuron(n)
    for n in sorted(order):
        net.add_edge("x", n, weight=0.0)
    net.add_edge("a", "b", weight=0.0)
    net.add_edge("b", "b", weight=0.0)
    net.add_edge("b", "c", weight=0.0, trainable=False)
    return net


def test_bounds_follow_fan_in():
    net = tpl.elman(3, 16, 2, seed=1)
    g = net.graph
    for u, v, w in g.edges(data="weight"):
        assert abs(w) <= 1 / math.sqrt(g.in_degree(v))
    for n in g:
        if net.kind(n) != "input":
            assert abs(g.nodes[n]["bias"]) <= 1 / math.sqrt(g.in_degree(n))
    hidden_w = [g.edges[u, v]["weight"] for u, v in g.edges if v.startswith("h")]
    bound = 1 / math.sqrt(3 + 16)
    assert max(np.abs(hidden_w)) > 0.8 * bound  # spread over the whole range


def test_deterministic_and_independent_of_insertion_order():
    a, b = _chain(["a", "b", "c"]), _chain(["c", "b", "a"])
    tpl.init_weights(a, seed=7)
    tpl.init_weights(b, seed=7)
    assert a.get_params() == b.get_params()
    c = _chain(["a", "b", "c"])
    tpl.init_weights(c, seed=8)
    assert c.get_params() != a.get_params()


def test_non_trainable_untouched():
    net = _chain(["a", "b", "c"])
    net.set_edge_attrs("b", "c", weight=0.25)
    net.set_node_attrs("c", trainable=False, bias=0.5)
    tpl.init_weights(net, seed=0)
    assert net.edge_attrs("b", "c")["weight"] == 0.25
    assert net.graph.nodes["c"]["bias"] == 0.5
    assert net.edge_attrs("x", "a")["weight"] != 0.0


def test_product_neurons_keep_no_bias_and_initials_untouched():
    net = tpl.lstm(1, 2, 1)
    g = net.graph
    for n, d in g.nodes(data=True):
        if d.get("aggregate") == "product":
            assert d["bias"] == 0.0
        if d["kind"] != "input":
            assert d["initial"] == 0.0
    assert all(g.nodes[f"f{j}"]["bias"] == 1.0 for j in range(2))  # forget bias


def test_one_params_event():
    net = tpl.elman(2, 3, 1)
    kinds = []
    net.events.subscribe(lambda e: kinds.append(e.kind))
    tpl.init_weights(net, seed=3)
    assert kinds == [PARAMS_CHANGED]


def test_node_without_inputs_gets_bias_within_one():
    net = Network()
    net.add_input("x")
    net.add_neuron("lonely")
    tpl.init_weights(net, seed=0)
    assert 0 < abs(net.graph.nodes["lonely"]["bias"]) <= 1.0
