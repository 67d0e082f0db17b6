"""Every golden case (tests/data/golden) builds a network with its listed backward edges."""

import json

import pytest

from rnnstudio.io import dumps, loads
from rnnstudio.io.golden import case_to_record, network_from_case

from ..data import golden_cases

CASES = golden_cases()


def test_the_golden_cases_are_there():
    assert len(CASES) >= 9


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_case_backward_edges(path):
    case = json.loads(path.read_text())
    net = network_from_case(case)
    net.validate()
    assert net.inputs == case["inputs"] and net.outputs == case["outputs"]
    assert net.ordering() == case["network"]["ordering"]
    assert [list(e) for e in net.backward_edges()] == case["expected"]["backward_edges"]
    for edge in case["network"]["edges"]:
        attrs = net.edge_attrs(edge["source"], edge["target"])
        assert attrs["weight"] == edge["weight"] and attrs["delay"] == edge["delay"]
    back = loads(dumps(net))
    assert back == net and back.backward_edges() == net.backward_edges()


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_golden_record_is_a_file_record(path):
    record = case_to_record(json.loads(path.read_text()))
    assert record["format"] == "rnnstudio-network" and record["ordering"]["mode"] == "manual"
    assert loads(json.dumps(record)) == network_from_case(json.loads(path.read_text()))
