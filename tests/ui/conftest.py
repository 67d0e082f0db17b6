"""Every UI test: recovery files and QSettings in a temporary folder, dialogs never block."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox


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
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()
