"""Deferred UI work, one piece per turn of the event loop.

After an edit in a big network several views catch up a moment later (the canvas shows the
ordering and routes its loops, the ordering strip lists it, the player copies the network for
its worker, the unrolled view lays out): each piece takes 10-40 ms. Run from their own timers,
pieces that came due together ran back to back and the UI answered nothing for their sum
(QTimer.singleShot(0) even runs a chain of them without letting other timers in). `next_turn`
queues them instead: one piece per turn, with input, painting and other timers in between.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid

from ..collector import freeze_young

_queue = None


class _Turns(QObject):
    def __init__(self):
        super().__init__()
        self.pieces: deque = deque()
        self.timer = QTimer(self, singleShot=True, interval=0)  # a timer, not a posted call:
        self.timer.timeout.connect(self._run_one)  # restarted, it waits for the next turn

    def add(self, owner: QObject, fn) -> None:
        if not any(o is owner and f == fn for o, f in self.pieces):
            self.pieces.append((owner, fn))
        if not self.timer.isActive():
            self.timer.start()

    def _run_one(self) -> None:
        if not self.pieces:  # (dropped meanwhile)
            return
        owner, fn = self.pieces.popleft()
        if self.pieces:
            self.timer.start()
        if isValid(owner):  # (its window may have closed meanwhile)
            fn()
            freeze_young()  # what the piece made (a big network's: see collector)


def _turns() -> _Turns:
    global _queue
    if _queue is None or not isValid(_queue):
        _queue = _Turns()
    return _queue


def next_turn(owner: QObject, fn) -> None:
    """Call `fn` (a method of `owner`) on a later turn of the event loop, after the pieces
    queued before it, one piece per turn; a piece already queued is not queued twice."""
    _turns().add(owner, fn)


def queued(owner: QObject, fn) -> bool:
    """Is this piece waiting for its turn?"""
    return any(o is owner and f == fn for o, f in _turns().pieces)


def drop(owner: QObject, fn) -> None:
    """Forget a piece waiting for its turn (what it would do is no longer wanted)."""
    pieces = _turns().pieces
    for item in [p for p in pieces if p[0] is owner and p[1] == fn]:
        pieces.remove(item)
