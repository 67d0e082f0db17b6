"""The example networks load, run, and show what their descriptions promise."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnnstudio.io import dumps, load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def shipped() -> list[Path]:
    names = json.loads((EXAMPLES / "index.json").read_text("utf-8"))["examples"]
    return [EXAMPLES / f"{name}.rnn.json" for name in names]


def test_the_index_lists_every_shipped_example_once():
    """examples/index.json is what File > Open Example offers: every network file the
    repository ships is in it (a git checkout says which files ship), and nothing else."""
    names = [p.name for p in shipped()]
    assert len(set(names)) == len(names) and all((EXAMPLES / n).is_file() for n in names)
    try:
        tracked = subprocess.run(["git", "ls-files", "*.rnn.json"], cwd=EXAMPLES, text=True,
                                 capture_output=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    assert sorted(names) == sorted(tracked)


def test_every_example_loads_and_validates():
    paths = shipped()
    assert paths
    for path in paths:
        net = load(path)
        net.validate()
        assert net.description
        assert dumps(net) == path.read_text("utf-8"), f"{path.name} is not in the stable layout"


def test_ordering_demo_is_a_dag_laid_out_left_to_right():
    net = load(EXAMPLES / "ordering-demo.rnn.json")
    assert len(net.inputs) == 2 and len(net.outputs) == 1 and len(net) == 7
    assert net.backward_edges() == []
    for u, v in net.graph.edges:
        assert net.node_attrs(u)["x"] < net.node_attrs(v)["x"]


def test_ordering_cycle_turns_its_feedback_edges_into_memory():
    demo = load(EXAMPLES / "ordering-demo.rnn.json")
    net = load(EXAMPLES / "ordering-cycle.rnn.json")
    extra = set(net.graph.edges) - set(demo.graph.edges)
    assert len(extra) == 2 and set(demo.graph.edges) < set(net.graph.edges)
    assert net.backward_edges() == sorted(extra)
    for u, v in extra:
        assert "Backward in the auto ordering" in net.delay_reason(u, v)
    net.set_ordering_mode("position")
    assert net.backward_edges() == sorted(extra)  # the edges that point left


def test_the_build_script_regenerates_the_same_files(tmp_path):
    before = {p.name: p.read_bytes() for p in EXAMPLES.glob("ordering-*.rnn.json")}
    subprocess.run([sys.executable, str(EXAMPLES / "build_ordering_examples.py")], check=True,
                   capture_output=True)
    after = {p.name: p.read_bytes() for p in EXAMPLES.glob("ordering-*.rnn.json")}
    assert after == before
