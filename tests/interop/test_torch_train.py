"""train --backend torch: the same weights as the numpy engine, in one process and in two
under torchrun with DistributedDataParallel (gloo); skipped without torch."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rnnstudio as rs
from rnnstudio import cli

torch = pytest.importorskip("torch")
pytest.importorskip("rnnstudio.interop.torch_train")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def net_file(tmp_path):
    net = rs.templates.lstm(1, 3, 1, seed=2)  # products and fixed wiring edges
    training = dict(net.training)
    training["task"] = {"name": "sine", "params": {"n_seq": 10, "T": 12}}
    net.set_meta(training=training)
    path = tmp_path / "net.rnn.json"
    rs.save(net, path)
    return path


def _params_error(a_path, b_path) -> float:
    a, b = rs.load(a_path).get_params(), rs.load(b_path).get_params()
    return max(abs(a[k][e] - b[k][e]) for k in a for e in a[k])


def _train(path, out, *extra) -> None:
    assert cli.main(["train", str(path), "--epochs", "15", "--quiet", "--out", str(out),
                     *extra]) == 0


@pytest.mark.parametrize("extra", [
    ("--batch-size", "100"),                                      # full batch, Adam
    ("--batch-size", "3", "--optimizer", "momentum", "--lr", "0.05", "--clip", "0.1"),
])
def test_torch_backend_equals_the_numpy_engine(net_file, tmp_path, extra):
    _train(net_file, tmp_path / "numpy.rnn.json", *extra)
    _train(net_file, tmp_path / "torch.rnn.json", "--backend", "torch", *extra)
    assert _params_error(tmp_path / "numpy.rnn.json", tmp_path / "torch.rnn.json") < 1e-9
    a = rs.load(tmp_path / "numpy.rnn.json").training["last_run"]
    b = rs.load(tmp_path / "torch.rnn.json").training["last_run"]
    assert abs(a["loss"] - b["loss"]) < 1e-12 and abs(a["val_loss"] - b["val_loss"]) < 1e-12


def test_torch_backend_errors(net_file, tmp_path, capsys):
    assert cli.main(["train", str(net_file), "--backend", "torch", "--tbptt", "4"]) == 2
    assert "truncated BPTT" in capsys.readouterr().err
    assert cli.main(["train", str(net_file), "--device", "cuda"]) == 2
    assert "--device is for --backend torch" in capsys.readouterr().err


def test_two_processes_under_torchrun_equal_the_numpy_engine(net_file, tmp_path):
    """Data-parallel: each rank takes its shard of every batch (5 sequences: shards of 3 and
    2), DDP averages, rank 0 saves. Measured: weights equal to 2e-16."""
    extra = ["--batch-size", "5", "--epochs", "15"]
    _train(net_file, tmp_path / "numpy.rnn.json", *extra)
    out = tmp_path / "ddp.rnn.json"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         "-m", "rnnstudio", "train", str(net_file), "--backend", "torch", "--quiet",
         "--out", str(out), *extra],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.count(f"saved {out}") == 1  # rank 0 alone saves and reports
    assert _params_error(tmp_path / "numpy.rnn.json", out) < 1e-6


def test_trainer_api_and_fixed_parameters(net_file):
    from rnnstudio.interop.torch_train import TorchTrainer
    net = rs.load(net_file)
    before = net.get_params()
    X, Y = rs.tasks.make_task("sine", n_seq=4, T=6)
    history = TorchTrainer(net, lr=0.05).fit(X, Y, epochs=3)
    assert history["epochs"] == 3 and len(history["loss"]) == 3
    after = net.get_params()
    fixed = [e for e, t in net.graph.edges.items() if not t["trainable"]]
    assert all(after["weights"][e] == before["weights"][e] for e in fixed)
    assert after != before and np.isfinite(history["loss"]).all()
