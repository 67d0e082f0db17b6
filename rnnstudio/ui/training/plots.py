"""Live training plots: each curve is created once and updated with setData on a timer.

Four panels in one pyqtgraph layout: loss per epoch (training and validation, optional log y),
gradient norm per optimizer step (with the clipping threshold), gradient through time
(||dL/dy(t)|| against the lag from the end of the sequence, log y) and, after training, outputs
against targets on validation sequences. Each plot's legend is part of its title, so it never
covers a curve; the panels share the space as `plot_grid` arranges them (a grid, or one enlarged).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QToolButton,
                               QVBoxLayout, QWidget)

from ..plaintext import markup
from ..plot_export import install_plot_export
from .history import TrainingHistory
from .plot_grid import ALL, PlotGrid, view_box
from .plot_titles import PlotTitles

REFRESH_MS = 100  # 10 Hz, like the canvas; a repaint of the four plots costs a few ms
TRAIN_COLOR = "#2f6fde"
VAL_COLOR = "#e8590c"
GRAD_COLOR = "#5b6b8c"
CLIP_COLOR = "#d1453b"
GTT_COLOR = "#7b4fd6"
SEQ_COLORS = ("#2f6fde", "#2b8a3e", "#9c36b5")  # outputs: one colour per sequence
TARGET_COLOR = "#495057"  # targets: dark grey dots, whatever the sequence
AXIS_COLOR = "#4c566a"
MAX_SEQS = 3
X_LABEL_SPACING = 48  # x axes: pixels between labelled ticks, at least
LOG_LABEL_SPACING = 14  # log axes: pixels between labels, at least (else decades only)
NOTE_MARGIN = 8  # the outputs plot's note keeps this far from the plot's sides, in all
LEFT_AXIS_WIDTH = 58  # fixed: a y axis sized to its labels made every new label width lay the
                      # whole row out again (and redraw all eight axes: 10-30 ms)
VIEW_LABELS = {ALL: "All four plots", "loss": "Loss", "grad": "Gradient norm",
               "gtt": "Gradient through time", "outputs": "Outputs and targets"}


def _pen(color: str, width: float = 1.0, dash: bool = False) -> pg.mkPen:
    """A pen; width 1 (cosmetic) because wider pens made pyqtgraph 5-9x slower to draw."""
    pen = pg.mkPen(color, width=width)
    if dash:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _finite_or_nan(values: np.ndarray, positive: bool = False) -> np.ndarray:
    """Non-finite (and, for log axes, non-positive) values become NaN gaps."""
    out = np.array(values, dtype=np.float64)
    bad = ~np.isfinite(out)
    if positive:
        bad |= out <= 0
    out[bad] = np.nan
    return out


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_tick_label(value: float) -> str:
    """A log-axis label: 1, 2 and 5 times a power of ten get one ("0.02", "5·10⁻⁶"), the other
    minor ticks none, so the labels never overlap."""
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0 ** exponent)
    if mantissa not in (1, 2, 5):
        return ""
    if -3 <= exponent <= 3:
        return f"{mantissa * 10.0 ** exponent:g}"
    power = f"10{str(exponent).translate(_SUPERSCRIPT)}"
    return power if mantissa == 1 else f"{mantissa}·{power}"


class CompactAxisItem(pg.AxisItem):
    """An axis without SI-prefix scaling and with uncluttered log-scale labels."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        """1, 2 and 5 times each power of ten, or the powers alone where 1 and 2 would come
        closer than LOG_LABEL_SPACING pixels (a plot 80 pixels high over two decades ran
        "0.05", "0.02" and "0.01" into each other)."""
        labels = [log_tick_label(10.0 ** float(v) * scale) if math.isfinite(v) else ""
                  for v in values]
        if self.decade_pixels() * math.log10(2) >= LOG_LABEL_SPACING:
            return labels
        return [t if math.isfinite(v) and abs(v - round(v)) < 1e-6 else ""
                for t, v in zip(labels, values)]

    def decade_pixels(self) -> float:
        """How many pixels a factor of ten takes along this (log) axis."""
        lo, hi = self.range
        vertical = self.orientation in ("left", "right")
        length = self.geometry().height() if vertical else self.geometry().width()
        return length / (hi - lo) if hi > lo else math.inf

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph override
        """Along x, labelled ticks at least X_LABEL_SPACING pixels apart: a narrow plot ran
        its labels together ("100200300")."""
        levels = super().tickSpacing(minVal, maxVal, size)
        span = maxVal - minVal
        if self.orientation not in ("bottom", "top") or not levels or span <= 0 or size <= 0:
            return levels
        major = max(levels[0][0], nice_ceiling(span * X_LABEL_SPACING / size))
        return [(major, 0)] + [(step, offset) for step, offset in levels[1:] if step < major]


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is >= value (value > 0)."""
    exponent = math.floor(math.log10(value))
    for mantissa in (1, 2, 5, 10):
        bound = mantissa * 10.0 ** exponent
        if bound >= value * (1 - 1e-12):
            return bound
    return 10.0 ** (exponent + 1)


def snapped_bounds(lo: float, hi: float, log: bool) -> tuple[float, float]:
    """Round bounds around [lo, hi]: whole decades for a log axis (values in log10, as
    pyqtgraph keeps them), multiples of a 1-2-5 step otherwise."""
    if log:
        low, high = math.floor(lo), math.ceil(hi)
        return (low, high) if high > low else (low - 0.5, high + 0.5)
    span = hi - lo if hi > lo else max(abs(hi), 1e-12)
    step = nice_ceiling(span) / 5
    low, high = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return (low, high) if high > low else (low - step, high + step)


class SnappedRange:
    """Keeps a live plot's range on round bounds that contain its data: x from 0 to the run's
    length (or a 1-2-5 number beyond it), y over whole decades (log) or 1-2-5 steps. A user's
    zoom or pan takes over until the plot's auto-range button is pressed."""

    def __init__(self, plot: pg.PlotItem, log_y: bool):
        self.log_y = log_y
        self.x_extent = 1.0  # the x range reaches at least this far (the run's length)
        self.managed = True
        self._last: tuple | None = None
        box = plot.getViewBox()
        box.disableAutoRange()
        box.sigRangeChangedManually.connect(self._on_user_range)

    def _on_user_range(self, *_args) -> None:
        self.managed = False

    def update(self, plot: pg.PlotItem) -> None:
        box = plot.getViewBox()
        if any(box.autoRangeEnabled()):  # the "A" button: ours again
            box.disableAutoRange()
            self.managed, self._last = True, None
        if not self.managed:
            return
        xs, ys = [], []
        for item in plot.listDataItems():
            if item.isVisible():
                x, y = item.getOriginalDataset()
                if x is not None and len(x):
                    xs.append(np.asarray(x, dtype=float))
                    ys.append(np.asarray(y, dtype=float))
        x = np.concatenate(xs) if xs else np.zeros(0)
        y = np.concatenate(ys) if ys else np.zeros(0)
        keep = np.isfinite(x) & np.isfinite(y) & ((y > 0) if self.log_y else True)
        if not keep.any():
            return
        x, y = x[keep], y[keep]
        if self.log_y:
            y = np.log10(y)
        x_max = float(x.max())
        x_hi = self.x_extent if x_max <= self.x_extent else nice_ceiling(max(x_max, 1.0))
        bounds = (0.0, x_hi) + snapped_bounds(float(y.min()), float(y.max()), self.log_y)
        if bounds != self._last:
            self._last = bounds
            box.setRange(xRange=bounds[:2], yRange=bounds[2:], padding=0.02)


class TrainingPlotsWidget(QWidget):
    """The four live plots of the training dock, fed from a `TrainingHistory`."""

    window_requested = Signal()  # the "window" button: give the plots a window of their own

    def __init__(self, history: TrainingHistory, parent: QWidget | None = None):
        super().__init__(parent)
        self.history = history
        self._drawn_version = -1
        self._drawn_outputs: dict | None = None
        self._clip: float | None = None
        self._has_val = False
        self.titles = PlotTitles()
        self._build()
        # the live plots' ranges snap to round bounds, so their axes are laid out again only
        # when the data outgrow them (pyqtgraph's auto-range moved them, and re-measured every
        # tick label, at every refresh: 10-40 ms)
        self._ranges = {plot: SnappedRange(plot, log_y=True)
                        for plot in (self.loss_plot, self.grad_plot, self.gtt_plot)}
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self._build_loss_plot()
        self._build_grad_plot()
        self._build_gtt_plot()
        self._build_output_plot()
        self.grid = PlotGrid(self.graphics, {"loss": self.loss_plot, "grad": self.grad_plot,
                                             "gtt": self.gtt_plot, "outputs": self.out_plot},
                             self)
        self.header = self._build_header()
        layout.addWidget(self.header)
        layout.addWidget(self.graphics, 1)
        self.grid.fit(self.graphics.size())
        install_plot_export(self.graphics)  # right click: PNG, SVG, CSV, copy data

    def set_in_window(self, floating: bool) -> None:
        """The panel is in a window of its own (or back in place): the button says what it
        will do next."""
        self.window_button.setText("Dock" if floating else "Window")

    @property
    def columns(self) -> int:
        return self.grid.columns

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_columns(event.size())

    def fit_columns(self, size) -> None:
        """Arrange the plots for an area of `size` (the dock calls this ahead of showing the
        plots, so laying them out again does not delay that)."""
        self.grid.fit(size)

    def take_header_back(self) -> None:
        """Put the header (view, log scale, window) back above the plots, after it sat in the
        corner of the dock's tab bar."""
        if self.header.parent() is not self:
            self.layout().insertWidget(0, self.header)
            self.header.show()

    def _build_header(self) -> QWidget:
        header = QWidget()
        row = QHBoxLayout(header)
        row.setContentsMargins(4, 0, 4, 0)
        self.view_box = view_box(self.grid, VIEW_LABELS)
        row.addWidget(self.view_box)
        row.addSpacing(8)
        self.log_check = QCheckBox("Log-scale loss")
        self.log_check.setChecked(True)
        self.log_check.toggled.connect(self._on_log_scale_changed)
        self.summary_label = QLabel("")
        self.summary_label.setStyleSheet("color: #4c566a;")
        self.summary_label.setMinimumWidth(1)  # a long summary is cut, never widens the dock
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
        self.window_button = QToolButton()
        self.window_button.setText("Window")
        self.window_button.setAutoRaise(True)
        self.window_button.setToolTip("Open the training panel in a window of its own, where "
                                      "the plots can be as large as you like (again: dock it)")
        self.window_button.clicked.connect(self.window_requested)
        row.addWidget(self.log_check)
        row.addStretch(1)
        row.addWidget(self.summary_label)
        row.addWidget(self.window_button)
        return header

    def _new_plot(self, title: str, short: str, x_label: str, y_label: str) -> pg.PlotItem:
        axes = {name: CompactAxisItem(name) for name in ("left", "bottom")}
        plot = pg.PlotItem(axisItems=axes)
        self.titles.set(plot, title, short=short)
        # no grid: its lines (every minor tick of a log axis) tripled the cost of a repaint
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(AXIS_COLOR))
            axis.setTextPen(pg.mkPen(AXIS_COLOR))
        plot.setLabel("bottom", x_label, color=AXIS_COLOR)
        plot.setLabel("left", y_label, color=AXIS_COLOR)
        plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.setMenuEnabled(False)
        return plot

    def _build_loss_plot(self) -> None:
        self.loss_plot = self._new_plot("Loss per epoch", "Loss", "epoch", "loss")
        self.loss_plot.setLogMode(y=True)
        self.train_curve = self.loss_plot.plot(pen=_pen(TRAIN_COLOR, 1), name="training",
                                               connect="finite")
        self.val_curve = self.loss_plot.plot(pen=_pen(VAL_COLOR, 1, dash=True),
                                             name="validation", connect="finite")
        self._set_loss_title(has_val=False)

    def _set_loss_title(self, has_val: bool) -> None:
        entries = [(TRAIN_COLOR, "━ training")] + ([(VAL_COLOR, "╍ validation")] if has_val
                                                   else [])
        compact = [(TRAIN_COLOR, "━ train")] + ([(VAL_COLOR, "╍ val")] if has_val else [])
        self.titles.set(self.loss_plot, "Loss per epoch", *entries, short="Loss",
                        compact=compact)

    def _build_grad_plot(self) -> None:
        self.grad_plot = self._new_plot("Gradient norm", "‖∇‖", "optimizer step", "‖∇‖")
        self.grad_plot.setLogMode(y=True)
        self.grad_curve = self.grad_plot.plot(pen=_pen(GRAD_COLOR, 1), name="gradient norm",
                                              connect="finite")
        self.clip_line = pg.InfiniteLine(angle=0, pen=_pen(CLIP_COLOR, 1, dash=True))
        self.clip_line.setVisible(False)
        self.grad_plot.addItem(self.clip_line, ignoreBounds=True)

    def _build_gtt_plot(self) -> None:
        self.gtt_plot = self._new_plot("Gradient through time (last batch)", "‖∂L/∂y‖",
                                       "lag (steps)", "‖∂L/∂y‖")
        self.gtt_plot.setLogMode(y=True)
        self.gtt_curve = self.gtt_plot.plot(pen=_pen(GTT_COLOR, 1), name="‖∂L/∂y(t)‖",
                                            connect="finite")

    def _build_output_plot(self) -> None:
        self.out_plot = self._new_plot("Outputs and targets", "Outputs", "time step", "value")
        self.out_curves, self.target_curves = [], []
        for k, color in enumerate(SEQ_COLORS):
            self.out_curves.append(self.out_plot.plot(
                pen=_pen(color, 1), name=f"output {k + 1}", connect="finite"))
            self.target_curves.append(self.out_plot.plot(
                pen=None, symbol="o", symbolSize=5, symbolPen=None, symbolBrush=TARGET_COLOR,
                name=f"target {k + 1}"))
        self.diag_line = self.out_plot.plot(pen=_pen("#adb5bd", 1, dash=True))
        self.scatter = self.out_plot.plot(pen=None, symbol="o", symbolSize=5, symbolPen=None,
                                          symbolBrush=pg.mkBrush(47, 111, 222, 150),
                                          name="output against target")
        self.out_note = pg.TextItem("shown after training", color=AXIS_COLOR,
                                    anchor=(0.5, 0.5))
        self.out_note.textItem.document().setDefaultTextOption(
            QTextOption(Qt.AlignmentFlag.AlignHCenter))
        self.out_note.setPos(0.5, 0.5)
        self.out_plot.addItem(self.out_note, ignoreBounds=True)
        self.out_plot.getViewBox().sigResized.connect(self._fit_out_note)

    def _fit_out_note(self) -> None:
        """The note wraps to the plot's width (a narrow dock's plot is 80 px wide: on one
        line it was cut at both ends)."""
        width = self.out_plot.getViewBox().width()
        self.out_note.setTextWidth(-1)  # its natural width, then wrapped if it is wider
        if self.out_note.textItem.boundingRect().width() > width - NOTE_MARGIN:
            self.out_note.setTextWidth(max(width - NOTE_MARGIN, 1.0))

    # ------------------------------------------------------------------ updates
    def expect_run(self, epochs: int, steps: int, lags: int) -> None:
        """A run of `epochs` epochs and `steps` optimizer steps on sequences with `lags` lags
        starts: the x axes span it from the start and stay put while it runs."""
        for plot, extent in ((self.loss_plot, epochs), (self.grad_plot, steps),
                             (self.gtt_plot, lags)):
            self._ranges[plot].x_extent = float(max(extent, 1))

    def set_clip(self, clip: float | None) -> None:
        """Draw the clipping threshold on the gradient-norm plot (None hides it)."""
        self._clip = clip
        visible = clip is not None and clip > 0
        self.clip_line.setVisible(visible)
        if visible:
            self.clip_line.setPos(math.log10(clip))
        clipped = [(CLIP_COLOR, f"╍ clip {clip:g}")] if visible else []
        self.titles.set(self.grad_plot, "Gradient norm", (GRAD_COLOR, "━ per step"), *clipped,
                        short="‖∇‖", compact=clipped)

    def _on_log_scale_changed(self, checked: bool) -> None:
        self.loss_plot.setLogMode(y=checked)
        self._ranges[self.loss_plot].log_y = checked
        self._drawn_version = -1
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the history if it changed since the last tick."""
        h = self.history
        if h.version == self._drawn_version:
            return
        self._drawn_version = h.version
        self._draw_losses(h)
        self._draw_grads(h)
        if h.outputs is not self._drawn_outputs:  # set once, after training
            self._drawn_outputs = h.outputs
            self._draw_outputs(h)
        for plot, ranges in self._ranges.items():
            ranges.update(plot)

    def _draw_losses(self, h: TrainingHistory) -> None:
        log = self.log_check.isChecked()
        x = h.epochs.values
        self.train_curve.setData(x, _finite_or_nan(h.train_loss.values, positive=log))
        val = _finite_or_nan(h.val_loss.values, positive=log)
        has_val = bool(np.isfinite(val).any())
        self.val_curve.setData(x if has_val else [], val if has_val else [])
        self.val_curve.setVisible(has_val)
        if has_val != self._has_val:
            self._has_val = has_val
            self._set_loss_title(has_val)
        if len(x):
            text = f"epoch {len(x)}   loss {h.last_loss():.4g}"
            if has_val:
                text += f"   val {val[np.isfinite(val)][-1]:.4g}"
            self.summary_label.setText(text)
        else:
            self.summary_label.setText("")

    def _draw_grads(self, h: TrainingHistory) -> None:
        self.grad_curve.setData(h.steps.values, _finite_or_nan(h.grad_norm.values, True))
        gtt = h.grad_through_time
        if gtt is None:
            self.gtt_curve.setData([], [])
        else:
            self.gtt_curve.setData(np.arange(len(gtt), dtype=float), _finite_or_nan(gtt, True))

    def _draw_outputs(self, h: TrainingHistory) -> None:
        data = h.outputs
        for curve in self.out_curves + self.target_curves + [self.diag_line, self.scatter]:
            curve.setData([], [])
        self.out_note.setVisible(not data)
        if not data:
            self.titles.set(self.out_plot, "Outputs and targets", short="Outputs")
            self.out_plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            return
        self.out_plot.enableAutoRange()
        if data.get("many_to_one"):
            self._draw_scatter(data)
        else:
            self._draw_series(data)

    def _draw_series(self, data: dict) -> None:
        outputs, targets = data["outputs"], data["targets"]  # (T, N) for one output column
        t = np.arange(outputs.shape[0], dtype=float)
        for k in range(min(MAX_SEQS, outputs.shape[1])):
            self.out_curves[k].setData(t, outputs[:, k])
            self.target_curves[k].setData(t, _finite_or_nan(targets[:, k]))
        name = data.get("label", "output")  # a node id: shown as typed (markup)
        self.titles.set(self.out_plot, f"Outputs and targets ({markup(name)})",
                        (SEQ_COLORS[0], "━ output"), (TARGET_COLOR, "● target"),
                        short=markup(name),
                        compact=[(SEQ_COLORS[0], "━ out"), (TARGET_COLOR, "● target")])
        self.out_plot.setLabel("bottom", "time step", color=AXIS_COLOR)
        self.out_plot.setLabel("left", markup(name), color=AXIS_COLOR)
        self.grid.label_axis(self.out_plot)  # setLabel showed it: as its size says

    def _draw_scatter(self, data: dict) -> None:
        pred, target = data["outputs"], data["targets"]  # (N,) at the last step
        self.scatter.setData(target, pred)
        finite = np.concatenate([pred[np.isfinite(pred)], target[np.isfinite(target)]])
        if len(finite):
            lo, hi = float(finite.min()), float(finite.max())
            self.diag_line.setData([lo, hi], [lo, hi])
        self.titles.set(self.out_plot, "Output against target (last step)",
                        ("#2f6fde", "● sequence"), ("#adb5bd", "╍ equal"), short="Last step")
        self.out_plot.setLabel("bottom", "target", color=AXIS_COLOR)
        self.out_plot.setLabel("left", "output", color=AXIS_COLOR)
        self.grid.label_axis(self.out_plot)  # setLabel showed it: as its size says

