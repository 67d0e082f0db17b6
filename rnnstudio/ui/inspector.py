"""The inspector: edits the selected node(s) or edge(s). With several selected, fields show the
common value (blank if they differ) and an edit applies to all of them as one undo step.
Invalid values are refused with a status message; the form then shows the model again."""

from __future__ import annotations

from itertools import repeat

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit,
                               QStackedWidget, QVBoxLayout, QWidget)

from ..model import ACTIVATIONS, AGGREGATES, DIRECTIONS, KINDS
from .plaintext import plain

MIXED = "(mixed)"
NEURON_ONLY = ("activation", "bias", "initial", "aggregate", "direction", "trainable")
# fields that change what the engine compiles (locked while training runs); weights, biases,
# initial values and labels stay editable
STRUCTURAL_NODE_FIELDS = ("kind", "activation", "aggregate", "direction", "trainable")
STRUCTURAL_EDGE_FIELDS = ("delay", "trainable")
BIG_SELECTION = 1000  # past this many selected items the form is refreshed a turn later


def _common(values: list):
    """The shared value, or MIXED (counted in C: 5,000 pasted nodes' 16 fields; no value of
    a node is unequal to itself, NaN is refused)."""
    return values[0] if values and values.count(values[0]) == len(values) else MIXED


def _parse_float(text: str, what: str) -> float:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None


def _parse_delay(text: str):
    text = text.strip().lower()
    if text == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"delay: {text!r} is not 'auto' or a whole number of steps") from None


class InspectorWidget(QWidget):
    def __init__(self, editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self._updating = False
        self._soon = QTimer(self, singleShot=True, interval=0)
        self._soon.timeout.connect(self.refresh)
        self.nodes: list[str] = []
        self.edges: list[tuple] = []
        self.lock_reason: str | None = None  # why structural fields are locked (training)
        self.pages = QStackedWidget(self)
        self.empty = QLabel("Nothing selected.\n\nClick a node or an edge to edit it; "
                            "drag a rubber band to select several.")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #6b7280; padding: 8px;")
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._build_node_page())
        self.pages.addWidget(self._build_edge_page())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.pages)
        lay.addStretch(1)

    # ---------------------------------------------------------------- building
    def _combo(self, items, slot) -> QComboBox:
        box = QComboBox()
        box.addItems(list(items))
        box.activated.connect(lambda _i, b=box: None if self._updating else slot(b.currentText()))
        return box

    def _line(self, slot) -> QLineEdit:
        line = QLineEdit()
        line.editingFinished.connect(lambda l=line: None if self._updating or not l.isModified()
                                     else slot(l.text()))
        return line

    def _build_node_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        plain(self.title)  # ids as typed (an id like <b>x</b> is not markup)
        self.f = {
            "label": self._line(lambda t: self._set_nodes(label=t)),
            "kind": self._combo(KINDS, lambda v: self._set_nodes(kind=v)),
            "activation": self._combo(ACTIVATIONS, lambda v: self._set_nodes(activation=v)),
            "bias": self._line(lambda t: self._set_number("bias", t)),
            "initial": self._line(lambda t: self._set_number("initial", t)),
            "aggregate": self._combo(AGGREGATES, lambda v: self._set_nodes(aggregate=v)),
            "direction": self._combo(DIRECTIONS, lambda v: self._set_nodes(direction=v)),
            "trainable": QCheckBox("trainable (bias)"),
        }
        self.f["trainable"].clicked.connect(lambda c: self._set_nodes(trainable=bool(c)))
        form.addRow(self.title)
        for key, widget in self.f.items():
            form.addRow(key.capitalize() if key != "trainable" else "", widget)
        return page

    def _build_edge_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.edge_title = QLabel()
        self.edge_title.setStyleSheet("font-weight: 600;")
        plain(self.edge_title)
        self.e = {"weight": self._line(self._set_weight), "delay": QComboBox(),
                  "trainable": QCheckBox("trainable")}
        self.e["delay"].setEditable(True)
        self.e["delay"].addItems(["auto", "0", "1", "2", "3"])
        self.e["delay"].lineEdit().editingFinished.connect(self._on_delay_edited)
        self.e["delay"].activated.connect(lambda _i: self._on_delay_edited())
        self.e["trainable"].clicked.connect(lambda c: self._set_edges(trainable=bool(c)))
        self.reason = QLabel()
        plain(self.reason)
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #5b34b0;")
        form.addRow(self.edge_title)
        form.addRow("Weight", self.e["weight"])
        form.addRow("Delay", self.e["delay"])
        form.addRow("", self.e["trainable"])
        form.addRow(self.reason)
        return page

    # ---------------------------------------------------------------- showing
    def lock_structure(self, reason: str | None) -> None:
        """Disable the structural fields (kind, activation, delay, trainable...) and say
        `reason` on them; None unlocks."""
        self.lock_reason = reason
        self.refresh()

    def _lock(self, widget, structural: bool, enabled: bool = True) -> None:
        locked = structural and self.lock_reason is not None
        widget.setEnabled(enabled and not locked)
        widget.setToolTip(self.lock_reason if locked else "")

    def show_selection(self, nodes: list[str], edges: list[tuple]) -> None:
        """Show these nodes and edges: now, or a big selection in the next turn (a paste's
        5,000 nodes: after the canvas has painted them)."""
        self.nodes, self.edges = list(nodes), list(edges)
        self.refresh_soon()

    def refresh_soon(self) -> None:
        """Refresh now, or for a big selection (5-10 ms at 5,000 nodes) in the next turn,
        once however often asked until then (a paste changes the stack, then selects what it
        made: both ask)."""
        if len(self.nodes) + len(self.edges) <= BIG_SELECTION:
            self.refresh()
        else:
            self._soon.start()

    def refresh(self) -> None:
        self._soon.stop()
        net = self.editor.net
        known = net.graph._node  # (networkx's own dict: 5,000 pasted nodes asked twice a paste)
        self.nodes = [n for n in self.nodes if n in known]
        self.edges = [e for e in self.edges if net.has_edge(*e)]
        self._updating = True
        try:
            if self.nodes:
                self._show_nodes(net)
                self.pages.setCurrentIndex(1)
            elif self.edges:
                self._show_edges(net)
                self.pages.setCurrentIndex(2)
            else:
                self.pages.setCurrentIndex(0)
        finally:
            self._updating = False

    def _show_nodes(self, net) -> None:
        data = list(map(net.graph._node.__getitem__, self.nodes))
        one = len(self.nodes) == 1
        self.title.setText(f"Node {self.nodes[0]}" if one else f"{len(self.nodes)} nodes")
        has_input = any(d["kind"] == "input" for d in data)
        for key, widget in self.f.items():
            value = _common(list(map(dict.get, data, repeat(key))))  # (methodcaller: 2.5x)
            self._lock(widget, key in STRUCTURAL_NODE_FIELDS,
                       enabled=not (has_input and key in NEURON_ONLY))
            self._put(widget, value)

    def _show_edges(self, net) -> None:
        data = [net.graph.edges[e] for e in self.edges]
        if len(self.edges) == 1:
            u, v = self.edges[0]
            self.edge_title.setText(f"Edge {u} → {v}")
            self.reason.setText(net.delay_reason(u, v))
        else:
            self.edge_title.setText(f"{len(self.edges)} edges")
            self.reason.setText("")
        for key, widget in self.e.items():
            self._lock(widget, key in STRUCTURAL_EDGE_FIELDS)
            self._put(widget, _common([d[key] for d in data]))

    def _put(self, widget, value) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(value is True)
        elif isinstance(widget, QComboBox):
            if widget.isEditable():
                widget.setEditText("" if value == MIXED else str(value))
            else:
                widget.setCurrentIndex(widget.findText(str(value)))
        else:
            mixed = value == MIXED or value is None
            widget.setText("" if mixed else (f"{value:.6g}" if isinstance(value, float)
                                             else str(value)))
            widget.setPlaceholderText(MIXED if mixed else "")
            widget.setModified(False)

    # ---------------------------------------------------------------- applying
    def _refused(self, message: str) -> None:
        self.editor.message.emit(message)
        self.refresh()

    def _set_nodes(self, **attrs) -> None:
        if self.nodes and not self.editor.set_node_attrs(self.nodes, **attrs):
            self.refresh()

    def _set_edges(self, **attrs) -> None:
        if self.edges and not self.editor.set_edge_attrs(self.edges, **attrs):
            self.refresh()

    def _set_number(self, key: str, text: str) -> None:
        try:
            self._set_nodes(**{key: _parse_float(text, key)})
        except ValueError as exc:
            self._refused(str(exc))

    def _set_weight(self, text: str) -> None:
        try:
            self._set_edges(weight=_parse_float(text, "weight"))
        except ValueError as exc:
            self._refused(str(exc))

    def _on_delay_edited(self) -> None:
        text = self.e["delay"].currentText()
        if self._updating or not text.strip():
            return
        try:
            delay = _parse_delay(text)
        except ValueError as exc:
            self._refused(str(exc))
            return
        net = self.editor.net
        if any(net.graph.edges[e]["delay"] != delay for e in self.edges):
            self._set_edges(delay=delay)
