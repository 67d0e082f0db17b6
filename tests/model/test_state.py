"""Snapshots, copies, kind changes, reverse-time neurons, golden backward edges, and random
sequences of edits: each either succeeds and leaves a valid network, or changes nothing."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from rnnstudio.io.golden import network_from_case
from rnnstudio.model import ACTIVATIONS, Network, NetworkError
from tests.data import golden_cases
from tests.model.helpers import Recorder, refused
from tests.model.strategies import networks


# ---------------------------------------------------------------------- snapshot, copy, equality
@settings(max_examples=40, deadline=None)
@given(networks())
def test_snapshot_restore_and_copy_are_equal(net):
    twin = net.copy()
    assert twin == net and twin.ordering() == net.ordering()
    assert twin.backward_edges() == net.backward_edges()
    snap = net.snapshot()
    other = Network()
    other.add_neuron("zz")
    other.restore(snap)
    assert other == net and other.ordering() == net.ordering()
    twin.set_meta(name=net.name + "!")
    assert twin != net


def test_restore_emits_a_rebuild_and_copy_has_no_subscribers():
    net = Network()
    net.add_input("x")
    net.add_neuron("h")
    net.add_edge("x", "h")
    snap = net.snapshot()
    net.add_neuron("g")
    rec = Recorder(net)
    net.restore(snap)
    assert rec.kinds == ["edges_removed", "nodes_removed", "nodes_added", "edges_added",
                         "io_changed", "meta_changed", "group_changed", "ordering_changed"]
    assert [e.edges or e.nodes for e in rec.events[:4]] == [
        (("x", "h"),), ("x", "h", "g"), ("x", "h"), (("x", "h"),)]
    rec.clear()
    twin = net.copy()
    twin.add_neuron("k")
    assert rec.kinds == [] and "k" not in net


def test_snapshot_is_a_deep_copy():
    net = Network()
    net.add_neuron("h")
    net.set_meta(training={"a": [1]})
    snap = net.snapshot()
    net.set_node_attrs("h", bias=2.0)
    net.training["a"].append(2)
    assert dict(snap["nodes"])["h"]["bias"] == 0.0 and snap["training"] == {"a": [1]}


def test_equality_sees_creation_order_only_where_the_auto_ordering_reads_it():
    a, b = Network(), Network()
    a.add_neuron("p")
    a.add_neuron("q")
    b.add_neuron("q")
    b.add_neuron("p")
    assert a != b and a != "network"  # auto: creation order breaks the ordering's ties
    for mode in ("position", "manual"):
        a.set_ordering_mode(mode)
        b.set_ordering_mode(mode)
        b.set_ordering(a.ordering()) if mode == "manual" else None
        assert a == b
    b.set_node_attrs("p", bias=0.1)
    assert a != b


# ---------------------------------------------------------------------- kind changes
def test_neuron_becomes_output_and_back():
    net = Network()
    net.add_input("x")
    net.add_neuron("h", activation="relu", bias=0.5)
    net.add_output("y")
    net.add_edge("x", "h")
    net.add_edge("h", "y")
    net.set_node_attrs("h", kind="output")
    assert net.outputs == ["y", "h"] and net.kind("h") == "output"
    assert net.node_attrs("h")["activation"] == "relu" and net.node_attrs("h")["bias"] == 0.5
    net.validate()
    net.set_node_attrs("h", kind="neuron")
    assert net.outputs == ["y"]
    net.validate()


def test_neuron_becomes_input_drops_neuron_attributes():
    net = Network()
    net.add_neuron("h", bias=0.5, x=3.0)
    net.add_neuron("g")
    net.add_edge("h", "g")
    net.set_node_attrs("h", kind="input")
    assert net.inputs == ["h"] and net.node_attrs("h") == {"kind": "input", "label": "h",
                                                            "x": 3.0, "y": 0.0}
    net.validate()
    net.set_node_attrs("h", kind="neuron", bias=1.0)
    assert net.inputs == [] and net.node_attrs("h")["bias"] == 1.0
    assert net.node_attrs("h")["activation"] == "tanh"
    net.validate()


def test_kind_change_in_manual_mode_keeps_the_manual_list():
    net = Network()
    net.add_input("x")
    net.add_neuron("h")
    net.add_neuron("g")
    net.set_ordering(["g", "h"])
    net.set_node_attrs("x", kind="neuron")
    assert net.manual_order == ["g", "h", "x"] and net.inputs == []
    net.set_node_attrs("g", kind="input")
    assert net.manual_order == ["h", "x"] and net.ordering() == ["g", "h", "x"]
    net.validate()


def test_kind_change_that_would_break_an_explicit_zero_edge_is_refused():
    net = Network()
    net.add_input("x")
    net.add_neuron("h")
    net.add_edge("x", "h", delay=0)
    net.set_ordering(["h"])
    with refused(net, "edge x -> h", "explicit delay 0", "manual"):
        net.set_node_attrs("x", kind="neuron")  # it would go last, after h


def test_kind_change_with_bad_attributes_is_refused():
    net = Network()
    net.add_neuron("h")
    with refused(net, "node h", "bias", "not applicable"):
        net.set_node_attrs("h", kind="input", bias=0.0)


# ---------------------------------------------------------------------- reverse-time neurons
def bidirectional() -> Network:
    net = Network()
    net.add_input("x")
    net.add_neuron("f")
    net.add_neuron("r", direction="reverse")
    net.add_output("y")
    net.add_edge("x", "f")
    net.add_edge("x", "r")
    net.add_edge("f", "f")
    net.add_edge("r", "r")
    net.add_edge("r", "y")
    net.add_edge("f", "y")
    return net


def test_reverse_neurons_come_first_and_forward_ones_read_them_at_the_same_step():
    net = bidirectional()
    assert net.ordering() == ["x", "r", "f", "y"]
    assert net.resolved_delay("r", "y") == 0
    assert net.backward_edges() == [("f", "f"), ("r", "r")]
    assert "one step later" in net.delay_reason("r", "r")
    assert "reverse-time neuron" in net.delay_reason("r", "y")
    net.validate()


def test_reverse_rules_name_the_edge():
    net = bidirectional()
    with refused(net, "edge f -> r", "reverse-time neuron r may read only inputs"):
        net.add_edge("f", "r")
    with refused(net, "edge r -> f", "same step only"):
        net.add_edge("r", "f", delay=1)
    with refused(net, "edge y -> r", "not the forward neuron y"):
        net.add_edge("y", "r")
    with refused(net, "edge f -> y", "reverse-time neuron y"):
        net.set_node_attrs("y", direction="reverse")
    with refused(net, "edge r -> y", "delay must be auto or 0"):
        net.set_edge_attrs("r", "y", delay=2)
    net.add_edge("r", "f", delay=0)  # explicit same step: fine
    net.set_ordering(["f", "y", "r"])  # reverse -> forward is never backward
    assert net.resolved_delay("r", "f") == 0
    net.validate()


def test_direction_change_that_breaks_an_explicit_zero_edge_is_refused():
    net = Network()
    net.add_neuron("f")
    net.add_neuron("r", direction="reverse")
    net.add_edge("r", "f", delay=0)
    net.set_ordering(["f", "r"])
    with refused(net, "edge r -> f", "explicit delay 0"):
        net.set_node_attrs("r", direction="forward")


def test_reverse_to_reverse_edges_follow_the_ordering():
    net = Network()
    net.add_neuron("a", direction="reverse")
    net.add_neuron("b", direction="reverse")
    net.add_edge("a", "b")
    net.add_edge("b", "a")
    assert net.backward_edges() == [("b", "a")]


# ---------------------------------------------------------------------- golden cases
@pytest.mark.parametrize("path", golden_cases(), ids=lambda p: p.stem)
def test_golden_backward_edges(path):
    case = json.loads(path.read_text())
    net = network_from_case(case)
    assert [list(e) for e in net.backward_edges()] == case["expected"]["backward_edges"]
    net.set_ordering_mode("auto")  # the auto ordering never needs more backward edges
    free = [(u, v) for u, v, d in net.graph.edges(data="delay") if d == "auto" and u != v]
    auto_backward = [e for e in net.backward_edges() if e in free]
    manual_backward = [tuple(e) for e in case["expected"]["backward_edges"] if tuple(e) in free]
    assert len(auto_backward) <= len(manual_backward)


# ---------------------------------------------------------------------- random edit sequences
IDS = ["x0", "x1", "a", "b", "c", "d", "y"]
VALUES = st.sampled_from([0.0, 1.5, -2.0, float("nan"), 1e13, "1", None, True, "tanh",
                          "reverse", "forward", "product", "input", "neuron", "output"])
OPS = st.one_of(
    st.tuples(st.just("add_node"), st.sampled_from(IDS), st.sampled_from(["input", "neuron",
                                                                          "output", "bad"])),
    st.tuples(st.just("remove_node"), st.sampled_from(IDS)),
    st.tuples(st.just("add_edge"), st.sampled_from(IDS), st.sampled_from(IDS),
              st.sampled_from(["auto", 0, 1, 2, -1])),
    st.tuples(st.just("remove_edge"), st.sampled_from(IDS), st.sampled_from(IDS)),
    st.tuples(st.just("set_node"), st.sampled_from(IDS), st.sampled_from(
        ["kind", "activation", "bias", "direction", "aggregate", "x", "y"]), VALUES),
    st.tuples(st.just("set_edge"), st.sampled_from(IDS), st.sampled_from(IDS),
              st.sampled_from(["delay", "weight"]), st.sampled_from([0, 1, "auto", 0.5, -3])),
    st.tuples(st.just("mode"), st.sampled_from(["auto", "position", "manual", "x"])),
    st.tuples(st.just("manual"), st.permutations(IDS)),
    st.tuples(st.just("io"), st.permutations(IDS)),
)


def apply(net: Network, op: tuple) -> None:
    name, *args = op
    if name == "add_node":
        net.add_node(args[0], args[1])
    elif name == "remove_node":
        net.remove_node(args[0])
    elif name == "add_edge":
        net.add_edge(args[0], args[1], delay=args[2])
    elif name == "remove_edge":
        net.remove_edge(*args)
    elif name == "set_node":
        net.set_node_attrs(args[0], **{args[1]: args[2]})
    elif name == "set_edge":
        net.set_edge_attrs(args[0], args[1], **{args[2]: args[3]})
    elif name == "mode":
        net.set_ordering_mode(args[0])
    elif name == "manual":
        net.set_ordering([n for n in args[0] if n in net and net.kind(n) != "input"])
    else:
        net.set_io_order(inputs=[n for n in args[0] if n in net.inputs],
                         outputs=[n for n in args[0] if n in net.outputs])


@settings(max_examples=150, deadline=None)
@given(st.lists(OPS, max_size=40))
def test_every_edit_validates_or_changes_nothing(ops):
    net = Network()
    for op in ops:
        before = net.snapshot()
        try:
            apply(net, op)
        except NetworkError:
            assert net.snapshot() == before, op
        net.validate()
        fresh = Network()
        fresh.restore(net.snapshot())  # the caches agree with a fresh computation
        assert fresh.ordering() == net.ordering(), op
        assert fresh.delays() == net.delays(), op


def test_activations_are_the_documented_ones():
    assert set(ACTIVATIONS) >= {"identity", "tanh", "sigmoid", "relu"}
    with pytest.raises(NetworkError):
        Network().add_neuron("h", activation="softmax")
