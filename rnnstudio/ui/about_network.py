"""The "About this network" panel: the network's name and description, shown when a network
opens (a tab beside the Inspector) and editable in place. Saving an edit is one undo step (`Editor.set_meta`); the panel
follows the model's META_CHANGED events, so undo, redo and training runs show at once."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from shiboken6 import isValid
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton,
                               QStackedWidget, QTextBrowser, QVBoxLayout, QWidget)

from ..model import events as ev

EMPTY_TEXT = ("This network has no description yet. Press Edit to write what it shows and "
              "what to look at: it is saved in the file.")


EDIT_LINK = "rnnstudio:edit"


def description_html(name: str, description: str) -> str:
    """The read-only page: the name as a heading, the description as paragraphs, and a link
    that starts editing."""
    paragraphs = [p.strip() for p in description.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    if not body:
        body = f"<p style='color:#6b7280'>{html.escape(EMPTY_TEXT)}</p>"
    link = "Edit…" if description.strip() else "Write a description…"
    return (f"<h3 style='margin-bottom:4px'>{html.escape(name or 'untitled')}</h3>{body}"
            f"<p align='right'><a href='{EDIT_LINK}'>{link}</a></p>")


class _CurrentPageStack(QStackedWidget):
    """Sized by the page shown, not the largest page: the panel stays small on small screens."""

    def minimumSizeHint(self):  # noqa: N802 - Qt override
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


class AboutNetworkWidget(QWidget):
    """Read mode (a text browser ending in an Edit link) and edit mode (name, description, Save,
    Cancel). Ctrl+Return saves, Escape cancels. Small minimum sizes: it scrolls rather than make
    the window taller than a small screen."""

    def __init__(self, editor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self.net = None
        self.pages = _CurrentPageStack(self)
        self.pages.addWidget(self._build_read_page())
        self.pages.addWidget(self._build_edit_page())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 0, 2, 2)
        lay.addWidget(self.pages)
        self.set_network(editor.net)

    # ---------------------------------------------------------------- building
    def _build_read_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.document().setDocumentMargin(6)
        self.browser.setMinimumHeight(30)
        self.browser.setToolTip("Edit… (at the end) changes the name and description; they "
                                "are saved in the file")
        lay.addWidget(self.browser, 1)
        return page

    def _on_link(self, url) -> None:
        if url.toString() == EDIT_LINK:
            self.start_editing()

    def _build_edit_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Name")
        self.name_edit.setToolTip("The network's name")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setMinimumHeight(30)
        self.text_edit.setPlaceholderText("What the network shows, and what to look at. "
                                          "A blank line starts a new paragraph.")
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Keep the edit (Ctrl+Return); Edit › Undo takes it back")
        self.save_button.clicked.connect(self.commit)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Drop the edit (Escape)")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        lay.addWidget(self.text_edit, 1)
        for keys, slot in (("Ctrl+Return", self.commit), ("Ctrl+Enter", self.commit),
                           ("Escape", self.cancel)):
            shortcut = QShortcut(QKeySequence(keys), page, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return page

    # ---------------------------------------------------------------- the network
    def set_network(self, net) -> None:
        """Follow another network (a file was opened): leave edit mode, show its text."""
        if self.net is not None:
            self.net.events.unsubscribe(self._on_model_event)
        self.net = net
        net.events.subscribe(self._on_model_event)
        self.pages.setCurrentIndex(0)
        self.refresh()

    def _on_model_event(self, event: ev.Event) -> None:
        if event.kind == ev.META_CHANGED and (not event.changed or
                                              {"name", "description"} & set(event.changed)):
            self.refresh()

    def refresh(self) -> None:
        self.browser.setHtml(description_html(self.net.name, self.net.description))

    @property
    def editing(self) -> bool:
        return self.pages.currentIndex() == 1

    # ---------------------------------------------------------------- editing
    def start_editing(self) -> None:
        self.name_edit.setText(self.net.name)
        self.text_edit.setPlainText(self.net.description)
        self.pages.setCurrentIndex(1)
        self.pages.updateGeometry()
        self.text_edit.setFocus()

    def commit(self) -> bool:
        """Apply the edit as one undo step and go back to reading; False if refused."""
        if not self.editing:
            return False
        name = self.name_edit.text().strip() or self.net.name
        text = self.text_edit.toPlainText().strip()
        if not self.editor.set_meta("Edit description", name=name, description=text):
            return False
        self.pages.setCurrentIndex(0)
        self.refresh()
        return True

    def cancel(self) -> None:
        self.pages.setCurrentIndex(0)
        self.refresh()


def install_about_network(window) -> AboutNetworkWidget:
    """Add the panel as a dock sharing the Inspector's place (a tab beside it): it comes to
    the front when a network opens, the Inspector when something is selected."""
    panel = AboutNetworkWidget(window.editor)
    dock = window.add_dock(panel, "About this network", Qt.DockWidgetArea.RightDockWidgetArea)
    inspector = window.docks.get("Inspector")
    if inspector is not None:
        window.tabifyDockWidget(inspector, dock)
    dock.raise_()

    def on_network(net) -> None:
        panel.set_network(net)
        if not dock.isHidden():
            dock.raise_()

    def on_selection() -> None:
        scene = window.scene
        if not (isValid(scene) and isValid(dock)):
            return  # the window is being torn down
        if inspector is not None and (scene.selected_nodes() or scene.selected_edges):
            inspector.raise_()

    window.doc.network_replaced.connect(on_network)
    window.scene.selectionChanged.connect(on_selection)
    window.scene.edge_selection_changed.connect(on_selection)
    return panel
