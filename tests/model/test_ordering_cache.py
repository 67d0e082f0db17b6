"""The cached ordering and delays are kept across edits that cannot change them (weights,
activations, edges with an explicit delay of 1 or more) and always equal a fresh computation."""

from __future__ import annotations

import random

import pytest

import rnnstudio as rs
from rnnstudio.model import NetworkError


def _fresh(net) -> tuple:
    copy = net.copy()
    return copy.ordering(), copy.delays(), copy.backward_edges()


@pytest.mark.parametrize("seed", range(6))
def test_cached_ordering_and_delays_equal_a_fresh_computation(seed):
    rng = random.Random(seed)
    net = rs.Network()
    for i in range(3):
        net.add_input(f"x{i}")
    for i in range(14):
        net.add_neuron(f"h{i}", direction="reverse" if rng.random() < 0.1 else "forward")
    nodes = list(net.graph)
    for _ in range(400):
        u, v = rng.choice(nodes), rng.choice(nodes[3:])
        op = rng.random()
        try:
            if op < 0.4 and not net.has_edge(u, v):
                net.add_edge(u, v, delay=rng.choice(["auto", "auto", 0, 1, 2, 3]))
            elif op < 0.6 and net.has_edge(u, v):
                net.remove_edge(u, v)
            elif op < 0.8 and net.has_edge(u, v):
                net.set_edge_attrs(u, v, delay=rng.choice(["auto", 0, 1, 2]))
            elif op < 0.9:
                net.set_node_attrs(v, activation=rng.choice(["tanh", "relu"]))
            else:
                net.set_ordering_mode(rng.choice(["auto", "auto", "position", "manual"]))
        except NetworkError:
            pass
        assert (net.ordering(), net.delays(), net.backward_edges()) == _fresh(net)


def test_an_edge_with_an_explicit_delay_keeps_the_cached_ordering():
    net = rs.templates.elman(2, 6, 1)
    if net.has_edge("h0", "h3"):
        net.remove_edge("h0", "h3")
    order = net.ordering()
    net.add_edge("h0", "h3", delay=2)
    assert net._order_cache == order and net.resolved_delay("h0", "h3") == 2
    net.set_edge_attrs("h0", "h3", delay=1)
    assert net._order_cache == order and net.delays()[("h0", "h3")] == 1
    net.remove_edge("h0", "h3")
    assert net._order_cache == order and ("h0", "h3") not in net.delays()
    net.add_edge("h0", "h3")  # auto: the ordering may change
    assert net._order_cache is None


@pytest.mark.parametrize("seed", range(3))
def test_nodes_without_edges_added_last_keep_a_big_cached_ordering_exact(seed):
    """Past the sifting limit a new node without edges goes last; removing it again (undo)
    gives back the ordering before; both without computing the ordering anew."""
    rng = random.Random(seed)
    net = rs.Network()
    net.add_input("x0")
    for i in range(450):
        net.add_neuron(f"h{i}")
    for _ in range(1500):
        u, v = rng.randrange(450), rng.randrange(450)
        if not net.has_edge(f"h{u}", f"h{v}"):
            net.add_edge(f"h{u}", f"h{v}")
    net.add_edge("x0", "h0")
    before = net.ordering()
    for kind in ("neuron", "output", "input"):
        node = net.add_node(None, kind)
        assert net._order_cache is not None  # kept, not recomputed
        assert (net.ordering(), net.delays()) == _fresh(net)[:2]
        net.remove_node(node)
        assert net._order_cache is not None and net.ordering() == before
        assert (net.ordering(), net.delays()) == _fresh(net)[:2]
