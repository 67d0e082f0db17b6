"""The recovery writer is a worker thread that gives way to the UI: it writes exactly what the
network was when the write began though the user edits meanwhile, runs only while the UI thread
has no event to handle (an edit made during a write does not wait for the writer), finishes in
the idle time, reports failures to the window, and a clean exit waits for it and leaves nothing
behind."""

from __future__ import annotations

import json
import sys
import threading
import time

from PySide6.QtCore import QEventLoop, QPointF, QTimer

import rnnstudio as rs
from rnnstudio.ui.idle import IdleGate
from tests.io.test_atomic import big_network


def _patch_save(monkeypatch, before):
    """rio.save as the recovery writer calls it, with `before(net, path)` run first."""
    real_save = rs.io.save

    def save(net, path):
        before(net, path)
        real_save(net, path)
    monkeypatch.setattr("rnnstudio.ui.recovery.rio.save", save)


def _edited(window):
    window.editor.add_node_at("neuron", QPointF(0, 0))
    assert window.doc.modified


def test_the_file_is_the_network_when_the_write_began_even_if_edited_meanwhile(
        window, monkeypatch, qtbot):
    go = threading.Event()
    _edited(window)
    net_file, meta_file = window.doc.recovery_files()
    net_file.parent.mkdir(parents=True, exist_ok=True)
    expected = net_file.parent / "expected.rnn.json"  # same folder: same relative data paths
    rs.io.save(window.doc.net, expected)
    at_start = window.doc.net.copy()
    _patch_save(monkeypatch, lambda net, path: go.wait(20))
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
        window.editor.add_node_at("output", QPointF(200, 0))  # while the writer waits
        window.doc.net.set_meta(name="changed after the write began")
        assert window.doc.recovery.busy()
        go.set()
    assert done.args == [True, ""]
    window.doc.recovery.wait()
    assert net_file.read_bytes() == expected.read_bytes()
    assert rs.load(net_file) == at_start != window.doc.net
    meta = json.loads(meta_file.read_text())
    assert meta["path"] is None and abs(meta["saved"] - time.time()) < 60
    assert not window.doc.recovery.busy()
    assert [p.name for p in net_file.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failure_reaches_the_status_bar_with_its_cause(window, qtbot):
    _edited(window)
    net_file, meta_file = window.doc.recovery_files()
    net_file.parent.mkdir(parents=True, exist_ok=True)
    net_file.mkdir()  # the file's place is taken by a folder: the rename fails
    said = []
    window.doc.message.connect(said.append)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    ok, text = done.args
    assert not ok and text.startswith("Could not write the recovery file: ")
    assert str(net_file) in text and "directory" in text.lower()
    qtbot.waitUntil(lambda: said == [text])
    assert net_file.is_dir() and not meta_file.exists()
    assert [p for p in net_file.parent.iterdir() if p.name.endswith(".tmp")] == []
    net_file.rmdir()


def test_closing_the_window_waits_for_the_writer_and_leaves_no_files(window, monkeypatch):
    go = threading.Event()
    _patch_save(monkeypatch, lambda net, path: go.wait(20))
    _edited(window)
    assert window.doc.write_recovery()
    threading.Timer(0.2, go.set).start()
    net_file, meta_file = window.doc.recovery_files()
    window.doc.discard_recovery()  # a clean exit
    assert not window.doc.recovery.busy()
    assert not net_file.exists() and not meta_file.exists()
    assert not (net_file.parent / f"{window.doc.recovery.id}.lock").exists()


def _counting_turns(monkeypatch):
    """The number of pause points the writer has passed (returned from, its turn given)."""
    passed = [0]
    real = IdleGate.wait_turn

    def wait_turn(self):
        real(self)
        passed[0] += 1
    monkeypatch.setattr(IdleGate, "wait_turn", wait_turn)
    return passed


def test_the_writer_stands_still_while_the_ui_thread_handles_an_event(window, monkeypatch,
                                                                       qtbot):
    """An edit arrives as an event: from the moment the UI thread takes it until it is back in
    its loop, the writer passes no pause point but the one it may be in (a few hundred items);
    in the idle time between events it goes on and finishes. (A thread that does not give way
    takes the interpreter from the UI at every Qt call: an undo of 0.2 s took 1.1-1.4 s.)"""
    passed = _counting_turns(monkeypatch)
    _edited(window)  # unsaved work: the file stays
    net = big_network(1, n=600, fan=10)  # ~6,600 edges: dozens of pause points
    seen = []

    def busy_event():  # what an edit does to the interpreter: 0.3 s of Python
        start = passed[0]
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            sum(range(1000))
        seen.append(passed[0] - start)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.recovery.write(net, None)
        qtbot.waitUntil(lambda: passed[0] >= 3, timeout=10000)  # under way, in idle time
        loop = QEventLoop()
        QTimer.singleShot(0, busy_event)
        QTimer.singleShot(0, loop.quit)
        loop.exec()
        assert window.doc.recovery.busy()  # 0.3 s would have been enough to finish
    assert seen and seen[0] <= 1
    assert done.args == [True, ""]
    window.doc.recovery.wait()
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == net
    assert passed[0] > 20


def test_the_gate_is_left_as_found_once_the_write_is_done(window, qtbot):
    """The event filter and the shorter switch interval last only while a writer works."""
    gate = IdleGate.instance()
    interval = sys.getswitchinterval()
    filtered = []
    real_filter = gate.eventFilter

    monkey = lambda watched, event: filtered.append(1) or real_filter(watched, event)  # noqa: E731
    gate.eventFilter = monkey
    try:
        with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000):
            assert window.doc.recovery.write(big_network(1, n=200, fan=5), None)
            assert sys.getswitchinterval() < interval
        window.doc.recovery.wait()
        assert filtered  # it watched the UI while the writer worked
        qtbot.wait(20)  # an event or two after the writer left: the filter goes
        assert sys.getswitchinterval() == interval
        before = len(filtered)
        qtbot.wait(20)
        assert len(filtered) == before
    finally:
        del gate.eventFilter


def test_a_folder_where_the_file_goes_never_stops_the_session(window, monkeypatch, qtbot):
    """A folder standing where the recovery file goes cannot be removed: saving, undoing back
    to the saved state while a write runs, and closing go on without an exception, the
    collector comes back on and the next write starts (the worker's removal raised: the
    session stayed busy for good, the collector off)."""
    import gc
    go = threading.Event()
    _patch_save(monkeypatch, lambda net, path: go.wait(20))
    _edited(window)
    net_file, meta_file = window.doc.recovery_files()
    net_file.parent.mkdir(parents=True, exist_ok=True)
    net_file.mkdir()
    (net_file / "inside").write_text("not ours")
    errors = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: errors.append(exc))
    assert window.doc.write_recovery()
    window.doc.stack.undo()  # clean again while the writer waits: it removes the files after
    go.set()
    window.doc.recovery.wait()
    qtbot.waitUntil(lambda: not window.doc.recovery.busy(), timeout=5000)
    assert gc.isenabled() and errors == []
    assert net_file.is_dir() and (net_file / "inside").exists()  # never ours to remove
    _edited(window)
    assert window.doc.write_recovery()  # the session writes again
    window.doc.recovery.wait()
    window.doc.discard_recovery()  # a clean exit
    assert errors == [] and not (net_file.parent / f"{window.doc.recovery.id}.lock").exists()
