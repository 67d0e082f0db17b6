"""The CSV import dialog and CSV data in the dock: a good file imports and trains; bad cells
and wrong column counts are reported with row and column and nothing is imported."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog

from rnnstudio.ui.training.csv_dialog import PREVIEW_ROWS, CsvImportDialog

from .conftest import import_file, train_to_end


def _write(path, rows):
    path.write_text("\n".join(",".join(str(c) for c in row) for row in rows) + "\n")
    return path


@pytest.fixture
def good_csv(tmp_path):
    t = np.arange(60)
    rows = [("time", "u", "v")] + [(i, f"{np.sin(0.3 * i):.4f}", f"{np.sin(0.3 * i + 0.3):.4f}")
                                   for i in t]
    return _write(tmp_path / "series.csv", rows)


def test_a_good_file_is_previewed_mapped_and_imported(qtbot, good_csv):
    dialog = CsvImportDialog(["x0"], ["y0"])
    qtbot.addWidget(dialog)
    assert dialog.load_path(str(good_csv))
    assert dialog.header == ["time", "u", "v"]
    assert dialog.table.rowCount() == min(60, PREVIEW_ROWS) and dialog.table.columnCount() == 3
    # defaults: the target is the last column, the input the one before it, and every other
    # column an extra input
    assert dialog.chosen_columns() == (["u", "time"], ["v"])
    assert dialog.extra_check.isVisibleTo(dialog) and "time" in dialog.extra_check.text()
    dialog.extra_check.setChecked(False)
    assert dialog.chosen_columns() == (["u"], ["v"])
    dialog.window_spin.setValue(10)
    dialog.stride_spin.setValue(5)
    assert dialog.import_button.isEnabled()
    import_file(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.X.shape == (10, 11, 1) and dialog.Y.shape == (10, 11, 1)  # (60-10)/5+1 windows
    assert dialog.csv_settings() == {"path": str(good_csv), "inputs": ["u"], "targets": ["v"],
                                     "window": 10, "stride": 5, "normalize": "none"}


def test_choosing_a_column_twice_is_refused(qtbot, good_csv):
    dialog = CsvImportDialog(["x0"], ["y0"])
    qtbot.addWidget(dialog)
    dialog.load_path(str(good_csv))
    dialog.target_combos[0].setCurrentText("u")
    assert not dialog.import_button.isEnabled() and "'u'" in dialog.message.text()


@pytest.mark.parametrize("bad_row", [7, PREVIEW_ROWS + 10])  # in the preview, and beyond it
def test_a_non_numeric_cell_is_reported_with_row_and_column(qtbot, tmp_path, bad_row):
    rows = [("u", "v")] + [(i, i + 1) for i in range(70)]
    rows[bad_row - 1] = ("1.5", "oops")  # file row bad_row (the header is row 1)
    path = _write(tmp_path / "bad.csv", rows)
    dialog = CsvImportDialog(["x0"], ["y0"])
    qtbot.addWidget(dialog)
    assert dialog.load_path(str(path))  # the preview does not need numbers
    dialog.window_spin.setValue(10)
    import_file(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.X is None and dialog.Y is None
    text = dialog.message.text()
    assert f"row {bad_row}" in text and "'v'" in text and "'oops'" in text


def test_a_wrong_column_count_is_reported_with_its_row(qtbot, tmp_path):
    rows = [("u", "v")] + [(i, i + 1) for i in range(70)]
    rows[PREVIEW_ROWS + 5] = (1, 2, 3)
    path = _write(tmp_path / "ragged.csv", rows)
    dialog = CsvImportDialog(["x0"], ["y0"])
    qtbot.addWidget(dialog)
    assert dialog.load_path(str(path))  # the bad row is after the preview
    import_file(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.X is None
    assert f"row {PREVIEW_ROWS + 6} has 3 columns; the header has 2" in dialog.message.text()
    # a bad row inside the preview is reported at once
    rows[PREVIEW_ROWS + 5], rows[4] = (1, 2), (9,)
    _write(path, rows)
    assert not dialog.load_path(str(path))
    assert "row 5 has 1 columns" in dialog.message.text()
    assert not dialog.import_button.isEnabled()


def test_too_few_columns_for_the_network(qtbot, good_csv):
    dialog = CsvImportDialog(["a", "b", "c"], ["y"])
    qtbot.addWidget(dialog)
    dialog.load_path(str(good_csv))
    assert not dialog.import_button.isEnabled()
    assert "needs 3 input and 1 target" in dialog.message.text()


def _run_dialog_with(monkeypatch, path, window=10):
    """Make the dock's Import CSV… button run the dialog on `path` and press Import."""
    def fake_exec(dialog):
        dialog.load_path(str(path))
        dialog.extra_check.setChecked(False)  # the network's one input only
        dialog.window_spin.setValue(window)
        import_file(dialog)
        return dialog.result()
    monkeypatch.setattr(CsvImportDialog, "exec", fake_exec)


def test_the_dock_imports_csv_data_and_trains_on_it(qtbot, window, dock, good_csv,
                                                    monkeypatch):
    _run_dialog_with(monkeypatch, good_csv)
    dock.csv_button.click()
    net = window.doc.net
    assert net.training["csv"]["inputs"] == ["u"] and "task" not in net.training
    assert dock.source_combo.currentData() == "__csv__"
    assert not dock.params_form.isVisibleTo(dock) or dock.params_form.task is None
    before = net.get_params()
    dock.settings_form.epochs.setValue(3)
    result = train_to_end(qtbot, dock)
    assert result.error is None and result.epochs_done == 3
    assert net.get_params() != before
    assert len(dock.history.grad_through_time) == 10  # sequences are the CSV's windows


def test_a_bad_file_imports_nothing(qtbot, window, dock, tmp_path, monkeypatch):
    rows = [("u", "v")] + [(i, i + 1) for i in range(30)]
    rows[12] = ("x", 1)
    _run_dialog_with(monkeypatch, _write(tmp_path / "bad.csv", rows))
    training, count = dict(window.doc.net.training), window.doc.stack.count()
    dock.csv_button.click()
    assert window.doc.net.training == training
    assert window.doc.stack.count() == count
    assert dock.settings().csv is None and dock.source_combo.currentData() == "sine"


def test_the_file_is_read_off_the_ui_thread_and_cancel_drops_it(qtbot, good_csv, monkeypatch):
    """Issue 14, item 5: a large CSV is read while the dialog stays responsive."""
    import threading

    from rnnstudio import tasks
    gate, threads = threading.Event(), []
    real = tasks.from_csv

    def slow(*args, **kwargs):
        threads.append(threading.current_thread())
        gate.wait(10.0)
        return real(*args, **kwargs)
    monkeypatch.setattr(tasks, "from_csv", slow)
    dialog = CsvImportDialog(["x0"], ["y0"])
    qtbot.addWidget(dialog)
    dialog.load_path(str(good_csv))
    dialog.accept()
    assert dialog.reading and not dialog.import_button.isEnabled()
    assert "Reading series.csv" in dialog.message.text()
    dialog.reject()
    gate.set()
    qtbot.waitUntil(lambda: not threads[0].is_alive(), timeout=20_000)
    qtbot.wait(20)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.X is None
    assert threads[0] is not threading.main_thread()
