"""Every plot exports to PNG, SVG and CSV from its right-click menu, and copies its data."""

from __future__ import annotations

import csv
import io

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from rnnstudio.ui.document import examples_dir
from rnnstudio.ui.plot_export import export_plot, plot_csv
from rnnstudio.ui.training.history import TrainingHistory
from rnnstudio.ui.training.plots import TrainingPlotsWidget

from .conftest import small_net


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _right_click(widget, plot) -> None:
    centre = widget.mapFromScene(plot.sceneBoundingRect().center())
    vp = widget.viewport()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, vp.mapToGlobal(centre))
    QApplication.sendEvent(vp, event)


def test_player_plots_export_their_curves_with_legend_names(window, qtbot, tmp_path):
    window.doc.new(small_net())
    window.show()
    qtbot.waitExposed(window)
    plots, p = window.player.plots, window.player.controller
    tr = p.trajectory
    table = rows(plot_csv(plots.outputs.getPlotItem()))
    assert table[0] == ["step t", "y"]  # a typed sequence: no targets
    out = tr.outputs_over_time()[:, 0]
    np.testing.assert_allclose([float(r[1]) for r in table[1:]], out)
    assert len(table) - 1 == tr.T
    heat = rows(plot_csv(plots.heat.getPlotItem()))
    assert heat[0][:3] == ["row", "t=0", "t=1"] and [r[0] for r in heat[1:]] == list(tr.order)
    np.testing.assert_allclose(np.array([[float(v) for v in r[1:]] for r in heat[1:]]),
                               tr.values.T)
    for kind in ("png", "svg", "csv"):
        path = export_plot(plots.states.getPlotItem(), tmp_path / f"states.{kind}")
        assert path.stat().st_size > 100
    image = QImage(str(tmp_path / "states.png"))
    assert image.width() >= 1.9 * plots.states.getPlotItem().sceneBoundingRect().width()
    svg = (tmp_path / "states.svg").read_text()
    assert "<svg" in svg and "<image" not in svg  # vectors, markers included


def test_the_right_click_menu_exports_and_copies(window, qtbot, tmp_path, monkeypatch):
    window.files.open_example(examples_dir() / "elman-sine.rnn.json")
    qtbot.waitUntil(lambda: getattr(window.player.controller.trajectory, "Y", None) is not None,
                    timeout=20_000)  # the example's training data, built off the UI thread
    window.show()
    window.player.plots_dock.raise_()
    window.player.plots.setCurrentIndex(1)
    qtbot.waitExposed(window)
    widget = window.player.plots.outputs
    plot = widget.getPlotItem()
    _right_click(widget, plot)
    menu = widget._export_menu.menu
    assert menu is not None and menu.isVisible()
    assert [a.text().replace("&", "") for a in menu.actions() if a.text()] == [
        "Export Image (PNG)…", "Export Drawing (SVG)…", "Export Data (CSV)…", "Copy Data",
        "Reset Zoom"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(tmp_path / "outputs"), "")))
    menu.actions()[2].trigger()
    table = rows((tmp_path / "outputs.csv").read_text())
    assert table[0] == ["step t", "y0", "y0 target"]
    Y = window.player.controller.trajectory.Y[:, 0]
    np.testing.assert_allclose([float(r[2]) if r[2] else np.nan for r in table[1:]], Y)
    menu.actions()[3].trigger()
    assert QGuiApplication.clipboard().text() == (tmp_path / "outputs.csv").read_text()
    menu.actions()[1].trigger()  # the targets are markers: drawn as shapes in the SVG
    assert "<image" not in (tmp_path / "outputs.svg").read_text()
    menu.close()


def test_training_plots_export_the_plot_under_the_cursor(qtbot, tmp_path):
    history = TrainingHistory()
    w = TrainingPlotsWidget(history)
    qtbot.addWidget(w)
    w.resize(900, 500)
    w.show()
    qtbot.waitExposed(w)
    history.add_records([{"batch": 0, "grad_norm": 2.0, "grad_norm_through_time": [1.0, 0.1]},
                         {"batch": None, "loss": 0.5, "val_loss": 0.6},
                         {"batch": None, "loss": 0.25, "val_loss": 0.3}])
    w.refresh()
    _right_click(w.graphics, w.loss_plot)
    menu = w.graphics._export_menu.menu
    assert menu is not None
    menu.close()
    assert w.graphics._export_menu.plot_at(w.graphics.mapFromScene(
        w.loss_plot.sceneBoundingRect().center())) is w.loss_plot
    table = rows(plot_csv(w.loss_plot))
    assert table == [["epoch", "training", "validation"], ["1.0", "0.5", "0.6"],
                     ["2.0", "0.25", "0.3"]]  # the values, not their logarithms
    for kind in ("png", "svg"):
        assert export_plot(w.gtt_plot, tmp_path / f"gtt.{kind}").stat().st_size > 100


def test_an_empty_plot_says_so_instead_of_writing_an_empty_file(tmp_path):
    plot = pg.PlotItem()
    try:
        export_plot(plot, tmp_path / "empty.csv")
    except OSError as exc:
        assert "no data" in str(exc)
    else:
        raise AssertionError("an empty plot was exported")
    assert not (tmp_path / "empty.csv").exists()
