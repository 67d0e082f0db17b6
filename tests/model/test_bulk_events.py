"""Bulk edits say one event for all their items (pasting 5,000 nodes and 50,000 edges was
55,002 events, each handled by every view): `add_nodes` one nodes_added, `add_edges` one
edges_added, in the order given, and the network is the one adding each item gives."""

from __future__ import annotations

from hypothesis import assume, given, settings, strategies as st

from rnnstudio.model import Network, NetworkError
from rnnstudio.model import events as ev

from .helpers import Recorder, refused


def _records(n: int = 6):
    nodes = [("x0", "input", {"x": 0.0})] + [
        (f"h{i}", "neuron", {"bias": float(i)}) for i in range(n)] + [("y0", "output", {})]
    edges = [("x0", "h0", {"weight": 0.5})] + [
        (f"h{i}", f"h{i + 1}", {"delay": 1 if i % 2 else "auto"}) for i in range(n - 1)] + [
        (f"h{n - 1}", "h0", {}), (f"h{n - 1}", "y0", {"weight": -1.0})]
    return nodes, edges


def test_add_nodes_and_edges_say_one_event_each_with_every_item_in_order():
    nodes, edges = _records()
    net = Network()
    rec = Recorder(net)
    net.add_nodes(nodes)
    assert rec.kinds == [ev.NODES_ADDED, ev.IO_CHANGED, ev.ORDERING_CHANGED]
    assert rec.events[0].nodes == tuple(n for n, _, _ in nodes)
    rec.clear()
    net.add_edges(edges)
    assert rec.kinds == [ev.EDGES_ADDED, ev.ORDERING_CHANGED]
    assert rec.events[0].edges == tuple((u, v) for u, v, _ in edges)
    one = Network()
    for n, kind, attrs in nodes:
        one.add_node(n, kind, **attrs)
    for u, v, attrs in edges:
        one.add_edge(u, v, **attrs)
    assert net == one and net.snapshot() == one.snapshot()
    assert net.ordering() == one.ordering() and net.delays() == one.delays()


def test_single_spells_a_bulk_event_out_item_by_item():
    event = ev.Event(ev.EDGES_REMOVED, edges=(("a", "b"), ("b", "c")))
    assert [(e.kind, e.edge) for e in ev.single(event)] == [
        (ev.EDGE_REMOVED, ("a", "b")), (ev.EDGE_REMOVED, ("b", "c"))]
    assert [e.node for e in ev.single(ev.Event(ev.NODES_ADDED, nodes=("a", "b")))] == ["a", "b"]
    plain = ev.Event(ev.NODE_ADDED, node="a")
    assert ev.single(plain) == [plain]


def test_single_edits_still_say_single_events():
    net = Network()
    rec = Recorder(net)
    net.add_neuron("a")
    net.add_neuron("b")
    net.add_edge("a", "b")
    net.remove_edge("a", "b")
    net.remove_node("b")
    assert [k for k in rec.kinds if k != ev.ORDERING_CHANGED] == [
        ev.NODE_ADDED, ev.NODE_ADDED, ev.EDGE_ADDED, ev.EDGE_REMOVED, ev.NODE_REMOVED]


def test_a_refused_bulk_add_says_nothing():
    nodes, edges = _records()
    net = Network()
    net.add_nodes(nodes)
    with refused(net, "h0", "already"):
        net.add_edges(edges + [("x0", "h0", {})])
    with refused(net, "already exists"):
        net.add_nodes([("z", "neuron", {}), ("h1", "neuron", {})])


_WEIGHTS = [0.5, -2.0, 3, True, "x", 1e13, float("nan"), 1e12, None]
_DELAYS = ["auto", "auto", 0, 1, 3, -1, 2.0, True, "x", 100_001, 100_000]
_TRAINABLE = [True, False, 1, "yes"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6),
                          st.dictionaries(st.sampled_from(["weight", "delay", "trainable",
                                                           "bogus"]),
                                          st.integers(0, 10), max_size=3)),
                max_size=12))
def test_add_edges_checks_every_edge_as_add_edge_does(draws):
    """The same network, or the same refusal naming the same edge (its index), as adding the
    edges one by one."""
    names = ["x0", "h0", "h1", "r0", "y0", "h2", "nowhere"]

    def made() -> Network:
        net = Network()
        net.add_input("x0")
        net.add_neuron("h0")
        net.add_neuron("h1")
        net.add_neuron("r0", direction="reverse")
        net.add_output("y0")
        net.add_neuron("h2")
        return net
    pick = {"weight": _WEIGHTS, "delay": _DELAYS, "trainable": _TRAINABLE, "bogus": [1]}
    edges = [(names[u], names[v], {k: pick[k][i % len(pick[k])] for k, i in a.items()})
             for u, v, a in draws]
    one, error = made(), None
    for i, (u, v, attrs) in enumerate(edges):
        try:
            one.add_edge(u, v, **attrs)
        except NetworkError as exc:
            error = (i, str(exc))
            break
        except TypeError:  # an unknown keyword
            error = (i, "bogus")
            break
    bulk = made()
    try:
        bulk.add_edges(edges)
    except NetworkError as exc:
        assume(error is None or "loop" not in error[1])  # loops are named as a whole
        assert error is not None and error[0] == exc.index
        assert error[1] in (str(exc), "bogus")  # (add_edge's own TypeError for a keyword:
        # the bulk add names the edge, and may say first that it is already there)
        assert bulk == made()
    else:
        assert error is None
        assert bulk == one and bulk.snapshot() == one.snapshot()
