"""CSV inputs normalised (none, z-score, min-max): chosen on import, fitted on the training
split only, saved in the file, and used by training, the player and `rnnstudio run`."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

import rnnstudio as rs
from rnnstudio import cli, tasks
from rnnstudio.ui.player.sequence_dock import task_sequences
from rnnstudio.ui.training.csv_dialog import CsvImportDialog
from rnnstudio.ui.training.data import split
from rnnstudio.ui.training.settings import TrainingSettings

from .conftest import import_file, train_to_end


@pytest.fixture
def offset_csv(tmp_path):
    """u far from 0 (around 50, spread 10), v its next value: inputs worth normalising."""
    rng = np.random.default_rng(1)
    u = 50.0 + 10.0 * rng.standard_normal(81)
    path = tmp_path / "level.csv"
    path.write_text("u,v\n" + "".join(f"{a:.6f},{b / 100:.6f}\n" for a, b in zip(u, u[1:])))
    return path


def _import(monkeypatch, dock, path, method: str, window: int = 8) -> None:
    def fake_exec(dialog):
        dialog.load_path(str(path))
        dialog.window_spin.setValue(window)
        dialog.normalize_combo.setCurrentIndex(dialog.normalize_combo.findData(method))
        import_file(dialog)
        return dialog.result()
    monkeypatch.setattr(CsvImportDialog, "exec", fake_exec)
    dock.csv_button.click()


def _raw(path, window=8):
    return tasks.from_csv(path, inputs=["u"], targets=["v"], window=window)


def test_the_dialog_offers_the_three_choices(qtbot, offset_csv):
    dialog = CsvImportDialog(["x0"], ["y0"], initial={"normalize": "minmax", "inputs": ["u"],
                                                      "targets": ["v"]}, path=str(offset_csv))
    qtbot.addWidget(dialog)
    assert [dialog.normalize_combo.itemData(i) for i in range(3)] == ["none", "zscore", "minmax"]
    assert dialog.csv_settings()["normalize"] == "minmax"


def test_import_fits_on_the_training_split_and_saves_it_undoably(monkeypatch, window, dock,
                                                                   offset_csv):
    _import(monkeypatch, dock, offset_csv, "zscore")
    net = window.doc.net
    block = net.training["csv"]
    assert block["normalize"] == "zscore"
    X, Y = _raw(offset_csv)
    X_train = split(X, Y, net.training["validation"], net.training["seed"])[0]
    assert X_train.shape[1] < X.shape[1]  # some sequences are held out...
    np.testing.assert_allclose(block["scaling"]["offset"], [X_train.mean()])  # ...and unseen
    np.testing.assert_allclose(block["scaling"]["scale"], [X_train.std()])
    assert block["scaling"]["offset"][0] != pytest.approx(X.mean(), abs=1e-9)
    assert "z-score" in dock.task_note.text()
    window.doc.stack.undo()
    assert "csv" not in net.training


def test_training_player_and_file_use_the_scaling(qtbot, monkeypatch, window, dock, offset_csv,
                                                  tmp_path):
    _import(monkeypatch, dock, offset_csv, "minmax")
    dock.settings_form.epochs.setValue(2)
    result = train_to_end(qtbot, dock)
    assert result.error is None
    data = dock.controller.dataset
    assert data.X_train.min() == pytest.approx(0.0) and data.X_train.max() == pytest.approx(1.0)
    net = window.doc.net
    assert net.training["csv"]["scaling"] == data.scaling  # saved with the run's weights
    path = tmp_path / "n.rnn.json"
    window.doc.save(path)
    loaded = rs.load(path)
    assert loaded.training["csv"]["scaling"] == data.scaling
    X_player, _, _ = task_sequences(loaded)  # the step-through player plays scaled inputs
    X, _ = _raw(offset_csv)
    np.testing.assert_allclose(X_player, (X - data.scaling["offset"][0])
                               / data.scaling["scale"][0])


def test_the_command_line_trains_and_runs_with_the_scaling(tmp_path, offset_csv, capsys):
    net = rs.templates.elman(1, 3, 1, seed=0)
    path, out = tmp_path / "n.rnn.json", tmp_path / "t.rnn.json"
    rs.save(net, path)
    assert cli.main(["train", str(path), "--csv", str(offset_csv), "--inputs", "u",
                     "--targets", "v", "--window", "8", "--epochs", "2", "--quiet",
                     "--normalize", "zscore", "--out", str(out)]) == 0
    trained = rs.load(out)
    fitted = trained.training["csv"]["scaling"]
    X, Y = _raw(offset_csv)
    from rnnstudio.engine.trainer import validation_split
    train, _ = validation_split(X.shape[1], trained.training["validation"], 0)
    np.testing.assert_allclose(fitted["offset"], [X[:, train].mean()])
    capsys.readouterr()
    assert cli.main(["run", str(out), "--csv", str(offset_csv), "--inputs", "u"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]
    whole, _ = tasks.from_csv(offset_csv, inputs=["u"], targets=["v"])
    expected = rs.run(trained, (whole - fitted["offset"][0]) / fitted["scale"][0])[:, 0, 0]
    np.testing.assert_allclose([float(r[0]) for r in rows], expected)


def test_run_refuses_a_file_without_its_fitted_scaling(tmp_path, offset_csv, capsys):
    net = rs.templates.elman(1, 3, 1, seed=0)
    settings = TrainingSettings(task=None, csv={"path": str(offset_csv), "inputs": ["u"],
                                                "targets": ["v"], "normalize": "minmax"})
    net.set_meta(training=settings.to_dict())
    path = tmp_path / "n.rnn.json"
    rs.save(net, path)
    assert cli.main(["run", str(path), "--csv", str(offset_csv), "--inputs", "u"]) == 2
    assert "no fitted scaling" in capsys.readouterr().err


def test_every_other_column_becomes_an_input_in_one_undo_step(qtbot, monkeypatch, window, dock,
                                                               tmp_path):
    rng = np.random.default_rng(2)
    path = tmp_path / "three.csv"
    rows = rng.normal(size=(40, 3))
    path.write_text("a,b,c,y\n" + "".join(f"{r[0]},{r[1]},{r[2]},{r.sum()}\n" for r in rows))
    net = window.doc.net
    before = net.snapshot()

    def fake_exec(dialog):
        dialog.load_path(str(path))
        assert dialog.chosen_columns() == (["c", "a", "b"], ["y"])  # all but the target
        dialog.window_spin.setValue(8)
        import_file(dialog)
        return dialog.result()
    monkeypatch.setattr(CsvImportDialog, "exec", fake_exec)
    stack = window.doc.stack
    count = stack.count()
    dock.csv_button.click()
    assert stack.count() == count + 1  # inputs and settings: one undo step
    assert len(net.inputs) == 3
    labels = [net.graph.nodes[n]["label"] for n in net.inputs[1:]]
    assert labels == ["a", "b"]
    first = {v for _, v in net.graph.out_edges(net.inputs[0])}
    for n in net.inputs[1:]:  # wired like the first input, weight 0: same outputs as before
        assert {v for _, v in net.graph.out_edges(n)} == first
        assert all(d["weight"] == 0.0 for *_, d in net.graph.out_edges(n, data=True))
    X = rng.normal(size=(6, 1))
    np.testing.assert_allclose(rs.run(net, np.concatenate([X, rng.normal(size=(6, 2))], 1)),
                               rs.run(net, np.concatenate([X, np.zeros((6, 2))], 1)))
    assert net.training["csv"]["inputs"] == ["c", "a", "b"]
    dock.settings_form.epochs.setValue(2)
    assert train_to_end(qtbot, dock).error is None
    while stack.index() > count:
        stack.undo()
    assert net.snapshot() == before


def test_a_column_that_is_not_numbers_is_not_offered_as_an_input(qtbot, tmp_path):
    path = tmp_path / "dated.csv"
    path.write_text("date,temp,rain\n" + "".join(f"2024-01-{i + 1:02d},{i},{i % 3}\n"
                                                 for i in range(20)))
    dialog = CsvImportDialog(["x0"], ["y0"], path=str(path))
    qtbot.addWidget(dialog)
    assert dialog.chosen_columns() == (["temp"], ["rain"])
    assert not dialog.extra_check.isVisibleTo(dialog)
