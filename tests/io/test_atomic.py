"""Saving is atomic: a crash, a kill or an error mid-save leaves the old file whole."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rnnstudio.io.netfile as netfile
from rnnstudio.io import FileFormatError, load, save
from rnnstudio.model import Network

ROOT = Path(__file__).resolve().parents[2]


def big_network(version: int, n: int = 300, fan: int = 8) -> Network:
    """A network of n neurons and about n * fan edges; `version` changes every weight."""
    rng = random.Random(42)
    net = Network(name=f"big {version}")
    net.add_input("x")
    for i in range(n):
        net.add_neuron(f"h{i}", x=float(i), bias=version + i / n)
    net.add_output("y")
    for i in range(n):
        net.add_edge("x" if i % 10 == 0 else f"h{(i - 1) % n}", f"h{i}", weight=version + 0.5)
        for j in rng.sample(range(n), fan):
            if not net.has_edge(f"h{j}", f"h{i}"):
                net.add_edge(f"h{j}", f"h{i}", weight=version - j / n)
    net.add_edge(f"h{n - 1}", "y")
    return net


def test_kill_9_during_save_never_leaves_a_broken_file(tmp_path):
    path = tmp_path / "net.rnn.json"
    old, new = big_network(0), big_network(1)
    save(old, path)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    rng = random.Random(7)
    seen = set()
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-m", "tests.io.saver_child", str(path)],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"saving"
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        loaded = load(path)
        assert loaded == old or loaded == new
        seen.add(loaded.name)
    print("file after kills:", sorted(seen))


def test_save_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "net.rnn.json"
    save(big_network(0, n=20), path)
    save(big_network(1, n=20), path)
    assert load(path) == big_network(1, n=20)
    assert sorted(os.listdir(tmp_path)) == ["net.rnn.json"]


def test_save_keeps_the_file_mode(tmp_path):
    path = tmp_path / "net.rnn.json"
    save(Network(), path)
    os.chmod(path, 0o640)
    save(Network(name="again"), path)
    assert (os.stat(path).st_mode & 0o777) == 0o640


def test_save_through_a_symlink_writes_the_target(tmp_path):
    real = tmp_path / "real.rnn.json"
    link = tmp_path / "link.rnn.json"
    save(Network(name="one"), real)
    link.symlink_to(real)
    save(Network(name="two"), link)
    assert link.is_symlink() and load(real).name == "two"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions, which root ignores")
def test_read_only_folder_leaves_the_old_file(tmp_path):
    path = tmp_path / "net.rnn.json"
    save(big_network(0, n=10), path)
    before = path.read_bytes()
    os.chmod(tmp_path, 0o555)
    try:
        with pytest.raises(FileFormatError, match="net.rnn.json: cannot write"):
            save(big_network(1, n=10), path)
    finally:
        os.chmod(tmp_path, 0o755)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.rnn.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace", "fdopen_write"])
def test_an_error_mid_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, failing):
    path = tmp_path / "net.rnn.json"
    save(big_network(0, n=10), path)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(30, "Read-only file system")
    if failing == "fdopen_write":
        monkeypatch.setattr(netfile.os, "fdopen", fail)
    else:
        monkeypatch.setattr(netfile.os, failing, fail)
    with pytest.raises(FileFormatError) as info:
        save(big_network(1, n=10), path)
    assert str(info.value) == f"{path}: cannot write: Read-only file system"
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.rnn.json"]


def test_unwritable_places(tmp_path):
    with pytest.raises(FileFormatError, match="cannot write"):
        save(Network(), tmp_path / "missing-folder" / "net.rnn.json")
    with pytest.raises(FileFormatError, match="cannot write"):
        save(Network(), tmp_path)  # a directory
    with pytest.raises(FileFormatError, match="expected a file path"):
        save(Network(), None)


def test_an_invalid_network_is_not_saved(tmp_path):
    path = tmp_path / "net.rnn.json"
    net = Network()
    net.add_neuron("h")
    save(net, path)
    before = path.read_bytes()
    net.graph.nodes["h"]["bias"] = float("nan")  # written behind the model's back
    with pytest.raises(FileFormatError, match="net.rnn.json: cannot save an invalid network: "
                                              "node h: bias"):
        save(net, path)
    net.graph.nodes["h"]["bias"] = 0.0
    net.training = {"lr": float("inf")}
    with pytest.raises(FileFormatError, match="training.lr: the number inf"):
        save(net, path)
    net.training = {"callback": print}
    with pytest.raises(FileFormatError, match="training.callback: builtin_function_or_method"):
        save(net, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["net.rnn.json"]
