"""Every mutation validates, leaves the network unchanged on error, names the node or edge."""

import math

import pytest

from rnnstudio.model import Network, NetworkError
from tests.model.helpers import Recorder, chain, loop_network, refused


@pytest.fixture
def net() -> Network:
    return loop_network("t")


def test_a_good_network_validates(net):
    net.validate()
    assert net.inputs == ["x"] and net.outputs == ["y"]
    assert net.node_attrs("h") == {"kind": "neuron", "label": "h", "x": 0.0, "y": 0.0,
                                   "activation": "tanh", "bias": 0.0, "initial": 0.0,
                                   "aggregate": "sum", "direction": "forward",
                                   "trainable": True, "initial_trainable": False}
    assert net.node_attrs("y")["activation"] == "identity"
    assert net.edge_attrs("x", "h") == {"weight": 0.5, "delay": "auto", "trainable": True}


@pytest.mark.parametrize("call, words", [
    (lambda n: n.add_neuron("h"), ["node h", "already exists"]),
    (lambda n: n.add_neuron("a b"), ["'a b'", "without spaces"]),
    (lambda n: n.add_neuron(""), ["ids are 1 to 64"]),
    (lambda n: n.add_neuron("z" * 65), ["ids are 1 to 64"]),
    (lambda n: n.add_neuron(7), ["node id 7"]),
    (lambda n: n.add_neuron("n", activation="gelu"), ["node n", "activation", "'gelu'"]),
    (lambda n: n.add_neuron("n", aggregate="max"), ["node n", "aggregate"]),
    (lambda n: n.add_neuron("n", direction="up"), ["node n", "direction"]),
    (lambda n: n.add_neuron("n", bias=math.nan), ["node n", "bias", "finite"]),
    (lambda n: n.add_neuron("n", bias=math.inf), ["node n", "bias"]),
    (lambda n: n.add_neuron("n", bias=1e13), ["node n", "bias"]),
    (lambda n: n.add_neuron("n", bias=10 ** 400), ["node n", "bias"]),
    (lambda n: n.add_neuron("n", bias="0"), ["node n", "bias", "expected a number"]),
    (lambda n: n.add_neuron("n", bias=True), ["node n", "bias", "expected a number"]),
    (lambda n: n.add_neuron("n", initial=None), ["node n", "initial"]),
    (lambda n: n.add_neuron("n", x=math.nan), ["node n", "x"]),
    (lambda n: n.add_neuron("n", trainable=1), ["node n", "trainable", "true or false"]),
    (lambda n: n.add_neuron("n", label=3), ["node n", "label"]),
    (lambda n: n.add_neuron("n", label="l" * 201), ["node n", "label"]),
    (lambda n: n.add_neuron("n", colour="red"), ["node n", "colour"]),
    (lambda n: n.add_input("n", bias=0.0), ["node n", "bias", "not applicable"]),
    (lambda n: n.add_node("n", "hidden"), ["kind", "'hidden'"]),
    (lambda n: n.add_edge("x", "nope"), ["edge x -> nope", "no node 'nope'"]),
    (lambda n: n.add_edge("nope", "h"), ["edge nope -> h", "no node 'nope'"]),
    (lambda n: n.add_edge("h", "x"), ["edge h -> x", "input cannot have incoming edges"]),
    (lambda n: n.add_edge("x", "h"), ["edge x -> h", "already an edge"]),
    (lambda n: n.add_edge("h", "y", weight=math.nan), ["edge h -> y", "weight"]),
    (lambda n: n.add_edge("h", "y", weight=10 ** 400), ["edge h -> y", "weight"]),
    (lambda n: n.add_edge("h", "y", weight="1"), ["edge h -> y", "weight"]),
    (lambda n: n.add_edge("h", "y", delay=-1), ["edge h -> y", "delay"]),
    (lambda n: n.add_edge("h", "y", delay=1.0), ["edge h -> y", "delay"]),
    (lambda n: n.add_edge("h", "y", delay=True), ["edge h -> y", "delay"]),
    (lambda n: n.add_edge("h", "y", delay="later"), ["edge h -> y", "delay"]),
    (lambda n: n.add_edge("h", "y", delay=100_001), ["edge h -> y", "delay"]),
    (lambda n: n.add_edge("h", "y", trainable="no"), ["edge h -> y", "trainable"]),
    (lambda n: n.add_edge("h", "h", delay=0), ["edge h -> h", "self-loop"]),
    (lambda n: n.remove_edge("h", "y"), ["no edge h -> y"]),
    (lambda n: n.remove_node("nope"), ["no node 'nope'"]),
    (lambda n: n.set_node_attrs("nope", bias=1.0), ["no node 'nope'"]),
    (lambda n: n.set_node_attrs("h", bias=math.nan), ["node h", "bias"]),
    (lambda n: n.set_node_attrs("h", activation="tanh", bias="x"), ["node h", "bias"]),
    (lambda n: n.set_node_attrs("h", kind="input"), ["node h", "cannot become an input",
                                                      "x -> h"]),
    (lambda n: n.set_node_attrs("x", bias=1.0), ["node x", "bias", "not applicable"]),
    (lambda n: n.set_node_attrs("h", kind="other"), ["node h", "kind"]),
    (lambda n: n.set_node_attrs("h", direction="reverse"), ["edge g -> h", "reverse-time"]),
    (lambda n: n.set_edge_attrs("h", "y", weight=1.0), ["no edge h -> y"]),
    (lambda n: n.set_edge_attrs("h", "g", weight=math.inf), ["edge h -> g", "weight"]),
    (lambda n: n.set_edge_attrs("h", "g", colour=1), ["edge h -> g", "colour"]),
    (lambda n: n.set_edge_attrs("h", "g", delay=-2), ["edge h -> g", "delay"]),
    (lambda n: n.set_io_order(inputs=["x", "x"]), ["inputs", "exactly once"]),
    (lambda n: n.set_io_order(outputs=["h"]), ["outputs", "exactly once"]),
    (lambda n: n.set_io_order(inputs=[1, "x"]), ["inputs"]),
    (lambda n: n.set_ordering(["h", "y"]), ["ordering", "missing g"]),
    (lambda n: n.set_ordering(["h", "g", "y", "h"]), ["ordering", "exactly once"]),
    (lambda n: n.set_ordering(["h", "nope", "g", "y"]), ["ordering", "no node 'nope'"]),
    (lambda n: n.set_ordering(["h", "x", "g", "y"]), ["ordering", "inputs must come first"]),
    (lambda n: n.set_ordering_mode("random"), ["ordering mode", "'random'"]),
    (lambda n: n.set_params({"weights": {("h", "y"): 1.0}}), ["no edge h -> y"]),
    (lambda n: n.set_params({"weights": {("h", "g"): 1.0, ("x", "h"): math.nan}}),
     ["edge x -> h", "weight"]),
    (lambda n: n.set_params({"biases": {"x": 1.0}}), ["node x", "input has no bias"]),
    (lambda n: n.set_params({"initials": {"h": "1"}}), ["node h", "initial"]),
    (lambda n: n.set_meta(name=None), ["name"]),
    (lambda n: n.set_meta(training=[1]), ["training"]),
    (lambda n: n.set_meta(colour="red"), ["colour"]),
])
def test_bad_mutations_are_refused_and_change_nothing(net, call, words):
    with refused(net, *words):
        call(net)


def test_errors_carry_the_node_or_edge(net):
    with pytest.raises(NetworkError) as info:
        net.add_edge("h", "x")
    assert info.value.edge == ("h", "x")
    with pytest.raises(NetworkError) as info:
        net.set_node_attrs("g", bias=math.nan)
    assert info.value.node == "g"


def test_algebraic_loop_is_refused_naming_its_edges():
    net = chain("a", "b", "c", delay=0)
    with refused(net, "edge c -> a", "algebraic loop", "c -> a -> b -> c"):
        net.add_edge("c", "a", delay=0)
    net.add_edge("c", "a")  # auto: fine, it becomes the delayed edge
    assert net.backward_edges() == [("c", "a")]
    with refused(net, "edge c -> a", "algebraic loop"):
        net.set_edge_attrs("c", "a", delay=0)


def test_explicit_zero_backward_in_manual_or_position_order_is_refused():
    net = chain("a", "b")
    net.set_ordering(["b", "a"])
    with refused(net, "edge a -> b", "explicit delay 0", "manual"):
        net.set_edge_attrs("a", "b", delay=0)
    net.set_ordering_mode("position")
    net.move_node("a", 10.0, 0.0)
    with refused(net, "edge a -> b", "position"):
        net.set_edge_attrs("a", "b", delay=0)


def test_moving_a_node_may_not_turn_an_explicit_zero_edge_backward():
    net = chain("a", "b", delay=0)
    net.move_node("b", 10.0, 0.0)
    net.set_ordering_mode("position")
    with refused(net, "edge a -> b", "explicit delay 0", "position"):
        net.move_node("a", 20.0, 0.0)
    with refused(net, "edge a -> b"):
        net.move_node("b", -1.0, 0.0)
    net.move_node("a", 5.0, 3.0)  # still left of b: fine


def test_modes_with_a_backward_explicit_zero_edge_are_refused():
    net = chain("a", "b", delay=0)
    net.move_node("a", 10.0, 0.0)
    with refused(net, "edge a -> b", "position"):
        net.set_ordering_mode("position")
    with refused(net, "edge a -> b", "manual"):
        net.set_ordering(["b", "a"])


def test_remove_node_removes_its_edges_and_io_place(net):
    net.remove_node("g")
    assert not net.has_edge("h", "g") and not net.has_edge("g", "y")
    net.remove_node("x")
    assert net.inputs == [] and list(net.graph.edges) == []
    net.validate()


def test_add_node_index_places_inputs_and_outputs():
    net = Network()
    net.add_input("a")
    net.add_input("b", index=0)
    net.add_input("c", index=99)
    net.add_output("p")
    net.add_output("q", index=-5)
    assert net.inputs == ["b", "a", "c"] and net.outputs == ["q", "p"]


def test_new_ids_are_fresh():
    net = Network()
    assert net.add_input() == "x0" and net.add_neuron() == "h0" and net.add_output() == "y0"
    net.add_neuron("h1")
    assert net.add_neuron() == "h2"


def test_set_io_order(net):
    net.add_input("x2")
    rec = Recorder(net)
    net.set_io_order(inputs=["x2", "x"])
    assert net.inputs == ["x2", "x"] and rec.kinds == ["io_changed", "ordering_changed"]
    assert net.ordering()[:2] == ["x2", "x"]
    rec.clear()
    net.set_io_order(inputs=["x2", "x"])
    assert rec.kinds == []


def test_set_params_writes_all_at_once(net):
    rec = Recorder(net)
    version = net.param_version
    net.set_params({"weights": {("h", "g"): 2.0}, "biases": {"h": 0.5}, "initials": {"g": -1}})
    assert net.edge_attrs("h", "g")["weight"] == 2.0 and net.node_attrs("h")["bias"] == 0.5
    assert net.node_attrs("g")["initial"] == -1.0 and isinstance(net.node_attrs("g")["initial"],
                                                                 float)
    assert rec.kinds == ["params_changed"] and net.param_version == version + 1
    params = net.get_params()
    assert params["weights"][("h", "g")] == 2.0 and params["biases"]["h"] == 0.5
    assert "x" not in params["biases"]


def test_set_meta(net):
    training = {"loss": "mse", "task": {"name": "sine", "params": {"T": 10}}}
    rec = Recorder(net)
    net.set_meta(name="n", description="d", training=training, view={"zoom": 2})
    training["task"]["params"]["T"] = 99
    assert net.training["task"]["params"]["T"] == 10  # a copy is kept
    assert net.name == "n" and net.view == {"zoom": 2}
    assert rec.kinds == ["meta_changed"]


def test_a_no_op_change_emits_nothing(net):
    rec = Recorder(net)
    net.set_node_attrs("h", bias=0.0, activation="tanh")
    net.set_edge_attrs("x", "h", weight=0.5)
    net.set_ordering_mode("auto")
    assert rec.kinds == []


@pytest.mark.parametrize("mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                  "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"])
def test_ids_with_text_direction_controls_are_refused_naming_the_id(mark):
    """Issue 14, item 10: 'h\u202e0x' would show as 'hx0' and reverse what follows it."""
    net = Network()
    bad = f"h{mark}0"
    with pytest.raises(NetworkError) as info:
        net.add_neuron(bad)
    assert repr(bad) in str(info.value) and "text-direction marks" in str(info.value)
    assert len(net.graph) == 0
    net.add_neuron("h0")
    with pytest.raises(NetworkError, match="group id"):
        net.add_group(bad, ["h0"])


def test_ids_that_look_like_html_are_plain_ids():
    net = Network()
    net.add_neuron("<b>x</b>")
    assert "<b>x</b>" in net.graph
