"""Where the player's keys act: Space, ←, →, M and Home drive the player only while the focus is
on the canvas, in the player's own views (unrolled, plots, transport controls) or nowhere in
particular. In any other widget (a table, a spin box, a text field, a check box, a button) the
key is that widget's: ← and → move between cells, Space ticks a box, Home goes to the start.

The player's actions keep their window-wide shortcuts (so the Play menu shows them); this
application event filter answers the shortcut-override query for a focused widget outside those
zones, which makes Qt deliver the key to the widget instead of triggering the shortcut.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget
from shiboken6 import isValid

PLAYER_KEYS = frozenset({Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_Left, Qt.Key.Key_M,
                         Qt.Key.Key_Home})
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


class PlayerKeyGuard(QObject):
    """Keeps the player's keys out of every widget of `window` except `zones` (and children)."""

    def __init__(self, window: QWidget, zones: list[QWidget]):
        super().__init__(window)
        self._main, self.zones = window, list(zones)
        QApplication.instance().installEventFilter(self)

    def wants_key(self, widget: QWidget | None) -> bool:
        """Does the player's key go to the player while `widget` has the focus?"""
        if widget is None or isinstance(widget, (QMainWindow, QDockWidget)):
            return True
        return any(isValid(zone) and (zone is widget or zone.isAncestorOf(widget))
                   for zone in self.zones)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.ShortcutOverride or event.key() not in PLAYER_KEYS \
                or event.modifiers() not in _PLAIN:
            return False
        focus = QApplication.focusWidget()
        # QWidget.window(w), not w.window(): a subclass may use that name for something else
        if focus is None or not isValid(self._main) or QWidget.window(focus) is not self._main \
                or self.wants_key(focus):
            return False
        event.accept()  # the focused widget takes the key as a plain key press
        return True
