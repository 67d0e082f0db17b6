"""The training plots are readable in the window as it opens at 1600x1000 and 1280x800: every
plot inside its panel, titles (which carry the legends: no legend box over a curve) and axis
labels inside their plots, outputs and targets in different colours; any plot can be enlarged,
and the panel can get a window of its own."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

from rnnstudio.ui.training.plot_grid import ALL, grid_columns
from rnnstudio.ui.training.plot_titles import text_width
from rnnstudio.ui.training.plots import LOG_LABEL_SPACING

from .conftest import train_to_end


def plots_of(dock):
    return dict(dock.plots.grid.plots)


def check_readable(plots) -> None:
    view = QRectF(plots.graphics.viewport().rect())
    for key, plot in plots.grid.plots.items():
        if not plot.isVisible():
            continue
        rect = plots.graphics.mapFromScene(plot.sceneBoundingRect()).boundingRect()
        assert view.adjusted(-1, -1, 1, 1).contains(QRectF(rect)), (key, rect, view)
        assert plot.legend is None  # the legend is in the title
        assert text_width(plot.titleLabel.text) <= plot.width() + 1, key
        title = plot.titleLabel.geometry()  # centred over the whole plot, not past its edge
        assert title.left() <= 2 and title.right() >= plot.width() - 2, (key, title)
        label = plot.getAxis("left").label
        if label.isVisible():  # the rotated y label fits the plot's height
            assert label.boundingRect().width() <= plot.height(), key
        check_log_labels_apart(plot.getAxis("left"), key)


def check_log_labels_apart(axis, key) -> None:
    """A log axis's labels are LOG_LABEL_SPACING pixels apart at least: at 1280x800 the loss
    axis, 80 pixels over two decades, wrote 1, 0.5, 0.2, 0.1, 0.05, 0.02 and 0.01 in it."""
    if not axis.logMode:
        return
    lo, hi = axis.range
    values = [v for _, level in axis.tickValues(lo, hi, axis.geometry().height()) for v in level]
    shown = sorted(v for v, t in zip(values, axis.logTickStrings(values, 1, None)) if t)
    assert len(shown) >= 2, key
    gaps = np.diff(shown) * axis.decade_pixels()
    assert gaps.min() >= LOG_LABEL_SPACING - 0.5, (key, shown, axis.decade_pixels())


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800)])
def test_the_plots_are_readable_in_the_window_as_it_opens(qtbot, window, dock, size):
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    dock.raise_()
    train_to_end(qtbot, dock)
    qtbot.wait(50)
    plots = dock.plots
    assert plots.isVisible() and plots.grid.view == ALL
    check_readable(plots)
    for key in plots_of(dock):  # each plot enlarged to the whole panel
        plots.grid.show(key)
        qtbot.wait(10)
        plot = plots.grid.plots[key]
        assert plot.width() >= 0.9 * plots.graphics.width()
        check_readable(plots)
    plots.grid.show(ALL)


def test_outputs_and_targets_have_different_colours(qtbot, window, dock):
    train_to_end(qtbot, dock)
    dock.plots.refresh()
    output = pg.mkPen(dock.plots.out_curves[0].opts["pen"]).color().name()
    target = pg.mkBrush(dock.plots.target_curves[0].opts["symbolBrush"]).color().name()
    assert output != target
    assert "target" in dock.plots.titles.shown(dock.plots.out_plot) or \
        dock.plots.out_plot.width() < 250


def test_a_double_click_enlarges_a_plot_and_brings_all_back(qtbot, window, dock):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    dock.raise_()
    dock.show_plots()
    plots = dock.plots
    qtbot.wait(20)
    grid = plots.grid
    center = grid.plots["grad"].sceneBoundingRect().center()
    grid._on_click(FakeClick(center))
    assert grid.view == "grad" and not grid.plots["loss"].isVisible()
    assert plots.view_box.currentData() == "grad"
    grid._on_click(FakeClick(center))
    assert grid.view == ALL and all(p.isVisible() for p in grid.plots.values())


def test_the_panel_gets_a_window_of_its_own_and_comes_back(qtbot, window, dock):
    window.show()
    qtbot.waitExposed(window)
    dock.plots.window_button.click()
    assert dock.isFloating() and dock.plots.window_button.text() == "Dock"
    dock.plots.window_button.click()
    assert not dock.isFloating() and dock.plots.window_button.text() == "Window"


@pytest.mark.parametrize("width, height, columns", [
    (1200, 300, 4), (700, 250, 2), (500, 700, 1), (560, 110, 4), (300, 600, 1)])
def test_the_grid_takes_the_shape_that_suits_the_space(width, height, columns):
    assert grid_columns(width, height, 4, min_width=130, min_height=80) == columns


class FakeClick:
    """What pyqtgraph's scene hands to sigMouseClicked, for a left double click."""

    def __init__(self, pos: QPointF):
        self._pos = pos

    def double(self) -> bool:
        return True

    def button(self):
        return Qt.MouseButton.LeftButton

    def scenePos(self) -> QPointF:  # noqa: N802 - pyqtgraph's name
        return self._pos
