"""The command line: info, run, tasks, errors (one line, exit 2) and the subcommand registry."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnstudio import cli, templates as tpl
from rnnstudio.io import save

pytest.importorskip("rnnstudio.engine")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def elman_file(tmp_path):
    path = tmp_path / "net.rnn.json"
    save(tpl.elman(2, 3, 1, seed=0), path)
    return path


def test_info_prints_ordering_backward_edges_levels_and_params(elman_file, capsys):
    assert cli.main(["info", str(elman_file)]) == 0
    out = capsys.readouterr().out
    assert "ordering (auto): x0, x1, h0, h1, h2, y0" in out
    assert "backward edges (read an earlier step): 9" in out
    assert "h2 -> h0  delay 1 (explicit)" in out
    assert "levels per step: 1" in out
    assert "parameters: 22 trainable (18 weights, 4 biases, 0 initial values)" in out
    assert "training: task adding" in out


def test_info_limits_long_edge_lists(tmp_path, capsys):
    path = tmp_path / "big.rnn.json"
    save(tpl.elman(1, 8, 1), path)
    cli.main(["info", str(path)])
    assert "... and 24 more (--all lists them)" in capsys.readouterr().out
    cli.main(["info", "--all", str(path)])
    assert "more (--all" not in capsys.readouterr().out


def test_run_writes_outputs_as_csv(elman_file, tmp_path):
    from rnnstudio.engine import run
    rng = np.random.default_rng(0)
    data = rng.uniform(-1, 1, (6, 3))
    csv_path = tmp_path / "data.csv"
    lines = ["a,b,c"] + [",".join(repr(float(v)) for v in row) for row in data]
    csv_path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    assert cli.main(["run", str(elman_file), "--csv", str(csv_path), "--inputs", "c,a",
                     "--out", str(out)]) == 0
    rows = out.read_text().splitlines()
    assert rows[0] == "y0" and len(rows) == 7
    got = np.array([float(r) for r in rows[1:]])
    expected = run(tpl.elman(2, 3, 1, seed=0), data[:, [2, 0]])[:, 0]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)


def test_run_defaults_to_columns_named_like_the_inputs(elman_file, tmp_path, capsys):
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("t,x1,x0\n0,1,2\n1,3,4\n")
    assert cli.main(["run", str(elman_file), "--csv", str(csv_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


def _one_line_error(capsys, argv, *fragments):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("rnnstudio")
    for f in fragments:
        assert f in err
    return err


def test_errors_are_one_line_exit_2(elman_file, tmp_path, capsys):
    bad = tmp_path / "bad.rnn.json"
    bad.write_text("{not json")
    _one_line_error(capsys, ["info", str(bad)], "bad.rnn.json")
    _one_line_error(capsys, ["info", str(tmp_path / "missing.rnn.json")], "missing.rnn.json")
    csv_path = tmp_path / "data.csv"
    csv_path.write_text("a,b\n1,2\n3,abc\n")
    _one_line_error(capsys, ["run", str(elman_file), "--csv", str(csv_path)],
                    "data.csv: row 3, column 'b': 'abc' is not a number")
    _one_line_error(capsys, ["run", str(elman_file), "--csv", str(csv_path), "--inputs", "a"],
                    "1 input column chosen; the network has 2 inputs")
    _one_line_error(capsys, ["info"], "required")
    _one_line_error(capsys, ["frobnicate"], "invalid choice")


def test_subprocess_bad_file_no_traceback(tmp_path):
    bad = tmp_path / "bad.rnn.json"
    bad.write_bytes(b"\x00\x01 garbage")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "rnnstudio", "info", str(bad)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_tasks_lists_every_task(capsys):
    from rnnstudio.tasks import TASKS
    assert cli.main(["tasks"]) == 0
    out = capsys.readouterr().out
    for name in TASKS:
        assert f"{name}: " in out


def test_plugins_register_subcommands(monkeypatch, capsys):
    import types
    mod = types.ModuleType("fake_render")

    def add_subcommand(register):
        register("hello", "Say hello.", lambda p: p.add_argument("who"),
                 lambda args: print(f"hello {args.who}") or 0)

    mod.add_subcommand = add_subcommand
    monkeypatch.setitem(sys.modules, "fake_render", mod)
    monkeypatch.setattr(cli, "PLUGIN_MODULES", ("fake_render", "no_such_module_xyz"))
    monkeypatch.setattr(cli, "SUBCOMMANDS", {})
    assert cli.main(["hello", "world"]) == 0
    assert capsys.readouterr().out.strip() == "hello world"


def test_internal_errors_are_one_line(monkeypatch, elman_file, capsys):
    def boom(args):
        raise RuntimeError("kaput")

    from rnnstudio.cli import info
    monkeypatch.setattr(info, "run", boom)
    monkeypatch.setattr(cli, "SUBCOMMANDS", {})
    err = _one_line_error(capsys, ["info", str(elman_file)], "internal error", "kaput")
    assert "Traceback" not in err


def test_info_counts_in_words_and_levels_add_up(capsys):
    """Issue 11 #10: "1 inputs", and "levels per step: 0" above three listed levels."""
    assert cli.main(["info", str(ROOT / "examples" / "echo-memory.rnn.json")]) == 0
    out = capsys.readouterr().out
    head = out.splitlines()[0]
    assert "1 input," in head and "1 output," in head and "3 edges" in head
    assert "1 inputs" not in out and "1 outputs" not in out
    listed = sum(1 for line in out.splitlines() if line.strip().startswith("level "))
    levels = next(line for line in out.splitlines() if line.startswith("levels per step"))
    assert levels == ("levels per step: 0 in the time loop, 3 levels computed for all steps "
                      "at once") and listed == 3


def test_info_headline_counts_loop_and_hoisted_levels(elman_file, capsys):
    assert cli.main(["info", str(elman_file)]) == 0
    out = capsys.readouterr().out
    assert "levels per step: 1 in the time loop, 1 level computed for all steps at once" in out
    assert "  step by step: 1 level\n    level 1: h0, h1, h2\n" in out


def test_command_modules_do_not_import_each_other():
    """One module per command; they share rnnstudio.cli.common only."""
    import ast
    import importlib
    for name in cli.COMMANDS:
        mod = importlib.import_module(f"rnnstudio.cli.{name}")
        assert mod.NAME and mod.HELP and callable(mod.add_arguments) and callable(mod.run)
        tree = ast.parse(Path(mod.__file__).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                assert node.module == "common", f"{name} imports .{node.module}"


def test_entry_point_and_module_run(tmp_path):
    text = (ROOT / "pyproject.toml").read_text()
    assert 'rnnstudio-cli = "rnnstudio.cli:main"' in text
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "rnnstudio", "--help"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0
    for name in ("info", "train", "run", "tasks", "render", "export", "import"):
        assert f"    {name}" in proc.stdout


def test_export_and_import_round_trips(elman_file, tmp_path, capsys):
    from rnnstudio.io import load
    graph = tmp_path / "net.graphml"
    assert cli.main(["export", str(elman_file), "--to", "graphml", str(graph)]) == 0
    back = tmp_path / "back.rnn.json"
    assert cli.main(["import", str(graph), str(back)]) == 0
    assert load(back) == load(elman_file)
    assert "2 inputs, 1 output, 6 nodes, 18 edges" in capsys.readouterr().out
    _one_line_error(capsys, ["import", str(elman_file), str(back)], "cannot import .json files")
    _one_line_error(capsys, ["export", str(elman_file), "--to", "excel", str(back)],
                    "invalid choice")


def test_export_torch_and_onnx_files(elman_file, tmp_path):
    torch = pytest.importorskip("torch")
    from rnnstudio.io import load
    pt = tmp_path / "net.pt"
    assert cli.main(["export", str(elman_file), "--to", "torch", str(pt)]) == 0
    data = torch.load(pt, weights_only=True)
    assert set(data) == {"rnnstudio_network", "state_dict"}
    back = tmp_path / "back.rnn.json"
    assert cli.main(["import", str(pt), str(back)]) == 0
    assert load(back).get_params() == load(elman_file).get_params()
    pytest.importorskip("onnxruntime")
    import onnxruntime as ort
    path = tmp_path / "net.onnx"
    assert cli.main(["export", str(elman_file), "--to", "onnx", "--dtype", "float64",
                     str(path)]) == 0
    X = np.random.default_rng(0).normal(size=(5, 2, 2))
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    from rnnstudio.engine import run
    np.testing.assert_allclose(sess.run(None, {"X": X})[0], run(load(elman_file), X),
                               atol=1e-12)


def test_import_torch_state_dict_is_laid_out(tmp_path):
    torch = pytest.importorskip("torch")
    from rnnstudio.io import load
    pt = tmp_path / "gru.pt"
    torch.save(torch.nn.GRU(2, 3).state_dict(), pt)
    out = tmp_path / "gru.rnn.json"
    assert cli.main(["import", str(pt), str(out)]) == 0
    net = load(out)
    xs = {n: d["x"] for n, d in net.graph.nodes(data=True)}
    assert xs["x0"] < xs["r0"] < xs["h0"]  # left to right by the ordering
