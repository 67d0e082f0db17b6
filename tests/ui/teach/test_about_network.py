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
    assert panel.edit_button.text() == "Write a description…"


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
