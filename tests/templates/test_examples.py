"""The example files: built by examples/build_examples.py, up to date, loadable, and fitting
their tasks."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from rnnstudio.io import load
from rnnstudio.tasks import TASKS, check_fit, echo

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _builder():
    spec = importlib.util.spec_from_file_location("build_examples",
                                                  EXAMPLES / "build_examples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BUILDER = _builder()
NAMES = list(BUILDER.EXAMPLES)


def test_the_promised_examples_exist():
    assert set(NAMES) == {
        "elman-sine", "rain", "echo-memory", "window-vs-recurrent-windowed",
        "window-vs-recurrent-recurrent", "jordan", "unit-3-5-4", "lstm-adding"}


@pytest.mark.parametrize("name", NAMES)
def test_committed_file_is_up_to_date(tmp_path, name):
    BUILDER.main(tmp_path)
    fresh = json.loads((tmp_path / f"{name}.rnn.json").read_text())
    committed = json.loads((EXAMPLES / f"{name}.rnn.json").read_text())
    assert fresh == committed, "run python examples/build_examples.py"


@pytest.mark.parametrize("name", NAMES)
def test_loads_with_task_and_settings(name):
    net = load(EXAMPLES / f"{name}.rnn.json")
    net.validate()
    assert net.name == name and len(net.description) > 80
    tr = net.training
    task = tr["task"]
    check_fit(net, task["name"], **task["params"])
    assert tr["loss"] == TASKS[task["name"]].loss
    for key in ("optimizer", "lr", "epochs", "batch_size", "clip", "tbptt", "seed",
                "validation"):
        assert key in tr


def test_echo_memory_outputs_the_input_three_steps_later():
    engine = pytest.importorskip("rnnstudio.engine")
    net = load(EXAMPLES / "echo-memory.rnn.json")
    X, Y = echo(k=3, T=12, n_seq=4)
    out = engine.run(net, X)
    np.testing.assert_allclose(out[3:], Y[3:], atol=1e-15)
    np.testing.assert_array_equal(out[:3], 0.0)
    xs = [d["x"] for _, d in sorted(net.graph.nodes(data=True), key=lambda t: t[1]["x"])]
    assert xs == sorted(set(xs))  # one node per column, left to right


def test_window_vs_recurrent_share_the_task():
    a = load(EXAMPLES / "window-vs-recurrent-windowed.rnn.json")
    b = load(EXAMPLES / "window-vs-recurrent-recurrent.rnn.json")
    assert a.training["task"] == b.training["task"]
    assert not a.backward_edges() or all(a.edge_attrs(u, v)["delay"] != "auto"
                                         for u, v in a.backward_edges())
    import networkx as nx
    assert nx.is_directed_acyclic_graph(a.graph) and not nx.is_directed_acyclic_graph(b.graph)


def test_rain_is_many_to_one():
    net = load(EXAMPLES / "rain.rnn.json")
    assert net.training["targets"] == "last" and TASKS["rain"].many_to_one
