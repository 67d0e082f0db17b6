"""Import training sequences from a CSV file: preview, column mapping, windows, split.

Every network input and every network output gets a combo box choosing its column, so the
mapping is explicit and the counts match by construction (a file with too few columns is
reported). Import reads the whole file with `tasks.from_csv` off the UI thread (`reading` is True
meanwhile; Cancel drops it); any `CSVError` (non-numeric cell, wrong column count, too few rows,
windows too large) is shown with its row and column and the dialog stays open, so nothing is
imported half-way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from rnnstudio import tasks

from ..plaintext import plain
from .dock_layout import ERROR_STYLE

PREVIEW_ROWS = 50
OK_STYLE = "color: #2b8a3e;"


class CsvImportDialog(QDialog):
    """Choose a CSV file and how its columns feed the network; `csv_settings()` after accept."""

    _file_read = Signal(object, object, object)  # token, (X, Y), error: from the reading thread

    def __init__(self, inputs: list[str], outputs: list[str], parent: QWidget | None = None,
                 path: str | None = None, validation: float = 0.2, initial: dict | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import CSV training data")
        self.resize(760, 620)
        self._inputs, self._outputs = list(inputs), list(outputs)
        self.header: list[str] = []
        self._numeric: set[str] = set()
        self.X: np.ndarray | None = None
        self.Y: np.ndarray | None = None
        self.reading = False  # the whole file is being read (Import pressed)
        self._read_token = 0
        self._file_read.connect(self._on_file_read)
        self._build(validation)
        if path:
            self.load_path(path, initial)

    # ------------------------------------------------------------------ building
    def _build(self, validation: float) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_file_row())
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self._build_mapping_box(), 1)
        row.addWidget(self._build_window_box(validation), 0)
        layout.addLayout(row)
        self.message = QLabel("Choose a CSV file with a header row of column names.")
        self.message.setWordWrap(True)
        plain(self.message)  # file and column names as typed
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _build_file_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("No file chosen")
        browse = QPushButton("Choose file…")
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(QLabel("File"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        return row

    def _build_mapping_box(self) -> QGroupBox:
        box = QGroupBox("Columns → network")
        form = QFormLayout(box)
        self.input_combos = [self._mapping_combo() for _ in self._inputs]
        self.target_combos = [self._mapping_combo() for _ in self._outputs]
        for name, combo in zip(self._inputs, self.input_combos):
            form.addRow(f"input {name} ←", combo)
        for name, combo in zip(self._outputs, self.target_combos):
            form.addRow(f"target of {name} ←", combo)
        self.extra_check = QCheckBox()
        self.extra_check.setChecked(True)
        self.extra_check.setToolTip("Every column that is not a target feeds the network: the "
                                    "new inputs are wired like the first input, with weight 0 "
                                    "(training sets them). One undo step with the import.")
        self.extra_check.toggled.connect(self._on_mapping_changed)
        self.extra_check.setVisible(False)
        form.addRow(self.extra_check)
        if not self._inputs or not self._outputs:
            form.addRow(QLabel("The network needs at least one input and one output."))
        return box

    def _mapping_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.currentIndexChanged.connect(self._on_mapping_changed)
        return combo

    def _build_window_box(self, validation: float) -> QGroupBox:
        box = QGroupBox("Sequences")
        form = QFormLayout(box)
        self.window_spin = QSpinBox()
        self.window_spin.setRange(0, 10_000_000)
        self.window_spin.setSpecialValueText("whole file")
        self.window_spin.setValue(50)
        self.stride_spin = QSpinBox()
        self.stride_spin.setRange(0, 10_000_000)
        self.stride_spin.setSpecialValueText("= window")
        self.validation_spin = QSpinBox()
        self.validation_spin.setRange(0, 90)
        self.validation_spin.setSuffix(" %")
        self.validation_spin.setValue(int(round(validation * 100)))
        self.normalize_combo = QComboBox()
        for method in tasks.scaling.METHODS:
            self.normalize_combo.addItem(tasks.scaling.LABELS[method], method)
        self.normalize_combo.setToolTip(
            "Scale each input column before it reaches the network, with numbers fitted on "
            "the training sequences only (saved in the file and used whenever the network "
            "runs on CSV data). Targets keep their units.")
        form.addRow("Window length", self.window_spin)
        form.addRow("Stride", self.stride_spin)
        form.addRow("Validation split", self.validation_spin)
        form.addRow("Normalise inputs", self.normalize_combo)
        return box

    # ------------------------------------------------------------------ file and preview
    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a CSV file", self.path_edit.text(),
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.load_path(path)

    def load_path(self, path: str, initial: dict | None = None) -> bool:
        """Preview `path`; False (and the error shown) when it cannot be read."""
        self._read_token += 1  # a file still being read is dropped
        self.reading = False
        self.path_edit.setText(str(path))
        try:
            header, rows = tasks.read_csv_table(path, max_rows=PREVIEW_ROWS)
        except tasks.CSVError as exc:
            self._show_preview([], [])
            for combo in self.input_combos + self.target_combos:
                combo.blockSignals(True)
                combo.clear()
                combo.blockSignals(False)
            self.import_button.setEnabled(False)
            self._error(str(exc))
            return False
        self._show_preview(header, rows)
        self._fill_mapping(header, initial)
        return True

    def _show_preview(self, header: list[str], rows: list[list[str]]) -> None:
        self.header = list(header)
        self._numeric = {c for j, c in enumerate(header) if all(_is_number(r[j]) for r in rows)}
        self.table.clear()
        self.table.setColumnCount(len(header))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(header)
        self.table.setVerticalHeaderLabels([str(i + 2) for i in range(len(rows))])
        for i, cells in enumerate(rows):
            for j, cell in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()

    def _fill_mapping(self, header: list[str], initial: dict | None) -> None:
        chosen_in, chosen_out = _default_mapping(header, len(self._inputs), len(self._outputs))
        if initial:
            chosen_in = list(initial.get("inputs") or chosen_in)
            chosen_out = list(initial.get("targets") or chosen_out)
            self.window_spin.setValue(int(initial.get("window") or 0))
            self.stride_spin.setValue(int(initial.get("stride") or 0))
            index = self.normalize_combo.findData(initial.get("normalize") or "none")
            self.normalize_combo.setCurrentIndex(max(index, 0))
        for combos, chosen in ((self.input_combos, chosen_in), (self.target_combos, chosen_out)):
            for k, combo in enumerate(combos):
                combo.blockSignals(True)
                combo.clear()
                combo.addItems(header)
                if k < len(chosen) and chosen[k] in header:
                    combo.setCurrentIndex(header.index(chosen[k]))
                combo.blockSignals(False)
        self._on_mapping_changed()

    # ------------------------------------------------------------------ checks
    def chosen_columns(self) -> tuple[list[str], list[str]]:
        """(input columns, target columns): the combos' choice, then the extra inputs."""
        return ([c.currentText() for c in self.input_combos] + self.extra_inputs,
                [c.currentText() for c in self.target_combos])

    def _unused_columns(self) -> list[str]:
        """Columns no combo chose whose previewed cells are numbers (a date column is not)."""
        used = {c.currentText() for c in self.input_combos + self.target_combos}
        return [c for c in self.header if c not in used and c in self._numeric]

    @property
    def extra_inputs(self) -> list[str]:
        """The columns no combo chose, fed through new network inputs (when ticked)."""
        return self._unused_columns() if self.extra_check.isChecked() else []

    def mapping_problem(self) -> str | None:
        """Why the current column choice cannot be imported, or None."""
        if not self.header:
            return "Choose a CSV file with a header row of column names."
        need = len(self._inputs) + len(self._outputs)
        if not self._inputs or not self._outputs:
            return "The network needs at least one input and one output to train on data."
        if len(self.header) < need:
            return (f"The file has {len(self.header)} column{'s' * (len(self.header) != 1)}; "
                    f"the network needs {len(self._inputs)} input and {len(self._outputs)} target "
                    f"column{'s' * (need != 1)} ({need} in all).")
        inputs, targets = self.chosen_columns()
        chosen = inputs + targets
        twice = sorted({c for c in chosen if chosen.count(c) > 1})
        if twice:
            return f"Column '{twice[0]}' is chosen twice: each column may feed one place only."
        return None

    def _on_mapping_changed(self, *args) -> None:
        unused = self._unused_columns() if self._inputs and self._outputs else []
        self.extra_check.setVisible(bool(unused))
        self.extra_check.setText(f"Also feed {', '.join(unused)}: add "
                                 f"{len(unused)} input{'s' * (len(unused) != 1)} to the network")
        problem = self.mapping_problem()
        self.import_button.setEnabled(problem is None)
        if problem:
            self._error(problem)
        else:
            inputs, targets = self.chosen_columns()
            self._ok(f"Inputs: {', '.join(inputs)}   →   targets: {', '.join(targets)}")

    def _error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text)

    def _ok(self, text: str) -> None:
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText(text)

    # ------------------------------------------------------------------ result
    def csv_settings(self) -> dict:
        """The `csv` entry of the training settings for the current choice."""
        inputs, targets = self.chosen_columns()
        return {"path": self.path_edit.text(), "inputs": inputs, "targets": targets,
                "window": self.window_spin.value() or None,
                "stride": self.stride_spin.value() or None,
                "normalize": self.normalize_combo.currentData()}

    @property
    def validation(self) -> float:
        return self.validation_spin.value() / 100.0

    def accept(self) -> None:
        """Read the whole file off the UI thread; then close, or stay open and show the error
        (row, column) if it fails."""
        problem = self.mapping_problem()
        if problem or self.reading:
            if problem:
                self._error(problem)
            return
        from .background_data import build_in_background
        csv = self.csv_settings()
        self.reading = True
        self.import_button.setEnabled(False)
        self._ok(f"Reading {Path(csv['path']).name}…")
        self._read_token += 1
        build_in_background(lambda: tasks.from_csv(
            csv["path"], inputs=csv["inputs"], targets=csv["targets"], window=csv["window"],
            stride=csv["stride"]), self._file_read, self._read_token)

    def _on_file_read(self, token: int, data, error) -> None:
        if token != self._read_token:
            return  # cancelled, or another file chosen meanwhile
        self.reading = False
        self.import_button.setEnabled(self.mapping_problem() is None)
        if error is not None:
            self._error("Not enough memory to read the file" if isinstance(error, MemoryError)
                        else str(error))
            return
        self.X, self.Y = data
        super().accept()

    def reject(self) -> None:
        self._read_token += 1  # a file being read is dropped
        self.reading = False
        super().reject()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _default_mapping(header: list[str], n_in: int, n_out: int) -> tuple[list[str], list[str]]:
    """Targets are the last n_out columns, the network's inputs the n_in columns before them;
    any other column is offered as an extra input (by default every column but the targets is
    an input)."""
    targets = header[len(header) - n_out:] if n_out <= len(header) else []
    rest = [c for c in header if c not in targets]
    return rest[max(len(rest) - n_in, 0):], targets


def extra_input_records(net, columns: list[str]) -> tuple[list, list]:
    """New input nodes for `columns` (labelled by them, below the last input) and their edges:
    those of the first input, with weight 0, so the network computes what it did until
    training sets the weights. (nodes [(id, kind, attrs)], edges [(u, v, attrs)])"""
    g = net.graph
    first = net.inputs[0] if net.inputs else None
    x = g.nodes[first]["x"] if first else 0.0
    y = max((g.nodes[n]["y"] for n in net.inputs), default=-70.0)
    nodes, edges = [], []
    for k, column in enumerate(columns, start=1):
        node = net.new_id("input")
        nodes.append((node, "input", {"x": x, "y": y + 70.0 * k, "label": column}))
        for _, v, d in (g.out_edges(first, data=True) if first else []):
            edges.append((node, v, {"weight": 0.0, "delay": d["delay"],
                                    "trainable": d["trainable"]}))
    return nodes, edges


def describe_csv(csv: dict) -> str:
    return f"CSV {Path(csv.get('path', '')).name}"
