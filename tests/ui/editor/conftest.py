"""UI fixtures: a main window on an isolated settings/data folder, dialogs never block."""

from __future__ import annotations

import pytest

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox

import rnnstudio as rs


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """Recovery files and QSettings go to a temporary folder; message boxes answer No."""
    QStandardPaths.setTestModeEnabled(True)
    data = tmp_path / "appdata"
    monkeypatch.setattr("rnnstudio.ui.document.recovery_dir", lambda: data)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    for name in ("question", "critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(
            lambda *a, **k: QMessageBox.StandardButton.No))
    yield


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
