"""The column-wise checks of a bulk add (model/columns.py) only recognise what the exact,
item-by-item checks accept unchanged: on any records, `add_nodes`, `add_edges` and
`add_edge_columns` give the very network (attribute order included) or the very refusal
(message and index) that the exact checks alone give."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

from hypothesis import given, settings, strategies as st

from rnnstudio.model import Network, NetworkError, bulk

# (ordinary values, unusual ones): records mostly ordinary, with the odd flaw
_NAMES = ([], ["n0", "n1", "h0", "x0", "bad id", "", "a" * 65, 7, None])
_KINDS = (["neuron", "output", "input"], ["bogus", None, 1])
_NODE_VALUES = {"x": ([0.5, -3.0, 1e12], [2, 1e13, -1e13, float("nan"), True, "1"]),
                "bias": ([0.0, 1.5, -1e12], [float("inf"), 3, None, -1e12 * 1.01]),
                "activation": (["tanh", "relu", "identity"], ["TANH", 1]),
                "direction": (["forward", "reverse"], ["sideways", None]),
                "trainable": ([True, False], [1, "yes"]), "label": (["a", "", "x" * 200],
                                                                    ["x" * 201, 5]),
                "kind": (["neuron"], ["input", "output"]), "weight": ([], [1.0])}
_SOURCES = (["x0", "h0", "h1", "h2"], ["y0", "y0", "r0", "nowhere", 3, None, "x0", "h0"])
_TARGETS = (["h0", "h1", "y0", "h2"], ["x0", "r0", "nowhere", 3, None, "h1", "h1", "h0"])
_EDGE_VALUES = {"weight": ([0.5, -2.0, 1e12, -1e12], [3, True, "x", 1e13, -1e13, float("nan"),
                                                      float("-inf"), None]),
                "delay": (["auto", 0, 1, 100_000], [-1, 2.0, True, False, "x", 100_001]),
                "trainable": ([True, False], [1, "yes", None]), "bogus": ([], [1])}


def _base() -> Network:
    net = Network()
    net.add_input("x0")
    net.add_neuron("h0")
    net.add_neuron("h1")
    net.add_neuron("r0", direction="reverse")
    net.add_output("y0")
    net.add_edge("y0", "h1", delay=0)
    return net


def _exactly(net: Network) -> str:
    """The network's whole state, the order of every dict included."""
    return repr((net.snapshot(), list(net.graph._pred.items()), net.ordering()))


@contextmanager
def _exact_checks_only(on: bool):
    """The column-wise checks find nothing ordinary: the exact loops check every item."""
    if not on:
        yield
        return
    with mock.patch.object(bulk, "plain_nodes", return_value=None), \
            mock.patch.object(bulk, "plain_edges", return_value=None):
        yield


def _outcome(add, net: Network, records, exact: bool):
    """(the network's state, the refusal or None) after `add(net, records)`."""
    with _exact_checks_only(exact):
        try:
            add(net, records)
        except NetworkError as exc:
            return _exactly(net), (str(exc), exc.index)
        except (TypeError, ValueError) as exc:  # a record that is no triple
            return _exactly(net), (type(exc), str(exc))
    return _exactly(net), None


def _same_both_ways(add, records) -> None:
    assert _outcome(add, _base(), records, exact=False) == \
        _outcome(add, _base(), records, exact=True)


def _ordinary(draw, heads: list, values: dict, keys) -> list:
    """Records (first, second, attrs) of ordinary values only, attrs of some of `keys`."""
    return [[first, second, {k: draw(st.sampled_from(values[k][0]))
                             for k in draw(st.lists(st.sampled_from(keys), unique=True))}]
            for first, second in heads]


def _flawed(draw, records: list, first: tuple, second: tuple, values: dict) -> list:
    """`records` with up to two values replaced by unusual ones (or made a pair or a
    quadruple)."""
    for _ in range(draw(st.integers(0, 2))):
        record = draw(st.sampled_from(records))
        place = draw(st.sampled_from([0, 1] + sorted(values)))
        if place in (0, 1):
            record[place] = draw(st.sampled_from((first, second)[place][1]))
        else:
            record[2][place] = draw(st.sampled_from(values[place][1]))
    if draw(st.integers(0, 9)) == 0:  # a record of two or of four items
        record = draw(st.sampled_from(records))
        record.append(None) if draw(st.booleans()) else record.pop()
    return [tuple(r) for r in records]


@st.composite
def node_records(draw) -> list:
    kinds = draw(st.lists(st.sampled_from(_KINDS[0]), min_size=1, max_size=6))
    records = []
    for i, kind in enumerate(kinds):
        keys = ["x", "label"] if kind == "input" else [k for k in sorted(_NODE_VALUES)
                                                       if _NODE_VALUES[k][0]]
        records += _ordinary(draw, [(f"n{i}", kind)], _NODE_VALUES, keys)
    return _flawed(draw, records, _NAMES, _KINDS, _NODE_VALUES)


@st.composite
def edge_records(draw) -> list:
    heads = draw(st.lists(st.tuples(st.sampled_from(_SOURCES[0]), st.sampled_from(_TARGETS[0])),
                          min_size=1, max_size=8, unique=True))
    records = _ordinary(draw, heads, _EDGE_VALUES, ["delay", "trainable", "weight"])
    return _flawed(draw, records, _SOURCES, _TARGETS, _EDGE_VALUES)


@settings(max_examples=300, deadline=None)
@given(node_records())
def test_add_nodes_the_same_with_and_without_the_column_checks(records):
    _same_both_ways(lambda net, recs: net.add_nodes(recs), records)


def _add_h2_then(add):
    def run(net: Network, records) -> None:
        net.add_neuron("h2")
        add(net, records)
    return run


@settings(max_examples=400, deadline=None)
@given(edge_records())
def test_add_edges_the_same_with_and_without_the_column_checks(records):
    _same_both_ways(_add_h2_then(lambda net, recs: net.add_edges(recs)), records)


@settings(max_examples=300, deadline=None)
@given(edge_records())
def test_add_edge_columns_is_add_edges_of_the_records(records):
    records = [r for r in records if len(r) == 3 and type(r[2]) is dict and "bogus" not in r[2]]

    def columns(net: Network, recs) -> None:
        net.add_edge_columns([u for u, _, _ in recs], [v for _, v, _ in recs],
                             [a.get("weight", 1.0) for _, _, a in recs],
                             [a.get("delay", "auto") for _, _, a in recs],
                             [a.get("trainable", True) for _, _, a in recs])
    by_columns = _outcome(_add_h2_then(columns), _base(), records, exact=False)
    assert by_columns == _outcome(_add_h2_then(lambda net, recs: net.add_edges(recs)), _base(),
                                  records, exact=True)


def test_ordinary_records_take_the_column_checks():
    """What a paste or a file brings (known ends, float weights, auto or whole delays) is
    checked in columns: the exact loops are not asked."""
    net = _base()
    with mock.patch.object(Network, "_checked_nodes", side_effect=AssertionError), \
            mock.patch.object(Network, "_checked_edges", side_effect=AssertionError):
        net.add_nodes([("a", "neuron", {"x": 1.0, "bias": 0.5}), ("b", "output", {}),
                       ("i", "input", {"label": "in"})])
        net.add_edges([("a", "b", {"weight": 2.0, "delay": 1, "trainable": False}),
                       ("i", "a", {}), ("a", "a", {"delay": 3}), ("x0", "b", {"delay": 0})])
    assert net.edge_attrs("a", "b") == {"weight": 2.0, "delay": 1, "trainable": False}
    assert net.node_attrs("i") == {"label": "in", "x": 0.0, "y": 0.0, "kind": "input"}
