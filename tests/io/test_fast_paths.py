"""The loader's quick passes over many records (jsontext.py `_plain_objects`: the values of
an array of objects at once; records.py `_plain_columns`: the shape of all the node and edge
records in columns) only recognise what the record-by-record checks accept: on any file,
loading with and without them gives the same network, or the same error at the same place."""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

from hypothesis import given, settings, strategies as st

from rnnstudio.io import FileFormatError, dumps, jsontext, loads, records

from .test_fuzz import record_mutations


@contextmanager
def _record_by_record(on: bool):
    if not on:
        yield
        return
    with mock.patch.object(records, "_plain_columns", return_value=None), \
            mock.patch.object(jsontext, "_plain_objects", return_value=False):
        yield


def _outcome(text: str, slow: bool):
    with _record_by_record(slow):
        try:
            net = loads(text, source="f.rnn.json")
        except FileFormatError as exc:
            return str(exc)
    return dumps(net), repr(net.snapshot())


@settings(max_examples=300, deadline=None)
@given(record_mutations())
def test_the_quick_passes_change_no_outcome(text):
    assert _outcome(text, slow=False) == _outcome(text, slow=True)


_ODD = ["NaN", "-Infinity", "1e400", "1" * 70, "1.5", "-0", "true", "null", '"\\ud800"',
        '"\\u00e9t\\u00e9"', '"x"', "[]", "{}", '{"a": 1}', "[1e400]"]
_KEYS = ['"a"', '"b"', '"c"', '"\\udfff"', '"\\u00e9"']


@st.composite
def arrays_of_objects(draw) -> str:
    """JSON text: an array of objects of plain values, and mostly one odd thing among them (a
    bad number, broken text, a container, a duplicate key...), inside an object."""
    objects = []
    for _ in range(draw(st.integers(1, 5))):
        keys = draw(st.lists(st.sampled_from(_KEYS[:3]), max_size=3, unique=True))
        objects.append([(k, draw(st.sampled_from(["1", "-2.5", '"t"', "false", "null", "12"])))
                        for k in keys])
    if draw(st.integers(0, 3)):
        draw(st.sampled_from(objects)).append((draw(st.sampled_from(_KEYS)),
                                               draw(st.sampled_from(_ODD))))
    return '{"x": [' + ", ".join("{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
                                 for pairs in objects) + "]}"


_LIMITS = [jsontext.Limits(), jsontext.Limits(depth=2), jsontext.Limits(depth=3, values=9),
           jsontext.Limits(text=6, name="the block"), jsontext.Limits(text=14)]


def _problem(value, limits: jsontext.Limits, quick: bool) -> str | None:
    with mock.patch.object(jsontext, "_plain_objects", return_value=False) if not quick \
            else mock.patch.object(jsontext, "MAX_DEPTH", jsontext.MAX_DEPTH):
        try:
            jsontext.check_value(value, "top", limits)
        except FileFormatError as exc:
            return str(exc)
    return None


@settings(max_examples=300, deadline=None)
@given(arrays_of_objects(), st.sampled_from(_LIMITS))
def test_check_value_finds_the_same_first_problem_with_and_without_the_quick_pass(text,
                                                                                   limits):
    value = jsontext.parse(text)
    assert _problem(value, limits, True) == _problem(value, limits, False)


_PLAIN = [1.0, -2, "t", "a longer text", None, True, 0.5]
_ODD_VALUES = [float("inf"), float("nan"), 10 ** 70, -(10 ** 70), "\ud800", (1,), 1j]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from("abc"), st.sampled_from(_PLAIN), max_size=3),
                min_size=1, max_size=4),
       st.sampled_from(_ODD_VALUES + [None] * 3), st.data(), st.sampled_from(_LIMITS))
def test_check_value_of_values_made_in_python_too(objects, odd, data, limits):
    """Values that do not come from parsing (a network's training block before saving):
    infinite floats, huge whole numbers, tuples..."""
    if odd is not None:
        data.draw(st.sampled_from(objects))["odd"] = odd
    value = {"x": objects}
    assert _problem(value, limits, True) == _problem(value, limits, False)
