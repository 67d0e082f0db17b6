"""The training dock in the real main window: runs, Stop, undo, divergence, the lock on
structural edits, hand edits during a run, re-initialisation, settings in the file."""

from __future__ import annotations

import math
import os
import signal
import sys

import numpy as np
import pytest

import rnnstudio as rs
from rnnstudio.ui.training.controller import IDLE, PAUSED
from rnnstudio.ui.training.install import LOCK_MESSAGE

from .conftest import RUN_TIMEOUT_MS, small_elman, start_run, train_to_end, wait_idle


def _weights(net) -> np.ndarray:
    p = net.get_params()
    return np.array([p["weights"][k] for k in sorted(p["weights"])] +
                    [p["biases"][k] for k in sorted(p["biases"])])


def test_training_changes_the_weights_and_draws_one_loss_point_per_epoch(qtbot, window, dock):
    net = window.doc.net
    before = _weights(net)
    epochs = dock.settings().epochs
    result = train_to_end(qtbot, dock)
    assert result.error is None and result.diverged is None and not result.stopped
    assert result.epochs_done == epochs
    assert not np.allclose(_weights(net), before)
    assert dock.history.n_epochs == epochs
    dock.plots.refresh()
    x, y = dock.plots.train_curve.getData()
    assert len(x) == epochs and np.isfinite(y).all()
    assert dock.progress_bar.value() == epochs and f"Epoch {epochs}/{epochs}" in \
        dock.progress_bar.format()
    assert "finished" in window.statusBar().currentMessage()
    # the latest batch's gradient through time: one value per step of the sequence
    assert len(dock.history.grad_through_time) == 12
    assert len(dock.history.grad_norm) == len(dock.history.steps) > 0
    # after training: outputs against targets on the validation sequences
    assert dock.history.outputs is not None
    assert dock.history.outputs["outputs"].shape == dock.history.outputs["targets"].shape


def test_the_run_uses_the_form_settings(qtbot, window, dock):
    dock.settings_form.epochs.setValue(2)
    dock.settings_form.batch_size.setValue(2)
    result = train_to_end(qtbot, dock)
    assert result.epochs_done == 2
    # 8 sequences, 25 % validation: 6 training sequences in batches of 2 -> 3 steps per epoch
    assert len(dock.history.steps) == 2 * 3
    assert window.doc.net.training["epochs"] == 2


def test_stop_stops_within_one_batch(qtbot, window, dock):
    dock.settings_form.epochs.setValue(100_000)
    dock.settings_form.batch_size.setValue(1)
    worker = start_run(qtbot, dock)
    qtbot.waitUntil(lambda: worker.batches_done >= 3, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        dock.stop_button.click()
        at_stop = worker.batches_done
    result = blocker.args[0]
    assert result.stopped and result.diverged is None
    assert worker.batches_done <= at_stop + 1
    assert result.epochs_done < 100_000
    assert dock.controller.state == IDLE and dock.train_button.isEnabled()
    assert "stopped" in dock.status_label.text()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_training_process_that_dies_fails_the_run_and_keeps_the_weights(qtbot, window, dock):
    net, stack = window.doc.net, window.doc.stack
    dock.settings_form.epochs.setValue(100_000)
    before, count = net.get_params(), stack.count()
    worker = start_run(qtbot, dock)
    qtbot.waitUntil(lambda: net.get_params() != before, timeout=RUN_TIMEOUT_MS)  # it trains
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        os.kill(worker.pid, signal.SIGKILL)
    result = blocker.args[0]
    assert "training process was killed by signal SIGKILL" in result.error
    assert net.get_params() == before
    assert stack.count() == count  # the failed run left no undo step
    title, text = dock.last_message
    assert title == "Training failed"
    assert "killed by signal SIGKILL" in text and "weights from before the run were kept" in text
    assert dock.controller.state == IDLE and dock.train_button.isEnabled()


def test_a_run_is_one_undo_step(qtbot, window, dock):
    net, stack = window.doc.net, window.doc.stack
    before, count = net.get_params(), stack.count()
    train_to_end(qtbot, dock)
    after = net.get_params()
    assert after != before
    assert stack.count() == count + 1 and stack.undoText().startswith("Train")
    stack.undo()
    assert net.get_params() == before
    stack.redo()
    assert net.get_params() == after
    assert window.actions["undo"].isEnabled()


def test_a_diverging_run_ends_with_finite_weights_and_a_message(qtbot, window, dock):
    form = dock.settings_form
    form.optimizer.setCurrentIndex(form.optimizer.findData("sgd"))
    form.lr.setValue(100.0)
    form.epochs.setValue(50)
    result = train_to_end(qtbot, dock)
    assert result.diverged
    assert result.epochs_done < 50
    values = _weights(window.doc.net)
    assert np.isfinite(values).all() and np.abs(values).max() < 1e12
    title, text = dock.last_message
    assert title == "Training diverged"
    assert "learning rate" in text and "clipping" in text
    assert "diverged" in dock.status_label.text()
    assert dock.controller.state == IDLE


def test_structural_edits_are_disabled_while_training(qtbot, window, dock):
    dock.settings_form.epochs.setValue(100_000)
    structural = [window.actions[n] for n in ("delete", "paste", "add_layer", "undo")]
    structural += [window.palette, window.examples_menu.menuAction()]
    assert all(item.isEnabled() for item in structural[:3] + structural[4:])
    window.inspector.show_selection(["h0"], [])
    assert window.inspector.f["activation"].isEnabled()
    assert dock.train()
    assert not any(item.isEnabled() for item in structural)
    assert not window.view.isInteractive()
    # the inspector: structure locked (saying why), parameters editable (an edit pauses)
    assert not window.inspector.f["activation"].isEnabled()
    assert window.inspector.f["activation"].toolTip() == LOCK_MESSAGE
    assert window.inspector.f["bias"].isEnabled()
    window.inspector.show_selection([], [("x0", "h0")])
    assert not window.inspector.e["delay"].isEnabled()
    assert window.inspector.e["weight"].isEnabled()
    assert window.actions["delete"].statusTip() == LOCK_MESSAGE
    qtbot.waitUntil(lambda: dock.controller.worker is not None, timeout=RUN_TIMEOUT_MS)
    assert "Structural edits are off" in window.statusBar().currentMessage()
    assert not dock.train_button.isEnabled() and dock.stop_button.isEnabled()
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS):
        dock.stop_button.click()
    assert all(item.isEnabled() for item in structural)
    assert window.view.isInteractive()
    assert window.actions["delete"].statusTip() == ""
    assert window.inspector.e["delay"].isEnabled()


def test_a_hand_edit_pauses_the_run_and_the_whole_run_still_undoes(qtbot, window, dock):
    net, stack = window.doc.net, window.doc.stack
    before = net.get_params()
    dock.settings_form.epochs.setValue(100_000)
    assert dock.train()
    qtbot.waitUntil(lambda: dock.history.n_epochs >= 2, timeout=RUN_TIMEOUT_MS)
    edge = sorted(before["weights"])[0]
    assert window.editor.set_edge_attrs([edge], weight=0.375)  # what the inspector calls
    assert dock.controller.state == PAUSED
    assert "paused" in dock.status_label.text()
    qtbot.wait(150)  # snapshots still queued from the worker must not undo the edit
    assert net.graph.edges[edge]["weight"] == 0.375
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS):
        dock.stop_button.click()
    assert net.graph.edges[edge]["weight"] == 0.375  # Stop keeps the edit
    assert stack.undoText().startswith("Train")
    stack.undo()  # one step: the run with the edit inside it
    assert net.get_params() == before


def test_resume_continues_from_the_edited_weights(qtbot, window, dock):
    net = window.doc.net
    dock.settings_form.epochs.setValue(100_000)
    assert dock.train()
    qtbot.waitUntil(lambda: dock.history.n_epochs >= 1, timeout=RUN_TIMEOUT_MS)
    dock.pause_button.click()
    assert dock.controller.state == PAUSED and dock.train_button.text() == "Resume"
    edge = sorted(net.get_params()["weights"])[0]
    net.set_params({"weights": {edge: 5.0}})
    dock.train_button.click()  # Resume
    worker = dock.controller.worker
    seen = worker.batches_done
    qtbot.waitUntil(lambda: worker.batches_done >= seen + 2, timeout=RUN_TIMEOUT_MS)
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS):
        dock.stop_button.click()
    # trained on from 5.0 (a small learning rate moves it only a little)
    assert abs(net.graph.edges[edge]["weight"] - 5.0) < 1.0


def test_reinitialise_is_undoable_and_follows_the_seed(qtbot, window, dock):
    net, stack = window.doc.net, window.doc.stack
    before = net.get_params()
    dock.settings_form.seed.setValue(7)
    dock.reinit_button.click()
    after = net.get_params()
    expected = net.copy()
    expected.set_params(before)
    rs.init_weights(expected, 7)
    assert after == expected.get_params() != before
    assert stack.undoText().startswith("Re-initialise")
    stack.undo()
    assert net.get_params() == before
    stack.redo()
    assert net.get_params() == after
    dock.settings_form.seed.setValue(8)
    dock.reinit_button.click()
    assert net.get_params() != after


def test_settings_and_trained_weights_round_trip_through_the_file(qtbot, window, dock,
                                                                  tmp_path):
    form = dock.settings_form
    form.optimizer.setCurrentIndex(form.optimizer.findData("momentum"))
    form.momentum.setValue(0.8)
    form.lr.setValue(0.03)
    form.epochs.setValue(3)
    form.batch_size.setValue(3)
    form.clip.setValue(2.0)
    form.tbptt.setValue(5)
    form.seed.setValue(4)
    form.validation.setValue(30)
    dock.params_form._fields["noise"][1].setValue(0.1)
    wanted = dock.settings()
    train_to_end(qtbot, dock)
    path = tmp_path / "trained.rnn.json"
    window.doc.save(path)
    weights = window.doc.net.get_params()

    block = rs.load(path).training
    assert block["task"]["name"] == "sine" and block["task"]["params"]["noise"] == 0.1
    assert "data" not in block and "csv" not in block

    window.doc.new(small_elman())
    assert dock.settings().to_dict() != wanted.to_dict()
    window.doc.open(path)
    assert window.doc.net.get_params() == weights
    assert dock.settings().to_dict() == wanted.to_dict()
    assert (form.optimizer.currentData(), form.tbptt.value(), form.clip.value()) == \
        ("momentum", 5, 2.0)


def test_settings_edits_are_stored_in_the_network_and_undoable(qtbot, window, dock):
    net, stack = window.doc.net, window.doc.stack
    dock.settings_form.lr.setValue(0.25)
    assert net.training["lr"] == 0.25 and "task" in net.training
    stack.undo()
    assert net.training["lr"] == 0.05
    assert math.isclose(dock.settings_form.lr.value(), 0.05)


def test_a_task_that_does_not_fit_is_refused_with_the_reason(qtbot, window, dock):
    index = dock.source_combo.findData("adding")  # two inputs; the network has one
    dock.source_combo.setCurrentIndex(index)
    dock.source_combo.activated.emit(index)
    assert dock.fit_label.isVisibleTo(dock) and "2 inputs" in dock.fit_label.text()
    stack_count = window.doc.stack.count()
    assert not dock.train()
    assert "2 inputs" in dock.status_label.text()
    assert dock.controller.state == IDLE
    assert window.doc.stack.count() == stack_count
