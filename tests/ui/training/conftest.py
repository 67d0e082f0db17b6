"""Training UI fixtures: a real main window on an isolated settings folder, holding a small
Elman network with a small sine task, so a run takes a fraction of a second."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QDeadlineTimer
from PySide6.QtWidgets import QApplication

from rnnstudio import templates as tpl

RUN_TIMEOUT_MS = 20_000  # a generous bound; the runs here take well under a second


def small_elman(epochs: int = 4, **settings):
    """Elman 1-3-1 on a small sine task (8 sequences of 12 steps)."""
    net = tpl.elman(1, 3, 1, seed=0)
    training = {"task": {"name": "sine", "params": {"n_seq": 8, "T": 12}}, "loss": "mse",
                "optimizer": "adam", "lr": 0.05, "epochs": epochs, "batch_size": 4,
                "clip": None, "tbptt": None, "seed": 0, "validation": 0.25}
    training.update(settings)
    net.set_meta(training=training)
    return net


@pytest.fixture
def window(qtbot):
    from rnnstudio.ui.main_window import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.doc.new(small_elman())
    w.doc.stack.setClean()
    yield w
    w.training.shutdown()
    w.doc.stack.setClean()  # no unsaved-changes prompt on close


@pytest.fixture
def dock(window):
    return window.training


def wait_idle(qtbot, dock) -> None:
    qtbot.waitUntil(lambda: not dock.controller.active, timeout=RUN_TIMEOUT_MS)


def import_file(dialog) -> None:
    """Press Import in the CSV dialog and wait until the whole file is read (off the UI
    thread), as the dialog's own event loop would."""
    dialog.accept()
    deadline = QDeadlineTimer(10_000)
    while dialog.reading and not deadline.hasExpired():
        QApplication.processEvents()
        time.sleep(0.001)
    assert not dialog.reading


def start_run(qtbot, dock):
    """Press Train and wait until the data is built and the worker trains."""
    assert dock.train(), dock.status_label.text()
    qtbot.waitUntil(lambda: dock.controller.worker is not None, timeout=RUN_TIMEOUT_MS)
    return dock.controller.worker


def train_to_end(qtbot, dock):
    """Press Train and wait for the run's result."""
    with qtbot.waitSignal(dock.controller.run_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        dock.train_button.click()
        assert dock.controller.active, dock.status_label.text()  # the run started
    return blocker.args[0]
