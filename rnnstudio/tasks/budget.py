"""How much memory a run's data may take. A task's or a CSV file's X and Y are measured before
they are allocated and refused, naming the settings to change, when they would not fit. No Qt.
"""

from __future__ import annotations

from ..io.safefile import format_size

MAX_DATA_BYTES = 512 * 2 ** 20  # X and Y together, float64: 32 M time-step values


def data_bytes(steps: int, sequences: int, width: int) -> int:
    """Bytes of float64 arrays (steps, sequences, width)."""
    return int(steps) * int(sequences) * int(width) * 8


def over_budget(nbytes: int, max_bytes: int | None = None) -> str | None:
    """None when `nbytes` fit, else a phrase for a message: "7.45 GB, more than the 512 MB a
    run's data may take"."""
    limit = MAX_DATA_BYTES if max_bytes is None else max_bytes
    if nbytes <= limit:
        return None
    return f"{format_size(nbytes)}, more than the {format_size(limit)} a run's data may take"


def steps_problem(T: int, n_seq: int, width: int) -> str | None:
    """Why a task's n_seq sequences of T steps of `width` values (inputs and targets) are too
    large to build, naming the settings to change; None when they fit."""
    too_big = over_budget(data_bytes(T, n_seq, width))
    if too_big is None:
        return None
    return (f"T x n_seq = {int(T):,} x {int(n_seq):,} steps of {width} values need {too_big}: "
            "lower T or n_seq")
