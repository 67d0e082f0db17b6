"""Each mutation emits its events; batch() coalesces ordering events."""

from rnnstudio.model import Network
from tests.model.helpers import Recorder


def build() -> tuple[Network, Recorder]:
    net = Network()
    net.add_input("x")
    net.add_neuron("h")
    net.add_output("y")
    net.add_edge("x", "h")
    net.add_edge("h", "y")
    return net, Recorder(net)


def test_add_node_events():
    net = Network()
    rec = Recorder(net)
    net.add_neuron("h", bias=0.5)
    assert rec.kinds == ["node_added", "ordering_changed"]
    assert rec.events[0].node == "h" and rec.events[0].changed["bias"] == 0.5
    rec.clear()
    net.add_input("x")
    net.add_output("y")
    assert rec.kinds == ["node_added", "io_changed", "ordering_changed"] * 2


def test_edge_events():
    net, rec = build()
    net.add_edge("h", "h", weight=0.9)
    assert rec.kinds == ["edge_added", "ordering_changed"]
    assert rec.events[0].edge == ("h", "h")
    assert rec.events[0].changed == {"weight": 0.9, "delay": "auto", "trainable": True}
    rec.clear()
    net.set_edge_attrs("h", "h", weight=0.1)
    assert rec.kinds == ["edge_changed"] and rec.events[0].changed == {"weight": 0.1}
    rec.clear()
    net.set_edge_attrs("h", "h", delay=2)
    assert rec.kinds == ["edge_changed", "ordering_changed"]
    rec.clear()
    net.remove_edge("h", "h")
    assert rec.kinds == ["edge_removed", "ordering_changed"] and rec.events[0].edge == ("h", "h")


def test_remove_node_events_come_edges_first():
    net, rec = build()
    net.remove_node("h")
    assert rec.kinds == ["edge_removed", "ordering_changed"] * 2 + [
        "node_removed", "ordering_changed"]
    rec.clear()
    net.remove_node("y")
    assert rec.kinds == ["node_removed", "io_changed", "ordering_changed"]


def test_node_changed_events():
    net, rec = build()
    version = (net.structure_version, net.param_version)
    net.set_node_attrs("h", bias=1.0, label="hidden")
    assert rec.kinds == ["node_changed"]
    assert rec.events[0].changed == {"bias": 1.0, "label": "hidden"}
    assert net.structure_version == version[0] and net.param_version == version[1] + 1
    rec.clear()
    order = net.ordering()
    net.set_node_attrs("h", activation="relu")
    assert rec.kinds == ["node_changed"]  # structural, but the ordering does not read it
    assert net.structure_version > version[0] and net._order_cache == order
    rec.clear()
    net.set_node_attrs("h", direction="reverse")
    assert rec.kinds == ["node_changed", "ordering_changed"] and net._order_cache is None
    rec.clear()
    net.move_node("h", 5.0, 6.0)  # auto mode: a move is cosmetic
    assert rec.kinds == ["node_changed"] and rec.events[0].changed == {"x": 5.0, "y": 6.0}


def test_kind_change_events():
    net, rec = build()
    net.set_node_attrs("h", kind="output")
    assert rec.kinds == ["node_changed", "io_changed", "ordering_changed"]
    assert rec.events[0].changed["kind"] == "output"


def test_io_and_params_and_ordering_events():
    net, rec = build()
    net.add_input("x2")
    rec.clear()
    net.set_io_order(inputs=["x2", "x"])
    assert rec.kinds == ["io_changed", "ordering_changed"]
    rec.clear()
    net.set_params({"biases": {"h": 0.3}})
    assert rec.kinds == ["params_changed"]
    rec.clear()
    net.set_ordering_mode("position")
    assert rec.kinds == ["ordering_changed"]
    rec.clear()
    net.set_ordering(["y", "h"])
    assert rec.kinds == ["ordering_changed"]


def test_position_mode_move_that_reorders_emits_ordering_changed():
    net = Network()
    net.add_neuron("a", x=0.0)
    net.add_neuron("b", x=10.0)
    net.add_edge("a", "b")
    net.set_ordering_mode("position")
    rec = Recorder(net)
    version = net.structure_version
    net.move_node("a", 5.0, 0.0)  # still left of b
    assert rec.kinds == ["node_changed"] and net.structure_version == version
    net.move_node("a", 20.0, 0.0)
    assert rec.kinds == ["node_changed", "node_changed", "ordering_changed"]
    assert net.ordering() == ["b", "a"] and net.backward_edges() == [("a", "b")]
    assert net.structure_version > version


def test_position_move_reorders_even_before_anyone_asked_for_the_ordering():
    net = Network()
    net.add_neuron("a", x=0.0)
    net.add_neuron("b", x=10.0)
    net.set_ordering_mode("position")
    net.add_neuron("c", x=20.0)  # clears the cached ordering
    rec = Recorder(net)
    net.move_node("c", -5.0, 0.0)
    assert rec.kinds == ["node_changed", "ordering_changed"]
    assert net.ordering() == ["c", "a", "b"]


def test_batch_coalesces_ordering_events():
    net = Network()
    rec = Recorder(net)
    with net.batch():
        for i in range(5):
            net.add_neuron(f"h{i}")
        with net.batch():  # nested batches: one event at the outermost end
            net.add_edge("h0", "h1")
        assert "ordering_changed" not in rec.kinds
    assert rec.kinds == ["node_added"] * 5 + ["edge_added", "ordering_changed"]
    rec.clear()
    with net.batch():
        net.set_node_attrs("h0", label="first")
    assert rec.kinds == ["node_changed"]  # nothing to coalesce: no ordering event


def test_batch_emits_even_when_the_block_raises():
    net = Network()
    rec = Recorder(net)
    try:
        with net.batch():
            net.add_neuron("h")
            raise RuntimeError
    except RuntimeError:
        pass
    assert rec.kinds == ["node_added", "ordering_changed"]


def test_unsubscribe():
    net = Network()
    rec = Recorder(net)
    net.events.unsubscribe(rec.events.append)
    net.add_neuron("h")
    assert rec.kinds == []
