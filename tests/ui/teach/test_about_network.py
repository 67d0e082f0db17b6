"""The "About this network" panel: shows the description of the network that opens, edits it
as one undo step, and the edit is saved in the file."""

from __future__ import annotations

import rnnstudio as rs
from rnnstudio.ui.document import examples_dir

from .conftest import small_net


def test_opening_a_network_shows_its_description(window):
    window.files.open_example(examples_dir() / "echo-memory.rnn.json")
    panel = window.about_network
    text = panel.browser.toPlainText()
    assert text.startswith("echo-memory")
    assert window.doc.net.description[:60] in " ".join(text.split())
    window.doc.new(small_net())
    assert "no description yet" in panel.browser.toPlainText()
    assert panel.browser.toPlainText().rstrip().endswith("Write a description…")


def test_an_edit_is_one_undo_step_and_is_saved(window, tmp_path):
    window.doc.new(small_net())
    panel = window.about_network
    panel.start_editing()
    assert panel.editing
    panel.name_edit.setText("loop demo")
    panel.text_edit.setPlainText("First paragraph.\n\nSecond <b>not bold</b>.")
    assert panel.commit()
    net = window.doc.net
    assert (net.name, net.description) == ("loop demo", "First paragraph.\n\nSecond <b>not bold</b>.")
    assert not panel.editing and "Second <b>not bold</b>." in panel.browser.toPlainText()
    assert window.doc.stack.count() == 1 and window.doc.modified
    path = tmp_path / "n.rnn.json"
    window.doc.save(path)
    assert rs.load(path).description == net.description
    window.doc.stack.undo()
    assert (net.name, net.description) == ("small", "")
    assert "no description yet" in panel.browser.toPlainText()  # follows the undo
    window.doc.stack.redo()
    assert net.name == "loop demo"


def test_cancel_and_unchanged_save_leave_no_undo_step(window):
    window.doc.new(small_net())
    panel = window.about_network
    panel.start_editing()
    panel.text_edit.setPlainText("dropped")
    panel.cancel()
    assert window.doc.net.description == "" and not panel.editing
    panel.start_editing()
    assert panel.commit()  # nothing changed
    assert window.doc.stack.count() == 0


def test_opening_another_network_leaves_edit_mode(window):
    panel = window.about_network
    panel.start_editing()
    panel.text_edit.setPlainText("half-typed")
    window.doc.new(small_net())
    assert not panel.editing and window.doc.net.description == ""


def test_the_edit_link_starts_editing_and_the_panel_stays_small(window):
    from PySide6.QtCore import QUrl
    from rnnstudio.ui.about_network import EDIT_LINK
    window.files.open_example(examples_dir() / "echo-memory.rnn.json")
    panel = window.about_network
    assert panel.browser.toPlainText().rstrip().endswith("Edit…")
    panel.browser.anchorClicked.emit(QUrl(EDIT_LINK))
    assert panel.editing and panel.text_edit.toPlainText() == window.doc.net.description
    for editing in (True, False):  # read mode and edit mode: no taller than a few lines
        assert panel.minimumSizeHint().height() < 110
        panel.cancel()


def test_the_panel_comes_forward_on_open_and_the_inspector_on_selection(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    about, inspector = window.docks["About this network"], window.docks["Inspector"]
    assert inspector in window.tabifiedDockWidgets(about)
    window.doc.new(small_net())
    qtbot.waitUntil(lambda: not about.visibleRegion().isEmpty())
    window.scene.select_nodes(["h"])
    qtbot.waitUntil(lambda: not inspector.visibleRegion().isEmpty())
    assert about.visibleRegion().isEmpty()
