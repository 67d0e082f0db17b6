"""`remove_nodes` / `remove_edges` (undoing a paste, deleting a selection) do what removing
each one by one does: the same network afterwards, the same removal events, groups and the
input/output/manual orders cleaned; one ordering event; nothing changes when one is missing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnstudio.model import events as ev

from .helpers import Recorder, refused
from .strategies import networks

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def removals(rec: Recorder) -> list:
    """The removals a recorder saw, bulk events spelled out item by item."""
    return sorted((e.kind, e.node or "", e.edge or ("", ""), e.group or "")
                  for b in rec.events for e in ev.single(b)
                  if e.kind in (ev.NODE_REMOVED, ev.EDGE_REMOVED, ev.GROUP_CHANGED))


@SETTINGS
@given(net=networks(), data=st.data())
def test_remove_nodes_equals_removing_each(net, data):
    nodes = data.draw(st.lists(st.sampled_from(list(net.graph)), unique=True)
                      if len(net) else st.just([]))
    if net.groups:  # a group too, so removal may shrink or empty it
        gid, rec = next(iter(net.groups.items()))
        nodes = list(dict.fromkeys(nodes + rec["members"][:data.draw(st.integers(0, 3))]))
    one = net.copy()
    one_rec, bulk_rec = Recorder(one), Recorder(net)
    for n in nodes:
        one.remove_node(n)
    net.remove_nodes(nodes)
    assert net.snapshot() == one.snapshot()
    assert (net.inputs, net.outputs, net.manual_order, net.groups) == \
        (one.inputs, one.outputs, one.manual_order, one.groups)
    assert net.ordering() == one.ordering() and net.delays() == one.delays()
    bulk_groups = {e.group for e in bulk_rec.events if e.kind == ev.GROUP_CHANGED}
    assert [e for e in removals(bulk_rec) if e[0] != ev.GROUP_CHANGED] == \
        [e for e in removals(one_rec) if e[0] != ev.GROUP_CHANGED]
    assert bulk_groups == {e.group for e in one_rec.events if e.kind == ev.GROUP_CHANGED}
    assert bulk_rec.kinds.count(ev.ORDERING_CHANGED) == (1 if nodes else 0)
    assert bulk_rec.kinds.count(ev.NODES_REMOVED) == (1 if nodes else 0)
    assert ev.NODE_REMOVED not in bulk_rec.kinds and ev.EDGE_REMOVED not in bulk_rec.kinds
    assert bulk_rec.kinds.count(ev.EDGES_REMOVED) <= 1


@SETTINGS
@given(net=networks(), data=st.data())
def test_remove_edges_equals_removing_each(net, data):
    edges = list(net.graph.edges)
    keys = data.draw(st.lists(st.sampled_from(edges), unique=True) if edges else st.just([]))
    one = net.copy()
    one_rec, bulk_rec = Recorder(one), Recorder(net)
    for k in keys:
        one.remove_edge(*k)
    given = [list(k) if data.draw(st.booleans()) else k for k in keys]  # lists (a file's) too
    net.remove_edges(given + given[:data.draw(st.integers(0, 2))])  # and some given twice
    assert net.snapshot() == one.snapshot() and net.delays() == one.delays()
    assert removals(bulk_rec) == removals(one_rec)
    assert bulk_rec.kinds.count(ev.ORDERING_CHANGED) == (1 if keys else 0)
    assert [e.edges for e in bulk_rec.events if e.kind == ev.EDGES_REMOVED] == \
        ([tuple(keys)] if keys else [])


def test_removing_a_missing_node_or_edge_changes_nothing():
    from rnnstudio.model import Network
    net = Network()
    net.add_input("x")
    net.add_neuron("h")
    net.add_edge("x", "h")
    with refused(net, "no node", "zz"):
        net.remove_nodes(["h", "zz"])
    with refused(net, "no edge", "h", "x"):
        net.remove_edges([("x", "h"), ("h", "x")])
