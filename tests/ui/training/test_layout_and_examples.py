"""The dock's layout (wide: side by side; narrow or short: tabs), the plots' arrangement, and
the vanishing-gradients example (listed in File > Open Example, loads, shows the collapse)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import rnnstudio as rs
from rnnstudio import tasks

from .conftest import train_to_end

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "vanishing-gradients.rnn.json"


def test_a_narrow_dock_shows_setup_and_plots_as_tabs(qtbot, window, dock):
    dock.setFloating(True)
    dock.resize(1300, 700)
    qtbot.waitUntil(lambda: dock.narrow is False)
    assert dock.pages.currentWidget() is dock.splitter
    assert dock.controls.isVisibleTo(dock) and dock.plots.isVisibleTo(dock)
    dock.resize(500, 700)
    qtbot.waitUntil(lambda: dock.narrow is True)
    assert dock.pages.currentWidget() is dock.tabs and dock.tabs.count() == 2
    assert dock.tabs.currentWidget() is dock.controls
    train_to_end(qtbot, dock)
    assert dock.tabs.currentWidget() is dock.plots  # Train brings the plots into view
    dock.resize(1300, 700)
    qtbot.waitUntil(lambda: dock.narrow is False)
    assert dock.tabs.count() == 0 and dock.plots.isVisibleTo(dock)


def test_plots_go_in_one_row_only_when_wide_and_never_clip(qtbot):
    from PySide6.QtCore import Qt
    from rnnstudio.ui.training.history import TrainingHistory
    from rnnstudio.ui.training.plots import TrainingPlotsWidget
    plots = TrainingPlotsWidget(TrainingHistory())
    qtbot.addWidget(plots)
    plots.show()
    for size, columns in (((1200, 300), 4), ((700, 250), 2), ((700, 500), 2), ((1200, 600), 2),
                          ((500, 700), 1), ((500, 200), 2)):
        plots.resize(*size)
        qtbot.waitUntil(lambda: plots.columns == columns)
        need = plots.graphics.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
        assert plots.graphics.width() >= need  # the plots are never clipped
        assert plots.graphics.minimumWidth() <= 250  # and never widen the dock


def _view(plot):
    (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
    return x0, x1, y0, y1


def test_live_plot_ranges_hold_the_data_and_move_only_when_outgrown(qtbot):
    from rnnstudio.ui.training.history import TrainingHistory
    from rnnstudio.ui.training.plots import TrainingPlotsWidget
    history = TrainingHistory()
    plots = TrainingPlotsWidget(history)
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.show()
    plots.expect_run(epochs=6, steps=6, lags=1)
    views = []
    for epoch, loss in enumerate((0.9, 0.7, 0.6, 0.5, 0.45, 0.04), start=1):
        history.add_batch({"batch": 0, "grad_norm": 3.0 / epoch})
        history.add_epoch({"loss": loss, "val_loss": loss * 1.2})
        plots.refresh()
        x0, x1, y0, y1 = _view(plots.loss_plot)
        assert x0 <= 1 and x1 >= 6  # the whole run's epochs are in view (y in log10 units)
        assert y0 <= np.log10(loss) and y1 >= np.log10(1.2 * 0.9)
        views.append(_view(plots.loss_plot))
    assert views[0] == views[1] == views[4]  # the data stayed inside: the axes stay put
    assert views[5] != views[4]  # the loss fell below a decade: the range grew
    plots.loss_plot.getViewBox().setRange(xRange=(2, 3), yRange=(-1, 0), padding=0)
    plots.loss_plot.getViewBox().sigRangeChangedManually.emit([True, True])
    history.add_epoch({"loss": 0.03})  # a seventh epoch: beyond the expected run
    plots.refresh()
    assert np.allclose(_view(plots.loss_plot), (2, 3, -1, 0))  # the user's zoom is kept


def test_the_outputs_plot_waits_for_the_end_of_training(qtbot, window, dock):
    dock.plots.refresh()
    assert dock.plots.out_note.isVisible()
    train_to_end(qtbot, dock)
    dock.plots.refresh()
    assert not dock.plots.out_note.isVisible()
    x, y = dock.plots.out_curves[0].getData()
    assert len(x) == 12 and np.isfinite(y).all()


def test_the_clip_line_follows_the_setting(qtbot, dock):
    dock.settings_form.clip.setValue(0.5)
    assert dock.plots.clip_line.isVisible()
    assert np.isclose(10 ** dock.plots.clip_line.value(), 0.5)
    dock.settings_form.clip.setValue(0.0)
    assert not dock.plots.clip_line.isVisible()


def test_the_vanishing_gradients_example_is_listed_and_loads(qtbot, window, dock):
    names = [a.text() for a in window.examples_menu.actions()]
    assert "vanishing-gradients" in names
    window.files.open_example(EXAMPLE)
    net = window.doc.net
    assert "Gradient through time" in net.description
    s = dock.settings()
    assert (s.task, s.task_params["T"]) == ("adding", net.training["task"]["params"]["T"])
    assert s.task_params["T"] >= 60 and dock.fit_label.isHidden()


def test_the_vanishing_gradients_example_shows_the_collapse():
    """||dL/dy(t)|| on a few of the example's own sequences falls by orders of magnitude
    between the end of the sequence and a lag of 50 steps."""
    net = rs.load(EXAMPLE)
    task = net.training["task"]
    X, Y = tasks.make_task(task["name"], **{**task["params"], "n_seq": 16})
    _, grads = rs.gradients(net, X, Y, loss=net.training["loss"])
    by_lag = np.asarray(grads.through_time)[::-1]
    assert by_lag[50] < 1e-6 * by_lag[0]
    assert np.all(np.diff(np.log10(by_lag[5:60])) < 0)  # it falls steadily with the lag


def test_the_outputs_note_fits_a_narrow_plot(qtbot):
    """In a small window the outputs plot is about 80 px wide: its note wraps to the plot
    instead of running past both of its sides (on one line it did)."""
    from rnnstudio.ui.training import TrainingHistory, TrainingPlotsWidget
    plots = TrainingPlotsWidget(TrainingHistory())
    qtbot.addWidget(plots)
    plots.timer.stop()
    plots.show()
    box, note = plots.out_plot.getViewBox(), plots.out_note
    widths = []
    for width in (1400, 590, 500):  # 590 x 140: the plots in a 1280 x 800 window
        plots.resize(width, 140)
        qtbot.wait(30)
        widths.append(box.width())
        shape = note.mapRectToItem(box, note.boundingRect())
        assert 0 <= shape.left() and shape.right() <= box.width(), (width, shape, box.width())
    assert widths[-1] < 100 < widths[0]  # the note had to wrap on the way
