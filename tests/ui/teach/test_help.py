"""The Help menu: concept pages with buttons that open their examples, F1, the keyboard sheet
made from the actions, the About box with the versions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy
import pyqtgraph
from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtCore import Qt

from rnnstudio.ui.document import examples_dir
from rnnstudio.ui.help import TOPICS, page_text
from rnnstudio.ui.help.keyboard import menu_shortcuts, sheet_html

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_every_topic_has_a_page_and_its_examples_ship():
    offered = json.loads((EXAMPLES / "index.json").read_text("utf-8"))["examples"]
    slugs = [t.slug for t in TOPICS]
    assert len(set(slugs)) == len(slugs) == 9
    for t in TOPICS:
        text = page_text(t.slug)
        assert text.startswith("# ") and 600 < len(text) < 3000, t.slug
        assert t.examples and set(t.examples) <= set(offered), t.slug
        for name in t.examples:  # the page names the examples its buttons open
            assert name in text, (t.slug, name)


def test_the_pages_are_package_data():
    import tomllib
    pyproject = tomllib.loads((EXAMPLES.parent / "pyproject.toml").read_text())
    assert "ui/help/pages/*.md" in pyproject["tool"]["setuptools"]["package-data"]["rnnstudio"]


def test_f1_opens_the_concepts_and_a_button_opens_the_example(window, qtbot):
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.view.setFocus()
    action = window.actions["concepts"]
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    QTest.keyClick(window.view, Qt.Key.Key_F1)
    concepts = window.help.concepts
    assert concepts is not None and concepts.isVisible()
    assert concepts.browser.toPlainText().startswith("Ordering and backward edges")
    window.help.show_concepts("gates")
    buttons = concepts.example_buttons()
    assert [b.text() for b in buttons] == ["Open example lstm-adding",
                                           "Open example gru-adding"]
    buttons[1].click()
    assert window.doc.example == "gru-adding" and window.doc.net.name == "gru-adding"
    assert "GRU" in window.about_network.browser.toPlainText()
    concepts.topics.setCurrentRow(0)  # the list switches pages
    assert concepts.slug == "ordering"
    assert len(concepts.example_buttons()) == 2


def test_each_page_is_in_the_help_menu(window):
    menu = window.help.menu
    pages = next(a.menu() for a in menu.actions() if a.text() == "Concept &Pages")
    assert [a.text() for a in pages.actions()] == [t.title for t in TOPICS]
    pages.actions()[7].trigger()
    assert window.help.concepts.slug == "bidirectional"


def test_the_keyboard_sheet_lists_every_menu_shortcut_and_follows_changes(window):
    listed = {entry: keys for _, rows in menu_shortcuts(window.menuBar()) for entry, keys in rows}
    native = QKeySequence.SequenceFormat.NativeText
    expected = {}
    for action in window.findChildren(QAction):
        if action.shortcut().isEmpty() or not action.associatedObjects():
            continue
        in_menu = any(getattr(o, "title", None) and o is not window.menuBar()
                      for o in action.associatedObjects())
        if in_menu:
            expected[action.shortcut().toString(native)] = action
    shown_keys = {k for keys in listed.values() for k in keys.split(", ")}
    assert set(expected) <= shown_keys
    assert listed["Open"] == QKeySequence(QKeySequence.StandardKey.Open).toString(native)
    window.actions["arrange"].setShortcut("Ctrl+Alt+R")  # the sheet reads the actions anew
    sheet = window.help.show_keyboard()
    text = sheet.browser.toPlainText()
    assert "Ctrl+Alt+R" in text and "Arrange" in text
    assert "Help" in text and "F1" in text and "Canvas keys" in text
    sheet.close()


def test_the_about_box_names_the_versions(window):
    box = window.help.show_about()
    text = re.sub(r"<[^>]+>", " ", box.text())
    for version in (qVersion(), numpy.__version__, pyqtgraph.__version__, "0.1.0"):
        assert version in text
    box.close()
