"""Checks of single values for the network's methods: each returns the value as stored or
raises `NetworkError` naming what is at fault (the node, the edge, the setting)."""

from __future__ import annotations

import math
from typing import Any

from .errors import NetworkError

MAX_DELAY = 100_000
MAX_ABS_VALUE = 1e12  # weights, biases, initial values and positions beyond this are refused


def _finite(value: Any, what: str, node=None, edge=None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NetworkError(f"{what}: expected a number, got {value!r}", node=node, edge=edge)
    if isinstance(value, int) and abs(value) > MAX_ABS_VALUE:  # float() might overflow
        raise NetworkError(f"{what}: must be a finite number of magnitude at most 1e12, "
                           f"got a whole number of {value.bit_length()} bits", node=node, edge=edge)
    value = float(value)
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise NetworkError(f"{what}: must be a finite number of magnitude at most 1e12, "
                           f"got {value!r}", node=node, edge=edge)
    return value


def _choice(value: Any, options: tuple, what: str, node=None) -> str:
    if value not in options:
        raise NetworkError(f"{what}: {value!r} is not one of {', '.join(options)}", node=node)
    return value


def _bool(value: Any, what: str, node=None, edge=None) -> bool:
    if not isinstance(value, bool):
        raise NetworkError(f"{what}: expected true or false, got {value!r}", node=node, edge=edge)
    return value


def check_delay(value: Any, what: str, edge=None) -> int | str:
    """'auto' or an integer d >= 0 (0 forces a same-step edge)."""
    if value == "auto" and isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELAY:
        raise NetworkError(f"{what}: expected 'auto' or a whole number of steps from 0 to "
                           f"{MAX_DELAY}, got {value!r}", edge=edge)
    return value


def _weight(value: Any, u: str, v: str) -> float:
    if type(value) is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:
        return value
    return _finite(value, f"{edge_name(u, v)}: weight", edge=(u, v))


def _delay(value: Any, u: str, v: str) -> int | str:
    if (type(value) is int and 0 <= value <= MAX_DELAY) or (type(value) is str and
                                                            value == "auto"):
        return value
    return check_delay(value, f"{edge_name(u, v)}: delay", edge=(u, v))


def edge_name(u: str, v: str) -> str:
    return f"edge {u} -> {v}"
