"""Durations as people read them (no Qt): the command line's and the training dock's ETA."""

from __future__ import annotations

import math


def format_duration(seconds: float, unknown: str = "?") -> str:
    """`m:ss`, or `h:mm:ss` from an hour on; `unknown` when the time is not finite."""
    if not math.isfinite(seconds):
        return unknown
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
