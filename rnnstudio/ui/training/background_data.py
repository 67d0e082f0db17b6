"""Build a run's data (or the step-through's sequences) off the UI thread.

Reading a CSV or generating a task takes from milliseconds to seconds; the window must never
wait for it (a file opens at once, the data follows). `build_in_background(build, signal, token)`
runs `build()` in a daemon thread and emits `signal(token, result, error)` from it; Qt queues
the emission to the receiver's (UI) thread. The receiver keeps the token of the build it wants
and ignores others, so a build that is no longer wanted (a new file, Stop) is simply dropped:
Python cannot interrupt it, and it holds nothing the UI needs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class NetShape:
    """What building data needs to know of a network (its inputs and outputs), frozen so the
    build never reads the live network from another thread."""

    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, net) -> "NetShape":
        return cls(list(net.inputs), list(net.outputs))


def build_in_background(build: Callable[[], Any], signal, token: Any) -> threading.Thread:
    """Run `build()` in a daemon thread; then `signal.emit(token, result, None)`, or
    `signal.emit(token, None, error)` if it raised (MemoryError included)."""

    def run() -> None:
        try:
            result, error = build(), None
        except Exception as exc:  # reported to the UI thread, which shows it
            result, error = None, exc
        try:
            signal.emit(token, result, error)
        except RuntimeError:  # the receiver was deleted meanwhile (the window closed)
            pass

    thread = threading.Thread(target=run, name="rnnstudio-data", daemon=True)
    thread.start()
    return thread
