"""On Linux the recovery file is written by a forked child process: the UI's interpreter does
none of the work, so an edit made meanwhile is not slowed. The child writes exactly what the
network was at the fork, reports failures (its own message, a signal, a hang) to the window,
keeps none of the parent's files open, runs none of the parent's exit code, and a session whose
child hung or could not be forked goes on writing from a thread."""

from __future__ import annotations

import atexit
import errno
import json
import os
import select
import signal
import threading
import time

import networkx as nx
import pytest
from PySide6.QtCore import QPointF

import rnnstudio as rs
from rnnstudio.collector import QuietCollector
from rnnstudio.ui import recovery
from rnnstudio.ui.recovery import CAN_FORK

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="the recovery writer forks on Linux only")


def _patch_save(monkeypatch, before):
    """rio.save as the recovery writer calls it, with `before(net, path)` run first (in the
    child: the patch is part of the image the child is forked from)."""
    real_save = rs.io.save

    def save(net, path):
        before(net, path)
        real_save(net, path)
    monkeypatch.setattr("rnnstudio.ui.recovery.rio.save", save)


def _messages(window):
    said = []
    window.doc.message.connect(said.append)
    return said


def _edited(window):
    window.editor.add_node_at("neuron", QPointF(0, 0))
    assert window.doc.modified and window.doc.recovery.forking


def test_the_file_is_the_network_at_the_fork_even_if_edited_meanwhile(window, monkeypatch,
                                                                      tmp_path, qtbot, gate):
    gate, wait_for_gate = gate
    _edited(window)
    net_file, meta_file = window.doc.recovery_files()
    net_file.parent.mkdir(parents=True, exist_ok=True)
    expected = net_file.parent / "expected.rnn.json"  # same folder: same relative data paths
    rs.io.save(window.doc.net, expected)
    at_fork = window.doc.net.copy()
    _patch_save(monkeypatch, lambda net, path: wait_for_gate())
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
        window.editor.add_node_at("output", QPointF(200, 0))  # while the child waits
        window.doc.net.set_meta(name="changed after the fork")
        assert window.doc.recovery.busy()
        gate.touch()
    assert done.args == [True, ""]
    window.doc.recovery.wait()
    assert net_file.read_bytes() == expected.read_bytes()
    assert rs.load(net_file) == at_fork != window.doc.net
    meta = json.loads(meta_file.read_text())
    assert meta["path"] is None and abs(meta["saved"] - time.time()) < 60
    assert not window.doc.recovery.busy()
    leftovers = [p.name for p in net_file.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_failure_in_the_child_reaches_the_status_bar_with_its_cause(window, tmp_path, qtbot):
    _edited(window)
    net_file, meta_file = window.doc.recovery_files()
    net_file.parent.mkdir(parents=True, exist_ok=True)
    net_file.mkdir()  # the file's place is taken by a folder: the rename fails
    said = _messages(window)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    ok, text = done.args
    assert not ok and text.startswith("Could not write the recovery file: ")
    assert str(net_file) in text and "directory" in text.lower()
    qtbot.waitUntil(lambda: said == [text])
    assert net_file.is_dir() and not meta_file.exists()
    assert [p for p in net_file.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert window.doc.recovery.forking  # the child answered: forking still works
    net_file.rmdir()


def test_a_child_stopped_by_a_signal_is_reported(window, monkeypatch, qtbot):
    _patch_save(monkeypatch, lambda net, path: os.kill(os.getpid(), signal.SIGKILL))
    _edited(window)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    assert done.args == [False, "Could not write the recovery file: the writing process was "
                                f"stopped by signal {int(signal.SIGKILL)}"]
    net_file, _ = window.doc.recovery_files()
    assert not net_file.exists() and not window.doc.recovery.busy()


def test_a_hung_child_is_stopped_and_the_session_writes_from_a_thread_after(window,
                                                                           monkeypatch,
                                                                           qtbot):
    """A child that never finishes (say it waits for a lock another thread held at the fork)
    is killed after `child_timeout`; the next writes use a thread, and work."""
    main_pid = os.getpid()

    def hang_in_child(net, path):
        if os.getpid() != main_pid:
            time.sleep(60)
    _patch_save(monkeypatch, hang_in_child)
    _edited(window)
    session = window.doc.recovery
    session.child_timeout = 0.5
    started = time.monotonic()
    with qtbot.waitSignal(session.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    assert time.monotonic() - started < 10
    assert done.args == [False, "Could not write the recovery file: the writing process did "
                                "not finish in 0.5 s and was stopped"]
    assert not session.forking
    session.wait()
    with qtbot.waitSignal(session.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    assert done.args == [True, ""]
    session.wait()
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net


def test_a_refused_fork_falls_back_to_a_thread(window, monkeypatch, tmp_path):
    def refuse():
        raise OSError(errno.ENOMEM, "Cannot allocate memory")
    monkeypatch.setattr(recovery.os, "fork", refuse)
    where = []
    _patch_save(monkeypatch, lambda net, path: where.append(threading.current_thread()))
    _edited(window)
    assert window.doc.write_recovery(wait=True)
    assert where and where[0] is not threading.main_thread()
    assert not window.doc.recovery.forking
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net


def test_the_child_keeps_none_of_the_parents_files_open(window, monkeypatch, tmp_path, gate):
    """A pipe the parent holds (as it holds the training child's) must see its end closed when
    the parent closes it, though the child is still running."""
    gate, wait_for_gate = gate
    _patch_save(monkeypatch, lambda net, path: wait_for_gate())
    read_end, write_end = os.pipe()
    try:
        _edited(window)
        assert window.doc.write_recovery()
        os.close(write_end)
        write_end = None
        ready, _, _ = select.select([read_end], [], [], 5)
        assert ready and os.read(read_end, 1) == b""  # end of file: nobody else holds it
        assert window.doc.recovery.busy()
    finally:
        gate.touch()
        window.doc.recovery.wait()
        os.close(read_end)
        if write_end is not None:
            os.close(write_end)


def test_the_child_runs_none_of_the_parents_code_on_its_way_out(window, tmp_path, qtbot):
    """The child leaves with os._exit from where it was forked: it never unwinds into the
    parent's code (the app, here the test), and the parent's exit handlers do not run there."""
    marker = tmp_path / "the-child-ran-parent-code"
    main_pid = os.getpid()

    def in_child_only(what):
        if os.getpid() != main_pid:
            with open(marker, "a") as f:
                f.write(what + "\n")
    atexit.register(in_child_only, "exit handler")
    try:
        _edited(window)
        window.doc.recovery.child_timeout = 10
        with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
            try:
                assert window.doc.write_recovery()
            finally:
                in_child_only("unwound into the caller")
        window.doc.recovery.wait()
        assert done.args == [True, ""] and not marker.exists()
    finally:
        if os.getpid() == main_pid:
            atexit.unregister(in_child_only)


def test_the_child_writes_though_another_thread_held_the_collectors_lock(window, monkeypatch,
                                                                       qtbot):
    """A thread of the parent inside QuietCollector at the fork: the child, which uses it to
    save, has a lock of its own (a lock held at the fork is never released in the child)."""
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with QuietCollector._lock:
            holding.set()
            release.wait(20)
    real_fork = os.fork

    def fork_while_held():  # the other thread takes the lock just before the fork
        other = threading.Thread(target=hold_lock)
        other.start()
        assert holding.wait(5)
        try:
            return real_fork()
        finally:
            if os.getpid() == main_pid:
                release.set()
                other.join()
    main_pid = os.getpid()
    _edited(window)
    window.doc.recovery.child_timeout = 10
    monkeypatch.setattr(recovery.os, "fork", fork_while_held)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    monkeypatch.setattr(recovery.os, "fork", real_fork)
    assert done.args == [True, ""]
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net


def test_closing_the_window_waits_for_the_child_and_leaves_no_files(window, monkeypatch,
                                                                    tmp_path, gate):
    gate, wait_for_gate = gate
    _patch_save(monkeypatch, lambda net, path: wait_for_gate())
    _edited(window)
    assert window.doc.write_recovery()
    threading.Timer(0.2, gate.touch).start()
    net_file, meta_file = window.doc.recovery_files()
    window.doc.discard_recovery()  # a clean exit
    assert not window.doc.recovery.busy()
    assert not net_file.exists() and not meta_file.exists()
    assert not (net_file.parent / f"{window.doc.recovery.id}.lock").exists()


def test_a_stopped_child_leaves_no_temporary_file(window, monkeypatch, qtbot):
    """Killed halfway through writing (the temporary file is complete, the rename not done):
    the parent removes what it left."""
    def die(target, tmp):
        os.kill(os.getpid(), signal.SIGKILL)
    monkeypatch.setattr("rnnstudio.io.netfile._copy_mode", die)
    _edited(window)
    net_file, _ = window.doc.recovery_files()
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    window.doc.recovery.wait()
    assert done.args[0] is False and "signal" in done.args[1]
    assert list(net_file.parent.glob("*.tmp")) == [] and not net_file.exists()


@pytest.mark.skipif(not hasattr(nx.DiGraph.__dict__["edges"], "lock"),
                    reason="cached properties have no shared lock on this Python")
def test_the_child_writes_though_another_thread_held_a_graph_view_lock(window, qtbot):
    """Python < 3.12: one lock per cached property for all graphs (`DiGraph.edges`, taken by
    a first look at any graph's edges, as the player's worker does at each re-run); saving
    takes it too (the check for loops of delay-0 edges)."""
    _edited(window)
    window.editor.add_node_at("neuron", QPointF(200, 0))
    net = window.doc.net
    a, b = [n for n in net.graph if net.graph.nodes[n]["kind"] == "neuron"][:2]
    window.editor.add_edge(a, b)
    window.editor.set_edge_attrs([(a, b)], delay=0)
    window.doc.recovery.child_timeout = 10
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with nx.DiGraph.__dict__["edges"].lock:
            holding.set()
            release.wait(20)
    other = threading.Thread(target=hold_lock)
    other.start()
    try:
        assert holding.wait(5)
        with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
            assert window.doc.write_recovery()
            release.set()
        assert done.args == [True, ""]
    finally:
        release.set()
        other.join()
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net


def test_a_child_reaped_by_someone_else_is_judged_by_what_it_said(window, monkeypatch, qtbot):
    """If another part of the process reaps the child first (a SIGCHLD handler), its word on
    the pipe still tells how the write went."""
    real_waitpid = os.waitpid

    def reaped_elsewhere(pid, options):
        if threading.current_thread().name != "rnnstudio-recovery-waiter":
            return real_waitpid(pid, options)
        real_waitpid(pid, 0)
        raise ChildProcessError(errno.ECHILD, "No child processes")
    _edited(window)
    monkeypatch.setattr(recovery.os, "waitpid", reaped_elsewhere)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    window.doc.recovery.wait()
    monkeypatch.setattr(recovery.os, "waitpid", real_waitpid)
    assert done.args == [True, ""]
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net


def test_a_ctrl_c_at_the_fork_does_not_stop_the_child(window, monkeypatch, qtbot):
    """Ctrl+C in the terminal reaches the whole process group: in the child it must neither
    climb back into the parent's code (the child would carry on as a second app) nor stop the
    write. SIGINT is blocked across the fork; here the child gets one the moment it starts."""
    real_fork = os.fork

    def fork_then_interrupt():
        pid = real_fork()
        if pid == 0:
            os.kill(os.getpid(), signal.SIGINT)
        return pid
    _edited(window)
    monkeypatch.setattr(recovery.os, "fork", fork_then_interrupt)
    with qtbot.waitSignal(window.doc.recovery.finished, timeout=20000) as done:
        assert window.doc.write_recovery()
    monkeypatch.setattr(recovery.os, "fork", real_fork)
    window.doc.recovery.wait()
    assert done.args == [True, ""]
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net
