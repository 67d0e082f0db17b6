"""File › Export Animation…: choose the file, the view, the steps, the speed and the size, then
record with a progress dialog that can cancel (nothing is written then)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QMessageBox, QProgressDialog, QPushButton, QSpinBox, QWidget)

from .animation import VIDEO_HINT, AnimationError, AnimationRig, Cancelled, record
from .plaintext import literal

VIEW_CHOICES = (("Canvas", "canvas"), ("Unrolled in time", "unrolled"),
                ("Canvas and unrolled view", "both"))
FILTERS = "Animated GIF (*.gif);;MP4 video (*.mp4)"


def video_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("imageio", "imageio_ffmpeg"))


class AnimationDialog(QDialog):
    def __init__(self, steps: int, start_path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.path_edit = QLineEdit(start_path)
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        self.view = QComboBox()
        for text, key in VIEW_CHOICES:
            self.view.addItem(text, key)
        form.addRow("Show", self.view)
        self.first, self.last = QSpinBox(), QSpinBox()
        for box in (self.first, self.last):
            box.setRange(0, max(steps - 1, 0))
        self.last.setValue(max(steps - 1, 0))
        steps_row = QHBoxLayout()
        steps_row.addWidget(self.first)
        steps_row.addWidget(QLabel("to"))
        steps_row.addWidget(self.last)
        steps_row.addStretch(1)
        form.addRow("Steps", steps_row)
        self.fps = QDoubleSpinBox(decimals=1, minimum=0.5, maximum=60.0, value=4.0)
        self.fps.setSuffix(" steps per second")
        form.addRow("Speed", self.fps)
        self.width_box = QSpinBox(minimum=320, maximum=3840, value=1280, singleStep=160)
        self.width_box.setSuffix(" px wide")
        form.addRow("Size", self.width_box)
        note = "One frame per step; the file is written when the last frame is done."
        if not video_available():
            note += f" MP4 needs the optional extra: {VIDEO_HINT}."
        label = QLabel(note)
        label.setWordWrap(True)
        label.setStyleSheet("color: #4c566a;")
        form.addRow(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("Record", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(self, "Export animation",
                                                   self.path_edit.text(), FILTERS)
        if path:
            if Path(path).suffix.lower() not in (".gif", ".mp4"):
                path += ".mp4" if "mp4" in chosen.lower() else ".gif"
            self.path_edit.setText(path)

    def options(self) -> dict:
        return {"path": self.path_edit.text().strip(), "view": self.view.currentData(),
                "first": self.first.value(), "last": self.last.value(),
                "fps": self.fps.value(), "width": self.width_box.value()}


class AnimationExport:
    """The menu action and what it runs."""

    def __init__(self, window):
        self.window = window
        self.settings = QSettings("RNN Studio", "RNN Studio")
        self.action = QAction("Export &Animation…", window)
        self.action.setStatusTip("Record the played sequence as an animated GIF or an MP4 video")
        self.action.triggered.connect(lambda _=False: self.run())
        window.actions["export_animation"] = self.action
        after = window.actions.get("export")
        menu = next((a.menu() for a in window.menuBar().actions()
                     if a.menu() is not None and after in a.menu().actions()), None)
        if menu is not None:
            following = menu.actions()[menu.actions().index(after) + 1:]
            menu.insertAction(following[0] if following else None, self.action)

    def _start_path(self) -> str:
        folder = self.settings.value("animation_dir", str(Path.home()))
        stem = self.window.doc.display_name().removesuffix(" (example)")
        stem = stem.removesuffix(".json").removesuffix(".rnn")
        return str(Path(folder) / f"{stem}.gif")

    def run(self) -> Path | None:
        player = self.window.player.controller
        if player.trajectory is None or player.T == 0 or not len(player.network):
            self._error("There is no sequence to record: give the network an input, an output "
                        "and a sequence (the Sequence dock) first.")
            return None
        dialog = AnimationDialog(player.T, self._start_path(), self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.record(**dialog.options())

    def record(self, path: str, view: str = "canvas", first: int = 0, last: int | None = None,
               fps: float = 4.0, width: int = 1280) -> Path | None:
        """Record with a progress dialog; None when cancelled or failed (the error shown)."""
        total = (last if last is not None else self.window.player.controller.T - 1) - first + 1
        progress = QProgressDialog("Recording the animation…", "Cancel", 0, max(total, 1),
                                   self.window)
        progress.setWindowTitle("Export animation")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        self.progress = progress

        def step(done: int, count: int) -> bool:
            progress.setValue(done)
            progress.setLabelText(f"Recording step {done} of {count}…")
            QApplication.processEvents()
            return not progress.wasCanceled()

        rig = AnimationRig.of_window(self.window)
        try:
            written = record(rig, path, view, fps, first, last, width, step)
        except Cancelled:
            self.window.statusBar().showMessage("Animation cancelled: nothing was written",
                                                10_000)
            return None
        except (AnimationError, OSError, ValueError) as exc:
            self._error(str(exc))
            return None
        finally:
            progress.close()
        self.settings.setValue("animation_dir", str(written.parent))
        self.window.statusBar().showMessage(f"Exported {written}", 10_000)
        return written

    def _error(self, text: str) -> None:
        QMessageBox.critical(self.window, "Could not export the animation", literal(text))


def install_animation_export(window) -> AnimationExport:
    return AnimationExport(window)
