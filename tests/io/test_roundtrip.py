"""Save -> load gives an equal network, and saving again gives the same bytes."""

import json

from hypothesis import given, settings

from rnnstudio.io import FORMAT, VERSION, dumps, from_record, load, loads, save, to_record
from rnnstudio.model import Network
from tests.model.strategies import networks

SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(networks())
def test_text_round_trip_is_equal_and_byte_stable(net):
    text = dumps(net)
    back = loads(text)
    assert back == net
    assert back.ordering() == net.ordering()
    assert back.backward_edges() == net.backward_edges()
    assert dumps(back) == text


@settings(max_examples=15, deadline=None)
@given(networks())
def test_file_round_trip(tmp_path_factory, net):
    path = tmp_path_factory.mktemp("rt") / "net.rnn.json"
    save(net, path)
    data = path.read_bytes()
    back = load(path)
    assert back == net
    save(back, path)
    assert path.read_bytes() == data


@SETTINGS
@given(networks(modes=("manual",)))
def test_manual_ordering_survives(net):
    back = loads(dumps(net))
    assert back.ordering_mode == net.ordering_mode
    assert back.manual_order == net.manual_order


@SETTINGS
@given(networks())
def test_record_round_trip(net):
    record = to_record(net)
    assert json.loads(json.dumps(record)) == record  # plain JSON values only
    assert from_record(record) == net


def test_file_layout_is_stable_and_diff_friendly(tmp_path):
    net = Network(name="demo", description="two lines\nof text")
    net.add_input("x", x=-1.5, y=2)
    net.add_neuron("h", bias=0.1, x=0.1 + 0.2)
    net.add_output("y")
    net.add_edge("x", "h", weight=1 / 3)
    net.add_edge("h", "h", weight=0.9, delay=2)
    net.add_edge("h", "y", weight=-0.0)
    net.add_group("hidden", ["h"], label="hidden layer", collapsed=True)
    net.set_meta(training={"loss": "mse", "lr": 0.01, "tbptt": None,
                           "task": {"name": "sine", "params": {"T": 50}}},
                 view={"zoom": 1.25})
    text = dumps(net)
    record = json.loads(text)
    assert list(record) == ["format", "version", "name", "description", "inputs", "outputs",
                            "ordering", "nodes", "edges", "groups", "training", "view"]
    assert record["format"] == FORMAT and record["version"] == VERSION == 2
    assert record["groups"] == [{"id": "hidden", "label": "hidden layer", "members": ["h"],
                                 "collapsed": True}]
    assert list(record["nodes"][1]) == ["id", "kind", "label", "x", "y", "activation", "bias",
                                        "initial", "aggregate", "direction", "trainable",
                                        "initial_trainable"]
    assert list(record["nodes"][0]) == ["id", "kind", "label", "x", "y"]
    assert list(record["edges"][0]) == ["source", "target", "weight", "delay", "trainable"]
    assert '"weight": 0.3333333333333333' in text  # repr: exact
    assert '"x": 0.30000000000000004' in text
    assert '"delay": 2' in text and '"delay": "auto"' in text
    assert text.endswith("}\n") and text.startswith('{\n  "format"')
    assert dumps(loads(text)) == text
    path = tmp_path / "a.rnn.json"
    save(net, path)
    assert path.read_text("utf-8") == text


def test_unicode_text_is_written_as_is():
    net = Network(name="Réseau ∑ 🧠", description="日本語")
    net.add_neuron("h", label="ü")
    text = dumps(net)
    assert "Réseau ∑ 🧠" in text
    assert loads(text.encode("utf-8")) == net


def test_optional_parts_may_be_left_out():
    text = json.dumps({"format": FORMAT, "version": 1,
                       "nodes": [{"id": "x", "kind": "input"}, {"id": "h", "kind": "neuron"},
                                 {"id": "y", "kind": "output"}],
                       "edges": [{"source": "x", "target": "h", "weight": 2},
                                 {"source": "h", "target": "y", "weight": 1.5, "delay": 1}]})
    net = loads(text)
    assert net.inputs == ["x"] and net.outputs == ["y"] and net.ordering_mode == "auto"
    assert net.name == "untitled" and net.training == {} and net.view == {}
    assert net.edge_attrs("x", "h") == {"weight": 2.0, "delay": "auto", "trainable": True}
    assert net.node_attrs("y")["activation"] == "identity"


def test_bom_is_accepted():
    net = Network()
    net.add_neuron("h")
    assert loads(b"\xef\xbb\xbf" + dumps(net).encode()) == net
