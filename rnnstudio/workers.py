"""Long-lived worker threads for background jobs (no Qt).

Starting a thread per job made the UI thread wait in `Thread.start()` until the new thread had
run (it needs the interpreter, which a busy worker holds: up to 0.25 s seen after an edit in a
network of 5,000 nodes and 50,000 edges). A `Worker` starts its one thread once and hands it
jobs through a queue, which never waits; its jobs run one after another, in the order given.
"""

from __future__ import annotations

import queue
import threading
import traceback


class Worker:
    """A daemon thread that runs the callables given to `submit`, one at a time, in order.
    A job's exception is the job's business (catch it there): it is printed, the thread goes
    on."""

    def __init__(self, name: str):
        self.name = name
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, fn, *args) -> None:
        self._jobs.put((fn, args))
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name=self.name,
                                                    daemon=True)
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            fn, args = self._jobs.get()
            try:
                fn(*args)
            except BaseException:  # noqa: BLE001 - jobs handle their own; never end the thread
                traceback.print_exc()
            del fn, args  # (the job's objects go now, not when the next job comes)
