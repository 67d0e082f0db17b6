"""Hypothesis strategies for random networks (shared by tests/model and tests/io)."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from rnnstudio.model import ACTIVATIONS, AGGREGATES, Network, NetworkError

ids = st.text(alphabet=string.ascii_letters + string.digits + "_-.", min_size=1, max_size=6)
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
small = st.floats(min_value=-5, max_value=5, allow_nan=False)
json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | finite | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8)
json_objects = st.dictionaries(st.text(max_size=6), json_values, max_size=4)
delays = st.sampled_from(["auto", "auto", "auto", 0, 1, 2, 3])


@st.composite
def neuron_attrs(draw, reverse_ok: bool = True) -> dict:
    return {
        "activation": draw(st.sampled_from(ACTIVATIONS)), "bias": draw(finite),
        "initial": draw(small), "aggregate": draw(st.sampled_from(AGGREGATES)),
        "direction": draw(st.sampled_from(["forward"] * 3 + ["reverse"] * reverse_ok)),
        "trainable": draw(st.booleans()), "initial_trainable": draw(st.booleans()),
        "x": draw(finite), "y": draw(small), "label": draw(st.text(max_size=10)),
    }


@st.composite
def networks(draw, max_inputs: int = 3, max_neurons: int = 7, max_outputs: int = 3,
             reverse: bool = True, explicit_delays: bool = True, modes=("auto", "position",
                                                                        "manual")) -> Network:
    """A random valid network: any mix of kinds, attributes, edges (with cycles, self-loops,
    explicit delays), ordering modes, training settings and view state."""
    net = Network(name=draw(st.text(max_size=12)), description=draw(st.text(max_size=30)))
    node_ids = draw(st.lists(ids, min_size=1, max_size=max_inputs + max_neurons + max_outputs,
                             unique=True))
    for node in node_ids:
        kind = draw(st.sampled_from(["input", "neuron", "neuron", "output"]))
        if kind == "input" and len(net.inputs) < max_inputs:
            net.add_input(node, x=draw(finite), y=draw(small))
        else:
            net.add_node(node, "output" if kind == "output" else "neuron",
                         **draw(neuron_attrs(reverse_ok=reverse)))
    _add_random_edges(draw, net, node_ids, explicit_delays)
    _set_random_ordering(draw, net, modes)
    _add_random_groups(draw, net, node_ids)
    net.set_meta(training=draw(json_objects), view=draw(json_objects))
    net.validate()
    return net


def _add_random_edges(draw, net: Network, node_ids: list[str], explicit: bool) -> None:
    pairs = draw(st.lists(st.tuples(st.sampled_from(node_ids), st.sampled_from(node_ids)),
                          max_size=3 * len(node_ids)))
    for u, v in pairs:
        delay = draw(delays) if explicit else "auto"
        try:
            net.add_edge(u, v, weight=draw(small), delay=delay, trainable=draw(st.booleans()))
        except NetworkError:
            pass  # an edge into an input, a duplicate, an algebraic loop, a reverse rule


def _add_random_groups(draw, net: Network, node_ids: list[str]) -> None:
    """Up to three disjoint groups of random members, labels and collapsed flags."""
    free = list(node_ids)
    for gid in draw(st.lists(ids, max_size=3, unique=True)):
        if not free:
            return
        members = draw(st.lists(st.sampled_from(free), min_size=1, max_size=4, unique=True))
        free = [n for n in free if n not in members]
        net.add_group(gid, members, label=draw(st.text(max_size=10)),
                      collapsed=draw(st.booleans()))


def _set_random_ordering(draw, net: Network, modes) -> None:
    mode = draw(st.sampled_from(modes))
    try:
        if mode == "manual":
            others = [n for n in net.ordering() if net.kind(n) != "input"]
            net.set_ordering(draw(st.permutations(others)))
        else:
            net.set_ordering_mode(mode)
    except NetworkError:
        pass  # an explicit delay-0 edge would point backward: keep the mode it had


@st.composite
def dags(draw, max_nodes: int = 12) -> tuple[list[str], list[tuple[str, str]]]:
    """Node ids (in creation order) and the edges of a random DAG (not in creation order)."""
    n = draw(st.integers(1, max_nodes))
    topo = draw(st.permutations(range(n)))  # the hidden topological order
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          max_size=3 * n, unique=True))
    edges = [(f"n{topo[min(a, b)]}", f"n{topo[max(a, b)]}") for a, b in pairs if a != b]
    return [f"n{i}" for i in range(n)], sorted(set(edges))


@st.composite
def digraphs(draw, max_nodes: int = 12) -> tuple[list[str], list[tuple[str, str]]]:
    """Node ids and the edges of a random directed graph (cycles and self-loops allowed)."""
    n = draw(st.integers(1, max_nodes))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                          max_size=4 * n, unique=True))
    return [f"n{i}" for i in range(n)], [(f"n{a}", f"n{b}") for a, b in pairs]
