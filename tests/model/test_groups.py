"""Groups: named, disjoint sets of nodes; checked, evented, part of equality and snapshots."""

import pytest

from rnnstudio.model import Network, NetworkError
from tests.model.helpers import Recorder


def layer_net() -> Network:
    net = Network()
    net.add_input("x")
    for n in ("h0", "h1", "h2"):
        net.add_neuron(n)
        net.add_edge("x", n)
    net.add_output("y")
    return net


def test_add_group_and_read_it_back():
    net = layer_net()
    assert net.add_group("hidden", ["h0", "h1"], label="hidden layer") == "hidden"
    assert net.groups == {"hidden": {"label": "hidden layer", "members": ["h0", "h1"],
                                     "collapsed": False}}
    assert net.group_of("h0") == "hidden" and net.group_of("h2") is None
    net.groups["hidden"]["members"].append("h2")  # a copy: the network is unchanged
    assert net.groups["hidden"]["members"] == ["h0", "h1"]


def test_label_defaults_to_the_id_and_ids_are_made_when_missing():
    net = layer_net()
    net.add_group("hidden", ["h0"])
    assert net.groups["hidden"]["label"] == "hidden"
    assert net.add_group(None, ["h1"]) == "g0"


@pytest.mark.parametrize("gid, members, message", [
    ("hidden", ["h0", "nope"], "group hidden: no node 'nope'"),
    ("hidden", [], "group hidden: a group needs at least one member"),
    ("hidden", ["h0", "h0"], "group hidden: node h0 is listed twice"),
    ("other", ["h1"], "group other: node h1 is already in group taken"),
    ("taken", ["h2"], "group taken: a group with this id already exists"),
    ("two words", ["h2"], "group id 'two words': ids are 1 to 64 characters"),
    ("hidden", "h0", "group hidden: members: expected a list of node ids"),
])
def test_bad_groups_are_refused_and_change_nothing(gid, members, message):
    net = layer_net()
    net.add_group("taken", ["h1"])
    before = net.copy()
    with pytest.raises(NetworkError, match=message.replace("(", r"\(")):
        net.add_group(gid, members)
    assert net == before


def test_removing_a_node_drops_it_from_its_group_and_an_emptied_group_goes():
    net = layer_net()
    net.add_group("hidden", ["h0", "h1"])
    net.add_group("last", ["h2"])
    net.remove_node("h0")
    assert net.groups["hidden"]["members"] == ["h1"]
    net.remove_node("h2")
    assert "last" not in net.groups and net.group_of("h2") is None
    net.validate()


def test_collapse_rename_and_change_members():
    net = layer_net()
    net.add_group("hidden", ["h0"])
    net.set_group_collapsed("hidden", True)
    net.set_group_attrs("hidden", label="state", members=["h1", "h2"])
    assert net.groups["hidden"] == {"label": "state", "members": ["h1", "h2"],
                                    "collapsed": True}
    assert net.group_of("h0") is None and net.group_of("h2") == "hidden"
    with pytest.raises(NetworkError, match="collapsed: expected true or false"):
        net.set_group_collapsed("hidden", "yes")
    with pytest.raises(NetworkError, match="no group 'nope'"):
        net.set_group_collapsed("nope", True)
    with pytest.raises(NetworkError, match="unknown group attributes colour"):
        net.set_group_attrs("hidden", colour="red")


def test_group_events_name_the_group():
    net = layer_net()
    rec = Recorder(net)
    net.add_group("hidden", ["h0"])
    net.set_group_collapsed("hidden", True)
    net.remove_group("hidden")
    assert rec.kinds == ["group_changed"] * 3
    assert [e.group for e in rec.events] == ["hidden"] * 3
    assert rec.events[1].changed["collapsed"] is True
    assert rec.events[2].changed == {"removed": True}


def test_groups_take_part_in_equality_snapshots_and_copies():
    net = layer_net()
    other = net.copy()
    net.add_group("a", ["h0"])
    net.add_group("b", ["h1"])
    assert net != other
    copy = net.copy()
    assert copy == net and list(copy.groups) == ["a", "b"]
    other.add_group("b", ["h1"])
    other.add_group("a", ["h0"])
    assert other != net  # the order of the groups is part of the file


def test_set_groups_replaces_every_group_in_order_or_nothing():
    net = layer_net()
    net.add_group("a", ["h0"])
    before = net.copy()
    with pytest.raises(NetworkError, match="node h1 is already in group b"):
        net.set_groups({"b": {"label": "b", "members": ["h1"], "collapsed": False},
                        "c": {"label": "c", "members": ["h1", "h2"], "collapsed": False}})
    assert net == before
    net.set_groups({"c": {"label": "C", "members": ["h2"], "collapsed": True},
                    "a": {"label": "a", "members": ["h0", "h1"], "collapsed": False}})
    assert list(net.groups) == ["c", "a"] and net.group_of("h1") == "a"
    net.validate()


def test_add_group_at_an_index():
    net = layer_net()
    net.add_group("a", ["h0"])
    net.add_group("c", ["h2"])
    net.add_group("b", ["h1"], index=1)
    assert list(net.groups) == ["a", "b", "c"]
