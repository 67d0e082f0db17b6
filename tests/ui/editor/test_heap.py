"""Opening a big network freezes the app's objects (issue 14: the cyclic collector's full
passes over a million objects held the UI 0.2-0.5 s at about every third edit at 5k/50k);
opening another network thaws them, so the old network's garbage goes."""

from __future__ import annotations

import gc
import weakref

from rnnstudio import collector

from .conftest import small_net


class _Cycle:
    def __init__(self):
        self.me = self


def test_a_big_networks_objects_are_frozen_and_thawed_for_the_next(window, qtbot, monkeypatch):
    try:
        monkeypatch.setattr(collector, "BIG_HEAP", 0)  # every network is big
        window.doc.new(small_net())
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=2000)
        frozen = gc.get_freeze_count()
        gc.collect()
        assert gc.get_freeze_count() == frozen  # a full pass leaves them alone
        old = _Cycle()  # garbage of the first network's time, frozen with it ...
        collector.settle_heap(1)
        gone = weakref.ref(old)
        del old
        monkeypatch.setattr(collector, "BIG_HEAP", 10**9)  # ... a small network now
        window.doc.new(small_net())
        qtbot.waitUntil(lambda: gc.get_freeze_count() == 0, timeout=2000)
        assert gone() is None  # ... collected
    finally:
        collector.unfreeze()


def test_a_first_big_open_collects_nothing(window, qtbot, monkeypatch):
    """Nothing was frozen before it: opening a big network makes no full collection (its
    drawing freezes what it made, `freeze_bulk`; collecting after that walked the million
    objects of a first open at 5k/50k, 0.1-0.25 s of the open)."""
    passes = []
    monkeypatch.setattr(collector.gc, "collect", lambda *a: passes.append(a) or 0)
    try:
        monkeypatch.setattr(collector, "BIG_HEAP", 0)  # every network is big ...
        monkeypatch.setattr(collector, "BULK", 0)  # ... and every drawing a bulk one
        collector.unfreeze()
        window.doc.new(small_net())
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=2000)
        qtbot.wait(50)  # (settle_heap's turn)
        assert passes == []
    finally:
        collector.unfreeze()


def test_what_comes_after_an_edit_is_frozen_without_counting_the_frozen(monkeypatch):
    """gc.get_freeze_count() walks every frozen object (a million at 5k/50k: 10-35 ms): asked
    after every edit and every deferred piece, it cost more than the passes it saved."""
    counted = []
    count = gc.get_freeze_count
    monkeypatch.setattr(collector, "BIG_HEAP", 0)
    try:
        collector.settle_heap(1)  # a big network is open: its objects frozen
        monkeypatch.setattr(gc, "get_freeze_count", lambda: counted.append(1) or count())
        young = [[] for _ in range(100)]
        collector.freeze_young()
        assert not counted
        tracked = {id(o) for o in gc.get_objects()}  # (the frozen are in no generation)
        assert not any(id(y) in tracked for y in young)
    finally:
        collector.unfreeze()
