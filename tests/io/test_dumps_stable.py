"""`dumps_stable` writes what json.dumps(indent=2, ensure_ascii=False, allow_nan=False) writes,
byte for byte (files saved before and after its fast path are identical), and refuses what
json refuses with json's own error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnnstudio.io.jsontext import dumps_stable


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**40, 10**40)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text())
values = st.recursive(
    scalars,
    lambda inner: (st.lists(inner, max_size=5) | st.lists(inner, max_size=3).map(tuple)
                   | st.dictionaries(st.text(), inner, max_size=5)),
    max_leaves=40)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_same_text_as_json(value):
    assert dumps_stable(value) == _json(value)


def test_a_network_record_is_written_as_before():
    """Every example network's record (what `save` writes) is the text json.dumps wrote."""
    import rnnstudio as rs
    from rnnstudio.io.records import to_record
    examples = sorted((Path(rs.__file__).resolve().parents[1] / "examples").glob("*.rnn.json"))
    assert len(examples) > 5
    for path in examples:
        record = to_record(rs.load(path))
        assert dumps_stable(record) == _json(record), path.name


@pytest.mark.parametrize("value", [
    float("nan"), [1.0, float("inf")], {"a": {"b": [float("-inf")]}},  # refused by json
    {1: "a", None: 2, True: 3, 2.5: 4},  # keys json converts
    [object()], {"a": {1, 2}}, b"bytes",  # types json refuses
])
def test_what_json_refuses_or_converts_it_refuses_or_converts_the_same_way(value):
    try:
        expected = _json(value)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)) as raised:
            dumps_stable(value)
        assert str(raised.value) == str(exc)
    else:
        assert dumps_stable(value) == expected


def test_cycles_and_deep_nesting_are_left_to_json():
    deep = current = []
    for _ in range(200):
        current.append([])
        current = current[0]
    assert dumps_stable(deep) == _json(deep)
    cycle = {"a": []}
    cycle["a"].append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_stable(cycle)
