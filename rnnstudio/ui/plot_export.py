"""Export any plot: a right click on a plot opens a short menu of our own instead of
pyqtgraph's (which offered mouse modes and transforms a reader does not need):

    Export Image (PNG)…   Export Drawing (SVG)…   Export Data (CSV)…   Copy Data   Reset Zoom

PNG and SVG draw the plot as shown (PNG at twice its size, for slides; SVG as vectors through
Qt's SVG generator: pyqtgraph's own SVG exporter fails on the path data Qt 6.10+ writes,
pyqtgraph issue 3485); the CSV has one column per curve (a shared x column when the curves share their x,
else an x and a y column per curve) named as in the legend, or, for an image (the heatmap), one
row per image row and one column per step. "Copy Data" puts the same CSV text on the
clipboard, to paste into a spreadsheet.

`install_plot_export(widget)` works for a `PlotWidget` and a `GraphicsLayoutWidget` with
several plots: the menu acts on the plot under the cursor.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from .plaintext import literal

PNG_SCALE = 2  # PNG pixels per screen pixel
FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "csv": "CSV table (*.csv)"}


# ---------------------------------------------------------------------- data (no widgets)
def _legend_names(plot: pg.PlotItem) -> dict:
    legend = plot.legend
    if legend is None:
        return {}
    # the text as shown (legend labels are HTML: a name like <b>x</b> is given escaped)
    return {id(sample.item): label.item.toPlainText() for sample, label in legend.items}


def curve_columns(plot: pg.PlotItem) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, x, y) of every visible curve with data, in the units shown (log axes give the
    original values, not their logarithms)."""
    names = _legend_names(plot)
    out = []
    for k, item in enumerate(plot.listDataItems()):
        if not item.isVisible():
            continue
        x, y = item.getOriginalDataset()
        if x is None or len(x) == 0:
            continue
        name = names.get(id(item)) or item.name() or f"curve {k + 1}"
        out.append((str(name), np.asarray(x, float), np.asarray(y, float)))
    return out


def _number(v: float) -> str:
    return "" if not np.isfinite(v) else repr(float(v))


def curves_csv(plot: pg.PlotItem, x_label: str = "x") -> str:
    """The visible curves of `plot` as CSV text (empty string when there is none)."""
    columns = curve_columns(plot)
    if not columns:
        return ""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    shared = all(len(x) == len(columns[0][1]) and np.array_equal(x, columns[0][1])
                 for _, x, _ in columns)
    if shared:
        w.writerow([x_label] + [name for name, _, _ in columns])
        for i, xv in enumerate(columns[0][1]):
            w.writerow([_number(xv)] + [_number(y[i]) for _, _, y in columns])
        return buf.getvalue()
    w.writerow([h for name, _, _ in columns for h in (f"{name} {x_label}", name)])
    for i in range(max(len(x) for _, x, _ in columns)):
        row = []
        for _, x, y in columns:
            row += [_number(x[i]), _number(y[i])] if i < len(x) else ["", ""]
        w.writerow(row)
    return buf.getvalue()


def image_csv(plot: pg.PlotItem, image: pg.ImageItem) -> str:
    """An image item's values: one row per image row (named by `plot.export_row_names()` when
    the plot has it), one column per step."""
    data = image.image
    if data is None or data.size == 0:
        return ""
    rows = np.asarray(data, float)  # row-major: (rows, steps)
    names_of = getattr(plot, "export_row_names", None)
    names = list(names_of()) if callable(names_of) else []
    if len(names) != rows.shape[0]:
        names = [str(i) for i in range(rows.shape[0])]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["row"] + [f"t={t}" for t in range(rows.shape[1])])
    for name, values in zip(names, rows):
        w.writerow([name] + [_number(v) for v in values])
    return buf.getvalue()


def plot_csv(plot: pg.PlotItem) -> str:
    images = [i for i in plot.items if isinstance(i, pg.ImageItem)]
    if images:
        return image_csv(plot, images[0])
    label = plot.getAxis("bottom").labelText or "x"
    return curves_csv(plot, label)


# ---------------------------------------------------------------------- files
def export_plot(plot: pg.PlotItem, path) -> Path:
    """Write `plot` to `path`: .png, .svg or .csv by the suffix (OSError on failure)."""
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind == "csv":
        text = plot_csv(plot)
        if not text:
            raise OSError("the plot has no data to export yet")
        path.write_text(text, encoding="utf-8")
    elif kind == "svg":
        _render_svg(plot, path)
    elif kind == "png":
        _render_png(plot, path)
    else:
        raise OSError(f"{path.name}: choose a .png, .svg or .csv file")
    if not path.exists():
        raise OSError(f"{path}: could not write the file")
    return path


@contextmanager
def _export_mode(plot: pg.PlotItem, painter: QPainter):
    """pyqtgraph's export mode on the plot's items while it is drawn (as its exporters do):
    markers are drawn as shapes, not as pixmaps cached for the screen."""
    items = [plot] + [i for i in plot.scene().items() if plot.isAncestorOf(i)]
    items = [i for i in items if hasattr(i, "setExportMode")]
    opts = {"antialias": True, "background": pg.mkColor("w"), "painter": painter}
    for item in items:
        item.setExportMode(True, opts)
    try:
        yield
    finally:
        for item in items:
            item.setExportMode(False)


def _render_png(plot: pg.PlotItem, path: Path) -> None:
    rect = plot.sceneBoundingRect()
    w, h = max(1, int(rect.width() * PNG_SCALE)), max(1, int(rect.height() * PNG_SCALE))
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing |
                           QPainter.RenderHint.TextAntialiasing)
    with _export_mode(plot, painter):
        plot.scene().render(painter, QRectF(0, 0, w, h), rect)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"{path}: could not write the image (no access?)")


def _render_svg(plot: pg.PlotItem, path: Path) -> None:
    from PySide6.QtSvg import QSvgGenerator
    rect = plot.sceneBoundingRect()
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(rect.width()), int(rect.height())))
    gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    gen.setTitle(_title(plot))
    # the screen's resolution: pyqtgraph sizes text and markers in device pixels
    screen = QGuiApplication.primaryScreen()
    gen.setResolution(int(round(screen.logicalDotsPerInch())) if screen else 96)
    painter = QPainter()
    if not painter.begin(gen):
        raise OSError(f"{path}: could not write the drawing (no access?)")
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    with _export_mode(plot, painter):
        plot.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()


def _title(plot: pg.PlotItem) -> str:
    import re
    text = re.sub(r"<[^>]+>", "", plot.titleLabel.text or "") or "plot"
    stem = re.sub(r"[^\w\- ]+", "", text).strip().replace(" ", "-").lower()
    return stem[:40] or "plot"


# ---------------------------------------------------------------------- the menu
class PlotExportMenu(QObject):
    """Replaces pyqtgraph's context menu on a plot widget's viewport with the export menu."""

    def __init__(self, widget: pg.GraphicsView):
        super().__init__(widget)
        self.widget = widget
        self.menu: QMenu | None = None
        for plot in self.plots():
            plot.setMenuEnabled(False, enableViewBoxMenu=False)
        widget.viewport().installEventFilter(self)

    def plots(self) -> list[pg.PlotItem]:
        return [i for i in self.widget.scene().items() if isinstance(i, pg.PlotItem)]

    def plot_at(self, view_pos) -> pg.PlotItem | None:
        scene_pos = self.widget.mapToScene(view_pos)
        for plot in self.plots():
            if plot.isVisible() and plot.sceneBoundingRect().contains(scene_pos):
                return plot
        return None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.ContextMenu:
            return False
        plot = self.plot_at(event.pos())
        if plot is None:
            return False
        self.menu = self.menu_for(plot)
        self.menu.popup(event.globalPos())
        return True

    def menu_for(self, plot: pg.PlotItem) -> QMenu:
        menu = QMenu(self.widget)
        for kind, text in (("png", "Export &Image (PNG)…"), ("svg", "Export &Drawing (SVG)…"),
                           ("csv", "Export &Data (CSV)…")):
            menu.addAction(text).triggered.connect(lambda _=False, k=kind: self.ask_export(plot, k))
        menu.addAction("&Copy Data").triggered.connect(lambda _=False: self.copy_data(plot))
        menu.addSeparator()
        menu.addAction("&Reset Zoom").triggered.connect(lambda _=False: plot.autoRange())
        return menu

    def copy_data(self, plot: pg.PlotItem) -> str:
        text = plot_csv(plot)
        QGuiApplication.clipboard().setText(text)  # plain text: see Editor.copy
        return text

    def ask_export(self, plot: pg.PlotItem, kind: str) -> Path | None:
        settings = QSettings("RNN Studio", "RNN Studio")
        folder = settings.value("plot_export_dir", str(Path.home()))
        start = str(Path(folder) / f"{_title(plot)}.{kind}")
        path, _ = QFileDialog.getSaveFileName(self.widget, "Export plot", start, FORMATS[kind])
        if not path:
            return None
        if Path(path).suffix.lower() != f".{kind}":
            path += f".{kind}"
        try:
            written = export_plot(plot, path)
        except OSError as exc:
            QMessageBox.critical(self.widget, "Could not export the plot", literal(str(exc)))
            return None
        settings.setValue("plot_export_dir", str(written.parent))
        return written


def install_plot_export(widget: pg.GraphicsView) -> PlotExportMenu:
    """Give `widget` (a PlotWidget or GraphicsLayoutWidget) the export menu; call it after
    its plots are added."""
    menu = PlotExportMenu(widget)
    widget._export_menu = menu  # lives as long as the widget
    return menu
