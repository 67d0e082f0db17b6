"""The document: the current network, its file, its undo stack, and crash recovery.

The modified mark comes from the undo stack's clean state. Unsaved work is written every 30 s
to this document's own recovery file in the user's data folder (see `recovery`: one file per
window, locked, written outside the UI thread); saving removes it, a clean exit removes it and
its lock, and the next start offers the work of instances that are gone.

A write that comes due while the user is editing waits for a pause of RECOVERY_PAUSE_S (at most
RECOVERY_PAUSE_WAIT_S): the copy it starts with holds the window (19-27 ms at 5,000 nodes /
50,000 edges), the writer takes the idle moments between edits, and edits come in bursts.
Nothing is written again while the undo stack has not moved since the last write that reached
the disk.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QUndoStack

import rnnstudio
from .. import io as rio
from ..collector import quiet_collector, thaw_heap
from ..model import Network
from .recovery import Orphan, RecoverySession

RECOVERY_INTERVAL_MS = 30_000
RECOVERY_PAUSE_S = 2.0  # a write due while the user edits waits for a pause this long ...
RECOVERY_PAUSE_WAIT_S = 30.0  # ... for at most this long


def _now() -> float:
    return time.monotonic()


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
    message = Signal(str)  # for the status bar (a recovery file that could not be written)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.net = Network()
        self.path: Path | None = None
        self.example: str | None = None  # the example this untitled copy came from
        self.stack = QUndoStack(self)
        self.stack.cleanChanged.connect(self._on_clean_changed)
        self.stack.indexChanged.connect(self._on_edited)
        self.recovery = RecoverySession(lambda: recovery_dir(), self)
        self.recovery.finished.connect(self._on_recovery_written)
        self._last_edit = float("-inf")
        self._generation = 0  # counts the undo stack's moves: the document's state, in short
        self._writing_generation = -1  # the state the running write copied
        self._written_generation = -1  # ... and the last one that reached the disk
        self._due_since: float | None = None  # a write came due then and waits for a pause
        self._recovery_timer = QTimer(self, interval=RECOVERY_INTERVAL_MS)
        self._recovery_timer.timeout.connect(self.recovery_due)
        self._recovery_timer.start()
        self._pause_timer = QTimer(self, singleShot=True)
        self._pause_timer.timeout.connect(self.recovery_due)

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
        if clean:  # saved (or undone back to the saved state): nothing to recover
            self.recovery.discard_soon()

    def _replace(self, net: Network, path: Path | None, example: str | None = None) -> None:
        self.net, self.path, self.example = net, path, example
        self.stack.clear()
        self.stack.setClean()
        self._generation += 1
        thaw_heap()  # an earlier big network's frozen objects, before the views build anew
        self.network_replaced.emit(net)
        self.title_changed.emit(self.title())

    # ---------------------------------------------------------------- files
    def new(self, net: Network | None = None) -> None:
        self._replace(net if net is not None else Network(), None)

    def open(self, path) -> None:
        """Load a file (raises FileFormatError, leaving the current document as it was)."""
        path = Path(path)
        with quiet_collector():  # a big file makes a million objects that live on: the full
            net = rio.load(path)  # collections they set off on the way walked them all (5k/50k:
            self._replace(net, path)  # 0.5-0.75 s of a 2.5 s open)

    def open_example(self, path) -> None:
        """An example opens as an untitled copy, so Save does not overwrite it."""
        path = Path(path)
        with quiet_collector():
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
        """This document's recovery file and its meta file."""
        return self.recovery.files()

    def _on_edited(self) -> None:
        self._last_edit = _now()
        self._generation += 1

    def recovery_due(self) -> None:
        """The recovery timer: write now, or once the user has paused editing for
        RECOVERY_PAUSE_S (but no later than RECOVERY_PAUSE_WAIT_S from now)."""
        if not self.modified or self._generation == self._written_generation:
            self._due_since = None  # nothing new since the last write: no copy of it again
            return
        now = _now()
        if self._due_since is None:
            self._due_since = now
        quiet_for = now - self._last_edit
        if quiet_for < RECOVERY_PAUSE_S and now - self._due_since < RECOVERY_PAUSE_WAIT_S:
            wait = min(RECOVERY_PAUSE_S - quiet_for,
                       self._due_since + RECOVERY_PAUSE_WAIT_S - now)
            self._pause_timer.start(max(1, round(wait * 1000)))
            return
        self._due_since = None
        self._pause_timer.stop()
        self.write_recovery()

    def write_recovery(self, wait: bool = False) -> bool:
        """Start writing the unsaved network to the recovery file, off the UI thread (nothing
        if unmodified). `wait`: return once it is written."""
        if not self.modified:
            return False
        try:
            started = self.recovery.write(self.net, self.path, wait=wait)
            if started:
                self._writing_generation = self._generation
            return started
        except OSError as exc:
            self.message.emit(f"Could not write the recovery file: {exc}")
            return False

    def _on_recovery_written(self, ok: bool, text: str) -> None:
        if not ok:
            self.message.emit(text)
            return
        self._written_generation = self._writing_generation
        if not self.modified:  # saved while the copy was being written
            self.recovery.discard()

    def pending_recovery(self) -> list[Orphan]:
        """Unsaved work of instances that are gone (newest first; this one holds their
        locks until each is restored or deleted)."""
        return self.recovery.orphans()

    def restore_recovery(self, orphan: Orphan) -> None:
        """Open recovered work as modified work on its original path. It becomes this
        document's recovery file before the orphan's files go."""
        net = orphan.load()
        self._replace(net, orphan.path)
        self.stack.resetClean()  # restored work is unsaved work
        self.title_changed.emit(self.title())
        self.write_recovery(wait=True)
        orphan.delete()

    def discard_recovery(self) -> None:
        """A clean exit: this document's recovery files and its lock go."""
        self.recovery.close()
