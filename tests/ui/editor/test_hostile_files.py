"""Files that used to hang the window (issue 14, items 5 and 6): a network file that is a
named pipe, and a network whose training data is slow or unreadable. Each test releases the
pipe after a while, so a regression fails (the open returned only after the release) instead
of hanging the suite."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

import rnnstudio as rs
from rnnstudio.ui.app import open_initial
from rnnstudio.ui.player import sequence_dock
from rnnstudio.ui.player.sequence_dock import SOURCE_TABLE, SOURCE_TASK
from tests.hostile import make_fifo, release_fifo

from .conftest import small_net

RELEASE_AFTER_S = 5.0


class Releaser:
    """Releases a reader stuck on the FIFO after RELEASE_AFTER_S; `fired` says it had to."""

    def __init__(self, fifo):
        self.fifo, self.fired, self._stop = fifo, False, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        if not self._stop.wait(RELEASE_AFTER_S):
            self.fired = True
            release_fifo(self.fifo)

    def stop(self):
        self._stop.set()
        self._thread.join()


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(
        lambda parent, title, text, *a: shown.append((title, text))))
    return shown


def _open_with_dialog(window, fifo, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (fifo, "")))
    window.files.open()


def _open_recent(window, fifo, monkeypatch):
    window.files.add_recent(fifo)
    action = next(a for a in window.recent_menu.actions() if a.text() == "pipe.rnn.json")
    action.trigger()


def _open_from_the_command_line(window, fifo, monkeypatch):
    open_initial(window, fifo)  # what `python main.py FILE` does


@pytest.mark.parametrize("how", [_open_with_dialog, _open_recent, _open_from_the_command_line])
def test_a_named_pipe_is_refused_at_once(window, tmp_path, errors, monkeypatch, how):
    fifo = make_fifo(tmp_path / "pipe.rnn.json")
    before = window.doc.net
    releaser = Releaser(fifo)
    try:
        how(window, fifo, monkeypatch)
    finally:
        releaser.stop()
    assert not releaser.fired, "the open waited on the pipe"
    assert window.doc.net is before  # the current document stays
    (title, text), = errors
    assert "pipe.rnn.json: not a regular file: it is a named pipe" in text


def _with_training(tmp_path, training) -> str:
    net = small_net()
    net.set_meta(training=training)
    path = tmp_path / "net.rnn.json"
    rs.save(net, path)
    return str(path)


def test_opening_a_network_never_waits_for_its_training_data(window, tmp_path, qtbot,
                                                             monkeypatch):
    """The step-through's sequences are built off the UI thread: the file is open (and the
    window responsive) while they are made."""
    gate, built_in = threading.Event(), []
    real = sequence_dock.build_sequences

    def slow(settings, net):
        built_in.append(threading.current_thread())
        gate.wait(RELEASE_AFTER_S)
        return real(settings, net)
    monkeypatch.setattr(sequence_dock, "build_sequences", slow)
    path = _with_training(tmp_path, {"task": {"name": "sine", "params": {"T": 7}}})
    window.files.open_path(path, ask=False)
    assert not gate.is_set() and window.doc.path is not None  # open, data still coming
    dock = window.player.sequence
    assert dock.source.currentText() == SOURCE_TABLE
    gate.set()
    qtbot.waitUntil(lambda: dock.source.currentText() == SOURCE_TASK, timeout=60_000)
    assert window.player.controller.T == 7
    assert built_in and built_in[0] is not threading.main_thread()


def test_training_data_from_a_named_pipe_is_reported_not_waited_for(window, tmp_path, qtbot):
    fifo = make_fifo(tmp_path / "pipe.csv")
    path = _with_training(tmp_path, {"csv": {"path": fifo, "inputs": ["a"], "targets": ["b"]}})
    releaser = Releaser(fifo)
    try:
        window.files.open_path(path, ask=False)
        dock = window.player.sequence
        qtbot.waitUntil(lambda: "could not be built" in window.statusBar().currentMessage(),
                        timeout=60_000)
    finally:
        releaser.stop()
    assert not releaser.fired
    assert "pipe.csv: cannot read the file: not a regular file" in \
        window.statusBar().currentMessage()
    assert dock.source.currentText() == SOURCE_TABLE
    tip = dock.source.itemData(0, 3)  # Qt.ToolTipRole
    assert "could not be built" in tip and "named pipe" in tip
