"""The concept pages: a list of topics beside the page, and a button per example that shows
the idea. A tool window of its own, so it stays open beside the main window while the example
is explored."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QPushButton, QSplitter,
                               QTextBrowser, QVBoxLayout, QWidget)

from . import TOPICS, page_text, topic

PAGE_CSS = "body { font-size: 11pt; } h1 { font-size: 15pt; } code { background: #eef1f6; }"


class ConceptsWindow(QWidget):
    """Topics on the left, the page on the right, "Open example" buttons under the page."""

    example_requested = Signal(str)  # an example's name

    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("RNN Studio — Concepts")
        self.resize(920, 640)
        self.slug = ""
        self.topics = QListWidget()
        self.topics.addItems([t.title for t in TOPICS])
        self.topics.setMinimumWidth(220)
        self.topics.setWordWrap(True)
        self.topics.setSpacing(2)
        self.topics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.topics.currentRowChanged.connect(lambda row: self.show_topic(TOPICS[row].slug))
        self.browser = QTextBrowser()
        self.browser.document().setDefaultStyleSheet(PAGE_CSS)
        self.browser.document().setDocumentMargin(14)
        self.buttons = QHBoxLayout()
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser, 1)
        lay.addLayout(self.buttons)
        split = QSplitter()
        split.addWidget(self.topics)
        split.addWidget(page)
        split.setStretchFactor(1, 1)
        split.setSizes([270, 650])
        outer = QVBoxLayout(self)
        outer.addWidget(split)
        self.show_topic(TOPICS[0].slug)

    def show_topic(self, slug: str) -> None:
        t = topic(slug)
        if slug == self.slug:
            return
        self.slug = slug
        self.browser.setMarkdown(page_text(slug))
        row = [x.slug for x in TOPICS].index(slug)
        if self.topics.currentRow() != row:
            self.topics.setCurrentRow(row)
        self._fill_buttons(t.examples)

    def _fill_buttons(self, examples) -> None:
        while self.buttons.count():
            widget = self.buttons.takeAt(0).widget()
            if widget is not None:  # out of the window now, deleted later
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.buttons.addWidget(QLabel("Try it:"))
        for name in examples:
            button = QPushButton(f"Open example {name}")
            button.setToolTip(f"Open examples/{name}.rnn.json in the main window")
            button.clicked.connect(lambda _=False, n=name: self.example_requested.emit(n))
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)

    def example_buttons(self) -> list[QPushButton]:
        return [self.buttons.itemAt(i).widget() for i in range(self.buttons.count())
                if isinstance(self.buttons.itemAt(i).widget(), QPushButton)]
