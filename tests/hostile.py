"""Helpers for tests of inputs that used to hang: named pipes and calls with a deadline."""

from __future__ import annotations

import os
import threading

import pytest


def make_fifo(path) -> str:
    """A named pipe at `path` (the test is skipped where there are none)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    os.mkfifo(path)
    return str(path)


def release_fifo(path) -> None:
    """Unblock a reader stuck in open() on the FIFO: open it for writing, then close it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:  # no reader waiting: nothing to release
        return
    os.close(fd)


def within(seconds: float, func, *args, release=None, **kwargs):
    """`func(*args, **kwargs)` run in a thread: its result, or the exception it raised. A call
    that has not returned after `seconds` fails the test (after `release()`, which should
    unblock it, so the thread does not outlive the test)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = func(*args, **kwargs)
        except BaseException as exc:  # handed to the test below
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if release is not None:
            release()
        thread.join(5.0)
        pytest.fail(f"{getattr(func, '__name__', func)} did not return within {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
