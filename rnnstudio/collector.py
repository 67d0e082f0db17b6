"""Python's cyclic garbage collector, held off while a worker thread makes many short-lived
objects (no Qt).

A full collection walks every object of the app (a million and more with a network of 5,000
nodes and 50,000 edges open: 0.2-0.5 s) holding the GIL, so the UI thread waits whichever
thread it runs in. A worker that copies the network or computes its ordering makes a hundred
thousand objects that live a moment and go by reference counting, yet they count towards the
next full collection and trigger it, once every edit or so. The same holds on the UI thread for
bulk work (`quiet_collector`): loading or saving a file (full collections were ~40% of a load),
a paste of 5,000 nodes, its undo and redo. While any holder holds it the
collector is off (counted: several workers run at once); it is back as it was when the last one
lets go.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager


class QuietCollector:
    """The cyclic collector off while any holder holds it (counted: windows write in parallel);
    back to what it was when the last one lets go."""

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
    """`QuietCollector` held for the duration of a with-block."""
    QuietCollector.hold()
    try:
        yield
    finally:
        QuietCollector.release()


BIG_HEAP = 20_000  # nodes + edges of an open network past which its objects are frozen
_frozen = False  # this module froze objects (until `unfreeze`): known without asking
# gc.get_freeze_count(), which walks every frozen object (a million at 5k/50k, 10-35 ms, at
# each edit and each deferred piece after it: `freeze_young`)


def _freeze() -> None:
    global _frozen
    gc.freeze()
    _frozen = True


def unfreeze() -> None:
    """Thaw every frozen object (`thaw_heap`; tests)."""
    global _frozen
    gc.unfreeze()
    _frozen = False


def settle_heap(size: int) -> None:
    """Once a network of `size` nodes and edges is open (and drawn): freeze what lives
    (`gc.freeze`: later collections skip it) when it is big. The cyclic collector's full
    passes walk every object of the app: with 5,000 nodes and 50,000 edges open, a million
    objects, 0.2-0.5 s each, at about every third edit; frozen, 10-60 ms. Opening another
    network first thaws the frozen objects and collects once (`thaw_heap`)."""
    if size > BIG_HEAP:
        _freeze()


def thaw_heap() -> None:
    """Before another network is built: thaw what an earlier big one froze and collect once,
    so the old network's garbage goes (0.2-0.4 s after a big one). Nothing when nothing is
    frozen: collecting after the new network's drawing had frozen what it made (`freeze_bulk`)
    walked the million objects of a first open at 5k/50k (0.1-0.25 s of it)."""
    if _frozen or gc.get_freeze_count():  # (nothing frozen: counting walks nothing)
        unfreeze()
        gc.collect()


BULK = 1000  # nodes + edges an edit adds or draws past which what it made is frozen (big heaps)


def freeze_bulk(made: int, size: int) -> None:
    """After a bulk edit of a big network (`size` nodes + edges) that made `made` nodes and
    edges, or drew that many: freeze what lives, as `settle_heap` did once it was open. A paste
    of 5,000 nodes / 50,000 edges makes a few hundred thousand objects that live on: left to the
    collector, the young generations' passes over them and a full pass (80-170 ms together)
    came in its first paint and between the slices of its drawing. (`gc.freeze` moves lists,
    it walks no object; those objects are still freed as they go, by reference counting: the
    app makes no cyclic garbage on these paths, and what there is goes at the next open.)"""
    if made > BULK and size > BIG_HEAP:
        _freeze()


def freeze_young() -> None:
    """While a big network's objects are frozen (`settle_heap`), freeze what the app made since
    the last time too: called after each edit and each piece of the work that follows it
    (`ui.turns`, the player's new trajectory). Left to the collector, the objects an edit's
    deferred work makes (the canvas's geometry, routes, the player's trajectory and views)
    gathered into full passes of 35-140 ms and young passes of 10-100 ms, about one of each
    an edit at 5,000 nodes / 50,000 edges, in the edit or in the UI stall after it. As with
    `freeze_bulk`, `gc.freeze` walks no object and the objects are still freed by reference
    counting; cyclic garbage among them waits for the next open (`settle_heap`)."""
    if _frozen or gc.get_freeze_count():  # (frozen elsewhere: tests)
        gc.freeze()
