"""The UI thread first: worker threads that run only while the UI thread has no event to handle.

A worker thread of the app's own interpreter (the recovery writer) competes with the UI thread
for the interpreter lock, and an edit made meanwhile waits for it at each Qt call: an undo of
0.2 s took 1.1-1.4 s during a 0.5 s write. `IdleGate` makes such a worker give way. While one
is at work, an event filter on the application closes the gate at every event the UI thread is
about to handle and posts a call that opens it again; that call runs when the UI thread is back
in its event loop, the event handled. The worker waits at its pause points (`rnnstudio.pacing`)
while the gate is closed, so the UI runs as if it were alone but for the items the worker
does before it looks (at most about 2 ms of work at 5,000 nodes / 50,000 edges), and the
worker gets the idle time.

The interpreter's switch interval is 0.5 ms instead of 5 while a worker is at work: a UI thread
woken by an event gets the lock (to run the filter) within that, not within 5 ms. The filter is
installed only while a worker is at work; once the last one has left, the UI thread removes it
at its next event.
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QCoreApplication, QObject, QTimer

SWITCH_INTERVAL = 0.0005  # seconds, while a worker is at work (Python's default is 0.005)


class IdleGate(QObject):
    """Open while the UI thread has no event to handle, closed while it has (the module).
    One per application: `IdleGate.instance()`."""

    _instance: "IdleGate | None" = None

    def __init__(self, app: QCoreApplication):
        super().__init__()  # no parent: the filter must not be a child of what it filters
        self._app = app
        self._open = threading.Event()
        self._count = threading.Lock()  # guards _workers
        self._workers = 0
        self._watching = False  # filter installed (touched in the UI thread only)
        self._reopening = False  # a call to `_reopen` is posted
        self._interval = sys.getswitchinterval()

    @classmethod
    def instance(cls) -> "IdleGate | None":
        """The application's gate (None without a QCoreApplication: nothing to give way to)."""
        app = QCoreApplication.instance()
        if app is None:
            return None
        if cls._instance is None or cls._instance._app is not app:
            cls._instance = IdleGate(app)
        return cls._instance

    # ---------------------------------------------------------------- the UI thread
    def enter(self) -> None:
        """In the UI thread, before a worker starts: watch the UI from now on."""
        with self._count:
            self._workers += 1
        self._close()  # the UI thread is busy right now (it is starting the worker)
        if not self._watching:
            self._watching = True
            self._interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._interval, SWITCH_INTERVAL))
            self._app.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if self._workers:
            self._close()
        elif self._watching:
            self._watching = False
            self._app.removeEventFilter(self)
            sys.setswitchinterval(self._interval)
        return False

    def _close(self) -> None:
        """Closed until the UI thread is back in its event loop."""
        self._open.clear()
        if not self._reopening:
            self._reopening = True
            QTimer.singleShot(0, self._reopen)

    def _reopen(self) -> None:
        self._reopening = False
        self._open.set()

    def release(self) -> None:
        """Let the workers run whatever the UI thread does next (it is about to wait for
        them: closing a window, a write asked to finish now)."""
        self._open.set()

    # ---------------------------------------------------------------- the worker
    def wait_turn(self) -> None:
        """At a worker's pause point: return once the UI thread has no event to handle."""
        if not self._open.is_set():
            self._open.wait()

    def leave(self) -> None:
        """From the worker, when it is done (any thread): the UI thread stops watching at its
        next event once no worker is left."""
        with self._count:
            self._workers -= 1
        if not self._workers:
            self._open.set()  # nobody waits any more; a late `wait_turn` passes
