"""Files that are too big or too deep are refused with a FileFormatError naming the place,
quickly and without building what they hold (issue 14, item 7)."""

import json
import tracemalloc

import pytest

from rnnstudio.io import FileFormatError, dumps, load, loads, save
from rnnstudio.io import jsontext
from tests.model.helpers import loop_network

NAME = "net.rnn.json"


def text_with(**blocks) -> str:
    record = json.loads(dumps(loop_network("limits")))
    record.update(blocks)
    return json.dumps(record)


def error_of(text) -> FileFormatError:
    with pytest.raises(FileFormatError) as info:
        loads(text, source=NAME)
    return info.value


@pytest.mark.parametrize("key", ["view", "training"])
def test_a_free_form_block_holds_at_most_100_000_values(key):
    err = error_of(text_with(**{key: {"data": [0.5] * 200_000}}))
    assert err.where == f"{key}.data"  # the array that passed the limit
    assert f"the {key} block holds more than 100,000 values" in str(err)


def test_a_free_form_block_nests_at_most_16_levels():
    deep = {"a": 1}
    for _ in range(20):
        deep = {"b": deep}
    err = error_of(text_with(view={"layout": deep}))
    assert err.where.startswith("view.layout.b.b")
    assert "nested too deeply (more than 16 levels)" in str(err)


def test_a_free_form_block_holds_at_most_a_million_characters():
    err = error_of(text_with(training={"note": "x" * 1_500_000}))
    assert err.where == "training"
    assert "the training block holds more than 1,000,000 characters of text" in str(err)


def test_blocks_within_the_limits_load():
    net = loads(text_with(view={"zoom": 1.5, "data": [0.25] * 90_000}), source=NAME)
    assert len(net.view["data"]) == 90_000


def test_save_refuses_a_block_that_could_not_be_opened_again(tmp_path):
    net = loop_network("limits")
    net.set_meta(training={"history": list(range(150_000))})
    with pytest.raises(FileFormatError, match="training.history: the training block holds more than"):
        save(net, tmp_path / NAME)
    assert not (tmp_path / NAME).exists()


def test_a_file_of_more_values_than_can_be_read_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(jsontext, "MAX_VALUES", 1000)

    def no_parsing(text):
        raise AssertionError("parsed")
    monkeypatch.setattr(jsontext._DECODER, "decode", no_parsing)
    err = error_of(text_with(view={"data": [1] * 2000}))
    assert "the file holds about 2,0" in str(err) and "at most 1,000 can be read" in str(err)


def test_ten_million_numbers_are_refused(tmp_path):
    """The issue's case: 10 M numbers in the view block (took 48 s and 2.15 GB, then loaded)."""
    path = tmp_path / NAME
    path.write_text(text_with(view={"data": []}).replace('"data": []', '"data": [' +
                                                         ",".join(["0"] * 10_000_000) + "]"))
    with pytest.raises(FileFormatError, match="holds about 10,000,0.. values"):
        load(path)


def test_out_of_memory_while_parsing_is_a_file_format_error(monkeypatch):
    def exhausted(text):
        raise MemoryError
    monkeypatch.setattr(jsontext._DECODER, "decode", exhausted)
    err = error_of(text_with())
    assert "too large" in str(err) and err.path == NAME


def test_checking_a_million_values_makes_no_string_per_value():
    """The place of a problem is spelled out only for the value at fault."""
    values = {"data": [0.5] * 1_000_000, "names": ["abc"] * 100_000}
    tracemalloc.start()
    try:
        jsontext.check_value(values, "view")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


@pytest.mark.parametrize("value, where, words", [
    ({"a": [1, 2, {"b": [0.5, float("nan")]}]}, "view.a[2].b[1]", "not allowed"),
    ({"a": {"b": "\ud800"}}, "view.a.b", "unpaired surrogate"),
    ({"a": {"\udfff": 1}}, "view.a", "unpaired surrogate"),
    ({"a": [{}, {"x": 10 ** 80}]}, "view.a[1].x", "too large"),
    ({"a": [object()]}, "view.a[0]", "object is not a JSON value"),
    ({3: 1}, "view", "key 3 is not text"),
    ({"odd key": [1, (2, {"x": float("inf")})]}, 'view["odd key"][1][1].x', "not allowed"),
])
def test_the_place_of_the_first_problem_is_named(value, where, words):
    with pytest.raises(FileFormatError) as info:
        jsontext.check_value(value, "view")
    assert info.value.where == where
    assert words in str(info.value)
