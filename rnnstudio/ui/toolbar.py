"""The main toolbar: icon buttons (drawn in `icons`) with tooltips that name the shortcut, and
the ordering mode. Buttons show icons only, so their widths never change: the Undo button's
tooltip says what it undoes ("Undo Insert LSTM (Ctrl+Z)") instead of its label growing with it
and shifting every control after it."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QToolBar

from shiboken6 import isValid

from ..model import ORDERING_MODES
from . import icons

MODE_TIPS = {"auto": "auto — fewest delayed edges", "position": "by position — left to right",
             "manual": "manual — drag in the ordering strip"}
TIPS = {"new": "New network", "open": "Open a network file", "save": "Save the network",
        "arrange": "Arrange: lay the network out left to right by its ordering",
        "fit": "Fit the network in the view", "zoom_in": "Zoom in", "zoom_out": "Zoom out"}
GROUPS = (("new", "open", "save"), ("undo", "redo"), ("ordering", "arrange"),
          ("fit", "zoom_in", "zoom_out"))
ICON_SIZE = 22


def with_shortcut(text: str, action: QAction) -> str:
    """A tooltip: the words, then the shortcut as this platform writes it."""
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({keys})" if keys else text


def ordering_box() -> QComboBox:
    box = QComboBox()
    for mode in ORDERING_MODES:
        box.addItem(MODE_TIPS[mode], mode)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setToolTip("How one time step orders the neurons; edges pointing back in the ordering "
                   "read the previous step")
    return box


class _UndoTip(QObject):
    """Keeps an undo/redo action's tooltip on what it would undo or redo. A child of the
    action, so the connection ends with it (the stack may outlive the window's actions)."""

    def __init__(self, action: QAction, verb: str, changed):
        super().__init__(action)
        self.action, self.verb = action, verb
        changed.connect(self.update)
        self.update("")

    def update(self, text: str) -> None:
        if not isValid(self.action):  # the window is being torn down: its stack clears last
            return
        self.action.setToolTip(with_shortcut(f"{self.verb} {text}" if text else self.verb,
                                             self.action))


def build_toolbar(window: QMainWindow, actions: dict[str, QAction], stack
                  ) -> tuple[QToolBar, QComboBox]:
    """Add the main toolbar to `window`; returns it and its ordering-mode box."""
    bar = window.addToolBar("Main")
    bar.setObjectName("main_toolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    bar.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
    mode_box = ordering_box()
    _UndoTip(actions["undo"], "Undo", stack.undoTextChanged)
    _UndoTip(actions["redo"], "Redo", stack.redoTextChanged)
    for i, group in enumerate(GROUPS):
        if i:
            bar.addSeparator()
        for name in group:
            if name == "ordering":
                bar.addWidget(QLabel(" Ordering: "))
                bar.addWidget(mode_box)
                continue
            action = actions[name]
            action.setIcon(icons.icon(name))
            if name in TIPS:
                action.setToolTip(with_shortcut(TIPS[name], action))
            bar.addAction(action)
    return bar, mode_box
