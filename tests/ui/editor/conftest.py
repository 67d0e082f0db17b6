"""Editor fixtures: a main window (tests/ui/conftest.py isolates its settings and data)."""

from __future__ import annotations

import pytest

import rnnstudio as rs


@pytest.fixture
def window(qtbot):
    from rnnstudio.ui.main_window import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.doc.stack.setClean()
    yield w
    w.doc.stack.setClean()  # no unsaved-changes prompt on close


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
