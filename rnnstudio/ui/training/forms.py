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

from ..plaintext import literal
from .settings import LIMITS, LOSSES, OPTIMIZERS, TrainingSettings

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
    """The parameters of one built-in task as a form built from its `ParamSpec`s.

    A value from the file that the form cannot show as it is (text for a number, out of range)
    is flagged (red label, tooltip) and kept: `values()` returns the file's value for every
    field the user has not edited, so nothing is replaced silently."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._fields: dict[str, tuple[Any, QWidget]] = {}
        self._given: dict[str, Any] = {}  # the values set_task was given
        self._edited: set[str] = set()
        self.task: str | None = None

    def set_task(self, name: str | None, values: dict[str, Any] | None = None,
                 problems: dict[str, str] | None = None) -> None:
        """Rebuild the form for task `name`, filled with `values` (defaults for the rest);
        `problems` ({param: message}) flags fields whose value cannot be shown."""
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._fields.clear()
        self._edited.clear()
        self.task = name
        self._given = dict(values or {}) if isinstance(values, dict) else {}
        if not isinstance(name, str) or name not in tasks.TASKS:
            return
        info = tasks.TASKS[name]
        problems = problems or {}
        for key, spec in info.params.items():
            value = self._given.get(key, spec.default)
            bad = problems.get(key) or _unshowable(spec, value)
            box = self._field(key, spec, spec.default if bad else value)
            box.setToolTip(spec.help)
            self._fields[key] = (spec, box)
            self._layout.addRow(_param_label(key, spec), box)
            if bad:
                flag_field(self._layout, box, bad)

    def _field(self, key: str, spec, value) -> QWidget:
        if spec.type == "str":
            box = QLineEdit("" if value is None else str(value))
            box.setPlaceholderText(spec.help or "default")
            box.editingFinished.connect(lambda k=key: self._on_edited(k))
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
        box.valueChanged.connect(lambda *args, k=key: self._on_edited(k))
        return box

    def _on_edited(self, key: str) -> None:
        self._edited.add(key)
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        """Every parameter (explicit values survive a change of defaults): the form's value
        where the user edited it or the file had none, else the file's value as it was."""
        out = {}
        for key, (spec, box) in self._fields.items():
            if key in self._given and key not in self._edited:
                out[key] = self._given[key]
            elif spec.type == "str":
                out[key] = box.text() or None
            else:
                out[key] = box.value()
        return out


def _unshowable(spec, value) -> str | None:
    """Why a spin box cannot show `value` as it is (None: it can)."""
    if value is None or spec.type == "str":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number, got {value!r}"
    try:
        spec.check("", "", value)
    except tasks.TaskError as exc:
        return str(exc).split("' ", 2)[-1]
    return None


def flag_field(form: QFormLayout, box: QWidget, problem: str) -> None:
    """Mark a field whose stored value is not usable: red label, the reason as tooltip."""
    tip = (f"The stored value is not usable: {problem}.\nThe default is shown; the stored "
           "value is kept until you set one here.")
    box.setToolTip(literal(tip))  # the file's value as it is, even if it looks like markup
    label = form.labelForField(box)
    if label is not None:
        label.setStyleSheet("color: #c92a2a; font-weight: bold;")
        label.setToolTip(literal(tip))


def _param_label(key: str, spec) -> str:
    names = {"n_seq": "Sequences", "T": "Length T", "k": "Delay k", "noise": "Noise",
             "seed": "Data seed", "text": "Text"}
    return names.get(key, key.replace("_", " ").capitalize())


class TrainingSettingsWidget(QWidget):
    """Loss, optimizer, learning rate, epochs, batch size, clipping, TBPTT, seed, validation.

    `load` shows settings (a value the form cannot show is flagged and the default shown);
    `store` writes back only the fields the user edited since, so a stored value is never
    replaced by what a field happens to show."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.loss = self._combo(LOSSES, LOSS_NAMES)
        self.optimizer = self._combo(OPTIMIZERS, OPTIMIZER_NAMES)
        self.lr = LearningRateWidget(*LIMITS["lr"][1:3])
        self.momentum = QDoubleSpinBox()
        self.momentum.setRange(*LIMITS["momentum"][1:3])
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.epochs = _int_spin(*LIMITS["epochs"][1:3])
        self.batch_size = _int_spin(0, LIMITS["batch_size"][2], special="all")
        self.clip = LearningRateWidget(0.0, LIMITS["clip"][2])
        self.clip.setSpecialValueText("off")
        self.tbptt = _int_spin(0, LIMITS["tbptt"][2], special="full")
        self.seed = _int_spin(*LIMITS["seed"][1:3])
        self.validation = _int_spin(0, int(round(LIMITS["validation"][2] * 100)))
        self.validation.setSuffix(" %")
        self._edited: set[str] = set()
        self._add_rows(self.form)
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
        self._tips = {}
        for label, box, tip in rows:
            box.setToolTip(tip)
            self._tips[box] = tip
            form.addRow(label, box)

    def _boxes(self) -> dict[str, QWidget]:
        return {name: getattr(self, name) for name in FIELDS}

    def _connect(self) -> None:
        for name, box in self._boxes().items():
            signal = box.currentIndexChanged if isinstance(box, QComboBox) else box.valueChanged
            signal.connect(lambda *args, n=name: self._on_field_changed(n))

    def _on_field_changed(self, name: str) -> None:
        self._edited.add(name)
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        self.changed.emit()

    def load(self, s: TrainingSettings, problems: dict[str, str] | None = None) -> None:
        """Show `s` without emitting `changed`; `problems` ({field: message}) are flagged."""
        boxes = self._boxes()
        for box in boxes.values():
            box.blockSignals(True)
        try:
            self._edited.clear()
            self._unflag()
            shown, defaults = s.copy(), TrainingSettings()
            for name, message in (problems or {}).items():
                if name in boxes:
                    setattr(shown, name, getattr(defaults, name))
                    flag_field(self.form, boxes[name], message)
            self._fill(shown)
        finally:
            for box in boxes.values():
                box.blockSignals(False)
        self.momentum.setEnabled(s.optimizer == "momentum")

    def _unflag(self) -> None:
        for box, tip in self._tips.items():
            box.setToolTip(tip)
            label = self.form.labelForField(box)
            if label is not None:
                label.setStyleSheet("")
                label.setToolTip("")

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
        """Write the fields the user edited since `load` into `s`."""
        values = {
            "loss": lambda: self.loss.currentData(),
            "optimizer": lambda: self.optimizer.currentData(),
            "lr": lambda: float(self.lr.value()),
            "momentum": lambda: float(self.momentum.value()),
            "epochs": lambda: int(self.epochs.value()),
            "batch_size": lambda: int(self.batch_size.value()) or None,
            "clip": lambda: _clip(float(self.clip.value())),
            "tbptt": lambda: int(self.tbptt.value()) or None,
            "seed": lambda: int(self.seed.value()),
            "validation": lambda: self.validation.value() / 100.0,
        }
        for name in self._edited:
            setattr(s, name, values[name]())


FIELDS = ("loss", "optimizer", "lr", "momentum", "epochs", "batch_size", "clip", "tbptt", "seed",
          "validation")


def _clip(value: float) -> float | None:
    return value if value > 0 and math.isfinite(value) else None


def _select(box: QComboBox, key: str) -> None:
    index = box.findData(key)
    if index < 0:
        box.addItem(str(key), key)
        index = box.count() - 1
    box.setCurrentIndex(index)
