"""Crash recovery: every window writes its unsaved work to its own file, guarded by a lock.

In the recovery folder a session `<id>` (one per document, so per window and per instance) has

    <id>.rnn.json   the unsaved network (written atomically by `rs.save`)
    <id>.json       {"path": the file it came from or null, "saved": seconds since the epoch}
    <id>.lock       a QLockFile, held as long as the session lives

A session whose lock can be taken belongs to an instance that is gone (it crashed or was
killed): only such sessions are offered back, and only the instance that took the lock may
restore or delete them. A live instance's files are never read, offered or deleted by another.
The files of the single-file scheme of earlier versions (`recovery.rnn.json`) count as one
such session.

The network is copied on the UI thread (a snapshot: the write holds the UI 19-27 ms at 5,000
nodes / 50,000 edges) and the copy is checked, turned into text and written by a worker thread
that gives way to the UI (`IdleGate`, `rnnstudio.pacing`): it runs only while the UI thread has
no event to handle, so an edit made during a write waits for a few hundred of the writer's
items at most, not for the writer (an edit during a write: 23-43 ms median, 42-86 ms worst).
Without that, the worker competed with the UI thread for the interpreter lock and an undo that
came during a 0.5 s write took 1.1-1.4 s instead of 0.2 s. (Earlier versions wrote from a
forked child on Linux: the UI held 23-37 ms for the fork, but every page the UI then changed
was copied: an edit during a write 49-70 ms median, 68-114 worst.)

Python's cyclic garbage collector is off while a write runs (`QuietCollector`): the copy and the
file's records are a hundred thousand objects that live a moment and go by reference counting,
yet they triggered full collections of the whole app (2 million objects at 5,000 nodes / 50,000
edges, 0.3-0.8 s with every thread, the UI's too, held).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile, QObject, Signal

from .. import io as rio
from ..collector import QuietCollector
from ..io.netfile import write_atomic
from ..model import Network
from ..pacing import pacing
from .idle import IdleGate

NET_SUFFIX = ".rnn.json"
META_SUFFIX = ".json"
LOCK_SUFFIX = ".lock"
LEGACY = "recovery"  # recovery.rnn.json / recovery.json of the single-file scheme


def _lock(path: Path) -> QLockFile | None:
    """The lock at `path` if it is free or its owner is gone, else None."""
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when the owning process is gone, never by age
    return lock if lock.tryLock(0) else None


def _unlink(path: Path) -> None:
    """Remove a file if it is there. What cannot be removed (a folder standing in its place,
    no permission) stays: never a reason to stop a write, an exit or the worker."""
    try:
        path.unlink()
    except OSError:
        pass


@dataclass
class Orphan:
    """Unsaved work left by an instance that is gone; its lock is held until `release`."""

    net_file: Path
    meta_file: Path
    lock: QLockFile
    path: Path | None  # the file the work came from
    saved: float  # when it was written (seconds since the epoch)

    def load(self) -> Network:
        return rio.load(self.net_file)

    def delete(self) -> None:
        _unlink(self.net_file)
        _unlink(self.meta_file)
        self.release()

    def release(self) -> None:
        self.lock.unlock()


class RecoverySession(QObject):
    """One document's recovery files. `write` copies the network now and writes it from a
    worker thread; `finished(ok, message)` is emitted (in the UI thread) when it is done."""

    finished = Signal(bool, str)

    def __init__(self, folder: Callable[[], Path], parent=None):
        super().__init__(parent)
        self._folder = folder
        self.id = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._lock: QLockFile | None = None
        self._thread: threading.Thread | None = None
        self._pending: list | None = None  # the copy and meta the next worker writes
        self._state = threading.Lock()  # guards the two flags below
        self._writing = False  # a worker is writing (until it has done all it will do)
        self._discard_after = False  # ... and then removes what it wrote (`discard_soon`)

    # ---------------------------------------------------------------- files
    def files(self) -> tuple[Path, Path]:
        d = self._folder()
        return d / f"{self.id}{NET_SUFFIX}", d / f"{self.id}{META_SUFFIX}"

    def _take_lock(self) -> None:
        if self._lock is None:
            folder = self._folder()
            folder.mkdir(parents=True, exist_ok=True)
            lock = _lock(folder / f"{self.id}{LOCK_SUFFIX}")
            if lock is None:  # cannot happen with a fresh random id; never write unlocked
                raise OSError(f"the recovery lock {self.id}{LOCK_SUFFIX} is taken")
            self._lock = lock

    # ---------------------------------------------------------------- writing
    def busy(self) -> bool:
        with self._state:
            return self._writing

    def write(self, net: Network, path: Path | None, wait: bool = False) -> bool:
        """Write a copy of `net` (False when a write is still running: the next tick catches
        up). With `wait`, return once it is on disk."""
        if self.busy():
            if not wait:
                return False
            self.wait()
        self._take_lock()
        QuietCollector.hold()  # released by the worker when it is done
        gate, entered = IdleGate.instance(), False
        try:
            snap = net.snapshot()
            meta = {"path": str(path) if path else None, "saved": time.time()}
            self._pending = [snap, meta, gate]  # the worker takes them: args would outlive it
            with self._state:
                self._writing = True
            if gate is not None:
                gate.enter()
                entered = True
            worker = threading.Thread(target=self._write_quietly, name="rnnstudio-recovery",
                                      daemon=True)
            worker.start()
            self._thread = worker  # only a started thread: `wait` joins it
        except BaseException:  # no worker: undo what it would have undone
            self._pending = None
            with self._state:
                self._writing = False
            if entered:
                gate.leave()
            QuietCollector.release()
            raise
        if wait:
            self.wait()
        return True

    def _write_quietly(self) -> None:
        (snap, meta, gate), self._pending = self._pending, None
        try:
            with pacing(gate.wait_turn if gate is not None else None):  # while the UI sleeps
                self._write(snap, meta)
        finally:
            del snap  # the copy goes (reference counting) before the collector is back
            try:
                if gate is not None:
                    gate.leave()
                self._done()
            finally:
                QuietCollector.release()

    def _done(self) -> None:
        """In the worker: the write is over (whichever way); remove its files if asked to."""
        with self._state:
            try:
                if self._discard_after:
                    self._discard_after = False
                    self._remove_files()
            finally:
                self._writing = False

    def _write(self, snap: dict, meta: dict) -> None:
        """In the worker thread: check and write the copy, then the meta file."""
        net_file, meta_file = self.files()
        try:
            copy = Network()
            copy.restore(snap)
            rio.save(copy, net_file)
            write_atomic(str(meta_file), json.dumps(meta).encode())
        except Exception as exc:  # a full disk must not take the app down: say it
            self.finished.emit(False, f"Could not write the recovery file: {exc}")
            return
        self.finished.emit(True, "")

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            gate = IdleGate.instance()
            if gate is not None:
                gate.release()  # the UI thread waits here: it needs no turn
            self._thread.join(timeout)

    def discard(self) -> None:
        """Remove this session's files (after a save: nothing left to recover); keeps the lock."""
        self.wait()
        self._remove_files()

    def discard_soon(self) -> None:
        """`discard`, without waiting for a write that is running: its worker removes the files
        once it is done (undoing back to the saved state held the window until a copy of the
        network was on disk: 0.5-2 s at 5,000 nodes / 50,000 edges)."""
        with self._state:
            if self._writing:
                self._discard_after = True
                return
        self.discard()

    def _remove_files(self) -> None:
        net_file, meta_file = self.files()
        _unlink(net_file)
        _unlink(meta_file)

    def close(self) -> None:
        """A clean exit: the files go, then the lock."""
        self.discard()
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    # ---------------------------------------------------------------- other sessions
    def orphans(self) -> list[Orphan]:
        """Sessions of instances that are gone, newest first, each locked for this one."""
        folder = self._folder()
        if not folder.is_dir():
            return []
        found = []
        for net_file in folder.glob(f"*{NET_SUFFIX}"):
            sid = net_file.name[:-len(NET_SUFFIX)]
            if sid == self.id:
                continue
            lock = _lock(folder / f"{sid}{LOCK_SUFFIX}")
            if lock is None:
                continue  # its instance is alive: not ours to offer
            found.append(_orphan(net_file, folder / f"{sid}{META_SUFFIX}", lock))
        for lock_file in folder.glob(f"*{LOCK_SUFFIX}"):  # crashed before its first write
            sid = lock_file.name[:-len(LOCK_SUFFIX)]
            if sid != self.id and not (folder / f"{sid}{NET_SUFFIX}").exists():
                stale = _lock(lock_file)
                if stale is not None:
                    stale.unlock()  # removes the lock file
        return sorted(found, key=lambda o: o.saved, reverse=True)


def _orphan(net_file: Path, meta_file: Path, lock: QLockFile) -> Orphan:
    try:
        meta = json.loads(meta_file.read_text())
        path = meta.get("path") if isinstance(meta, dict) else None
        saved = meta.get("saved") if isinstance(meta, dict) else None
    except (OSError, ValueError):
        path, saved = None, None
    if not isinstance(saved, (int, float)):
        try:
            saved = net_file.stat().st_mtime
        except OSError:
            saved = 0.0
    return Orphan(net_file, meta_file, lock, Path(path) if isinstance(path, str) else None,
                  float(saved))
