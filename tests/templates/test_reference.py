"""The test interpreter agrees with the golden cases of SEMANTICS.md (so it can judge
templates)."""

import json

import numpy as np
import pytest

from rnnstudio import Network

from ..data import golden_cases
from .reference import run

CASES = golden_cases()


def _build(case):
    spec = case["network"]
    net = Network(case["name"])
    for node in spec["nodes"]:
        attrs = {k: v for k, v in node.items() if k not in ("id", "kind")}
        net.add_node(node["id"], node["kind"], **attrs)
    for e in spec["edges"]:
        net.add_edge(e["source"], e["target"], weight=e["weight"], delay=e["delay"])
    net.set_io_order(case["inputs"], case["outputs"])
    net.set_ordering(spec["ordering"])
    return net


@pytest.mark.skipif(not CASES, reason="golden cases not found")
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_reference_matches_golden(path):
    case = json.loads(path.read_text())
    net = _build(case)
    out, _ = run(net, np.array(case["X"], dtype=float))
    np.testing.assert_allclose(out, np.array(case["expected"]["outputs"]), atol=1e-9)
