"""Strict JSON: bytes -> plain values, and plain values -> stable text.

Python's `json` accepts NaN and Infinity, turns 1e400 into inf, keeps the last of duplicate keys
and recurses without bound. Here every such problem becomes a `FileFormatError` naming the place:
a line and column for syntax, a path such as ``nodes[2].bias`` for values.
"""

from __future__ import annotations

import json
import math
from itertools import chain, compress, repeat
from operator import is_
from dataclasses import dataclass
from typing import Any

from ..pacing import paced
from .errors import FileFormatError

MAX_DEPTH = 64  # nesting of arrays and objects; a network file needs 4, training settings a few
MAX_INT_DIGITS = 64
MAX_INT_BITS = 212  # about 64 decimal digits
MAX_VALUES = 5_000_000  # numbers, texts, objects... in a file: ~250 MB parsed, ~800,000 edges


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


def check_count(data: str | bytes) -> None:
    """Refuse a text (or its bytes, before decoding them) of more than MAX_VALUES values:
    parsing costs about 50 bytes of memory per value. Counting commas takes milliseconds."""
    count = data.count(b"," if isinstance(data, bytes) else ",") + 1  # values, less containers
    if count > MAX_VALUES:
        raise FileFormatError(f"the file holds about {count:,} values; at most {MAX_VALUES:,} "
                              "can be read")


def parse(text: str) -> Any:
    """Plain values (dict, list, str, int, float, bool, None), not yet checked (`check_value`
    does that, naming the place); `check_count` first keeps the memory bounded."""
    if not text or text.isspace():
        raise FileFormatError("the file is empty")
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(_decode_message(exc.msg), where=f"line {exc.lineno}, "
                                                             f"column {exc.colno}") from None
    except RecursionError:
        raise FileFormatError(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    except MemoryError:
        raise FileFormatError("too large: there is not enough memory to read it") from None


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


@dataclass(frozen=True)
class Limits:
    """What a value may hold: nesting depth, number of values (containers included) and
    characters of text (keys included). `name` says whose limits they are in messages."""

    depth: int = MAX_DEPTH
    values: int | None = None
    text: int | None = None
    name: str = "the file"


def check_value(value: Any, path: str, limits: Limits = Limits()) -> None:
    """Raise FileFormatError at the first value that is not plain, finite, well-formed JSON
    (or that exceeds `limits`), naming its place below `path`.

    Iterative (any depth is safe), and the place is only spelled out for the one value at
    fault, so checking a million numbers costs a million type tests and nothing more."""
    problem = _scan(value, limits)
    if problem is not None:
        trail, message = problem
        where = path
        for key in trail:
            where = join(where, key)
        raise FileFormatError(message, where=where or None)


_CONTAINERS = (dict, list, tuple)


def _scan(root: Any, limits: Limits) -> tuple[list, str] | None:
    """(trail of keys, message) of the first problem, or None. Containers are visited in
    document order; each remembers its parent and key, so a trail costs nothing until needed."""
    if not isinstance(root, _CONTAINERS):
        message = _scalar_problem(root)
        return None if message is None else ([], message)
    parents: list[tuple[int, Any]] = [(-1, None)]  # per container: (parent's index, key)
    todo = [(root, 0, 1)]  # container, its index in parents, its depth
    sizes = [0, 0]  # values and characters seen so far
    while todo:
        obj, index, depth = todo.pop()
        children, problem = _visit(obj, depth, sizes, limits)
        if problem is not None:
            key, message = problem
            return _trail(parents, index) + ([] if key is _NO_KEY else [key]), message
        for key, child in reversed(children):
            parents.append((index, key))
            todo.append((child, len(parents) - 1, depth + 1))
    return None


_NO_KEY = object()  # a problem of the container itself, not of one of its values


def _visit(obj, depth: int, sizes: list, limits: Limits) -> tuple[list, tuple | None]:
    """The child containers of `obj` as (key, child), and its first problem as (key, message)
    (`_NO_KEY`: the container itself). `sizes` adds up values and characters."""
    if depth > limits.depth:
        return [], (_NO_KEY, f"nested too deeply (more than {limits.depth} levels)")
    sizes[0] += len(obj)
    if limits.values is not None and sizes[0] > limits.values:
        return [], (_NO_KEY, f"{limits.name} holds more than {limits.values:,} values")
    if isinstance(obj, dict):
        problem = _key_problem(obj)
        if problem is not None:
            return [], (_NO_KEY, problem)
        sizes[1] += sum(map(len, obj))
        items = obj.items()
    elif depth < limits.depth and _plain_objects(obj, sizes, limits):
        return [], None
    else:
        items = enumerate(obj)
    children, problem = _values(items, sizes)
    if problem is not None:
        return [], problem
    if limits.text is not None and sizes[1] > limits.text:
        return [], (_NO_KEY, f"{limits.name} holds more than {limits.text:,} characters of text")
    return children, None


def _values(items, sizes: list) -> tuple[list, tuple | None]:
    """The child containers among (key, value) items, and the first bad plain value as
    (key, message). The hot loop of `check_value`: one type test per plain value."""
    children = []
    for key, item in items:
        kind = type(item)
        if kind is float:
            if item - item == 0.0:  # finite (inf - inf and nan - nan are nan)
                continue
        elif kind is str:
            sizes[1] += len(item)
            if item.isascii() or _valid_text(item):
                continue
        elif kind is dict or kind is list or kind is tuple:
            children.append((key, item))
            continue
        elif kind is int:
            if item.bit_length() <= MAX_INT_BITS:
                continue
        elif kind is bool or item is None:
            continue
        message = _scalar_problem(item)
        if message is not None:
            return children, (key, message)
    return children, None


_SCALARS = frozenset((float, int, str, bool, type(None)))


def _plain_objects(array, sizes: list, limits: Limits) -> bool:
    """Whether `array` holds objects only, of well-formed keys and plain values without a
    problem, within `limits` (the nodes and edges of a file: a few passes over all their
    values, instead of a visit of each object). Adds their values and characters to `sizes`
    if so; any doubt leaves the visits to find the first problem."""
    if not array or set(map(type, array)) != {dict} or \
            _key_problem(set(chain.from_iterable(array))) is not None:
        return False
    values = list(chain.from_iterable(map(dict.values, array)))
    types = list(map(type, values))
    if not _SCALARS.issuperset(types):
        return False
    floats = sum(compress(values, map(is_, types, repeat(float))))
    texts = "".join(compress(values, map(is_, types, repeat(str))))
    if not (floats - floats == 0.0 and (texts.isascii() or _valid_text(texts)) and max(
            map(int.bit_length, compress(values, map(is_, types, repeat(int)))),
            default=0) <= MAX_INT_BITS):
        return False
    count = sizes[0] + len(values)
    text = sizes[1] + len(texts) + sum(map(len, chain.from_iterable(array)))
    if (limits.values is not None and count > limits.values) or \
            (limits.text is not None and text > limits.text):
        return False
    sizes[0], sizes[1] = count, text
    return True


def _trail(parents: list[tuple[int, Any]], index: int) -> list:
    keys = []
    while index > 0:
        index, key = parents[index]
        keys.append(key)
    return keys[::-1]


def _key_problem(obj: dict) -> str | None:
    for key in obj:
        if type(key) is str:
            if key.isascii() or _valid_text(key):
                continue
            return "text with an unpaired surrogate (\\ud800-\\udfff) is not valid Unicode"
        if isinstance(key, _Duplicate):
            return f"duplicate key {key.key!r}"
        return f"key {key!r} is not text"
    return None


def _scalar_problem(value: Any) -> str | None:
    """Why a value that is not a container cannot be in a file, or None."""
    if isinstance(value, _BadNumber):
        return (f"the number {value.token} is not allowed (numbers must be finite and of "
                "sensible size)")
    if isinstance(value, float) and not math.isfinite(value):
        return f"the number {value!r} is not allowed (numbers must be finite)"
    if isinstance(value, int) and not isinstance(value, bool) and \
            value.bit_length() > MAX_INT_BITS:
        return "the whole number is too large"
    if isinstance(value, str):
        return None if _valid_text(value) else \
            "text with an unpaired surrogate (\\ud800-\\udfff) is not valid Unicode"
    if value is not None and not isinstance(value, (bool, int, float)):
        return f"{type(value).__name__} is not a JSON value"
    return None


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dumps_stable(value: Any) -> str:
    """Indented JSON with keys in the order given, floats as repr (exact), trailing newline:
    `json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)`, byte for byte.

    json's C encoder does not indent, and its Python encoder (generators, a call per value)
    took 0.37-0.6 s of a save of 5,000 nodes / 50,000 edges. `_indented` writes the plain
    values a network file holds the same way in 0.22-0.31 s; anything else
    (a NaN, a type json would refuse or convert, a cycle, deep nesting) goes to `json.dumps`,
    which says what is wrong as before."""
    chunks = dumps_stable_chunks(value)
    return chunks[0] if len(chunks) == 1 else "".join(chunks)


_JOIN = 20_000  # parts joined at a time: a few ms each (pause points between, see pacing)


def dumps_stable_chunks(value: Any) -> list[str]:
    """The text of `dumps_stable` in pieces of at most `_JOIN` parts each, joined with pause
    points between them (`rnnstudio.pacing`): a writer thread that encodes and writes them one
    by one never holds the interpreter for the whole text at once (a join, an encoding and a
    copy of 30 MB and more at 20,000 nodes / 200,000 edges: 120 ms without a pause point)."""
    parts: list[str] = []
    try:
        _indented(value, 0, parts)
    except _Unusual:
        return [json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"]
    parts.append("\n")
    if len(parts) <= _JOIN:
        return ["".join(parts)]
    chunks = []
    for start in paced(range((len(parts) - 1) // _JOIN * _JOIN, -1, -_JOIN), 1):
        chunks.append("".join(parts[start:]))
        del parts[start:]  # their strings go a chunk at a time (all at once: 28 ms at 20k)
    chunks.reverse()
    return chunks


class _Unusual(Exception):
    """A value `_indented` leaves to json.dumps."""


_encode_text = json.encoder.encode_basestring  # json's own (C) for ensure_ascii=False
_FAST_DEPTH = 60  # deeper goes to json.dumps (it checks for cycles, this does not)


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _encode_text(value)
    if kind is float:
        if value - value != 0.0:  # NaN or infinite: json.dumps refuses it
            raise _Unusual
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    raise _Unusual


def _indented(value: Any, level: int, parts: list[str]) -> None:
    """`value` as json.dumps(indent=2) writes it at nesting `level`, appended to `parts`."""
    kind = type(value)
    if kind is dict:
        opening, closing = "{", "}"
    elif kind is list or kind is tuple:
        opening, closing = "[", "]"
    else:
        parts.append(_scalar(value))
        return
    if not value:
        parts.append(opening + closing)
        return
    if level >= _FAST_DEPTH:
        raise _Unusual
    inner = "\n" + "  " * (level + 1)
    between, text, append = "," + inner, _encode_text, parts.append
    append(opening)
    lead = inner
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual  # json converts such keys: let it
            kind = type(item)
            if kind is str:
                append(lead + text(key) + ": " + text(item))
            elif kind is float and item - item == 0.0:  # finite
                append(lead + text(key) + ": " + float.__repr__(item))
            elif kind is int:
                append(lead + text(key) + ": " + int.__repr__(item))
            else:
                append(lead + text(key) + ": ")
                _indented(item, level + 1, parts)
            lead = between
    else:
        for item in paced(value, 100):
            kind = type(item)
            if kind is str:
                append(lead + text(item))
            elif kind is float and item - item == 0.0:
                append(lead + float.__repr__(item))
            elif kind is int:
                append(lead + int.__repr__(item))
            else:
                append(lead)
                _indented(item, level + 1, parts)
            lead = between
    append("\n" + "  " * level + closing)


def describe(value: Any) -> str:
    """'an object', 'text', ... for messages."""
    for kind, name in ((bool, "true/false"), (dict, "an object"), (list, "an array"),
                       (str, "text"), (int, "a number"), (float, "a number")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else type(value).__name__
