"""The user's text (node ids, labels, file names, messages naming them) shown as typed.

Qt takes any label, tooltip or message box text that looks like HTML as rich text, so an id such
as ``<b>x</b>`` would show as a bold "x". pyqtgraph's titles, axis labels and legends are always
HTML. These helpers make such text literal:

    plain(label, ...)       # QLabels: Qt.PlainText
    literal(text)           # tooltips, static message boxes and dialogs: `text` as typed
    markup(text)            # text for an HTML context (pyqtgraph), escaped
    menu_text(text)         # a menu or undo text: "&" is a shortcut marker there
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt


def plain(*labels) -> None:
    """Show these QLabels' text as typed, whatever it contains."""
    for label in labels:
        label.setTextFormat(Qt.TextFormat.PlainText)


def literal(text: str) -> str:
    """Rich text that displays exactly `text` (line breaks kept): for tooltips, static
    QMessageBox and QInputDialog calls, which have no plain-text mode."""
    if not text:
        return ""
    return GuiQt.convertFromPlainText(text, GuiQt.WhiteSpaceMode.WhiteSpaceNormal)  # wraps


def menu_text(text: str) -> str:
    """`text` for a QAction or undo command: a single "&" would mark a shortcut key."""
    return text.replace("&", "&&")


def markup(text: str) -> str:
    """`text` escaped for an HTML context such as a pyqtgraph legend or title."""
    return html.escape(text, quote=False)
