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

Writing runs outside the UI's interpreter where it can. On Linux the app forks: the child
process, a copy-on-write image of the app at that instant, turns the network into text, writes
it and exits (`os._exit`, nothing of the parent's is run or flushed); a waiter thread in the
parent reaps it and reports. The UI is held only for the fork (the whole call 23-37 ms at 5,000
nodes / 50,000 edges, 32-37 ms at 20,000 / 200,000), and an edit made while the child writes
does not wait for the writer's interpreter (it pays for the pages it changes instead: 61-70 ms
instead of 29-41 at 5,000 nodes). A worker thread of the same interpreter, which is what is
left elsewhere, competes with the UI for the interpreter lock: an undo that came during a 0.5 s
write took 1.1-1.4 s instead of 0.2 s, each of the UI's Qt calls waiting for the writer.

The child runs no Qt and takes no lock another thread may have held at the fork: the collector
is off across the fork (no finalizer of the parent's runs there), SIGINT is blocked, the locks
it would take (QuietCollector's, networkx's cached properties' on Python < 3.12) are new ones.
If it does not finish within `child_timeout` anyway, it is killed, the temporary file it left is
removed, the failure is reported and this session writes from a thread from then on. Its outcome
comes back through a pipe: "+" done, "-" and a message on failure; nothing at all means it died
(a signal), which is reported too.

Elsewhere (macOS, whose system libraries are not safe in a forked child, and Windows, which has
no fork) the network is copied (a snapshot, a few tens of ms for 50,000 edges) and the copy is
checked, turned into text and written by a worker thread. Python's cyclic garbage collector is
off while such a write runs (`QuietCollector`): the copy and the file's records are a hundred
thousand objects that live a moment and go by reference counting, yet they triggered full
collections of the whole app (2 million objects at 5,000 nodes / 50,000 edges, 0.3-0.8 s with
every thread, the UI's too, held).
"""

from __future__ import annotations

import functools
import gc
import json
import os
import secrets
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import networkx as nx
from PySide6.QtCore import QLockFile, QObject, Signal

from .. import io as rio
from ..collector import QuietCollector
from ..io.netfile import write_atomic
from ..model import Network

NET_SUFFIX = ".rnn.json"
META_SUFFIX = ".json"
LOCK_SUFFIX = ".lock"
LEGACY = "recovery"  # recovery.rnn.json / recovery.json of the single-file scheme

# Fork only where a forked child of a threaded process is safe enough for this job: Linux.
CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")
CHILD_TIMEOUT = 120.0  # seconds; a write of 20,000 nodes / 200,000 edges takes about 3
_POLL = 0.01  # seconds between the waiter's looks at the child
_MESSAGE_MAX = 2000  # bytes of a child's failure message (less than a pipe holds: never blocks)


def _lock(path: Path) -> QLockFile | None:
    """The lock at `path` if it is free or its owner is gone, else None."""
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # stale only when the owning process is gone, never by age
    return lock if lock.tryLock(0) else None


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
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
        self.forking = CAN_FORK  # write from a forked child (else from a thread)
        self.child_timeout = CHILD_TIMEOUT
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
        if self.forking and self._fork(net, path):
            if wait:
                self.wait()
            return True
        QuietCollector.hold()  # released by the worker when it is done
        try:
            snap = net.snapshot()
            meta = {"path": str(path) if path else None, "saved": time.time()}
            self._pending = [snap, meta]  # the worker takes them: its args would outlive it
            with self._state:
                self._writing = True
            worker = threading.Thread(target=self._write_quietly, name="rnnstudio-recovery",
                                      daemon=True)
            worker.start()
            self._thread = worker  # only a started thread: `wait` joins it
        except BaseException:
            with self._state:
                self._writing = False
            QuietCollector.release()
            raise
        if wait:
            self.wait()
        return True

    def _write_quietly(self) -> None:
        pending, self._pending = self._pending, None
        try:
            self._write(*pending)
        finally:
            del pending  # the copy goes (reference counting) before the collector is back
            self._done()
            QuietCollector.release()

    def _done(self) -> None:
        """In the worker: the write is over (whichever way); remove its files if asked to."""
        with self._state:
            if self._discard_after:
                self._discard_after = False
                self._remove_files()
            self._writing = False

    # ---------------------------------------------------------------- writing from a child
    def _fork(self, net: Network, path: Path | None) -> bool:
        """Fork a child that writes `net` as it is now; False (and writing from a thread from
        now on) if the system refuses the fork."""
        net_file, meta_file = self.files()
        meta = json.dumps({"path": str(path) if path else None, "saved": time.time()}).encode()
        read_end, write_end = os.pipe()
        QuietCollector.hold()  # no collection (and no finalizer of the parent's) in the child
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # nor a Ctrl+C
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns of forking a threaded process
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:  # out of memory or processes: the thread still works
            pid = -1
        if pid == 0:
            try:
                _child_writes(net, net_file, meta_file, meta, write_end)
            finally:
                os._exit(1)  # never back into the parent's code
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        QuietCollector.release()
        os.close(write_end)
        if pid < 0:
            os.close(read_end)
            self.forking = False
            return False
        with self._state:
            self._writing = True
        try:
            waiter = threading.Thread(target=self._await_child, args=(pid, read_end),
                                      name="rnnstudio-recovery-waiter", daemon=True)
            waiter.start()
        except BaseException:  # no thread to wait with: stop the child, leave no zombie
            _kill(pid)
            os.close(read_end)
            with self._state:
                self._writing = False
            raise
        self._thread = waiter
        return True

    def _await_child(self, pid: int, read_end: int) -> None:
        """In the waiter thread: reap the child (killing it past `child_timeout`), report."""
        try:
            ok, message = self._reap(pid, read_end)
        except BaseException as exc:  # noqa: BLE001 - the waiter must end and say why
            ok, message = False, f"{type(exc).__name__}: {exc}"
        finally:
            os.close(read_end)
        if ok:
            self.finished.emit(True, "")
        else:
            self._remove_temporary(pid)
            self.finished.emit(False, f"Could not write the recovery file: {message}")
        self._done()

    def _remove_temporary(self, pid: int) -> None:
        """The temporary files a child that was stopped left (it removes its own otherwise:
        `write_atomic` names them `.<file>.<pid>.<random>.tmp`)."""
        for file in self.files():
            for tmp in file.parent.glob(f".{file.name}.{pid}.*.tmp"):
                _unlink(tmp)

    def _reap(self, pid: int, read_end: int) -> tuple[bool, str]:
        deadline = time.monotonic() + self.child_timeout
        status = None
        while status is None:
            try:
                done, raw = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # reaped by someone else: the pipe still tells
                break
            if done:
                status = raw
            elif time.monotonic() > deadline:
                _kill(pid)
                self.forking = False  # stuck in the child: threads from now on
                return False, (f"the writing process did not finish in "
                               f"{self.child_timeout:g} s and was stopped")
            else:
                time.sleep(_POLL)
        said = _read_all(read_end)
        if said.startswith(b"+"):
            return True, ""
        if said.startswith(b"-"):
            return False, said[1:].decode("utf-8", "replace")
        if status is not None and os.WIFSIGNALED(status):
            return False, f"the writing process was stopped by signal {os.WTERMSIG(status)}"
        code = os.waitstatus_to_exitcode(status) if status is not None else "unknown"
        return False, f"the writing process ended without a word (exit status {code})"

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


def _child_writes(net: Network, net_file: Path, meta_file: Path, meta: bytes,
                  write_end: int) -> None:
    """In the forked child: write the network and its meta file, say how it went on the pipe,
    exit. Only the file code runs here: no Qt, no imports, no collector (its objects die with
    the process), and nothing of the parent's (atexit, buffers) on the way out."""
    code = 1
    try:
        gc.disable()
        _close_all_but(write_end)  # the parent's files, sockets and locks are not ours
        _fresh_property_locks()
        try:
            rio.save(net, net_file)
            write_atomic(str(meta_file), meta)
            said = b"+"
            code = 0
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            said = b"-" + (str(exc) or type(exc).__name__).encode("utf-8", "replace")
        os.write(write_end, said[:_MESSAGE_MAX])
    finally:
        os._exit(code)


def _kill(pid: int) -> None:
    """Stop a child and reap it (unless someone else already has)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _close_all_but(keep: int) -> None:
    """Close every file descriptor above 2 except `keep`: those that are open (listed in
    /proc/self/fd), not every number up to the limit, which may be a billion."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = range(3, 65536)
    for fd in fds:
        if fd > 2 and fd != keep:
            try:
                os.close(fd)
            except OSError:  # the listing's own descriptor, closed already
                pass


def _fresh_property_locks() -> None:
    """Python < 3.12 guards each cached property with one lock for all instances; networkx's
    graph views are cached properties, and another thread of the parent may have held one at
    the fork (a first look at any graph's `nodes` or `edges`): the child gets new ones."""
    for cls in (nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph):
        for value in vars(cls).values():
            if isinstance(value, functools.cached_property) and hasattr(value, "lock"):
                value.lock = threading.RLock()


def _read_all(fd: int) -> bytes:
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:  # a copy of the write end is still open somewhere
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


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
