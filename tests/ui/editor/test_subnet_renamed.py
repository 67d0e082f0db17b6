"""A pasted record's renaming (`subnet.renamed`) and its command: the nodes, edges and ids are
those renaming node by node and edge by edge gives, and the command adds, undoes and redoes the
very network that adding those records gives (renamed hands the edges over as columns). A
copy's `edge_table` (its edges taken apart once) gives the same as taking the record apart."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from rnnstudio.model import Network, NetworkError
from rnnstudio.model.columns import EdgeColumns
from rnnstudio.ui import subnet
from rnnstudio.ui.commands import AddSubnetCommand

_IDS = ["a", "h0", "h1", "x0", "y0", "h5", "n3", "b_2"]
_EDGE_VALUES = {"weight": [0.5, -2.0, 3], "delay": ["auto", 0, 1, 4], "trainable": [True, False]}


def _base() -> Network:
    net = Network()
    net.add_input("x0")
    net.add_neuron("h0")
    net.add_neuron("h2", direction="reverse")
    net.add_output("y0")
    net.add_edge("x0", "h0")
    net.new_id("neuron")
    return net


@st.composite
def records(draw) -> dict:
    ids = draw(st.lists(st.sampled_from(_IDS), unique=True, max_size=len(_IDS)))
    nodes = []
    for node in ids:
        attrs = {"x": draw(st.sampled_from([0.0, 12.5, -3, 7]))}
        if draw(st.booleans()):
            attrs["label"] = draw(st.sampled_from([node, "other", ""]))
        if draw(st.booleans()):
            attrs = {"y": draw(st.sampled_from([1.0, -40])), **attrs}
        nodes.append([node, draw(st.sampled_from(["neuron", "input", "output"])), attrs])
    pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), unique=True)
                 ) if ids else []
    edges = [[u, v, {k: draw(st.sampled_from(_EDGE_VALUES[k])) for k in draw(
        st.lists(st.sampled_from(sorted(_EDGE_VALUES)), unique=True))}] for u, v in pairs]
    record = {"format": subnet.FORMAT, "nodes": nodes, "edges": edges, "groups": []}
    subnet.check(record)
    return record


@st.composite
def odd_records(draw) -> dict:
    """`records` as renamed may meet them besides: with groups, with an edge to or from a node
    that is not among the nodes (renamed leaves it out; `check` refuses such a clipboard), or
    with a keyword that is no edge attribute (renamed hands the edges over as records)."""
    record = draw(records())
    ids = [n for n, _, _ in record["nodes"]]
    members = draw(st.lists(st.lists(st.sampled_from(ids), unique=True, min_size=1),
                            max_size=3)) if ids else []
    record["groups"] = [[draw(st.sampled_from(["g", "g_2", "layer"])), "label", m,
                         draw(st.booleans())] for m in members]
    edges = record["edges"]
    if draw(st.booleans()):
        end = draw(st.sampled_from(ids + ["zz"]))
        stray = [end, "zz", {}] if draw(st.booleans()) else ["zz", end, {"weight": 2.0}]
        edges.insert(draw(st.integers(0, len(edges))), stray)
    if edges and draw(st.booleans()):
        draw(st.sampled_from(edges))[2]["colour"] = "red"
    return record


def _one_by_one(net: Network, record: dict, dx: float, dy: float, keep_ids: bool) -> tuple:
    """The renaming of each node and each edge in turn (a fresh id per call of new_id)."""
    mapping, nodes, taken = {}, [], set(net.graph)
    for old, kind, attrs in record["nodes"]:
        new = subnet.free_id(old, taken) if keep_ids else net.new_id(kind)
        taken.add(new)
        mapping[old] = new
        attrs = dict(attrs)
        attrs["x"] = float(attrs.get("x", 0.0)) + dx
        attrs["y"] = float(attrs.get("y", 0.0)) + dy
        if attrs.get("label", old) == old:
            attrs["label"] = new
        nodes.append((new, kind, attrs))
    return nodes, [(mapping[u], mapping[v], a) for u, v, a in record["edges"]]


def _columns_of(edges: list) -> tuple:
    return ([u for u, _, _ in edges], [v for _, v, _ in edges],
            [a.get("weight", 1.0) for _, _, a in edges],
            [a.get("delay", "auto") for _, _, a in edges],
            [a.get("trainable", True) for _, _, a in edges])


@settings(max_examples=300, deadline=None)
@given(records(), st.booleans())
def test_renamed_gives_what_renaming_one_by_one_gives(record, keep_ids):
    net = _base()
    state = net.id_state()
    nodes, edges = _one_by_one(net, record, 40.0, -10.0, keep_ids)
    after = net.id_state()
    net.set_id_state(state)
    got_nodes, got_edges, _ = subnet.renamed(net, record, 40.0, -10.0, keep_ids)
    assert [(n, k, list(a.items())) for n, k, a in got_nodes] == \
        [(n, k, list(a.items())) for n, k, a in nodes]
    assert isinstance(got_edges, EdgeColumns) and len(got_edges) == len(edges)
    assert got_edges.columns == _columns_of(edges) and got_edges.keys() == [
        (u, v) for u, v, _ in edges]
    assert net.id_state() == after


def _exactly(net: Network) -> str:
    return repr((net.snapshot(), list(net.graph._pred.items()), net.ordering(), net.delays(),
                 net.id_state()))


def _states(rename) -> list:
    """The network after the command of the records `rename(net)` gives (or its refusal),
    after its undo, after its redo."""
    net = _base()
    nodes, edges = rename(net)
    command = AddSubnetCommand(net, nodes, edges, "Paste")
    try:
        command.apply()
    except NetworkError as exc:
        return [_exactly(net), str(exc), exc.index]
    states = [_exactly(net), command.bulk()]
    command.revert()
    states.append(_exactly(net))
    command.apply()
    return states + [_exactly(net)]


@settings(max_examples=200, deadline=None)
@given(records())
def test_a_paste_as_columns_adds_undoes_and_redoes_what_its_records_do(record):
    assert _states(lambda net: subnet.renamed(net, record, 5.0, 5.0)[:2]) == \
        _states(lambda net: _one_by_one(net, record, 5.0, 5.0, False))


def _plain(renamed: tuple) -> tuple:
    """Nodes, edges and groups `renamed` gave, as plain lists (columns or records)."""
    nodes, edges, groups = renamed
    edges = [list(c) for c in edges.columns] if isinstance(edges, EdgeColumns) else \
        [(u, v, list(a.items())) for u, v, a in edges]
    return [(n, k, list(a.items())) for n, k, a in nodes], edges, groups


@settings(max_examples=300, deadline=None)
@given(st.one_of(records(), odd_records()), st.booleans())
def test_renamed_with_the_edge_table_of_a_copy_gives_what_the_record_gives(record, keep_ids):
    table = subnet.edge_table(record)
    ids = {n for n, _, _ in record["nodes"]}
    odd = any(u not in ids or v not in ids or "colour" in a for u, v, a in record["edges"])
    assert (table is None) == odd
    apart, tabled = _base(), _base()
    want = subnet.renamed(apart, record, 40.0, -10.0, keep_ids)
    got = subnet.renamed(tabled, record, 40.0, -10.0, keep_ids, table)
    assert _plain(got) == _plain(want) and tabled.id_state() == apart.id_state()
    assert type(got[1]) is type(want[1])


@settings(max_examples=200, deadline=None)
@given(records())
def test_a_paste_from_an_edge_table_adds_undoes_and_redoes_what_its_records_do(record):
    """The table's columns (tuples, shared by every paste of a copy) are taken by the model as
    the columns of a record taken apart are, on its plain path and on its exact one."""
    table = subnet.edge_table(record)
    assert _states(lambda net: subnet.renamed(net, record, 5.0, 5.0, table=table)[:2]) == \
        _states(lambda net: _one_by_one(net, record, 5.0, 5.0, False))
