"""A file's malformed training block (issue 14, item 9): the network opens, the bad settings
are flagged and named, Train is refused, and nothing is replaced silently or written back."""

from __future__ import annotations

import json

import pytest

import rnnstudio as rs
from rnnstudio.ui.training.controller import IDLE

from .conftest import small_elman


def open_with(window, tmp_path, **training):
    net = small_elman()
    block = dict(net.training)
    task = block["task"]
    for key, value in training.items():
        if key.startswith("T") or key == "n_seq":
            task["params"][key] = value
        elif key == "task_name":
            task["name"] = value
        else:
            block[key] = value
    net.set_meta(training=block)
    path = tmp_path / "bad.rnn.json"
    rs.save(net, path)
    window.doc.open(path)
    return path


def stored_block(path) -> dict:
    return json.loads(path.read_text())["training"]


@pytest.mark.parametrize("changes, field, words", [
    ({"T": "50"}, "task.params.T", "expected a number, got '50' (text)"),
    ({"lr": "0.1"}, "lr", "expected a number, got '0.1' (text)"),
    ({"seed": 10 ** 30}, "seed", "got a whole number of 31 digits"),
    ({"epochs": 10 ** 30}, "epochs", "got a whole number of 31 digits"),
    ({"epochs": -5}, "epochs", "must be from 1 to 1,000,000, got -5"),
    ({"task_name": "nope"}, "task.name", "'nope' is not a built-in task"),
    ({"T": 100_000, "n_seq": 5000}, "task.params.n_seq", "7.45 GB, more than the 512 MB a run's data "
                                                   "may take: lower T or n_seq"),
])
def test_a_bad_setting_is_named_and_train_is_refused(qtbot, window, tmp_path, changes, field,
                                                     words):
    path = open_with(window, tmp_path, **changes)
    dock = window.training
    before = stored_block(path)
    assert window.doc.path == path  # the network opened
    assert dock.problem_label.isVisibleTo(dock)
    assert f"{field}: " in dock.problem_label.text() and words in dock.problem_label.text()
    assert f"{field}: " in window.statusBar().currentMessage()
    stack_count = window.doc.stack.count()
    assert not dock.train()
    assert f"{field}: " in dock.status_label.text() and words in dock.status_label.text()
    assert dock.controller.state == IDLE
    assert window.doc.stack.count() == stack_count  # nothing stored
    assert window.doc.net.training == before and not window.doc.modified
    window.doc.save(path)
    assert stored_block(path) == before  # a save writes the user's block back as it was


def test_an_unknown_task_is_shown_as_it_is_not_as_another(window, tmp_path):
    open_with(window, tmp_path, task_name="nope")
    dock = window.training
    assert dock.source_combo.currentText() == "nope (unknown task)"
    assert dock.settings().task == "nope"


def test_a_flagged_field_shows_why_and_keeps_the_files_value_until_edited(window, tmp_path):
    path = open_with(window, tmp_path, lr="0.1", epochs=-5)
    dock, form = window.training, window.training.settings_form
    label = form.form.labelForField(form.lr)
    assert "0.1" in form.lr.toolTip() and "c92a2a" in label.styleSheet()
    assert form.epochs.value() == 100  # the default is shown, not the file's -5 clamped to 1
    form.lr.setValue(0.02)  # the user sets the learning rate: only that is written
    training = window.doc.net.training
    assert training["lr"] == 0.02 and training["epochs"] == -5
    assert "epochs" in dock.problem_label.text() and "lr:" not in dock.problem_label.text()
    assert not dock.train()
    form.epochs.setValue(3)
    assert not dock.problem_label.isVisibleTo(dock)
    window.doc.save(path)
    assert stored_block(path)["epochs"] == 3


def test_a_flagged_task_parameter_is_kept_until_edited(window, tmp_path):
    open_with(window, tmp_path, T="50")
    dock = window.training
    spin = dock.params_form._fields["T"][1]
    assert spin.value() == rs.tasks.TASKS["sine"].params["T"].default
    dock.settings_form.lr.setValue(0.02)  # another field: T stays as the file has it
    assert window.doc.net.training["task"]["params"]["T"] == "50"
    spin.setValue(20)
    assert window.doc.net.training["task"]["params"]["T"] == 20
    assert not dock.problem_label.isVisibleTo(dock)
