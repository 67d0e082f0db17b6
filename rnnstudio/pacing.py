"""Pause points for work that a thread does in the background of the UI (no Qt).

A worker thread of the same interpreter competes with the UI thread for the interpreter lock:
each time the UI lets it go (around every Qt call) the worker may take it and keep it up to the
switch interval (5 ms), so an edit made while the worker runs waits for it again and again (an
undo of 0.2 s took 1.1-1.4 s during a 0.5 s recovery write). A worker that stops by itself
while the UI is busy costs the UI nothing; to stop, it needs points where it looks whether it
should. The long loops of saving a network (the copy rebuilt, validation, the record, the
text) pass their items through `paced`, which calls the thread's pause hook every few hundred
items; without a hook (every thread but such a worker) `paced` gives back the iterable itself
and costs nothing.

The hook, installed with `pacing(hook)` for the current thread only, decides: the recovery
writer's waits while the UI thread handles events (see `ui/idle.py`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
EVERY = 200  # items between two looks: ~0.1-1 ms of the loops above

_local = threading.local()


def paced(items: Iterable[T], every: int = EVERY) -> Iterable[T]:
    """`items`, with the thread's pause hook called before the first and then every `every`
    items (`items` itself when the thread has no hook)."""
    hook = getattr(_local, "hook", None)
    if hook is None:
        return items
    return _paced(items, every, hook)


def _paced(items: Iterable[T], every: int, hook: Callable[[], None]) -> Iterator[T]:
    left = 0
    for item in items:
        if not left:
            hook()
            left = every
        left -= 1
        yield item


@contextmanager
def pacing(hook: Callable[[], None] | None):
    """Call `hook` at the pause points this thread passes during the with-block (None: no
    hook, the pause points cost nothing)."""
    before = getattr(_local, "hook", None)
    _local.hook = hook
    try:
        yield
    finally:
        _local.hook = before
