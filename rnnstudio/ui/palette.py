"""The palette: Input, Neuron, Output, Product neuron. Drag one onto the canvas, click it to
drop one in the middle of the view, or press its key (I, N, O, P) over the canvas."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from . import style
from .canvas.view import NODE_MIME

ENTRIES = [("input", "Input", "I", "A column of the input sequence"),
           ("neuron", "Neuron", "N", "A hidden unit: weighted sum, bias, activation"),
           ("output", "Output", "O", "A neuron whose value is read out"),
           ("product", "Product neuron", "P", "Multiplies its weighted inputs (gates)")]


def kind_icon(kind: str, size: int = 40) -> QIcon:
    """The node's canvas shape, as an icon."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.translate(size / 2, size / 2)
    p.scale(size / 46, size / 46)
    p.setPen(QPen(style.NODE_OUTLINE, 1.6))
    p.setBrush(style.NODE_FILL[kind])
    p.drawPath(style.SHAPES[kind])
    if kind == "product":
        k = style.NODE_RADIUS * 0.42
        p.drawLine(QPointF(-k, -k), QPointF(k, k))
        p.drawLine(QPointF(-k, k), QPointF(k, -k))
    if kind == "output":
        p.scale(0.8, 0.8)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(style.SHAPES["output"])
    p.end()
    return QIcon(pix)


class PaletteButtonWidget(QToolButton):
    """A palette entry that starts a drag carrying its kind."""

    def __init__(self, kind: str, text: str, key: str, tip: str, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.setText(f"{text}   ({key})")
        self.setIcon(kind_icon(kind))
        self.setIconSize(QSize(30, 30))
        self.setToolTip(f"{tip}.\nDrag onto the canvas, or press {key} over it.")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.setMinimumWidth(170)
        self._press = None

    def mousePressEvent(self, event) -> None:
        self._press = event.position()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._press is not None and (event.position() - self._press).manhattanLength() > 6:
            self._press = None
            self.setDown(False)
            self.start_drag()
            return
        super().mouseMoveEvent(event)

    def start_drag(self) -> None:
        mime = QMimeData()
        mime.setData(NODE_MIME, QByteArray(self.kind.encode()))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self.icon().pixmap(36, 36))
        drag.setHotSpot(drag.pixmap().rect().center())
        drag.exec(Qt.DropAction.CopyAction)


class PaletteWidget(QWidget):
    kind_clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(2)
        self.buttons = {}
        for kind, text, key, tip in ENTRIES:
            button = PaletteButtonWidget(kind, text, key, tip, self)
            button.clicked.connect(lambda _=False, k=kind: self.kind_clicked.emit(k))
            lay.addWidget(button)
            self.buttons[kind] = button
        hint = QLabel("<small>Drag from a node's rim to another node to connect them; "
                      "release on the same node for a self-loop.<br>Dashed edges "
                      "read an earlier step (z⁻¹), or a later one (z⁺¹) into reverse-time "
                      "neurons.</small>")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5e6472; padding: 6px 2px;")
        lay.addWidget(hint)
        lay.addStretch(1)
