"""GraphML: an exact round trip of every attribute and the network's own fields; plain graphs
from other tools; clear errors."""

import numpy as np
import pytest

import rnnstudio as rs
from rnnstudio.interop import graphml
from tests.engine import netgen


def _rich_network():
    net = rs.templates.lstm(2, 2, 1, seed=3)  # groups, fixed edges, products
    net.add_neuron("r", direction="reverse", initial=0.25, initial_trainable=True, x=1.5e-7,
                   y=-3.0)
    net.add_edge("x0", "r", weight=0.1 + 1e-17, delay=2)
    net.add_edge("r", "r", weight=-1 / 3)
    net.set_node_attrs("y0", label="answer ✓", activation="sigmoid", bias=np.nextafter(0.5, 1))
    net.set_edge_attrs("x1", "i0", delay=0)
    net.set_meta(description='quotes " and <tags> & newlines\nkept',
                 training={"task": {"name": "adding", "params": {"T": 9}}, "lr": 0.003},
                 view={"zoom": 1.25})
    net.set_ordering_mode("position")
    return net


def test_round_trip_is_exact(tmp_path):
    net = _rich_network()
    path = graphml.save(net, tmp_path / "net.graphml")
    back = graphml.load(path)
    assert back == net  # nodes, edges, io order, ordering, groups, name, training, view
    assert rs.io.dumps(back) == rs.io.dumps(net)


@pytest.mark.parametrize("seed", range(5))
def test_round_trip_of_random_networks(seed, tmp_path):
    net = netgen.random_network(np.random.default_rng(seed), p_reverse=0.3, manual=True)
    back = graphml.load(graphml.save(net, tmp_path / "r.graphml"))
    assert rs.io.dumps(back) == rs.io.dumps(net)


def test_attributes_are_readable_by_other_tools(tmp_path):
    import networkx as nx
    path = graphml.save(rs.templates.elman(1, 2, 1), tmp_path / "e.graphml")
    g = nx.read_graphml(path)
    assert g.nodes["h0"]["kind"] == "neuron" and isinstance(g.nodes["h0"]["bias"], float)
    assert g.edges["h0", "h1"]["delay"] == "1" and g.graph["name"] == "Elman 1-2-1"


def test_a_plain_graph_from_another_tool(tmp_path):
    path = tmp_path / "plain.graphml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="w" for="edge" attr.name="weight" attr.type="double"/>
  <graph edgedefault="directed">
    <node id="a"/><node id="b"/><node id="c"/>
    <edge source="a" target="b"><data key="w">0.5</data></edge>
    <edge source="b" target="b"/>
    <edge source="b" target="c"/>
  </graph>
</graphml>""")
    net = graphml.load(path)
    assert net.inputs == ["a"] and net.outputs == ["c"] and net.kind("b") == "neuron"
    assert net.edge_attrs("a", "b")["weight"] == 0.5 and net.backward_edges() == [("b", "b")]


def test_errors_name_the_file_and_place(tmp_path):
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml><graph")
    with pytest.raises(rs.FileFormatError, match="bad.graphml: not a readable GraphML"):
        graphml.load(bad)
    path = graphml.save(rs.templates.elman(1, 1, 1), tmp_path / "e.graphml")
    path.write_text(path.read_text().replace(">1</data>", ">soon</data>", 1))
    with pytest.raises(rs.FileFormatError, match=r"e.graphml: edge .* -> .*: delay 'soon'"):
        graphml.load(path)
    with pytest.raises(rs.FileFormatError, match="missing.graphml"):
        graphml.load(tmp_path / "missing.graphml")
