"""The copy a big network's re-run works on (issue 14: the UI thread held 0.2-0.3 s by a
snapshot of dicts before every re-run): taken in one C call, it is the network as it runs, and
it goes by reference counting (not left for a full collection of the app)."""

from __future__ import annotations

import gc
import weakref

import rnnstudio as rs
from rnnstudio.ui.player.netcopy import discard, frozen, thawed

from .conftest import small_net

RUN_KEYS = ("nodes", "edges", "pred", "inputs", "outputs", "mode", "manual")


def _mixed() -> rs.Network:
    net = rs.templates.elman(2, 4, 1)
    net.add_neuron("r", direction="reverse")
    net.add_edge("x0", "r", delay=0)
    net.add_edge("r", "h1", weight=-0.25)
    net.set_edge_attrs("h2", "h0", delay=3)
    net.set_node_attrs("h3", activation="relu", bias=0.5)
    return net


def test_the_copy_runs_like_the_network():
    for net in (small_net(), _mixed()):
        copy = thawed(frozen(net))
        a, b = net.snapshot(), copy.snapshot()
        assert {k: a[k] for k in RUN_KEYS} == {k: b[k] for k in RUN_KEYS}
        assert copy.ordering() == net.ordering() and copy.delays() == net.delays()


def test_the_copy_keeps_the_order_of_incoming_edges_and_a_manual_ordering():
    net = _mixed()
    preds = list(net.graph._pred["h1"])
    where = net.graph_positions([], [(preds[0], "h1")])
    net.remove_edge(preds[0], "h1")
    net.add_edge(preds[0], "h1")  # last among h1's inputs now ...
    net.restore_graph_positions(where)  # ... and back first
    net.set_ordering(list(reversed(net.ordering()[len(net.inputs):])))
    copy = thawed(frozen(net))
    assert list(copy.graph._pred["h1"]) == preds
    assert copy.ordering_mode == "manual" and copy.ordering() == net.ordering()


def test_a_discarded_copy_goes_without_the_cyclic_collector():
    blob = frozen(_mixed())
    was = gc.isenabled()
    gc.disable()
    try:
        copy = thawed(blob)
        copy.ordering()
        graph = weakref.ref(copy.graph)
        edge = weakref.ref(copy.graph.edges)  # a view: networkx keeps it in the graph
        discard(copy)
        del copy
        assert graph() is None and edge() is None
    finally:
        if was:
            gc.enable()


def test_the_copy_takes_a_known_ordering_along(monkeypatch):
    from rnnstudio.model import ordering as ordering_module
    net = _mixed()
    order, delays = net.ordering(), net.delays()
    calls = []
    real = ordering_module.auto_order
    monkeypatch.setattr(ordering_module, "auto_order",
                        lambda *args: (calls.append(1), real(*args))[1])
    copy = thawed(frozen(net))
    assert (copy.ordering(), copy.delays()) == (order, delays) and not calls
    net.add_edge("r", "r")
    copy = thawed(frozen(net))  # not known: the copy computes it
    assert copy.ordering() == net.copy().ordering() and calls


def test_a_big_networks_copy_comes_in_small_pieces():
    """Every piece of the copy holds a slice of the network (the UI thread makes one or more
    a turn): the nodes and the in-edge orders once came in the first piece with the head
    (20-50 ms at 5k/50k); and the pieces still make the network again exactly."""
    import marshal
    net = rs.Network()
    with net.batch():
        for i in range(3000):
            net.add_neuron(f"h{i}", x=float(i), label=f"neuron {i}")
        for i in range(2999):
            net.add_edge(f"h{i}", f"h{i + 1}")
            net.add_edge(f"h{(i * 7) % 3000}", f"h{i + 1}") if (i * 7) % 3000 != i else None
    whole = len(marshal.dumps(dict(net.graph._node)))
    pieces = frozen(net)
    assert max(len(p) for p in pieces) < whole / 2
    copy = thawed(pieces)
    a, b = net.snapshot(), copy.snapshot()
    assert {k: a[k] for k in RUN_KEYS} == {k: b[k] for k in RUN_KEYS}
