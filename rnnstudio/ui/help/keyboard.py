"""The keyboard sheet: every shortcut of the window, read from its menus' QActions when the sheet
opens (so it cannot drift from what the keys do), then the canvas keys and mouse gestures that
are not menu entries."""

from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from ..canvas.view import KEY_KINDS

NATIVE = QKeySequence.SequenceFormat.NativeText
CANVAS_GESTURES = (
    ("Drag from a node's rim to another node", "connect them (onto itself: a self-loop)"),
    ("Drag a node", "move it (all selected nodes move together)"),
    ("Drag on empty canvas", "select with a rubber band; Ctrl+click adds or removes"),
    ("Right-click", "the menu of the node, edge, group or canvas under the cursor"),
    ("Double-click a group's name or block", "collapse or expand the group"),
    ("Right- or middle-drag", "pan"),
    ("Wheel", "zoom at the cursor"),
    ("Menu key, Shift+F10", "the context menu at the cursor"),
)


def _text(action) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")


def menu_shortcuts(menu_bar) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(menu title, [(entry, keys)])] for every menu entry with a shortcut, in menu order."""
    out = []
    for top in menu_bar.actions():
        if top.menu() is None:
            continue
        rows = _rows(top.menu(), "")
        if rows:
            out.append((_text(top), rows))
    return out


def _rows(menu, prefix: str) -> list[tuple[str, str]]:
    rows = []
    for action in menu.actions():
        if action.menu() is not None:
            rows += _rows(action.menu(), f"{prefix}{_text(action)} › ")
            continue
        keys = [s.toString(NATIVE) for s in action.shortcuts() if not s.isEmpty()]
        if keys and not action.isSeparator():
            rows.append((prefix + _text(action), ", ".join(keys)))
    return rows


def canvas_keys() -> list[tuple[str, str]]:
    """The canvas's own keys (not menu entries): I/N/O/P add a node at the cursor."""
    names = {"input": "an input", "neuron": "a neuron", "output": "an output",
             "product": "a product neuron"}
    rows = [(QKeySequence(key).toString(NATIVE), f"add {names.get(kind, kind)} at the cursor")
            for key, kind in KEY_KINDS.items()]
    rows.append(("+ / −", "zoom in / out"))
    return rows


def sheet_html(menu_bar) -> str:
    """One table (so the columns line up), a heading row per menu."""
    sections = [(title, [(keys, entry) for entry, keys in rows])
                for title, rows in menu_shortcuts(menu_bar)]
    sections += [("Canvas keys", canvas_keys()), ("Canvas mouse", list(CANVAS_GESTURES))]
    body = "".join(_section(title, rows) for title, rows in sections)
    return (f"<h2>Keyboard and mouse</h2><table cellspacing='0' cellpadding='3'>{body}"
            "</table>")


def _section(title: str, rows) -> str:
    head = (f"<tr><td colspan='2' style='padding-top:12px'><span style='font-size:12pt'>"
            f"<b>{html.escape(title)}</b></span></td></tr>")
    return head + "".join(f"<tr><td width='38%' style='padding-right:18px'><b>{html.escape(a)}</b></td>"
                          f"<td>{html.escape(b)}</td></tr>" for a, b in rows)


class KeyboardSheet(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts — RNN Studio")
        self.resize(560, 680)
        self.browser = QTextBrowser()
        self.browser.setHtml(sheet_html(window.menuBar()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
