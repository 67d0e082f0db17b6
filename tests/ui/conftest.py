"""Every UI test: recovery files and QSettings in a temporary folder, dialogs never block."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """Recovery files and QSettings go to a temporary folder; modal questions answer No."""
    QStandardPaths.setTestModeEnabled(True)
    monkeypatch.setattr("rnnstudio.ui.document.recovery_dir", lambda: tmp_path / "appdata")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    for name in ("question", "critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(
            lambda *a, **k: QMessageBox.StandardButton.No))
    opened = []  # boxes shown without blocking (box.open()), closed after the test
    original_open = QMessageBox.open

    def open_and_remember(box, *args):
        opened.append(box)
        return original_open(box, *args)
    monkeypatch.setattr(QMessageBox, "open", open_and_remember)
    yield
    # only the boxes still alive: walking QApplication.topLevelWidgets() here could meet a
    # widget deleted a moment ago and crash the interpreter
    for box in opened:
        if shiboken6.isValid(box):
            box.close()
