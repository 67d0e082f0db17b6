"""The player on the canvas: node values, the neuron being computed, what its edges read.

`CanvasPlayer` recolours the canvas's node items at every cursor move (items are never
rebuilt), shows a colour legend in the view's corner, and during a micro-step draws the
incoming edges of the neuron just computed with what each one read: this step's value
plainly, a remembered value tagged with the step it comes from (t-1, t-d; t+d for reverse-time
neurons).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QWidget

from .. import style
from ..canvas.items import format_value
from ..canvas.tags import first_free
from .controller import PlayerController

_TAG_FONT = QFont("Sans Serif", 8, QFont.Weight.DemiBold)
# where along its edge a read tag may sit: the middle first, never on the arrowhead
READ_FRACTIONS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15)


def read_label(delay: int, step: int, value: float, reverse: bool) -> str:
    """What a read tag says: "0.420" for this step's value, "t-2: 0.420" for a remembered one
    ("initial" when the step is before the sequence starts)."""
    if delay == 0:
        return format_value(value)
    sign = "+" if reverse else "-"
    where = f"t{sign}{delay}"
    if step < 0:
        where += " (initial)"
    return f"{where}: {format_value(value)}"


class ReadsItem(QGraphicsItem):
    """Draws the incoming edges of one neuron, emphasised, with a tag per edge. Each tag is
    placed when the reads are set: along its edge, where it covers no node (nor the node's
    ordering badge or name) and no other read tag."""

    def __init__(self):
        super().__init__()
        self.reads: list[tuple[object, bool, str]] = []  # (EdgeGeom, delayed, label)
        self.tag_rects: list[QRectF | None] = []  # where each tag is drawn (None: nowhere)
        self._rect = QRectF()
        self.setZValue(5)  # above the edge layers, below the nodes (10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_reads(self, reads: list[tuple[object, bool, str]],
                  covers_node=lambda box: False) -> None:
        """`covers_node(box)`: does a box (x0, y0, x1, y1) cover a node of the canvas?"""
        self.prepareGeometryChange()
        self.reads = reads
        self.tag_rects = _place_tags(reads, covers_node)
        rect = QRectF()
        for (geom, _, _), tag in zip(reads, self.tag_rects):
            rect = rect.united(geom.rect)
            if tag is not None:
                rect = rect.united(tag.adjusted(-2, -2, 2, 2))
        self._rect = rect
        self.update()

    def labels(self) -> list[str]:
        return [label for _, _, label in self.reads]

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for geom, delayed, _ in self.reads:
            color = style.READ_DELAYED if delayed else style.READ_SAME
            geom.paint(painter, QPen(color, 3.2, Qt.PenStyle.DashLine if delayed
                                     else Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setFont(_TAG_FONT)
        for (geom, delayed, label), rect in zip(self.reads, self.tag_rects):
            if rect is None:
                continue
            color = style.READ_DELAYED if delayed else style.READ_SAME
            painter.setPen(QPen(color, 1.2))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(rect, 5, 5)
            painter.setPen(color)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)


def _place_tags(reads, covers_node) -> list[QRectF | None]:
    """A spot on each read's edge that covers no node and no tag placed before it."""
    metrics = QFontMetricsF(_TAG_FONT)
    taken: list[tuple] = []

    def blocked(box) -> bool:
        return covers_node(box) or any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken)

    out = []
    for geom, _, label in reads:
        box = first_free(geom.samples, metrics.horizontalAdvance(label) + 12, 18, blocked,
                         READ_FRACTIONS)
        if box is not None:
            taken.append(box)
        out.append(None if box is None else QRectF(box[0], box[1], box[2] - box[0],
                                                   box[3] - box[1]))
    return out


class ValueLegend(QWidget):
    """The colour scale in the canvas's corner: −scale … 0 … scale, and the grey of a node not
    computed yet. Its texts are laid out from their measured widths, so none runs into another
    whatever the number; the widget is as small as its content."""

    PAD, BAR_WIDTH, BAR_HEIGHT, GAP, SWATCH = 8.0, 110.0, 8.0, 12.0, 11.0

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.scale = 1.0
        self.title_font = QFont(self.font())
        self.title_font.setPointSizeF(8.0)
        self.title_font.setWeight(QFont.Weight.DemiBold)
        self.text_font = QFont(self.font())
        self.text_font.setPointSizeF(7.5)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._lay_out()

    def set_scale(self, scale: float) -> None:
        if scale != self.scale:
            self.scale = scale
            self._lay_out()
            self.update()

    def texts(self) -> list[tuple[str, QRectF]]:
        """Every text of the legend with the rectangle it is drawn in."""
        return list(self._texts)

    def _lay_out(self) -> None:
        fm, tm = QFontMetricsF(self.text_font), QFontMetricsF(self.title_font)
        lo, mid, hi = style.scale_labels(self.scale)
        width = {t: fm.horizontalAdvance(t) + 2 for t in (lo, mid, hi, style.PENDING_TEXT)}
        title = QRectF(self.PAD, self.PAD - 3, tm.horizontalAdvance("node value") + 2,
                       tm.height())
        bar_left = self.PAD + max(width[lo] / 2, 0.0)
        self.bar = QRectF(bar_left, title.bottom() + 3, self.BAR_WIDTH, self.BAR_HEIGHT)
        top, h = self.bar.bottom() + 1, fm.height()
        texts = [("node value", title)]
        for x, t in ((self.bar.left(), lo), (self.bar.center().x(), mid), (self.bar.right(), hi)):
            texts.append((t, QRectF(x - width[t] / 2, top, width[t], h)))
        swatch_x = max(r.right() for _, r in texts[1:]) + self.GAP
        self.swatch = QRectF(swatch_x, self.bar.center().y() - self.SWATCH / 2,
                             self.SWATCH, self.SWATCH)
        word = QRectF(swatch_x + self.SWATCH + 4, self.bar.center().y() - h / 2,
                      width[style.PENDING_TEXT], h)
        texts.append((style.PENDING_TEXT, word))
        self._texts = texts
        self.resize(int(word.right() + self.PAD), int(top + h + self.PAD - 3))

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor("#c8ccd6")))
        p.setBrush(QColor(255, 255, 255, 230))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        grad = QLinearGradient(self.bar.topLeft(), self.bar.topRight())
        grad.setColorAt(0.0, style.VALUE_NEG)
        grad.setColorAt(0.5, style.VALUE_MID)
        grad.setColorAt(1.0, style.VALUE_POS)
        p.setPen(QPen(QColor("#9aa0ad"), 0.8))
        p.setBrush(QBrush(grad))
        p.drawRect(self.bar)
        p.setPen(QPen(style.NODE_OUTLINE, 1))
        p.setBrush(style.VALUE_PENDING)
        p.drawEllipse(self.swatch)
        p.setPen(QColor("#2e3440"))
        for i, (text, rect) in enumerate(self._texts):
            p.setFont(self.title_font if i == 0 else self.text_font)
            align = Qt.AlignmentFlag.AlignLeft if i in (0, len(self._texts) - 1) \
                else Qt.AlignmentFlag.AlignHCenter
            p.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)
        p.end()


class CanvasPlayer(QObject):
    """Keeps the canvas (a NetworkScene in a NetworkView) in step with a PlayerController."""

    def __init__(self, player: PlayerController, scene, view, parent: QObject | None = None):
        super().__init__(parent)
        self.player, self.scene, self.view = player, scene, view
        self.reads_item = ReadsItem()
        self.reads_item.setVisible(False)
        scene.addItem(self.reads_item)
        # a child of the view, not of its viewport: Qt scrolls the viewport's children with the
        # scene, so after Fit to View or a pan the legend drifted out of sight
        self.legend = ValueLegend(view)
        self.legend.hide()
        view.viewport().installEventFilter(self)
        self._place_legend()
        player.cursor_changed.connect(self.refresh)
        player.trajectory_changed.connect(self.refresh)

    def rebind(self, scene) -> None:
        """The scene mirrors another network: put the reads item back into it."""
        if self.reads_item.scene() is not scene:
            self.reads_item = ReadsItem()
            scene.addItem(self.reads_item)
        self.scene = scene
        self.refresh()

    # ------------------------------------------------------------------ drawing
    def refresh(self, *_args) -> None:
        p, tr = self.player, self.player.trajectory
        if self.reads_item.scene() is not self.scene:  # the scene was cleared (a new network)
            self.reads_item = ReadsItem()
            self.scene.addItem(self.reads_item)
        if tr is None or p.t < 0 or p.network is not self.scene.net:
            self.scene.set_values(None)
            self.reads_item.setVisible(False)
            self.legend.hide()
            self._place_legend()
            return
        t, scale = p.t, tr.scale()
        done = tr.n_inputs + p.k
        row = tr.values[t]
        values = {n: float(row[i]) for i, n in enumerate(tr.order[:done])}
        pending = tr.order[done:]
        targets = {o: p.target(o) for o in tr.outputs} if tr.Y is not None else None
        computing = p.computing()
        self.scene.set_values(values, scale, pending=pending, computing=computing,
                              targets=targets)
        self.legend.set_scale(scale)
        self.legend.show()
        self._place_legend()
        self._show_reads(computing)

    def _show_reads(self, node: str | None) -> None:
        if node is None:
            self.reads_item.setVisible(False)
            return
        reverse = node in self.player.trajectory.reverse
        reads = []
        for u, delay, step, value in self.player.reads(node):
            try:
                geom = self.scene.geom((u, node))
            except KeyError:
                continue
            reads.append((geom, delay > 0, read_label(delay, step, value, reverse)))
        self.reads_item.set_reads(reads, self.scene.covers_node)
        self.reads_item.setVisible(bool(reads))

    # ------------------------------------------------------------------ legend placement
    def _place_legend(self) -> None:
        vp = self.view.viewport().geometry()  # in the view's coordinates
        self.legend.move(vp.left() + 10, vp.bottom() + 1 - self.legend.height() - 10)
        self.legend.raise_()
        # Fit keeps the network above the legend while it shows (a hidden one took 80 px)
        shown = not self.legend.isHidden()
        self.view.reserved_bottom = self.legend.height() + 20 if shown else 0
        self.view.reserved_width = self.legend.width() + 20 if shown else 0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self._place_legend()
        return False
