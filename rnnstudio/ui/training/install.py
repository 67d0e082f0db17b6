"""Wire the training dock into the main window from this package's side.

`install_training(main_window)` adds a `TrainingDock` for `main_window.doc`, reports to the
status bar, and while a run is active disables every structural edit: the structural actions,
the Insert menu, the palette, the ordering controls, mouse editing and node keys on the canvas
(the canvas still shows the weights changing) and the inspector's structural fields (weights,
biases and initial values stay editable), with a status message saying why. Undo and redo
are disabled too, so the run stays one undo step. Closing the window stops a run first and
keeps its weights.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from .dock import TrainingDock

STRUCTURAL_ACTIONS = ("new", "open", "revert", "undo", "redo", "cut", "paste", "delete",
                      "add_layer", "connect", "arrange")
LOCK_MESSAGE = ("Structural edits are disabled while training runs (the trainer compiled this "
                "structure). Stop training to edit the network; editing a weight pauses it.")


class _CanvasLock(QObject):
    """Eats the canvas's node-adding keys and drops while training is active."""

    def __init__(self, keys, parent=None):
        super().__init__(parent)
        self._keys = set(keys)
        self.locked = False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if not self.locked:
            return False
        if event.type() == QEvent.Type.KeyPress and event.key() in self._keys:
            return True
        return event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop)


class _CloseGuard(QObject):
    """Stops a run (keeping its weights) before the main window handles its close."""

    def __init__(self, dock: TrainingDock, parent=None):
        super().__init__(parent)
        self._dock = dock

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close and self._dock.controller.active:
            self._dock.shutdown()
            QApplication.processEvents()  # deliver the run's result (one undo step)
        return False


def install_training(main_window, area=Qt.DockWidgetArea.BottomDockWidgetArea) -> TrainingDock:
    """Add the training dock to `main_window` (a MainWindow with `doc`, `actions`, `docks`,
    `statusBar()`) and lock structural edits while a run is active. Returns the dock."""
    status = getattr(main_window, "statusBar", None)
    callback = (lambda text: status().showMessage(text, 10_000)) if status else None
    dock = TrainingDock(document=main_window.doc, status_callback=callback, parent=main_window)
    main_window.addDockWidget(area, dock)
    if hasattr(main_window, "docks"):
        main_window.docks["Training"] = dock
    if hasattr(main_window, "view_menu"):
        main_window.view_menu.addAction(dock.toggleViewAction())
    lock = _install_canvas_lock(main_window)
    dock.training_active.connect(lambda active: _set_locked(main_window, lock, active))
    guard = _CloseGuard(dock, main_window)
    main_window.installEventFilter(guard)
    main_window._training_guards = (lock, guard)  # keep the filters alive with the window
    return dock


def _install_canvas_lock(main_window) -> _CanvasLock | None:
    view = getattr(main_window, "view", None)
    if view is None:
        return None
    try:
        from ..canvas.view import KEY_KINDS
    except ImportError:
        KEY_KINDS = {}
    lock = _CanvasLock(KEY_KINDS, main_window)
    view.installEventFilter(lock)
    view.viewport().installEventFilter(lock)
    return lock


def structural_widgets(main_window) -> list:
    """The actions and widgets that change the network's structure (or undo history)."""
    actions = getattr(main_window, "actions", {})
    found = [actions[name] for name in STRUCTURAL_ACTIONS if name in actions]
    for name in ("palette", "mode_box", "strip"):
        widget = getattr(main_window, name, None)
        if widget is not None:
            found.append(widget)
    bar = main_window.menuBar() if hasattr(main_window, "menuBar") else None
    for action in (bar.actions() if bar is not None else []):
        if action.text().replace("&", "") in ("Insert", "Network"):
            found.append(action)
    for name in ("examples_menu", "recent_menu"):
        menu = getattr(main_window, name, None)
        if menu is not None:
            found.append(menu.menuAction())
    return found


def _set_locked(main_window, lock: _CanvasLock | None, active: bool) -> None:
    for item in structural_widgets(main_window):
        item.setEnabled(not active)
    if not active:
        _refresh_undo_actions(main_window)
    view = getattr(main_window, "view", None)
    if view is not None:
        view.setInteractive(not active)
    if lock is not None:
        lock.locked = active
    inspector = getattr(main_window, "inspector", None)
    if inspector is not None:  # kind, activation, delay... locked; weights stay editable
        inspector.lock_structure(LOCK_MESSAGE if active else None)
    for item in structural_widgets(main_window):
        if hasattr(item, "setStatusTip"):
            item.setStatusTip(LOCK_MESSAGE if active else "")


def _refresh_undo_actions(main_window) -> None:
    """Undo/redo actions made by QUndoStack follow canUndo/canRedo again."""
    stack = main_window.doc.stack
    actions = getattr(main_window, "actions", {})
    if "undo" in actions:
        actions["undo"].setEnabled(stack.canUndo())
    if "redo" in actions:
        actions["redo"].setEnabled(stack.canRedo())
