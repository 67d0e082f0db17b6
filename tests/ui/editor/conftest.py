"""Editor fixtures: a main window (tests/ui/conftest.py isolates its settings and data)."""

from __future__ import annotations

import time

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent

import rnnstudio as rs


@pytest.fixture
def window(qtbot):
    from rnnstudio.ui.main_window import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.doc.stack.setClean()
    yield w
    if not shiboken6.isValid(w):
        return
    w.doc.stack.setClean()  # no unsaved-changes prompt on close
    # delete it now: a test that never runs the event loop left its window's deletion to the
    # next test's first wait, which then paid for all of them (14 s after test_groups_canvas,
    # past a 5 s waitUntil)
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def small_net() -> rs.Network:
    net = rs.Network("small")
    net.add_input("x", x=0.0, y=0.0)
    net.add_neuron("h", x=150.0, y=0.0)
    net.add_neuron("g", x=150.0, y=100.0)
    net.add_output("y", x=300.0, y=0.0)
    net.add_edge("x", "h", weight=0.5)
    net.add_edge("h", "y", weight=-1.0)
    net.add_edge("h", "h", weight=0.9)
    return net


@pytest.fixture
def gate(tmp_path):
    """(path, wait): `wait()` returns once the file at `path` exists (at most 20 s): holds a
    worker (the recovery writer) until the test touches the file."""
    path = tmp_path / "gate"

    def wait():
        deadline = time.monotonic() + 20
        while not path.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test's gate was never opened")
            time.sleep(0.005)
    return path, wait
