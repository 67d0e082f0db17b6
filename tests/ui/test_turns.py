"""Deferred UI work one piece per turn of the event loop (ui/turns.py): the pieces several
views queue after an edit in a big network never run back to back."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from rnnstudio.ui import turns


class Owner(QObject):
    def __init__(self, log, name):
        super().__init__()
        self.log, self.name = log, name

    def piece(self):
        self.log.append(self.name)


def test_pieces_run_one_per_turn_with_other_timers_in_between(qtbot):
    ticks, log = [0], []
    ticker = QTimer(interval=0)  # another timer of the UI (a repaint, a click)
    ticker.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    owners = [Owner(log, name) for name in "abc"]
    ticker.start()
    for owner in owners:
        turns.next_turn(owner, lambda o=owner: log.append((o.name, ticks[0])))
    qtbot.waitUntil(lambda: len(log) == 3, timeout=2000)
    ticker.stop()
    assert [name for name, _ in log] == ["a", "b", "c"]  # in the order queued
    at = [tick for _, tick in log]
    assert at[0] < at[1] < at[2]  # the ticker ran between any two


def test_a_piece_is_queued_once_and_can_be_dropped(qtbot):
    log = []
    a, b = Owner(log, "a"), Owner(log, "b")
    turns.next_turn(a, a.piece)
    turns.next_turn(a, a.piece)
    turns.next_turn(b, b.piece)
    assert turns.queued(a, a.piece) and turns.queued(b, b.piece)
    turns.drop(b, b.piece)
    assert not turns.queued(b, b.piece)
    qtbot.wait(50)
    assert log == ["a"]


def test_a_piece_of_a_deleted_owner_is_skipped(qtbot):
    log = []
    a, b = Owner(log, "a"), Owner(log, "b")
    turns.next_turn(a, a.piece)
    turns.next_turn(b, b.piece)
    import shiboken6
    shiboken6.delete(a)
    qtbot.wait(50)
    assert log == ["b"]


def test_dropping_the_last_piece_leaves_nothing_to_run(qtbot):
    """The monkey dropped a player's copy piece while it was the only one queued: the turn
    that came for it found an empty queue (IndexError in a timer slot)."""
    log = []
    a = Owner(log, "a")
    turns.next_turn(a, a.piece)
    turns.drop(a, a.piece)
    with qtbot.captureExceptions() as errors:
        qtbot.wait(50)
    assert not errors and log == []
    turns.next_turn(a, a.piece)
    qtbot.wait(50)
    assert log == ["a"]


def test_what_a_piece_makes_is_frozen_while_a_big_heap_is(qtbot):
    """Once a big network's objects are frozen (collector.settle_heap), what each deferred
    piece makes is frozen too: the collector's full passes over an edit's new objects
    (35-140 ms at 5k/50k) no longer come in the UI stall after it. Without a frozen heap
    (small networks) nothing is frozen."""
    import gc
    made, owner = [], Owner([], "a")

    def piece():
        made.extend([] for _ in range(500))

    turns.next_turn(owner, piece)
    qtbot.waitUntil(lambda: bool(made), timeout=2000)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # as settle_heap does for a big network
    try:
        made.clear()
        before = gc.get_freeze_count()
        turns.next_turn(owner, piece)
        qtbot.waitUntil(lambda: bool(made), timeout=2000)
        assert gc.get_freeze_count() >= before + 500
    finally:
        gc.unfreeze()
