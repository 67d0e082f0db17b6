"""Train builds the run's data off the UI thread (issue 14, item 5): the window stays
responsive, Stop cancels, and a failure is shown in the dock and the status bar."""

from __future__ import annotations

import threading

from rnnstudio.ui.training import controller as controller_module
from rnnstudio.ui.training.controller import IDLE, PREPARING
from tests.hostile import make_fifo

from .conftest import RUN_TIMEOUT_MS, train_to_end


def test_the_data_is_built_off_the_ui_thread_and_stop_cancels_it(qtbot, window, dock,
                                                                  monkeypatch):
    gate, threads = threading.Event(), []
    real = controller_module.build_dataset

    def slow(settings, net):
        threads.append(threading.current_thread())
        gate.wait(10.0)
        return real(settings, net)
    monkeypatch.setattr(controller_module, "build_dataset", slow)
    assert dock.train()  # returns while the data is being built
    assert not gate.is_set() and dock.controller.state == PREPARING
    assert dock.progress_bar.format() == "Preparing data…"
    assert dock.stop_button.isEnabled() and not dock.train_button.isEnabled()
    assert not window.actions["delete"].isEnabled()  # structure locked from the start
    assert "Preparing the training data (task 'sine')" in window.statusBar().currentMessage()
    dock.stop_button.click()
    assert dock.controller.state == IDLE and window.actions["delete"].isEnabled()
    assert dock.progress_bar.format() == "Ready"
    gate.set()  # the data arrives after Stop: dropped, no run starts
    qtbot.waitUntil(lambda: not threads[0].is_alive(), timeout=RUN_TIMEOUT_MS)
    qtbot.wait(50)
    assert dock.controller.state == IDLE and dock.controller.worker is None
    assert threads[0] is not threading.main_thread()
    result = train_to_end(qtbot, dock)  # and the next Train runs normally
    assert result.error is None


def test_data_that_cannot_be_read_is_named_in_the_dock_and_the_status_bar(qtbot, window, dock,
                                                                          tmp_path):
    fifo = make_fifo(tmp_path / "pipe.csv")
    dock.apply_csv({"path": fifo, "inputs": ["a"], "targets": ["b"], "window": None,
                    "stride": None})
    assert dock.train()
    qtbot.waitUntil(lambda: dock.controller.state == IDLE, timeout=RUN_TIMEOUT_MS)
    words = "csv.path: pipe.csv: cannot read the file: not a regular file: it is a named pipe"
    assert words in dock.status_label.text()
    assert words in window.statusBar().currentMessage()
    assert dock.train_button.isEnabled() and window.actions["delete"].isEnabled()
    assert dock.controller.worker is None
