"""python -m rnnstudio train: settings from the file, overrides, saving, Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnnstudio import cli, templates as tpl
from rnnstudio.cli.train import Progress, default_out
from rnnstudio.io import load, save
from tests.hostile import make_fifo, release_fifo

engine = pytest.importorskip("rnnstudio.engine")
if not hasattr(engine, "Trainer"):
    pytest.skip("the engine has no Trainer yet", allow_module_level=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sine_file(tmp_path):
    net = tpl.elman(1, 4, 1, seed=0)
    training = dict(net.training)
    training["task"] = {"name": "sine", "params": {"n_seq": 8, "T": 10}}
    training["epochs"] = 500
    net.set_meta(training=training)
    path = tmp_path / "net.rnn.json"
    save(net, path)
    return path


def test_train_three_epochs_writes_a_loadable_file_with_new_weights(sine_file, tmp_path,
                                                                    capsys):
    out = tmp_path / "trained.rnn.json"
    assert cli.main(["train", str(sine_file), "--epochs", "3", "--lr", "0.05",
                     "--out", str(out)]) == 0
    before, after = load(sine_file), load(out)
    assert before.get_params()["weights"] != after.get_params()["weights"]
    tr = after.training
    assert tr["epochs"] == 3 and tr["lr"] == 0.05 and tr["loss"] == "mse"
    assert tr["task"] == {"name": "sine", "params": {"n_seq": 8, "T": 10}}
    assert tr["last_run"]["epochs"] == 3 and tr["last_run"]["stopped"] is False
    err = capsys.readouterr().err
    assert "epoch 3/3" in err and "ETA" in err and f"saved {out}" in err


def test_default_out_name(sine_file):
    assert default_out(str(sine_file)).endswith("net-trained.rnn.json")
    assert cli.main(["train", str(sine_file), "--epochs", "1", "--quiet"]) == 0
    assert (sine_file.parent / "net-trained.rnn.json").exists()


def test_task_and_params_from_the_command_line(tmp_path):
    path = tmp_path / "bare.rnn.json"
    save(tpl.elman(1, 3, 1), path)
    out = tmp_path / "o.rnn.json"
    assert cli.main(["train", str(path), "--task", "echo", "--param", "k=2", "--param",
                     "n_seq=4", "--epochs", "2", "--quiet", "--out", str(out)]) == 0
    assert load(out).training["task"] == {"name": "echo", "params": {"k": 2, "n_seq": 4}}


def test_ui_style_data_block_is_understood(tmp_path):
    net = tpl.elman(2, 3, 1)
    net.set_meta(training={"data": {"task": {"name": "adding", "params": {"T": 5,
                                                                          "n_seq": 4}}},
                           "loss": "mse", "epochs": 2})
    path = tmp_path / "ui.rnn.json"
    save(net, path)
    out = tmp_path / "o.rnn.json"
    assert cli.main(["train", str(path), "--quiet", "--out", str(out)]) == 0
    tr = load(out).training
    assert tr["task"]["name"] == "adding" and "data" not in tr  # written in the canonical form


def test_train_on_csv(tmp_path):
    csv_path = tmp_path / "series.csv"
    rows = ["u,v"] + [f"{i % 5},{(i + 1) % 5}" for i in range(40)]
    csv_path.write_text("\n".join(rows) + "\n")
    path = tmp_path / "n.rnn.json"
    save(tpl.elman(1, 3, 1), path)
    out = tmp_path / "o.rnn.json"
    assert cli.main(["train", str(path), "--csv", str(csv_path), "--inputs", "u",
                     "--targets", "v", "--window", "10", "--epochs", "2", "--quiet",
                     "--out", str(out)]) == 0
    tr = load(out).training
    assert tr["csv"]["window"] == 10 and "task" not in tr and "data" not in tr


def test_train_finds_the_files_csv_beside_it_from_any_folder(tmp_path, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    rows = ["u,v"] + [f"{i % 5},{(i + 1) % 5}" for i in range(40)]
    (project / "series.csv").write_text("\n".join(rows) + "\n")
    net = tpl.elman(1, 3, 1)
    net.set_meta(training={"csv": {"path": str(project / "series.csv"), "inputs": ["u"],
                                   "targets": ["v"], "window": 10, "stride": None},
                           "epochs": 2})
    save(net, project / "n.rnn.json")  # written as "series.csv", relative to the file
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = project / "o.rnn.json"
    assert cli.main(["train", str(project / "n.rnn.json"), "--quiet", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["training"]["csv"]["path"] == "series.csv"


def _error(capsys, argv, fragment):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err, err


def test_train_errors(sine_file, tmp_path, capsys):
    bare = tmp_path / "bare.rnn.json"
    save(tpl.elman(1, 3, 2), bare)
    _error(capsys, ["train", str(bare)], "no task")
    _error(capsys, ["train", str(bare), "--task", "adding"],
           "task 'adding' needs 2 inputs; the network has 1")
    _error(capsys, ["train", str(sine_file), "--task", "nope"], "unknown task 'nope'")
    _error(capsys, ["train", str(sine_file), "--param", "T"], "expected KEY=VALUE")
    _error(capsys, ["train", str(sine_file), "--param", "T=0"], "parameter 'T' must be from")
    _error(capsys, ["train", str(sine_file), "--epochs", "0"], "epochs")
    _error(capsys, ["train", str(sine_file), "--epochs", "many"], "invalid int value")


def test_progress_line_format():
    import io
    stream = io.StringIO()
    p = Progress(4, stream=stream)
    for k in range(4):
        p.update(1.0 / (k + 1), 0.5)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("epoch 1/4 [") and "loss 1 val 0.5" in lines[0]
    assert lines[-1].startswith("epoch 4/4 [########################]")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX")
def test_ctrl_c_stops_cleanly_and_saves(sine_file, tmp_path):
    out = tmp_path / "stopped.rnn.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "rnnstudio", "train", str(sine_file),
                             "--epochs", "1000000", "--out", str(out)],
                            stderr=subprocess.PIPE, text=True, env=env)
    first = proc.stderr.readline()  # the progress line of epoch 1
    assert first.startswith("epoch 1/"), first
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "stopped after" in rest
    tr = json.loads(out.read_text())["training"]
    assert tr["last_run"]["stopped"] is True and tr["last_run"]["epochs"] >= 1


def test_example_trains_with_its_own_settings(tmp_path):
    """examples/elman-sine.rnn.json with the settings in its file: measured 0.0179 (1 s)."""
    out = tmp_path / "elman.rnn.json"
    assert cli.main(["train", str(ROOT / "examples" / "elman-sine.rnn.json"), "--quiet",
                     "--out", str(out)]) == 0
    run = load(out).training["last_run"]
    assert run["epochs"] == 150 and run["loss"] < 0.025


# ---------------------------------------------------------------------- hostile inputs (issue 14)
def _with_training(path, **changes):
    net = load(path)
    training = dict(net.training)
    for key, value in changes.items():
        if key in ("T", "n_seq"):
            training["task"] = {**training["task"],
                                "params": {**training["task"]["params"], key: value}}
        elif key == "task_name":
            training["task"] = {**training["task"], "name": value}
        else:
            training[key] = value
    net.set_meta(training=training)
    save(net, path)
    return path


@pytest.mark.parametrize("changes, words", [
    ({"lr": "0.1"}, "training.lr: expected a number, got '0.1' (text) (fix the file, or give "
                    "--lr)"),
    ({"T": "50"}, "training.task.params.T: expected a number, got '50' (text) (fix the file, "
                  "or give --param T=VALUE)"),
    ({"epochs": -5}, "training.epochs: must be from 1 to 1,000,000, got -5"),
    ({"seed": 10 ** 30}, "training.seed: must be from 0 to 2,147,483,647, got a whole number "
                         "of 31 digits"),
    ({"task_name": "nope"}, "training.task.name: 'nope' is not a built-in task"),
])
def test_a_bad_training_block_is_refused_naming_the_key(sine_file, tmp_path, capsys, changes,
                                                       words):
    """Issue 14, item 9: never trained with a replacement (epochs -5 trained 1 epoch, an
    unknown task trained 'sine', "50" became 50)."""
    _with_training(sine_file, **changes)
    out = tmp_path / "out.rnn.json"
    assert cli.main(["train", str(sine_file), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{sine_file}: {words}" in " ".join(err.split())
    assert not out.exists()


def test_an_option_replaces_a_bad_setting_of_the_file(sine_file, tmp_path):
    _with_training(sine_file, lr="0.1", T="50")
    out = tmp_path / "out.rnn.json"
    assert cli.main(["train", str(sine_file), "--lr", "0.05", "--param", "T=12", "--epochs", "1",
                     "--out", str(out), "--quiet"]) == 0
    training = load(out).training
    assert training["lr"] == 0.05 and training["task"]["params"]["T"] == 12


def test_data_too_large_is_refused_naming_t_and_n_seq(sine_file, capsys):
    _with_training(sine_file, T=100_000, n_seq=5000)
    assert cli.main(["train", str(sine_file), "--quiet"]) == 2
    assert "T x n_seq = 100,000 x 5,000 steps of 2 values need 7.45 GB" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_csv_that_is_not_a_regular_file_fails_fast_naming_the_option(sine_file, tmp_path,
                                                                        kind):
    """`train --csv /dev/zero` read to a MemoryError, a FIFO hung: both fail at once now."""
    if kind == "device":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero")
        csv = "/dev/zero"
    else:
        csv = make_fifo(tmp_path / "pipe.csv")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    try:
        done = subprocess.run([sys.executable, "-m", "rnnstudio", "train", str(sine_file),
                               "--csv", csv, "--inputs", "a", "--targets", "b", "--quiet"],
                              capture_output=True, text=True, timeout=60, env=env)
    finally:
        if kind == "fifo":
            release_fifo(csv)
    assert done.returncode == 2
    assert f"--csv: {Path(csv).name}: cannot read the file: not a regular file" in done.stderr


def test_a_csv_named_by_the_file_that_cannot_be_read_names_the_key(sine_file, tmp_path, capsys):
    net = load(sine_file)
    training = {k: v for k, v in net.training.items() if k != "task"}
    training["csv"] = {"path": str(tmp_path / "gone.csv"), "inputs": ["a"], "targets": ["b"]}
    net.set_meta(training=training)
    save(net, sine_file)
    assert cli.main(["train", str(sine_file), "--quiet"]) == 2
    assert f"{sine_file}: training.csv.path: gone.csv: cannot read the file" in \
        capsys.readouterr().err
