"""Python's cyclic garbage collector held off while work that makes many objects runs.

A full collection walks every object the app holds (half a million to two million at 5,000
nodes / 50,000 edges: 0.3-0.8 s, every thread held), and it starts whenever enough new objects
have piled up: a paste of 5,000 nodes, its undo or redo, a recovery write each set off several.
Loading a file (its records, 55,000 of them at 5,000 nodes: 40% of the load) and saving one
set off the same. What that work makes either lives on (the nodes and edges, their items) or
goes by reference counting (copies, records, events): none of it is cyclic garbage, so the
collector waits until it is done. Plain Python, no Qt (io and the UI use it).
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager


class QuietCollector:
    """The cyclic collector off while any holder holds it (counted: windows write in parallel,
    an edit runs while a write does); back to what it was when the last one lets go."""

    _lock = threading.Lock()
    _holders = 0
    _was_enabled = True

    @classmethod
    def hold(cls) -> None:
        with cls._lock:
            if cls._holders == 0:
                cls._was_enabled = gc.isenabled()
                gc.disable()
            cls._holders += 1

    @classmethod
    def release(cls) -> None:
        with cls._lock:
            cls._holders -= 1
            if cls._holders == 0 and cls._was_enabled:
                gc.enable()


@contextmanager
def quiet_collector():
    """`QuietCollector` held for the block."""
    QuietCollector.hold()
    try:
        yield
    finally:
        QuietCollector.release()
