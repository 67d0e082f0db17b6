"""The rules of a node's and an edge's values (kinds, attributes and their defaults, limits)
and the checks of single values for the network's methods: each returns the value as stored or
raises `NetworkError` naming what is at fault (the node, the edge, the setting)."""

from __future__ import annotations

import math
import re
from typing import Any

from .errors import NetworkError

MAX_DELAY = 100_000
MAX_ABS_VALUE = 1e12  # weights, biases, initial values and positions beyond this are refused

KINDS = ("input", "neuron", "output")
ACTIVATIONS = ("identity", "tanh", "sigmoid", "relu")
AGGREGATES = ("sum", "product")
DIRECTIONS = ("forward", "reverse")
# no spaces, control characters or text-direction controls (a U+202E in an id reverses how the
# ids after it read in every list and message)
_ID_RE = re.compile("^[^\\s\x00-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]{1,64}$")
ID_RULE = "ids are 1 to 64 characters without spaces, control characters or text-direction marks"

NODE_DEFAULTS: dict[str, Any] = {
    "activation": "tanh", "bias": 0.0, "initial": 0.0, "aggregate": "sum",
    "direction": "forward", "trainable": True, "initial_trainable": False,
}
OUTPUT_DEFAULTS: dict[str, Any] = {**NODE_DEFAULTS, "activation": "identity"}
INPUT_ATTRS = ("kind", "label", "x", "y")
NEURON_ATTRS = INPUT_ATTRS + tuple(NODE_DEFAULTS)
EDGE_ATTRS = ("weight", "delay", "trainable")
PARAM_NODE_ATTRS = ("bias", "initial")
# node attributes whose change alters the compiled structure (others are parameters or cosmetic)
STRUCTURAL_NODE_ATTRS = ("kind", "activation", "aggregate", "direction", "trainable",
                         "initial_trainable")
ID_PREFIX = {"input": "x", "neuron": "h", "output": "y"}


# the type every node attribute has once checked, and the words a text attribute may be
_PLAIN = {"bias": float, "initial": float, "x": float, "y": float, "activation": str,
          "aggregate": str, "direction": str, "kind": str, "trainable": bool,
          "initial_trainable": bool}
_CHOICES = {"activation": ACTIVATIONS, "aggregate": AGGREGATES, "direction": DIRECTIONS,
            "kind": KINDS}


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
