"""The Help menu: Concepts (F1) and a submenu with each page, the keyboard sheet, the About
box. Opening an example from a page goes through the window's file controller, so unsaved
work is asked about first."""

from __future__ import annotations

import platform

from PySide6.QtCore import QObject, Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from . import TOPICS
from .concepts import ConceptsWindow
from .keyboard import KeyboardSheet


def versions() -> dict[str, str]:
    """The versions the About box shows."""
    import numpy
    import pyqtgraph
    import PySide6

    from ... import __version__
    return {"RNN Studio": __version__, "Python": platform.python_version(),
            "Qt": qVersion(), "PySide6": PySide6.__version__, "numpy": numpy.__version__,
            "pyqtgraph": pyqtgraph.__version__}


def about_html() -> str:
    rows = "".join(f"<tr><td>{k}</td><td style='padding-left:12px'>{v}</td></tr>"
                   for k, v in versions().items())
    return ("<h3>RNN Studio</h3><p>Build recurrent neural networks neuron by neuron, watch "
            "sequences flow through them step by step, and train them with backpropagation "
            f"through time.</p><table>{rows}</table>")


class HelpMenu(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.concepts: ConceptsWindow | None = None
        self.keyboard: KeyboardSheet | None = None
        self.menu = window.menuBar().addMenu("&Help")
        self.concepts_action = self._action("concepts", "&Concepts", self.show_concepts,
                                            QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.menu.addAction(self.concepts_action)
        pages = self.menu.addMenu("Concept &Pages")
        for t in TOPICS:
            pages.addAction(t.title).triggered.connect(
                lambda _=False, s=t.slug: self.show_concepts(s))
        self.menu.addSeparator()
        self.menu.addAction(self._action("keyboard", "&Keyboard Shortcuts",
                                         self.show_keyboard))
        self.menu.addAction(self._action("about", "&About RNN Studio", self.show_about))

    def _action(self, name: str, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _=False: slot())
        action.setMenuRole(QAction.MenuRole.AboutRole if name == "about"
                           else QAction.MenuRole.NoRole)
        self.window.actions[name] = action
        return action

    def show_concepts(self, slug: str | None = None) -> ConceptsWindow:
        if self.concepts is None:
            self.concepts = ConceptsWindow(self.window)
            self.concepts.example_requested.connect(self.open_example)
        if slug is not None:
            self.concepts.show_topic(slug)
        self.concepts.show()
        self.concepts.raise_()
        self.concepts.activateWindow()
        return self.concepts

    def open_example(self, name: str) -> bool:
        from ..document import examples_dir
        ok = self.window.files.open_example(examples_dir() / f"{name}.rnn.json")
        if ok:
            self.window.raise_()
            self.window.activateWindow()
        return ok

    def show_keyboard(self) -> KeyboardSheet:
        self.keyboard = KeyboardSheet(self.window)  # made anew: it reads today's shortcuts
        self.keyboard.show()
        return self.keyboard

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About RNN Studio", about_html(),
                          QMessageBox.StandardButton.Close, self.window)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()
        self.about_box = box
        return box
