"""How the training dock's four plots share their space: all four in a grid whose shape suits
the space (one row in a wide, low dock; two by two; one column in a tall one), or one plot
enlarged to all of it. The view box above the plots, or a double click on a plot, switch between
them; the panel's Window button gives the plots a window of their own."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox

ALL = "all"
ASPECT = 1.6  # a plot reads best about this much wider than tall
MIN_HEIGHT = 90  # the plots' area never gets smaller than this (the dock's minimum height)
MIN_PLOT_HEIGHT = 80  # a plot lower than this shows little more than its axes
CELL_SPACING = 14  # the layout's spacing and margins, per column, in pixels
LABELLED_HEIGHT = 170  # a plot this high or more has its x axis labelled


def grid_columns(width: float, height: float, count: int = 4, min_width: float = 0,
                 min_height: float = 0) -> int:
    """1, 2 or 4 columns for `count` plots in width x height: among the arrangements whose
    plots get at least min_width x min_height, the one whose cells hold the largest plot of a
    readable shape (ASPECT wide for one high); when none fits, the one that overflows least."""
    def rows(columns: int) -> int:
        return math.ceil(count / columns)

    def plot_height(columns: int) -> float:
        return min(width / columns / ASPECT, height / rows(columns))

    def overflow(columns: int) -> float:
        return max(0.0, columns * min_width / width - 1) + \
            max(0.0, rows(columns) * min_height / height - 1)
    fitting = [c for c in (4, 2, 1) if overflow(c) == 0]
    if not fitting:
        return min((4, 2, 1), key=overflow)
    return max(fitting, key=plot_height)  # ties: the wider arrangement


class PlotGrid(QObject):
    """Arranges `plots` ({key: PlotItem}, in order) in `graphics`: the grid, or one of them."""

    view_changed = Signal(str)  # ALL or the key of the plot shown alone

    def __init__(self, graphics: pg.GraphicsLayoutWidget, plots: dict[str, pg.PlotItem],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.graphics, self.plots = graphics, dict(plots)
        self.view, self.columns = ALL, 0
        self._size = QSize(800, 300)
        graphics.scene().sigMouseClicked.connect(self._on_click)
        for plot in self.plots.values():
            plot.geometryChanged.connect(lambda p=plot: self.label_axis(p))

    @staticmethod
    def label_axis(plot: pg.PlotItem) -> None:
        """A short plot leaves its x axis unlabelled (its title says what x is): the height
        goes to the curves."""
        show = plot.height() >= LABELLED_HEIGHT
        axis = plot.getAxis("bottom")
        if axis.label.isVisible() != show:
            axis.showLabel(show)

    def show(self, view: str) -> None:
        """Show all plots (ALL) or only the plot `view`."""
        if view != self.view:
            self.view = view
            self._lay_out(self.columns or 2, force=True)
            self.view_changed.emit(view)

    def fit(self, size: QSize) -> None:
        """Re-arrange the grid for an area of `size` (only when its shape calls for it)."""
        self._size = QSize(size)
        self._lay_out(grid_columns(max(size.width(), 1), max(size.height(), 1), len(self.plots),
                                   self._plot_min_width() + CELL_SPACING, MIN_PLOT_HEIGHT))

    def _plot_min_width(self) -> float:
        return max(p.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()
                   for p in self.plots.values())

    def _lay_out(self, columns: int, force: bool = False) -> None:
        if columns == self.columns and not force:
            return
        self.columns = columns
        layout = self.graphics.ci
        for plot in self.plots.values():
            if plot in layout.items:
                layout.removeItem(plot)
        shown = list(self.plots.values()) if self.view == ALL else [self.plots[self.view]]
        per_row = columns if self.view == ALL else 1
        for i, plot in enumerate(shown):
            layout.addItem(plot, row=i // per_row, col=i % per_row)
        for plot in self.plots.values():
            plot.setVisible(plot in shown)
        # the widget's minimum is one plot's: a narrower area gets fewer columns (fit), so the
        # plots are never clipped, and four in a row never widen the dock or the window
        self.graphics.setMinimumSize(int(math.ceil(self._plot_min_width())) + 4, MIN_HEIGHT)
        # the grid fills the view again now: changing its items shrank it to its size hint,
        # and pyqtgraph sets it to the view's rectangle only when the view is resized
        layout.setGeometry(self.graphics.range)

    def _on_click(self, event) -> None:
        """A double click on a plot enlarges it; on the enlarged plot, it brings back all four."""
        if not event.double() or event.button() != Qt.MouseButton.LeftButton:
            return
        if self.view != ALL:
            self.show(ALL)
            return
        for key, plot in self.plots.items():
            if plot.sceneBoundingRect().contains(event.scenePos()):
                self.show(key)
                return


def view_box(grid: PlotGrid, labels: dict[str, str]) -> QComboBox:
    """A compact chooser of the view (`labels`: {ALL or plot key: text}), kept in step with the
    grid (a double click on a plot changes the view too)."""
    box = QComboBox()
    for key, text in labels.items():
        box.addItem(text, key)
    box.setToolTip("Show all four plots, or one as large as the panel (double-clicking a plot "
                   "does the same)")
    box.setCurrentIndex(box.findData(grid.view))
    box.activated.connect(lambda i: grid.show(box.itemData(i)))
    grid.view_changed.connect(lambda key: box.setCurrentIndex(box.findData(key)))
    return box
