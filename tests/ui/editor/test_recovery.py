"""Issue 14 #11: each instance has its own recovery file, guarded by a lock, and only the work
of an instance that is gone is offered back; the recovery write runs off the UI thread."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMessageBox

import rnnstudio as rs
from rnnstudio.ui import app as ui_app

ROOT = Path(__file__).resolve().parents[3]
_Btn = QMessageBox.StandardButton


def _window(qtbot):
    from rnnstudio.ui.main_window import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    return w


def _answer(monkeypatch, button):
    asked = []

    def question(*args, **kwargs):
        asked.append(args[2])
        return button
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_a_live_instance_keeps_its_recovery_file(qtbot, monkeypatch):
    first = _window(qtbot)
    first.editor.add_node_at("neuron", QPointF(0, 0))
    assert first.doc.write_recovery(wait=True)
    first_file, first_meta = first.doc.recovery_files()
    before = first_file.read_bytes()
    asked = _answer(monkeypatch, _Btn.No)
    second = _window(qtbot)
    assert not second.files.offer_recovery()  # the first is alive: nothing to offer
    assert asked == [] and first_file.read_bytes() == before and first_meta.exists()
    second.editor.add_node_at("output", QPointF(0, 0))
    assert second.doc.write_recovery(wait=True)
    second_file, _ = second.doc.recovery_files()
    assert second_file != first_file and first_file.read_bytes() == before
    second.doc.stack.setClean()
    second.close()  # a clean exit removes its own file only
    assert not second_file.exists() and first_file.read_bytes() == before
    first.doc.stack.setClean()
    first.close()
    assert not first_file.exists()


def test_work_of_a_killed_instance_is_offered_once_it_is_gone(qtbot, monkeypatch, tmp_path):
    """A real second process writes its recovery file and is killed with SIGKILL."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import QPointF\n"
        "from rnnstudio.ui.app import create_app\n"
        "from rnnstudio.ui.main_window import MainWindow\n"
        "import rnnstudio.ui.document as d\n"
        "from pathlib import Path\n"
        "d.recovery_dir = lambda: Path(sys.argv[1])\n"
        "app = create_app()\n"
        "w = MainWindow()\n"
        "w.editor.add_node_at('input', QPointF(0, 0))\n"
        "w.editor.add_node_at('neuron', QPointF(100, 0))\n"
        "assert w.doc.write_recovery(wait=True)\n"
        "print('written', flush=True)\n"
        "sys.stdin.read()\n")
    folder = tmp_path / "appdata"
    monkeypatch.setattr("rnnstudio.ui.document.recovery_dir", lambda: folder)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen([sys.executable, "-c", script, str(folder)], cwd=ROOT, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "written"
        (net_file,) = folder.glob("*.rnn.json")
        expected = rs.load(net_file)
        asked = _answer(monkeypatch, _Btn.Yes)
        w = _window(qtbot)
        assert not w.files.offer_recovery() and asked == []  # alive: not offered
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    w.doc.new()
    ui_app.open_initial(w, None)
    assert len(asked) == 1 and "did not close cleanly" in asked[0]
    assert w.doc.net == expected and w.doc.modified
    assert not net_file.exists()  # the work lives on as this window's recovery file
    own, _ = w.doc.recovery_files()
    assert rs.load(own) == expected
    w.doc.stack.setClean()
    w.close()


def test_declined_work_is_deleted_and_the_next_is_offered(qtbot, monkeypatch):
    gone, crashed = [], []
    for kind in ("input", "output"):
        w = _window(qtbot)
        w.editor.add_node_at(kind, QPointF(0, 0))
        assert w.doc.write_recovery(wait=True)
        gone.append((w.doc.recovery_files()[0], w.doc.net.copy()))
        w.doc.recovery._lock.unlock()  # as if the instance had crashed
        crashed.append(w)
    answers = iter([_Btn.No, _Btn.Yes])
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: asked.append(a[2]) or next(answers)))
    w = _window(qtbot)
    assert w.files.offer_recovery()
    assert len(asked) == 2 and "(1 of 2)" in asked[0]
    assert not gone[1][0].exists()  # the newest came first and was declined: deleted
    assert w.doc.net == gone[0][1] and not gone[0][0].exists()
    for window in crashed + [w]:
        window.doc.stack.setClean()


def test_recovery_is_written_off_the_ui_thread_and_removed_by_save(window, monkeypatch,
                                                                   tmp_path):
    where = tmp_path / "where"
    real_save = rs.io.save

    def save(net, path):
        with open(where, "a") as f:
            f.write(f"{os.getpid()} {threading.get_ident()}\n")
        real_save(net, path)
    monkeypatch.setattr("rnnstudio.ui.recovery.rio.save", save)
    window.editor.add_node_at("neuron", QPointF(0, 0))
    assert window.doc.write_recovery(wait=True)
    (pid, ident), = [line.split() for line in where.read_text().splitlines()]
    assert int(pid) == os.getpid() and int(ident) != threading.main_thread().ident
    net_file, _ = window.doc.recovery_files()
    assert rs.load(net_file) == window.doc.net
    window.doc.save(tmp_path / "saved.rnn.json")
    assert not net_file.exists()  # saved: nothing left to recover
    assert not window.doc.write_recovery()  # unmodified: nothing written


def test_a_write_from_a_thread_runs_with_the_cyclic_collector_off(window, monkeypatch):
    """The copy and the file's records (a hundred thousand short-lived objects at 5,000 nodes)
    triggered full collections of the whole app, holding the UI for 0.3-0.8 s: the collector
    is off from the copy until the worker is done, then back as it was; windows writing at the
    same time keep it off until the last one is done."""
    import gc

    from rnnstudio.ui.recovery import QuietCollector
    seen, go = [], threading.Event()
    real_save = rs.io.save

    def save(net, path):
        go.wait(10)
        seen.append(gc.isenabled())
        real_save(net, path)
    monkeypatch.setattr("rnnstudio.ui.recovery.rio.save", save)
    assert gc.isenabled()
    window.editor.add_node_at("neuron", QPointF(0, 0))
    assert window.doc.write_recovery()
    assert not gc.isenabled()  # from the copy on, while the worker runs
    QuietCollector.hold()  # another window's write, still running after this one
    go.set()
    window.doc.recovery.wait()
    assert seen == [False] and not gc.isenabled()
    QuietCollector.release()
    assert gc.isenabled()


def test_undoing_back_to_the_saved_state_does_not_wait_for_a_running_write(window,
                                                                           monkeypatch,
                                                                           tmp_path, gate):
    """The document clean again (undone to the saved state) needs no recovery file: the one
    being written goes once its worker is done, and the window does not wait for it (at
    5,000 nodes / 50,000 edges the undo waited 0.5-2 s for the copy to reach the disk)."""
    gate, wait_for_gate = gate
    real_save = rs.io.save

    def save(net, path):
        wait_for_gate()
        real_save(net, path)
    monkeypatch.setattr("rnnstudio.ui.recovery.rio.save", save)
    window.editor.add_node_at("neuron", QPointF(0, 0))
    assert window.doc.write_recovery()
    window.doc.stack.undo()  # clean again, while the worker waits
    assert window.doc.recovery.busy() and not window.doc.modified
    gate.touch()
    window.doc.recovery.wait()
    net_file, meta_file = window.doc.recovery_files()
    assert not net_file.exists() and not meta_file.exists()
    assert not window.doc.recovery.busy()
    window.editor.add_node_at("neuron", QPointF(0, 0))  # the next write is not refused
    assert window.doc.write_recovery(wait=True) and net_file.exists()


def test_a_write_due_while_the_user_edits_waits_for_a_pause(window, monkeypatch):
    """The copy a write starts with holds the window, and edits come in bursts: the 30 s write
    waits for 2 s without an edit, but never more than 30 s."""
    from rnnstudio.ui import document
    clock = [1000.0]
    monkeypatch.setattr(document, "_now", lambda: clock[0])
    written = []
    monkeypatch.setattr(window.doc, "write_recovery",
                        lambda wait=False: written.append(clock[0]) or True)
    doc, pause = window.doc, window.doc._pause_timer
    doc.recovery_due()
    assert written == [] and not pause.isActive()  # unmodified: nothing to write
    window.editor.add_node_at("neuron", QPointF(0, 0))  # edited at 1000.0
    clock[0] = 1000.5
    doc.recovery_due()
    assert written == [] and pause.isActive() and pause.interval() == 1500
    clock[0] = 1002.0
    doc.recovery_due()  # the pause timer's turn: 2 s quiet
    assert written == [1002.0] and not pause.isActive()
    for step in range(40):  # an edit every second from 1010 on: no 2 s pause
        clock[0] = 1010.0 + step
        window.editor.add_node_at("neuron", QPointF(50 * step, 100))
        clock[0] += 0.5
        doc.recovery_due()
        if len(written) > 1:
            break
    assert written[1] == 1040.5  # due at 1010.5, written 30 s later all the same
    assert not pause.isActive()


def test_the_pause_timer_writes_once_the_user_stops(window, monkeypatch, qtbot):
    from rnnstudio.ui import document
    clock = [1000.0]
    monkeypatch.setattr(document, "_now", lambda: clock[0])
    monkeypatch.setattr(document, "RECOVERY_PAUSE_S", 0.3)
    window.editor.add_node_at("neuron", QPointF(0, 0))  # edited at 1000.0
    clock[0] = 1000.1
    window.doc.recovery_due()
    net_file, _ = window.doc.recovery_files()
    assert not net_file.exists() and window.doc._pause_timer.isActive()
    clock[0] = 1000.5  # the user has stopped; the pause timer fires in 0.2 s
    qtbot.waitUntil(lambda: net_file.exists() and not window.doc.recovery.busy(), timeout=10000)
    assert rs.load(net_file) == window.doc.net


def test_nothing_new_since_the_last_write_is_not_written_again(window, monkeypatch, qtbot):
    """Every write starts with a copy of the network on the UI thread: the 30 s timer writes
    only when the document changed since the last write that reached the disk."""
    from rnnstudio.ui import document
    monkeypatch.setattr(document, "RECOVERY_PAUSE_S", 0.0)
    doc = window.doc
    starts = []
    real_write = doc.recovery.write
    monkeypatch.setattr(doc.recovery, "write",
                        lambda *a, **k: starts.append(1) or real_write(*a, **k))

    def due_and_done():
        doc.recovery_due()
        doc.recovery.wait()
        qtbot.wait(50)  # the finished signal comes back through the event loop
    window.editor.add_node_at("neuron", QPointF(0, 0))
    due_and_done()
    assert len(starts) == 1
    due_and_done()
    due_and_done()
    assert len(starts) == 1  # nothing changed
    window.doc.stack.undo()
    window.doc.stack.redo()  # moved and back: written again (the state is not compared)
    due_and_done()
    assert len(starts) == 2
    net_file, _ = doc.recovery_files()
    net_file.unlink()
    net_file.mkdir()  # the next write fails ...
    window.editor.add_node_at("neuron", QPointF(100, 0))
    due_and_done()
    due_and_done()
    assert len(starts) == 4  # ... and is tried again at the next tick
    net_file.rmdir()
    due_and_done()
    assert len(starts) == 5 and rs.load(net_file) == doc.net
    due_and_done()
    assert len(starts) == 5
