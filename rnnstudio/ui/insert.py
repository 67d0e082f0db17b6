"""The Insert menu's actions: templates, "Add layer…", "Connect selection → selection"."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QInputDialog,
                               QSpinBox)

from ..model import ACTIVATIONS

# menu text -> (template function name, keyword arguments)
TEMPLATE_ENTRIES = [
    ("Elman layer (1-4-1)", "elman", dict(n_in=1, n_hidden=4, n_out=1)),
    ("Jordan network (1-4-1)", "jordan", dict(n_in=1, n_hidden=4, n_out=1)),
    ("3-5-4 unit", "unit_3_5_4", {}),
    ("Windowed net (1 input, window 3)", "windowed", dict(n_in=1, window=3, n_hidden=4, n_out=1)),
    ("Many-to-one (2-4-1)", "many_to_one", dict(n_in=2, n_hidden=4, n_out=1)),
    ("LSTM (1 input, 2 cells)", "lstm", dict(n_in=1, n_cells=2, n_out=1)),
    ("GRU (1 input, 2 cells)", "gru", dict(n_in=1, n_cells=2, n_out=1)),
    ("Bidirectional (1-3-1)", "bidirectional", dict(n_in=1, n_hidden=3, n_out=1)),
]
DELAY_CHOICES = ["auto", "0", "1", "2", "3"]


def build_template(name: str, kwargs: dict):
    from .. import templates
    return getattr(templates, name)(**kwargs)


class AddLayerDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Add layer")
        form = QFormLayout(self)
        self.count = QSpinBox(minimum=1, maximum=512, value=4)
        self.activation = QComboBox()
        self.activation.addItems(ACTIVATIONS)
        self.activation.setCurrentText("tanh")
        form.addRow("Neurons", self.count)
        form.addRow("Activation", self.activation)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class InsertController(QObject):
    """Runs the Insert menu through the editor. "Connect" is two steps: the first use marks
    the selected nodes as sources, the second connects them to the selection then."""

    def __init__(self, editor, parent_widget=None):
        super().__init__(parent_widget)
        self.editor, self.widget = editor, parent_widget
        self.sources: list[str] = []

    def insert_template(self, entry: int, at: tuple | None = None) -> list[str]:
        """Insert template `entry` with its top-left at `at` (scene), else in free space."""
        text, name, kwargs = TEMPLATE_ENTRIES[entry]
        try:
            net = build_template(name, kwargs)
        except (ImportError, AttributeError, ValueError) as exc:
            self.editor.message.emit(f"Template {text}: {exc}")
            return []
        return self.editor.insert_template(text, net, at)

    def add_layer(self) -> list[str]:
        dialog = AddLayerDialog(self.widget)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        return self.editor.add_layer(dialog.count.value(), dialog.activation.currentText())

    def connect_selection(self) -> None:
        selected = self.editor.scene.selected_nodes()
        if not self.sources:
            if not selected:
                self.editor.message.emit("Select the source nodes first, then choose Connect")
                return
            self.sources = selected
            self.editor.message.emit(f"{len(selected)} source node(s) marked. Select the targets "
                                     "and choose Connect again.")
            return
        sources, self.sources = self.sources, []
        if not selected:
            self.editor.message.emit("No targets selected: connection cancelled")
            return
        delay, ok = QInputDialog.getItem(self.widget, "Connect", "Delay of the new edges",
                                         DELAY_CHOICES, 0, False)
        if ok:
            self.editor.connect(sources, selected, delay if delay == "auto" else int(delay))
