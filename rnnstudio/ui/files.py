"""File actions with their dialogs: new, open, examples, recent files, save, revert, export,
the unsaved-changes prompt and the recovery offer. Errors show the file format message and
keep the current document."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..io import FileFormatError
from ..model import NetworkError
from ..interop import files as interop_files
from . import render
from .document import shipped_examples
from .plaintext import literal

FILTER = "RNN Studio networks (*.rnn.json *.json);;All files (*)"
IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
MAX_RECENT = 8
_Btn = QMessageBox.StandardButton


class FileController(QObject):
    recent_changed = Signal()
    message = Signal(str)

    def __init__(self, document, scene, parent_widget=None):
        super().__init__(parent_widget)
        self.doc, self.scene, self.widget = document, scene, parent_widget
        self.settings = QSettings("RNN Studio", "RNN Studio")

    # ---------------------------------------------------------------- prompts
    def _error(self, title: str, exc: Exception) -> None:
        QMessageBox.critical(self.widget, title, literal(str(exc)))  # ids and paths as typed

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        if not self.doc.modified:
            return True
        answer = QMessageBox.question(
            self.widget, "Unsaved changes",
            f"Save the changes to {self.doc.display_name()}?",
            _Btn.Save | _Btn.Discard | _Btn.Cancel, _Btn.Save)
        if answer == _Btn.Save:
            return self.save()
        return answer == _Btn.Discard

    # ---------------------------------------------------------------- opening
    def new(self) -> None:
        if self.maybe_save():
            self.doc.new()

    def open(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self.widget, "Open network", self._dir(), FILTER)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path, ask: bool = True) -> bool:
        if ask and not self.maybe_save():
            return False
        try:
            self.doc.open(path)
        except (FileFormatError, NetworkError, OSError) as exc:
            self._error("Could not open the file", exc)
            return False
        self.add_recent(path)
        return True

    def open_example(self, path) -> bool:
        if not self.maybe_save():
            return False
        try:
            self.doc.open_example(path)
        except (FileFormatError, NetworkError, OSError) as exc:
            self._error("Could not open the example", exc)
            return False
        return True

    def examples(self) -> list[Path]:
        return shipped_examples()

    def revert(self) -> None:
        if self.doc.path is None or not self.doc.modified:
            return
        answer = QMessageBox.question(self.widget, "Revert",
                                      f"Discard every change since {self.doc.display_name()} "
                                      "was last saved?")
        if answer == _Btn.Yes:
            self.open_path(self.doc.path, ask=False)

    # ---------------------------------------------------------------- saving
    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(self.doc.path)

    def save_as(self) -> bool:
        start = str(self.doc.path or Path(self._dir()) / f"{self.doc.net.name or 'network'}.rnn.json")
        path, _ = QFileDialog.getSaveFileName(self.widget, "Save network as", start, FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".rnn.json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.doc.save(path)
        except (FileFormatError, NetworkError, OSError) as exc:
            self._error("Could not save the file", exc)
            return False
        self.add_recent(path)
        self.message.emit(f"Saved {path}")
        return True

    def export_image(self) -> None:
        start = str(Path(self._dir()) / f"{self._stem()}.png")
        path, chosen = QFileDialog.getSaveFileName(self.widget, "Export image", start, IMAGE_FILTER)
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".svg" if "svg" in chosen.lower() else ".png"
        try:
            render.render_scene(self.scene, path)
        except OSError as exc:
            self._error("Could not export the image", exc)
            return
        self.message.emit(f"Exported {path}")

    # ---------------------------------------------------------------- other tools
    def import_network(self) -> None:
        """File › Import…: an SNNS, GraphML or PyTorch network as a new untitled document."""
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self.widget, "Import network", self._dir(),
                                              interop_files.IMPORT_FILTER)
        if path:
            self.import_path(path)

    def import_path(self, path) -> bool:
        try:
            net = interop_files.import_network(path)
        except (FileFormatError, NetworkError, ValueError, OSError, ImportError) as exc:
            self._error("Could not import the file", _extra_hint(exc, "torch"))
            return False
        self.doc.new(net)
        self.message.emit(f"Imported {path}: save it to keep it as an RNN Studio network")
        return True

    def export_network(self) -> None:
        """File › Export…: the network for PyTorch, ONNX or GraphML."""
        start = str(Path(self._dir()) / f"{self._stem()}.onnx")
        filters = ";;".join(interop_files.EXPORT_FILTERS.values())
        path, chosen = QFileDialog.getSaveFileName(self.widget, "Export network", start, filters)
        if path:
            self.export_path(path, next((k for k, f in interop_files.EXPORT_FILTERS.items()
                                         if f == chosen), None))

    def export_path(self, path, to: str | None = None) -> bool:
        by_suffix = {v: k for k, v in interop_files.EXPORT_TYPES.items()}
        to = by_suffix.get(Path(path).suffix.lower(), to or "onnx")
        if Path(path).suffix.lower() != interop_files.EXPORT_TYPES[to]:
            path = str(path) + interop_files.EXPORT_TYPES[to]
        try:
            interop_files.export_network(self.doc.net, path, to)
        except (FileFormatError, NetworkError, ValueError, OSError, ImportError) as exc:
            self._error("Could not export the network", _extra_hint(exc, to))
            return False
        self.message.emit(f"Exported {path}")
        return True

    def _stem(self) -> str:
        return self.doc.path.name.removesuffix(".json").removesuffix(".rnn") if self.doc.path \
            else (self.doc.net.name or "network")

    # ---------------------------------------------------------------- recent files
    def recent(self) -> list[str]:
        value = self.settings.value("recent", []) or []
        return [value] if isinstance(value, str) else list(value)

    def add_recent(self, path) -> None:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self.recent() if p != path]
        self.settings.setValue("recent", items[:MAX_RECENT])
        self.recent_changed.emit()

    def _dir(self) -> str:
        recent = self.recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    # ---------------------------------------------------------------- recovery
    def offer_recovery(self) -> bool:
        """Offer back the unsaved work of instances that are gone, newest first, until one is
        restored; declined work is deleted. A running instance's work is never offered."""
        orphans = self.doc.pending_recovery()
        restored = False
        for i, orphan in enumerate(orphans):
            if restored:
                orphan.release()  # offered at the next start
                continue
            answer = QMessageBox.question(self.widget, "Restore unsaved work?",
                                          _recovery_question(orphan, i, len(orphans)),
                                          _Btn.Yes | _Btn.No, _Btn.Yes)
            if answer != _Btn.Yes:
                orphan.delete()
                continue
            try:
                self.doc.restore_recovery(orphan)
                restored = True
            except (FileFormatError, NetworkError, OSError) as exc:
                orphan.release()  # kept: maybe a later version reads it
                self._error("Could not restore", exc)
        return restored


def _recovery_question(orphan, index: int, count: int) -> str:
    name = orphan.path.name if orphan.path else "an untitled network"
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(orphan.saved))
    more = f" ({index + 1} of {count})" if count > 1 else ""
    return (f"RNN Studio did not close cleanly. Unsaved changes to {name}, last written "
            f"{when}, can be restored{more}.\n\nRestore them? (No deletes them.)")


def _extra_hint(exc: Exception, extra: str) -> Exception:
    """A missing optional library, said as what to install."""
    if isinstance(exc, ImportError):
        name = "torch" if extra == "torch" else "onnx"
        return ImportError(f"This needs the optional [{name}] extra: pip install "
                           f"'rnnstudio[{name}]' ({exc})")
    return exc
