"""The examples the Help pages open (examples/build_teaching_examples.py): up to date, with
their task, settings and groups, and showing what their descriptions promise."""

import importlib.util
import json
from pathlib import Path

import pytest

from rnnstudio.io import load
from rnnstudio.tasks import check_fit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_teaching_examples", EXAMPLES / "build_teaching_examples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


BUILDER = _builder()
NAMES = list(BUILDER.EXAMPLES)


def test_the_help_examples_are_built_and_offered():
    assert set(NAMES) == {"bidirectional", "gru-adding", "exploding-gradients", "truncation"}
    offered = json.loads((EXAMPLES / "index.json").read_text("utf-8"))["examples"]
    assert set(NAMES) <= set(offered)


@pytest.mark.parametrize("name", NAMES)
def test_committed_file_is_up_to_date_and_complete(tmp_path, name):
    BUILDER.main(tmp_path)
    fresh = json.loads((tmp_path / f"{name}.rnn.json").read_text())
    assert fresh == json.loads((EXAMPLES / f"{name}.rnn.json").read_text()), \
        "run python examples/build_teaching_examples.py"
    net = load(EXAMPLES / f"{name}.rnn.json")
    assert net.name == name and len(net.description) > 300
    task = net.training["task"]
    check_fit(net, task["name"], **task["params"])
    assert len(net.groups) >= 3  # the template's groups (inputs, layers or gates, outputs)


def test_bidirectional_learns_what_a_forward_network_cannot():
    net = BUILDER.bidirectional()
    assert BUILDER.train(net)[-1] < 0.01
    from rnnstudio import templates as tpl
    forward = tpl.elman(1, 6, 1, seed=0)
    forward.set_meta(training=net.training)
    assert BUILDER.train(forward)[-1] > 0.2


def test_truncated_bptt_cannot_learn_the_echo_and_full_bptt_can():
    net = BUILDER.truncation()
    assert net.training["tbptt"] == 2 and net.training["task"]["params"]["k"] == 4
    assert BUILDER.train(net)[-1] > 0.2
    assert BUILDER.train(net, tbptt=None)[-1] < 0.01


def test_exploding_gradients_grow_with_the_lag_and_clipping_tames_them():
    import rnnstudio as rs
    from rnnstudio import tasks
    net = BUILDER.exploding_gradients()
    _, grads = rs.gradients(net, *tasks.make_task("sine", T=100), loss="mse")
    lags = grads.through_time[::-1]
    assert lags[99] > 1000 * lags[0]
    clipped, unclipped = BUILDER.train(net), BUILDER.train(net, clip=None)
    assert clipped[-1] < 0.05
    assert max(unclipped) > 1e4 and min(unclipped[-3:]) > 10 * clipped[-1]
