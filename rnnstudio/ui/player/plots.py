"""Plots of a played sequence: selected states, outputs against targets, and a heatmap.

Every curve is created once and updated with `setData`; the cursor is a line that moves.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from .. import style
from ..plaintext import markup
from ..plot_export import install_plot_export
from .colors import colormap_stops, lookup_table
from .controller import PlayerController

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]
MAX_CURVES = len(PALETTE)
TARGET_COLOR = "#343a40"  # targets: dark grey markers, never an output's colour
TARGET_SYMBOLS = ("o", "s", "t", "d", "star")  # one shape per output
LEGEND_COLUMNS = 6


def _plot(title: str, left: str) -> pg.PlotWidget:
    w = pg.PlotWidget(background="w")
    w.setTitle(title, color="#333", size="10pt")
    w.setLabel("bottom", "step t")
    w.setLabel("left", left)
    w.showGrid(x=True, y=True, alpha=0.2)
    _legend_below(w.getPlotItem())
    w.setMouseEnabled(y=False)
    for axis in ("left", "bottom"):
        w.getAxis(axis).enableAutoSIPrefix(False)  # values as they are, not "x0.001"
    return w


def _legend_below(plot: pg.PlotItem) -> pg.LegendItem:
    """A legend in a row under the plot, never over its curves (it stays `plot.legend`, where
    the export menu reads the curves' names)."""
    legend = pg.LegendItem(labelTextSize="8pt", colCount=LEGEND_COLUMNS)
    legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
    plot.layout.addItem(legend, 4, 1)
    plot.layout.setAlignment(legend, Qt.AlignmentFlag.AlignLeft)
    plot.legend = legend
    return legend


def _cursor_line() -> pg.InfiniteLine:
    return pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#444", width=1, style=Qt.DashLine))


class PlayerPlotsWidget(QTabWidget):
    """States of the selected neurons, outputs vs targets, and every value as a heatmap."""

    def __init__(self, player: PlayerController, parent: QWidget | None = None):
        super().__init__(parent)
        self.player = player
        self.selected: list[str] = []
        self.states = _plot("States of the selected neurons (click, Ctrl+click nodes on the "
                            "canvas)", "value")
        self.outputs = _plot("Outputs and targets", "value")
        self.heat = pg.PlotWidget(background="w")
        self._build_heatmap()
        self._state_curves = [self.states.plot(pen=pg.mkPen(c, width=1)) for c in PALETTE]
        self._output_curves: list[pg.PlotDataItem] = []
        self._target_curves: list[pg.PlotDataItem] = []
        self._cursors = [_cursor_line() for _ in range(3)]
        for w, line in zip((self.states, self.outputs, self.heat), self._cursors):
            w.addItem(line)
        self.addTab(self._wrap(self.states), "States")
        self.addTab(self._wrap(self.outputs), "Outputs")
        self.addTab(self._wrap(self.heat), "Heatmap")
        self.heat.getPlotItem().export_row_names = self._heat_rows  # rows of the CSV export
        self._stale: set = set()  # plots hidden when a big network's trajectory came
        for w in (self.states, self.outputs, self.heat):
            install_plot_export(w)
            w.installEventFilter(self)  # (shown: catch up)
        player.trajectory_changed.connect(self._on_trajectory_changed)
        player.cursor_changed.connect(self._on_cursor_changed)

    @staticmethod
    def _wrap(w: QWidget) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(w)
        return box

    def _build_heatmap(self) -> None:
        self.heat.setTitle("Every node over time (rows in ordering)", color="#333", size="10pt")
        self.heat.setLabel("bottom", "step t")
        self.heat.setLabel("left", "node (ordering)")
        self.heat.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(lookup_table())
        self.heat.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.ColorMap(
            np.linspace(0, 1, 3), colormap_stops()),
            interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=self.heat.getPlotItem())

    def _heat_rows(self) -> list[str]:
        tr = self.player.trajectory
        return list(tr.order) if tr is not None else []

    # ------------------------------------------------------------------ selection
    def set_selected(self, nodes: list[str]) -> None:
        """Show these neurons' states (at most ten curves)."""
        self.selected = list(nodes)[:MAX_CURVES]
        self._update_states()

    def toggle(self, node: str) -> None:
        if node in self.selected:
            self.selected.remove(node)
        elif len(self.selected) < MAX_CURVES:
            self.selected.append(node)
        self._update_states()

    # ------------------------------------------------------------------ updates
    def _on_trajectory_changed(self) -> None:
        """Every plot follows the new trajectory; a big network's plots that are not on
        screen (a tab or dock behind another) when they are next shown (the outputs' 50
        curves took 25-50 ms of the UI at every re-run at 5k/50k, behind the States tab)."""
        tr = self.player.trajectory
        if tr is not None:
            self.selected = [n for n in self.selected if n in tr.order]
        for w in (self.states, self.outputs, self.heat):
            if self.player.runs_in_background() and not w.isVisible():
                self._stale.add(w)
            else:
                self._stale.discard(w)
                self._updates()[w]()
        self._on_cursor_changed(self.player.t, self.player.k)

    def _updates(self) -> dict:
        return {self.states: self._update_states, self.outputs: self._update_outputs,
                self.heat: self._update_heatmap}

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show and obj in self._stale:
            self._stale.discard(obj)
            self._updates()[obj]()
        return False

    def _update_states(self) -> None:
        tr = self.player.trajectory
        shown = [] if tr is None else self.selected[:len(self._state_curves)]
        self._state_legend(None if tr is None else tuple(shown))
        for i, curve in enumerate(self._state_curves):
            if i < len(shown):
                curve.setData(np.arange(tr.T), tr.values[:, tr.index(shown[i])])
                curve.show()
            else:
                curve.setData([], [])
                curve.hide()

    def _state_legend(self, names: tuple | None) -> None:
        """The states' legend for these names: kept while they stay the same (a big network's
        re-run drops the trajectory and brings it back at every edit: making the entries
        again cost 20-100 ms each time), hidden while there is no trajectory (`names` None)."""
        legend = self.states.getPlotItem().legend
        legend.setVisible(names is not None)
        if names is None or names == getattr(self, "_states_for", None):
            return
        legend.clear()
        self._states_for = names
        for curve, name in zip(self._state_curves, names):
            legend.addItem(curve, markup(name))

    def _update_outputs(self) -> None:
        tr = self.player.trajectory
        n = 0 if tr is None else len(tr.outputs)
        self._ensure_output_curves(n)
        legend = self.outputs.getPlotItem().legend
        names = None if tr is None else (tuple(tr.outputs), tr.Y is not None)
        # the same names: keep the legend (rebuilding 50 entries cost 100 ms at every re-run),
        # hidden while there is no trajectory (a big network's re-run is due a moment)
        legend.setVisible(names is not None)
        if names is not None and names != getattr(self, "_legend_for", None):
            legend.clear()
            self._legend_for = names
            for j, name in enumerate(() if tr is None else tr.outputs):
                legend.addItem(self._output_curves[j], markup(name))
                if tr.Y is not None:
                    legend.addItem(self._target_curves[j], markup(f"{name} target"))
        if tr is None:
            return
        t = np.arange(tr.T)
        out = tr.outputs_over_time()
        for j, name in enumerate(tr.outputs):
            self._output_curves[j].setData(t, out[:, j])
            if tr.Y is not None:
                self._target_curves[j].setData(t, tr.Y[:, j], connect="finite")
            else:
                self._target_curves[j].setData([], [])

    def _ensure_output_curves(self, n: int) -> None:
        while len(self._output_curves) < n:
            color = PALETTE[len(self._output_curves) % len(PALETTE)]
            self._output_curves.append(self.outputs.plot(pen=pg.mkPen(color, width=1)))
            shape = TARGET_SYMBOLS[(len(self._target_curves)) % len(TARGET_SYMBOLS)]
            self._target_curves.append(self.outputs.plot(
                pen=None, symbol=shape, symbolSize=6, symbolBrush=TARGET_COLOR,
                symbolPen=None))
        for j, (a, b) in enumerate(zip(self._output_curves, self._target_curves)):
            a.setVisible(j < n)
            b.setVisible(j < n)

    def _update_heatmap(self) -> None:
        tr = self.player.trajectory
        if tr is None or tr.values.size == 0:
            self.image.clear()
            return
        scale = tr.scale()
        self.image.setImage(tr.values.T, levels=(-scale, scale), autoLevels=False)
        self.image.setRect(-0.5, -0.5, tr.T, len(tr.order))
        self.colorbar.setLevels((-scale, scale))
        self.colorbar.axis.setTicks([list(zip((-scale, 0.0, scale), style.scale_labels(scale)))])
        ticks = [(i, n) for i, n in enumerate(tr.order)] if len(tr.order) <= 40 else None
        self.heat.getAxis("left").setTicks([ticks] if ticks else None)

    def _on_cursor_changed(self, t: int, k: int) -> None:
        for line in self._cursors:
            line.setValue(t)
            line.setVisible(t >= 0)
