"""Strict JSON: bytes -> plain values, and plain values -> stable text.

Python's `json` accepts NaN and Infinity, turns 1e400 into inf, keeps the last of duplicate keys
and recurses without bound. Here every such problem becomes a `FileFormatError` naming the place:
a line and column for syntax, a path such as ``nodes[2].bias`` for values.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import FileFormatError

MAX_DEPTH = 64  # nesting of arrays and objects; a network file needs 4, training settings a few
MAX_INT_DIGITS = 64
MAX_INT_BITS = 212  # about 64 decimal digits


class _BadNumber:
    """Stands for a number JSON can hold but a network file cannot (NaN, Infinity, 1e400)."""

    def __init__(self, token: str):
        self.token = token


class _Duplicate:
    """A marker key: the object it is in had this key twice (reported by `check_value`)."""

    def __init__(self, key: str):
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        first = next(k for k, _ in pairs if k in seen or seen.add(k))
        obj[_Duplicate(first)] = None
    return obj


def _float(token: str) -> float | _BadNumber:
    value = float(token)
    return value if math.isfinite(value) else _BadNumber(token)


def _int(token: str) -> int | _BadNumber:
    digits = token.lstrip("-")
    return int(token) if len(digits) <= MAX_INT_DIGITS else _BadNumber(token[:20] + "...")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_float=_float, parse_int=_int,
                            parse_constant=_BadNumber, strict=True)


def decode_bytes(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is allowed)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FileFormatError("not UTF-8 text (invalid byte "
                              f"0x{data[exc.start]:02x})", where=f"line {line}, column {column}")


def parse(text: str) -> Any:
    """Plain values (dict, list, str, int, float, bool, None) checked by `check_value`."""
    if not text.strip():
        raise FileFormatError("the file is empty")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(_decode_message(exc.msg), where=f"line {exc.lineno}, "
                                                             f"column {exc.colno}") from None
    except RecursionError:
        raise FileFormatError(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    check_value(value, "")
    return value


def _decode_message(msg: str) -> str:
    known = {"Expecting ',' delimiter": "expected ','", "Expecting ':' delimiter": "expected ':'",
             "Expecting value": "expected a value", "Extra data": "unexpected text after the end",
             "Unterminated string starting at": "unterminated string"}
    return known.get(msg, msg[:1].lower() + msg[1:])


def join(path: str, key: str | int) -> str:
    """``nodes`` + 3 -> ``nodes[3]``; ``training`` + ``lr`` -> ``training.lr``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def check_value(value: Any, path: str) -> None:
    """Raise FileFormatError at the first value that is not plain, finite, well-formed JSON.

    Iterative (no recursion), so any depth is safe to check."""
    stack = [(value, path, 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FileFormatError(f"nested too deeply (more than {MAX_DEPTH} levels)", where=path)
        if isinstance(value, dict):
            children = _object_children(value, path)
        elif isinstance(value, (list, tuple)):
            children = [(item, join(path, i)) for i, item in enumerate(value)]
        else:
            _check_scalar(value, path)
            continue
        stack.extend((v, p, depth + 1) for v, p in reversed(children))


def _object_children(obj: dict, path: str) -> list[tuple[Any, str]]:
    for key in obj:
        if isinstance(key, _Duplicate):
            raise FileFormatError(f"duplicate key {key.key!r}", where=path or None)
        if not isinstance(key, str):
            raise FileFormatError(f"key {key!r} is not text", where=path or None)
        _check_text(key, path)
    return [(v, join(path, k)) for k, v in obj.items()]


def _check_scalar(value: Any, path: str) -> None:
    where = path or None
    if isinstance(value, _BadNumber):
        raise FileFormatError(f"the number {value.token} is not allowed (numbers must be "
                              "finite and of sensible size)", where=where)
    if isinstance(value, float) and not math.isfinite(value):
        raise FileFormatError(f"the number {value!r} is not allowed (numbers must be finite)",
                              where=where)
    if isinstance(value, int) and not isinstance(value, bool) and \
            value.bit_length() > MAX_INT_BITS:
        raise FileFormatError("the whole number is too large", where=where)
    if isinstance(value, str):
        _check_text(value, path)
    elif value is not None and not isinstance(value, (bool, int, float)):
        raise FileFormatError(f"{type(value).__name__} is not a JSON value", where=where)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FileFormatError("text with an unpaired surrogate (\\ud800-\\udfff) is not valid "
                              "Unicode", where=path or None) from None


def dumps_stable(value: Any) -> str:
    """Indented JSON with keys in the order given, floats as repr (exact), trailing newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def describe(value: Any) -> str:
    """'an object', 'text', ... for messages."""
    for kind, name in ((bool, "true/false"), (dict, "an object"), (list, "an array"),
                       (str, "text"), (int, "a number"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__
