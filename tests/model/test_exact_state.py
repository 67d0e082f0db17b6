"""The network's exact state: graph order put back in place, ordering checks deferred to the
end of a multi-step edit, fresh ids handed out again after an undone add, fast snapshots."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnstudio as rs
from rnnstudio.model import NetworkError

from .helpers import loop_network


def test_graph_positions_put_nodes_and_edges_back_in_place():
    net = loop_network()
    net.add_neuron("z")
    net.add_edge("z", "h")
    net.add_edge("h", "z")
    before = rs.io.dumps(net)
    order, preds = net.node_order(), {v: list(net.graph.pred[v]) for v in net.graph}
    edges = list(net.graph.in_edges("h")) + list(net.graph.out_edges("h"))
    saved = [(u, v, net.edge_attrs(u, v)) for u, v in edges]
    pos = net.graph_positions(["h"], edges)
    attrs = net.node_attrs("h")
    net.remove_node("h")
    net.add_node("h", attrs.pop("kind"), **attrs)
    for u, v, a in reversed(saved):
        net.add_edge(u, v, **a)
    assert net.node_order() != order
    net.restore_graph_positions(pos)
    assert net.node_order() == order and rs.io.dumps(net) == before
    assert {v: list(net.graph.pred[v]) for v in net.graph} == preds


def test_deferred_checks_allow_passing_states_and_check_at_the_end():
    net = rs.Network()
    for n, x in (("a", 0.0), ("b", 100.0)):
        net.add_neuron(n, x=x)
    net.add_edge("a", "b", delay=0)
    net.set_ordering_mode("position")
    with pytest.raises(NetworkError):
        net.move_node("a", 200.0, 0.0)  # alone: a would pass b
    with net.deferred_checks():
        net.move_node("a", 200.0, 0.0)
        net.move_node("b", 300.0, 0.0)
    assert net.ordering() == ["a", "b"]
    with pytest.raises(NetworkError, match="a -> b"):
        with net.deferred_checks():
            net.move_node("a", 400.0, 0.0)
    net.move_node("a", 200.0, 0.0)  # the caller undoes; the network works on
    with pytest.raises(NetworkError, match="a -> b"):
        with net.deferred_checks():
            net.set_ordering(["b", "a"])


def test_released_ids_are_handed_out_again():
    net = rs.Network()
    assert net.new_id() == "h0" and net.new_id() == "h1"  # each call hands out another
    net.add_neuron("h0")
    state = net.id_state()
    net.add_neuron(net.new_id())
    net.remove_node("h2")
    assert net.new_id() == "h3"  # a removed id is not handed out again ...
    net.set_id_state(state)
    net.release_ids(["h2"])
    assert net.new_id() == "h2"  # ... unless undo gives it back


def _released_one_by_one(counters: dict, ids: list) -> dict:
    """What releasing `ids` one at a time does to the id counters (the rule, node by node)."""
    from rnnstudio.model.values import ID_PREFIX
    counters = dict(counters)
    for node in ids:
        for prefix in set(ID_PREFIX.values()) | {"n"}:
            tail = node[len(prefix):]
            if node.startswith(prefix) and tail.isdigit() and tail == str(int(tail)) \
                    and int(tail) < counters.get(prefix, 0):
                counters[prefix] = int(tail)
    return counters


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["h", "x", "y", "n", "p"]), st.integers(0, 30)),
       st.lists(st.one_of(
           st.builds(lambda p, k: f"{p}{k}", st.sampled_from(["h", "x", "y", "n", "p", "q"]),
                     st.integers(0, 40)),
           st.from_regex(r"[a-z][a-z0-9_]{0,4}", fullmatch=True))))
def test_releasing_many_ids_at_once_sets_the_counters_as_one_by_one(counters, ids):
    """An undone paste gives back 5,000 ids in one call; the counters end as if each were
    given back in turn."""
    net = rs.Network()
    net._id_counter = dict(counters)
    net.release_ids(ids)
    assert net._id_counter == _released_one_by_one(counters, ids)


def test_snapshot_shares_nothing_and_restores_order():
    net = loop_network()
    net.add_group("hid", ["h", "g"])
    snap = net.snapshot()
    copy = net.copy()
    net.set_node_attrs("h", bias=3.0)
    net.set_group_attrs("hid", label="other")
    assert copy != net
    net.restore(snap)
    assert net == copy and rs.io.dumps(net) == rs.io.dumps(copy)
    assert net.node_order() == copy.node_order()
