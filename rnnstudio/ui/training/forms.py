"""Small forms of the training dock: a task's parameters, and the optimisation settings.

Both only read and write `TrainingSettings`; they emit `changed` when the user edits a field.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QLineEdit, QSpinBox,
                               QWidget)

from rnnstudio import tasks

from .settings import LOSSES, OPTIMIZERS, TrainingSettings

LOSS_NAMES = {"mse": "Mean squared error", "bce": "Binary cross-entropy",
              "cross_entropy": "Softmax cross-entropy"}
OPTIMIZER_NAMES = {"adam": "Adam", "sgd": "SGD", "momentum": "SGD with momentum"}
INT_MAX = 2_147_483_647


class LearningRateWidget(QDoubleSpinBox):
    """A spin box for scale-like values (learning rate, clip): arrows multiply or divide by 2,
    text shows significant digits (1e-05, 0.003, 2.5)."""

    def __init__(self, low: float, high: float, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDecimals(10)
        self.setRange(low, high)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.4g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # noqa: D102 - Qt override
        from PySide6.QtGui import QValidator
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            ok = stripped == "" or stripped[-1] in "eE.-+"
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        in_range = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if in_range else QValidator.State.Intermediate), \
            text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        self.setValue(self.value() * (2.0 ** steps))


def _int_spin(low: int, high: int, special: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, min(high, INT_MAX))
    box.setKeyboardTracking(False)
    if special:
        box.setSpecialValueText(special)
    return box


class TaskParamsWidget(QWidget):
    """The parameters of one built-in task as a form built from its `ParamSpec`s."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._fields: dict[str, tuple[Any, QWidget]] = {}
        self.task: str | None = None

    def set_task(self, name: str | None, values: dict[str, Any] | None = None) -> None:
        """Rebuild the form for task `name`, filled with `values` (defaults for the rest)."""
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._fields.clear()
        self.task = name
        if name not in tasks.TASKS:
            return
        info = tasks.TASKS[name]
        values = {**info.defaults(), **(values or {})}
        for key, spec in info.params.items():
            box = self._field(spec, values.get(key))
            box.setToolTip(spec.help)
            self._fields[key] = (spec, box)
            self._layout.addRow(_param_label(key, spec), box)

    def _field(self, spec, value) -> QWidget:
        if spec.type == "str":
            box = QLineEdit("" if value is None else str(value))
            box.setPlaceholderText(spec.help or "default")
            box.editingFinished.connect(self.changed)
            return box
        if spec.type == "int":
            box = _int_spin(int(spec.low if spec.low is not None else -INT_MAX),
                            int(spec.high if spec.high is not None else INT_MAX))
        else:
            box = QDoubleSpinBox()
            box.setDecimals(4)
            box.setRange(spec.low if spec.low is not None else -1e9,
                         spec.high if spec.high is not None else 1e9)
            box.setSingleStep(0.01)
            box.setKeyboardTracking(False)
        box.setValue(value if value is not None else spec.default)
        box.valueChanged.connect(self.changed)
        return box

    def values(self) -> dict[str, Any]:
        """The parameters that differ from the task's defaults are still all written (explicit
        values survive a change of defaults)."""
        out = {}
        for key, (spec, box) in self._fields.items():
            if spec.type == "str":
                out[key] = box.text() or None
            else:
                out[key] = box.value()
        return out


def _param_label(key: str, spec) -> str:
    names = {"n_seq": "Sequences", "T": "Length T", "k": "Delay k", "noise": "Noise",
             "seed": "Data seed", "text": "Text"}
    return names.get(key, key.replace("_", " ").capitalize())


class TrainingSettingsWidget(QWidget):
    """Loss, optimizer, learning rate, epochs, batch size, clipping, TBPTT, seed, validation."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.loss = self._combo(LOSSES, LOSS_NAMES)
        self.optimizer = self._combo(OPTIMIZERS, OPTIMIZER_NAMES)
        self.lr = LearningRateWidget(1e-7, 100.0)
        self.momentum = QDoubleSpinBox()
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.epochs = _int_spin(1, 1_000_000)
        self.batch_size = _int_spin(0, 1_000_000, special="all")
        self.clip = LearningRateWidget(0.0, 1e6)
        self.clip.setSpecialValueText("off")
        self.tbptt = _int_spin(0, 1_000_000, special="full")
        self.seed = _int_spin(0, INT_MAX)
        self.validation = _int_spin(0, 90)
        self.validation.setSuffix(" %")
        self._add_rows(form)
        self._connect()

    def _combo(self, keys: tuple, names: dict) -> QComboBox:
        box = QComboBox()
        for key in keys:
            box.addItem(names.get(key, key), key)
        return box

    def _add_rows(self, form: QFormLayout) -> None:
        rows = (("Loss", self.loss, "The loss averaged over the targets present"),
                ("Optimizer", self.optimizer, ""),
                ("Learning rate", self.lr, "Arrow keys halve or double it"),
                ("Momentum", self.momentum, "Only for SGD with momentum"),
                ("Epochs", self.epochs, ""),
                ("Batch size", self.batch_size, "Sequences per step; 'all' uses every one"),
                ("Clip ‖∇‖", self.clip, "Scale the global gradient norm down to this; 0 = off"),
                ("TBPTT window", self.tbptt, "Truncated BPTT chunk in steps; 'full' = whole "
                                             "sequence"),
                ("Seed", self.seed, "Seed of batches, validation split and re-initialisation"),
                ("Validation", self.validation, "Sequences held out to measure validation "
                                                "loss"))
        for label, box, tip in rows:
            box.setToolTip(tip)
            form.addRow(label, box)

    def _connect(self) -> None:
        for box in (self.loss, self.optimizer):
            box.currentIndexChanged.connect(self._on_field_changed)
        for box in (self.lr, self.momentum, self.epochs, self.batch_size, self.clip, self.tbptt,
                    self.seed, self.validation):
            box.valueChanged.connect(self._on_field_changed)

    def _on_field_changed(self, *args) -> None:
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        self.changed.emit()

    def load(self, s: TrainingSettings) -> None:
        """Show `s` without emitting `changed`."""
        boxes = (self.loss, self.optimizer, self.lr, self.momentum, self.epochs, self.batch_size,
                 self.clip, self.tbptt, self.seed, self.validation)
        for box in boxes:
            box.blockSignals(True)
        try:
            self._fill(s)
        finally:
            for box in boxes:
                box.blockSignals(False)
        self.momentum.setEnabled(s.optimizer == "momentum")

    def _fill(self, s: TrainingSettings) -> None:
        _select(self.loss, s.loss)
        _select(self.optimizer, s.optimizer)
        self.lr.setValue(s.lr)
        self.momentum.setValue(s.momentum)
        self.epochs.setValue(s.epochs)
        self.batch_size.setValue(s.batch_size or 0)
        self.clip.setValue(s.clip or 0.0)
        self.tbptt.setValue(s.tbptt or 0)
        self.seed.setValue(s.seed)
        self.validation.setValue(int(round(s.validation * 100)))

    def store(self, s: TrainingSettings) -> None:
        """Write the form's values into `s`."""
        s.loss = self.loss.currentData()
        s.optimizer = self.optimizer.currentData()
        s.lr = float(self.lr.value())
        s.momentum = float(self.momentum.value())
        s.epochs = int(self.epochs.value())
        s.batch_size = int(self.batch_size.value()) or None
        clip = float(self.clip.value())
        s.clip = clip if clip > 0 and math.isfinite(clip) else None
        s.tbptt = int(self.tbptt.value()) or None
        s.seed = int(self.seed.value())
        s.validation = self.validation.value() / 100.0


def _select(box: QComboBox, key: str) -> None:
    index = box.findData(key)
    if index < 0:
        box.addItem(str(key), key)
        index = box.count() - 1
    box.setCurrentIndex(index)
