"""Fuzzing the loader: whatever the bytes, only FileFormatError escapes, and a file that loads
is a valid network that saves again."""

import json

from hypothesis import given, settings, strategies as st

from rnnstudio.io import FileFormatError, dumps, loads
from tests.model.strategies import json_values, networks

FUZZ = settings(max_examples=150, deadline=None)


def load_or_reject(data) -> None:
    try:
        net = loads(data, source="fuzz.rnn.json")
    except FileFormatError as exc:
        assert str(exc).startswith("fuzz.rnn.json")
        assert "internal error" not in str(exc), str(exc)
        return
    net.validate()  # a file that loads also runs
    assert loads(dumps(net)) == net


@st.composite
def byte_mutations(draw):
    data = bytearray(dumps(draw(networks(max_neurons=4))).encode())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete", "set"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=4) | st.sampled_from(
                [b",", b"]", b"{", b'"', b"\\", b"NaN", b"1e999", b"-", b"\xff"]))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 8))]
        elif data:
            data[i] = draw(st.sampled_from(b'{}[]:,"0-.e \n'))
    return bytes(data)


@FUZZ
@given(byte_mutations())
def test_byte_mutations(data):
    load_or_reject(data)


def _places(value, path=()):
    """Every (container, key) inside a JSON value."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return
    for key, child in items:
        yield value, key
        yield from _places(child, path + (key,))


swaps = st.sampled_from([None, True, 0, -1, 1.5, 1e12, 10**30, "", "auto", "x", "h0", [], {},
                         ["x"], {"mode": "manual"}]) | json_values


@st.composite
def record_mutations(draw):
    record = json.loads(dumps(draw(networks(max_neurons=4))))
    for _ in range(draw(st.integers(1, 3))):
        places = list(_places(record))
        container, key = draw(st.sampled_from(places))
        op = draw(st.sampled_from(["swap", "delete", "duplicate"]))
        if op == "swap":
            container[key] = draw(swaps)
        elif op == "delete":
            del container[key]
        elif isinstance(container, list):
            container.append(container[key])
        else:
            container[key + "_"] = container[key]
    return json.dumps(record, indent=1)


@FUZZ
@given(record_mutations())
def test_type_swaps_and_deleted_keys(text):
    load_or_reject(text)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_random_json(value):
    load_or_reject(json.dumps(value))
    load_or_reject(json.dumps({"format": "rnnstudio-network", "version": 1, "nodes": value,
                               "edges": value}))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes(data):
    load_or_reject(data)
