"""The document: the current network, its file, its undo stack, and crash recovery.

The modified mark comes from the undo stack's clean state. Unsaved work is written every 30 s
to a recovery file in the user's data folder (atomically, through `rs.save`); a clean exit
removes it, and the next start offers to restore it if it is still there.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

import rnnstudio
from .. import io as rio
from ..model import Network

RECOVERY_INTERVAL_MS = 30_000
RECOVERY_NAME = "recovery.rnn.json"
RECOVERY_META = "recovery.json"


def examples_dir() -> Path:
    return Path(rnnstudio.__file__).resolve().parent.parent / "examples"


def default_example() -> Path:
    return examples_dir() / "elman-sine.rnn.json"


def shipped_examples() -> list[Path]:
    """The examples that ship with RNN Studio, in teaching order: those named by
    examples/index.json. Other files in the folder (a trained copy written beside its example,
    the user's own work) are not examples."""
    try:
        names = json.loads((examples_dir() / "index.json").read_text(encoding="utf-8"))["examples"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    paths = [examples_dir() / f"{name}.rnn.json" for name in names if isinstance(name, str)]
    return [p for p in paths if p.is_file()]


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".rnnstudio")


class Document(QObject):
    network_replaced = Signal(object)  # the new Network
    title_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.net = Network()
        self.path: Path | None = None
        self.example: str | None = None  # the example this untitled copy came from
        self.stack = QUndoStack(self)
        self.stack.cleanChanged.connect(self._on_clean_changed)
        self._recovery = QTimer(self, interval=RECOVERY_INTERVAL_MS)
        self._recovery.timeout.connect(self.write_recovery)
        self._recovery.start()

    # ---------------------------------------------------------------- state
    @property
    def modified(self) -> bool:
        return not self.stack.isClean()

    def display_name(self) -> str:
        if self.path:
            return self.path.name
        return f"{self.example} (example)" if self.example else "untitled"

    def title(self) -> str:
        return f"{self.display_name()}{'*' if self.modified else ''} — RNN Studio"

    def _on_clean_changed(self, clean: bool) -> None:
        self.title_changed.emit(self.title())

    def _replace(self, net: Network, path: Path | None, example: str | None = None) -> None:
        self.net, self.path, self.example = net, path, example
        self.stack.clear()
        self.stack.setClean()
        self.network_replaced.emit(net)
        self.title_changed.emit(self.title())

    # ---------------------------------------------------------------- files
    def new(self, net: Network | None = None) -> None:
        self._replace(net if net is not None else Network(), None)

    def open(self, path) -> None:
        """Load a file (raises FileFormatError, leaving the current document as it was)."""
        path = Path(path)
        net = rio.load(path)
        self._replace(net, path)

    def open_example(self, path) -> None:
        """An example opens as an untitled copy, so Save does not overwrite it."""
        path = Path(path)
        net = rio.load(path)
        self._replace(net, None, path.name.removesuffix(".rnn.json"))

    def save(self, path=None) -> None:
        path = Path(path) if path is not None else self.path
        if path is None:
            raise ValueError("no file name")
        rio.save(self.net, path)
        self.path, self.example = path, None
        self.stack.setClean()
        self.title_changed.emit(self.title())

    def revert(self) -> None:
        if self.path is not None:
            self.open(self.path)

    # ---------------------------------------------------------------- recovery
    def recovery_files(self) -> tuple[Path, Path]:
        d = recovery_dir()
        return d / RECOVERY_NAME, d / RECOVERY_META

    def write_recovery(self) -> bool:
        """Write the unsaved network to the recovery file (nothing if unmodified)."""
        if not self.modified:
            return False
        net_file, meta_file = self.recovery_files()
        net_file.parent.mkdir(parents=True, exist_ok=True)
        rio.save(self.net, net_file)
        meta = {"path": str(self.path) if self.path else None}
        tmp = meta_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta))
        os.replace(tmp, meta_file)
        return True

    def pending_recovery(self) -> Path | None:
        net_file, _ = self.recovery_files()
        return net_file if net_file.exists() else None

    def restore_recovery(self) -> None:
        """Open the recovery file as modified work on its original path."""
        net_file, meta_file = self.recovery_files()
        net = rio.load(net_file)
        try:
            original = json.loads(meta_file.read_text()).get("path")
        except (OSError, ValueError):
            original = None
        self._replace(net, Path(original) if original else None)
        self.stack.resetClean()  # restored work is unsaved work
        self.title_changed.emit(self.title())

    def discard_recovery(self) -> None:
        for f in self.recovery_files():
            try:
                f.unlink()
            except FileNotFoundError:
                pass
