"""Orderings: auto (few backward edges), position (by x), manual; delays and their reasons."""

import random
import time

import pytest
from hypothesis import example, given, settings, strategies as st

import rnnstudio.model.ordering as ordering_module
from rnnstudio.model import Network, NetworkError
from rnnstudio.model.ordering import auto_order, count_backward, eades_lin_smyth
from tests.model.helpers import chain
from tests.model.strategies import dags, digraphs, networks

PROPS = settings(max_examples=80, deadline=None)


def network_of(nodes, edges, **edge) -> Network:
    net = Network()
    for n in nodes:
        net.add_neuron(n)
    for u, v in edges:
        net.add_edge(u, v, **edge)
    return net


# ---------------------------------------------------------------------- auto ordering
@PROPS
@given(dags(max_nodes=14))
def test_auto_gives_a_dag_no_backward_edge(graph):
    nodes, edges = graph
    net = network_of(nodes, edges)
    assert net.backward_edges() == []
    assert count_backward(auto_order(nodes, edges), edges) == 0


@PROPS
@given(digraphs(max_nodes=14))
def test_auto_never_does_worse_than_creation_order(graph):
    nodes, edges = graph
    order = auto_order(nodes, edges)
    assert sorted(order) == sorted(nodes)
    assert count_backward(order, edges) <= count_backward(nodes, edges)


@PROPS
@given(digraphs(max_nodes=8))
@example(graph=(["n0", "n1", "n2", "n3", "n4", "n5", "n6"],  # greedy + sifting: 3; best: 1
                [("n0", "n1"), ("n0", "n5"), ("n1", "n2"), ("n2", "n3"), ("n2", "n6"),
                 ("n3", "n4"), ("n4", "n0"), ("n4", "n3"), ("n5", "n1"), ("n5", "n2"),
                 ("n5", "n3"), ("n6", "n3")]))
def test_auto_is_the_best_on_small_graphs(graph):
    nodes, edges = graph
    loops = [(u, v) for u, v in edges if u != v]
    best = min_feedback_arcs(nodes, loops)
    assert count_backward(auto_order(nodes, edges), loops) == best  # exact up to EXACT_LIMIT


def min_feedback_arcs(nodes, edges) -> int:
    """The fewest backward edges over all orders (dynamic programming over subsets)."""
    index = {n: i for i, n in enumerate(nodes)}
    preds = [0] * len(nodes)
    for u, v in edges:
        preds[index[v]] |= 1 << index[u]
    best = {0: 0}
    for mask in range(1 << len(nodes)):
        if mask not in best:
            continue
        for i in range(len(nodes)):
            if not mask >> i & 1:
                # i placed next: its predecessors not yet placed point backward
                cost = best[mask] + bin(preds[i] & ~mask & ~(1 << i)).count("1")
                new = mask | 1 << i
                best[new] = min(best.get(new, cost), cost)
    return best[(1 << len(nodes)) - 1]


@PROPS
@given(digraphs(max_nodes=12))
def test_auto_is_deterministic(graph):
    nodes, edges = graph
    first = network_of(nodes, edges)
    second = network_of(nodes, list(reversed(edges)))  # edges added in another order
    assert first.ordering() == second.ordering() == first.copy().ordering()
    assert auto_order(nodes, edges) == auto_order(nodes, edges)


@PROPS
@given(digraphs(max_nodes=12), st.randoms(use_true_random=False))
def test_auto_keeps_explicit_zero_edges_forward(graph, rng):
    nodes, edges = graph
    net = network_of(nodes, [])
    for u, v in edges:
        delay = rng.choice(["auto", "auto", 0, 1])
        try:
            net.add_edge(u, v, delay=delay)
        except NetworkError as exc:
            assert delay == 0 and ("algebraic loop" in str(exc) or "self-loop" in str(exc))
            net.add_edge(u, v)
    pos = {n: i for i, n in enumerate(net.ordering())}
    for u, v, d in net.graph.edges(data="delay"):
        if d == 0:
            assert pos[u] < pos[v] and net.resolved_delay(u, v) == 0
        elif d != "auto":
            assert net.resolved_delay(u, v) == d
    net.validate()


def test_explicit_zero_wins_over_a_free_edge():
    net = network_of(["a", "b"], [("b", "a")])
    net.add_edge("a", "b", delay=0)  # a 2-cycle: the explicit-0 edge must stay forward
    assert net.ordering() == ["a", "b"] and net.backward_edges() == [("b", "a")]
    net2 = network_of(["a", "b"], [("a", "b")])
    net2.add_edge("b", "a", delay=0)
    assert net2.ordering() == ["b", "a"] and net2.backward_edges() == [("a", "b")]


def test_explicit_delays_do_not_count_as_backward_edges_to_avoid():
    net = network_of(["a", "b"], [])
    net.add_edge("b", "a", delay=1)  # free to point anywhere: it always reads one step back
    net.add_edge("a", "b")
    assert net.ordering() == ["a", "b"]
    assert net.backward_edges() == [("b", "a")]


def test_inputs_first_in_input_order_and_their_edges_never_backward():
    net = Network()
    net.add_neuron("h")
    net.add_input("x1")
    net.add_input("x0", index=0)
    net.add_edge("x1", "h")
    net.add_edge("x0", "h")
    assert net.ordering() == ["x0", "x1", "h"] and net.backward_edges() == []
    net.set_ordering(["h"])
    assert net.ordering() == ["x0", "x1", "h"]


def test_self_loops_are_always_delayed():
    net = chain("x", "h")
    net.add_edge("h", "h")
    assert net.backward_edges() == [("h", "h")]
    assert net.resolved_delay("h", "h") == 1


def test_two_cycle_ties_break_by_creation_order():
    assert network_of(["p", "q"], [("p", "q"), ("q", "p")]).ordering() == ["p", "q"]
    assert network_of(["q", "p"], [("p", "q"), ("q", "p")]).ordering() == ["q", "p"]


def _greedy_by_definition(nodes: list, weights: dict) -> list:
    """Eades-Lin-Smyth as it is defined, in plain quadratic steps: every sink to the back
    (the latest one first), then one source to the front (the earliest) and again; when
    there is neither, the node of largest out-weight minus in-weight (the earliest on ties)."""
    alive, front, back = list(nodes), [], []
    edges = {k: w for k, w in weights.items() if k[0] != k[1]}

    def outs(n):
        return [w for (u, v), w in edges.items() if u == n and v in alive]

    def ins(n):
        return [w for (u, v), w in edges.items() if v == n and u in alive]

    def drop(n, to):
        to.append(n)
        alive.remove(n)
    while alive:
        while True:
            sinks = [n for n in alive if not outs(n)]
            if sinks:
                drop(sinks[-1], back)
                continue
            sources = [n for n in alive if not ins(n)]
            if not sources:
                break
            drop(sources[0], front)
        if alive:
            drop(max(alive, key=lambda n: (sum(outs(n)) - sum(ins(n)), -nodes.index(n))),
                 front)
    return front + back[::-1]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 16).flatmap(lambda n: st.tuples(
    st.just(n), st.dictionaries(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                st.sampled_from([1, 1, 1, 5]), max_size=4 * n))))
def test_eades_lin_smyth_is_the_greedy_as_defined(case):
    """The heap-based greedy (with entries pushed lazily) picks exactly the nodes the plain
    definition picks, ties and weights included."""
    n, weights = case
    nodes = [f"n{i}" for i in range(n)]
    named = {(nodes[u], nodes[v]): w for (u, v), w in weights.items()}
    assert eades_lin_smyth(nodes, named) == _greedy_by_definition(nodes, named)


def test_eades_lin_smyth_on_a_dag_is_topological():
    nodes = ["d", "c", "b", "a"]
    weights = {("a", "b"): 1, ("b", "c"): 1, ("c", "d"): 1, ("a", "d"): 1}
    assert eades_lin_smyth(nodes, weights) == ["a", "b", "c", "d"]


# ---------------------------------------------------------------------- position ordering
def test_position_ordering_by_x_then_y_then_id():
    net = Network()
    net.add_input("x", x=500.0)  # inputs come first whatever their place
    for node, x, y in [("c", 1.0, 0.0), ("b", 1.0, 0.0), ("a", 1.0, -1.0), ("d", 0.0, 9.0)]:
        net.add_neuron(node, x=x, y=y)
    net.set_ordering_mode("position")
    assert net.ordering() == ["x", "d", "a", "b", "c"]


def test_position_ordering_backward_means_pointing_left():
    net = Network()
    for node, x in [("a", 0.0), ("b", 100.0), ("c", 200.0)]:
        net.add_neuron(node, x=x)
    net.add_edge("a", "c")
    net.add_edge("c", "b")
    net.add_edge("b", "a")
    net.set_ordering_mode("position")
    assert net.backward_edges() == [("b", "a"), ("c", "b")]
    net.move_node("c", 50.0, 0.0)
    assert net.ordering() == ["a", "c", "b"]
    assert net.backward_edges() == [("b", "a")]
    assert "Backward in the position ordering" in net.delay_reason("b", "a")


# ---------------------------------------------------------------------- manual ordering
def test_manual_ordering_and_its_upkeep():
    net = network_of(["a", "b", "c"], [("a", "b"), ("b", "c")])
    net.add_input("x")
    net.set_ordering(["x", "c", "b", "a"])
    assert net.ordering_mode == "manual" and net.ordering() == ["x", "c", "b", "a"]
    assert net.backward_edges() == [("a", "b"), ("b", "c")]
    net.add_neuron("d")  # new nodes go last
    assert net.ordering() == ["x", "c", "b", "a", "d"]
    net.remove_node("b")
    assert net.manual_order == ["c", "a", "d"]
    net.set_ordering_mode("auto")
    assert net.manual_order == []


def test_switching_to_manual_keeps_the_current_ordering():
    net = network_of(["a", "b"], [("b", "a")])
    auto = net.ordering()
    net.set_ordering_mode("manual")
    assert net.ordering() == auto == ["b", "a"]


# ---------------------------------------------------------------------- reasons and caching
def test_delay_reason_texts():
    net = chain("x", "a", "b")
    net.add_edge("b", "a")
    net.add_edge("b", "b")
    net.add_neuron("c")
    net.add_edge("a", "c", delay=3)
    net.add_edge("b", "c", delay=0)
    assert "inputs are known" in net.delay_reason("x", "a")
    assert "a comes before b" in net.delay_reason("a", "b")
    assert "Backward in the auto ordering: b is #3, after a (#2)" in net.delay_reason("b", "a")
    assert "Self-loop" in net.delay_reason("b", "b")
    assert net.delay_reason("a", "c") == "Explicit delay 3: reads the value from 3 steps earlier."
    assert "Explicit delay 0" in net.delay_reason("b", "c")
    with pytest.raises(NetworkError, match="no edge c -> a"):
        net.delay_reason("c", "a")


def test_ordering_and_backward_edges_are_cached(monkeypatch):
    calls = []
    real = ordering_module.auto_order

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(ordering_module, "auto_order", counting)
    net = network_of(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    first = (net.ordering(), net.backward_edges(), net.delays())
    n = len(calls)  # one call per group (reverse, forward)
    assert n == 2
    for _ in range(100):
        assert (net.ordering(), net.backward_edges(), net.delays()) == first
        net.resolved_delay("c", "a")
    assert len(calls) == n
    net.set_node_attrs("a", bias=0.5, label="A")  # parameters keep the cache
    net.move_node("a", 3.0, 4.0)
    net.ordering()
    assert len(calls) == n
    net.add_edge("a", "c")
    net.ordering()
    assert len(calls) == n + 2


def test_cached_results_are_copies():
    net = network_of(["a", "b"], [("a", "b")])
    net.ordering().append("zz")
    net.backward_edges().append(("zz", "zz"))
    net.delays()[("a", "b")] = 7
    assert net.ordering() == ["a", "b"] and net.backward_edges() == []
    assert net.delays() == {("a", "b"): 0}


@settings(max_examples=40, deadline=None)
@given(networks())
def test_resolved_delays_follow_the_semantics(net):
    order = net.ordering()
    assert order[:len(net.inputs)] == net.inputs and sorted(order) == sorted(net.graph)
    pos = {n: i for i, n in enumerate(order)}
    for (u, v), d in net.delays().items():
        declared = net.edge_attrs(u, v)["delay"]
        if declared != "auto":
            assert d == declared
        elif net.kind(u) == "input":
            assert d == 0
        elif net.node_attrs(u)["direction"] == "reverse" != net.node_attrs(v)["direction"]:
            assert d == 0
        else:
            assert d == (0 if pos[u] < pos[v] else 1)
    assert net.backward_edges() == sorted(e for e, d in net.delays().items() if d >= 1)


def test_auto_ordering_speed_5000_nodes_50000_edges(capsys):
    """Measured, not asserted: how long the auto ordering of a big random graph takes."""
    rng = random.Random(0)
    nodes = [f"h{i}" for i in range(5000)]
    edges = set()
    while len(edges) < 50_000:
        edges.add((rng.choice(nodes), rng.choice(nodes)))
    edges = sorted(edges)
    start = time.perf_counter()
    order = auto_order(nodes, edges)
    took = time.perf_counter() - start
    net = Network()
    with net.batch():
        for n in nodes:
            net.add_neuron(n)
        for u, v in edges:
            net.add_edge(u, v)
    start = time.perf_counter()
    net.backward_edges()
    took_net = time.perf_counter() - start
    with capsys.disabled():
        print(f"\nauto ordering, 5,000 nodes / 50,000 edges: auto_order {took * 1000:.0f} ms, "
              f"Network.backward_edges() {took_net * 1000:.0f} ms; "
              f"{count_backward(order, edges)} backward edges "
              f"(creation order: {count_backward(nodes, edges)})")
    assert sorted(order) == sorted(nodes)
    assert count_backward(order, edges) < count_backward(nodes, edges)
