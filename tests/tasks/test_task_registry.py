"""The task registry: listing, building by name with parameters, checking a network fits."""

import numpy as np
import pytest

from rnnstudio import Network, tasks
from rnnstudio.tasks import TASKS, TaskError, check_fit, make_task


def _net(n_in, n_out):
    net = Network()
    for i in range(n_in):
        net.add_input(f"x{i}")
    for k in range(n_out):
        net.add_output(f"y{k}")
    return net


def test_every_task_is_listed_with_description_loss_and_params():
    assert {"sine", "echo", "adding", "parity", "rain", "text", "teacher"} <= set(TASKS)
    for name, info in TASKS.items():
        assert info.name == name and info.description
        assert info.loss in ("mse", "bce", "cross_entropy")
        assert "seed" in info.params
        X, Y = make_task(name, **({"n_seq": 3} if "n_seq" in info.params else {}))
        p = info.resolve({})
        assert X.shape[-1] == info.n_inputs(p) and Y.shape[-1] == info.n_outputs(p)


def test_many_to_one_flags_match_the_nan_masks():
    for name, info in TASKS.items():
        _, Y = make_task(name, n_seq=4)
        last_only = np.isnan(Y[:-1]).all() and not np.isnan(Y[-1]).any()
        assert info.many_to_one == last_only, name


def test_make_task_with_params_equals_direct_call():
    X1, Y1 = make_task("echo", k=5, T=20, seed=2)
    X2, Y2 = tasks.echo(k=5, T=20, seed=2)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)


def test_params_are_converted_from_text():
    X, _ = make_task("sine", T="12", noise="0.1")
    assert X.shape[0] == 12


def test_unknown_task_and_param():
    with pytest.raises(TaskError, match="unknown task 'nope'.*sine"):
        make_task("nope")
    with pytest.raises(TaskError, match="task 'sine' has no parameter 'k'"):
        make_task("sine", k=3)


@pytest.mark.parametrize("params, match", [
    ({"T": 0}, "parameter 'T' must be from 1"),
    ({"T": 2.5}, "parameter 'T' must be a whole number"),
    ({"T": "many"}, "parameter 'T' must be a number"),
    ({"noise": -1.0}, "parameter 'noise' must be from 0"),
])
def test_bad_param_values(params, match):
    with pytest.raises(TaskError, match=match):
        make_task("sine", **params)


def test_errors_inside_a_task_name_it():
    with pytest.raises(TaskError, match="task 'echo': k must be"):
        make_task("echo", k=40, T=30)


def test_check_fit_messages():
    check_fit(_net(2, 1), "adding")
    with pytest.raises(TaskError, match="task 'adding' needs 2 inputs; the network has 1"):
        check_fit(_net(1, 1), "adding")
    with pytest.raises(TaskError, match="task 'sine' needs 1 outputs; the network has 3"):
        check_fit(_net(1, 3), "sine")
    check_fit(_net(2, 3), "teacher", n_in=2, n_out=3)
    n = len(tasks.TEXT_ALPHABET)
    check_fit(_net(n, n), "text")
    check_fit(_net(3, 3), "text", text="abcabc")


def test_task_error_is_a_value_error():
    assert issubclass(TaskError, ValueError)
