"""Every problem with a file raises FileFormatError naming the file and the place."""

import json
import os

import pytest

from rnnstudio.io import VERSION, FileFormatError, dumps, load, loads
from rnnstudio.model import Network
from tests.hostile import make_fifo, release_fifo, within
from tests.model.helpers import loop_network

NAME = "net.rnn.json"


def small_network() -> Network:
    return loop_network("small")


def record() -> dict:
    return json.loads(dumps(small_network()))


def error_of(text, source=NAME) -> FileFormatError:
    with pytest.raises(FileFormatError) as info:
        loads(text, source=source)
    assert isinstance(info.value, ValueError)
    assert info.value.path == source
    assert str(info.value).startswith(source + ": ")
    return info.value


def edited(change) -> str:
    rec = record()
    change(rec)
    return json.dumps(rec, indent=1)


@pytest.mark.parametrize("change, where, words", [
    (lambda r: r["edges"][3].update(target="h7"), "edges[3].target", "no node 'h7'"),
    (lambda r: r["edges"][0].update(source=5), "edges[0].source", "expected text"),
    (lambda r: r["edges"][1].update(weight="1"), "edges[1].weight", "expected a number"),
    (lambda r: r["edges"][1].update(weight=True), "edges[1].weight", "expected a number"),
    (lambda r: r["edges"][1].update(weight=1e13), "edges[1]", "magnitude"),
    (lambda r: r["edges"][1].update(delay=1.0), "edges[1].delay", "auto"),
    (lambda r: r["edges"][1].update(delay=-1), "edges[1]", "delay"),
    (lambda r: r["edges"][1].update(trainable=1), "edges[1].trainable", "true or false"),
    (lambda r: r["edges"][2].pop("weight"), "edges[2]", "missing key 'weight'"),
    (lambda r: r["edges"][2].update(wieght=1), "edges[2]", "unknown key 'wieght'"),
    (lambda r: r["edges"].append(dict(r["edges"][0])), "edges[4]", "duplicate edge x -> h"),
    (lambda r: r["edges"].append({"source": "h", "target": "x", "weight": 1}), "edges[4]",
     "input cannot have incoming edges"),
    (lambda r: r["edges"].append(7), "edges[4]", "expected an object"),
    (lambda r: r["nodes"].append(dict(r["nodes"][1])), "nodes[4].id", "duplicate id 'h'"),
    (lambda r: r["nodes"][1].update(kind="hidden"), "nodes[1].kind", "'hidden' is not one of"),
    (lambda r: r["nodes"][1].update(activation="gelu"), "nodes[1]", "activation"),
    (lambda r: r["nodes"][1].update(bias=None), "nodes[1].bias", "expected a number, got null"),
    (lambda r: r["nodes"][1].update(id="a b"), "nodes[1]", "ids are 1 to 64 characters"),
    (lambda r: r["nodes"][0].update(bias=0.0), "nodes[0]", "not applicable to a input"),
    (lambda r: r["nodes"][1].pop("kind"), "nodes[1]", "missing key 'kind'"),
    (lambda r: r["nodes"][2].update(direction="reverse"), "edges[1]", "reverse-time neuron"),
    (lambda r: r.update(nodes={}), "nodes", "expected an array"),
    (lambda r: r.pop("edges"), None, "missing key 'edges'"),
    (lambda r: r.update(extra=1), None, "unknown key 'extra'"),
    (lambda r: r.update(inputs=["h"]), "inputs[0]", "'h' is not an input node"),
    (lambda r: r.update(inputs=[]), "inputs", "missing x"),
    (lambda r: r.update(outputs=["y", "y"]), "outputs", "exactly once"),
    (lambda r: r.update(outputs="y"), "outputs", "expected an array"),
    (lambda r: r.update(ordering={"mode": "random"}), "ordering.mode", "'random' is not one"),
    (lambda r: r.update(ordering={"mode": "manual", "manual": ["h"]}), "ordering.manual",
     "missing g"),
    (lambda r: r.update(ordering={"mode": "manual", "manual": ["h", 3]}), "ordering.manual[1]",
     "expected a node id"),
    (lambda r: r.update(ordering={"mode": "auto", "manual": ["h", "g", "y"]}), "ordering.manual",
     "only used in mode 'manual'"),
    (lambda r: r.update(ordering={"mode": "auto", "list": []}), "ordering", "unknown key"),
    (lambda r: r.update(training=[1]), "training", "expected an object"),
    (lambda r: r.update(view="big"), "view", "expected an object"),
    (lambda r: r.update(name=3), "name", "expected text"),
    (lambda r: r.update(version="1"), "version", "expected a whole number"),
    (lambda r: r.update(version=1.0), "version", "expected a whole number"),
    (lambda r: r.update(version=0), "version", "format version 0 is not supported"),
    (lambda r: r.update(format="other"), "format", "not an RNN Studio network file"),
    (lambda r: r.pop("format"), "format", "not an RNN Studio network file"),
])
def test_bad_records_name_the_place(change, where, words):
    err = error_of(edited(change))
    assert err.where == where
    assert words in str(err)


def test_message_format_matches_the_issue():
    err = error_of(edited(lambda r: r["edges"][3].update(target="h7")))
    assert str(err) == "net.rnn.json: edges[3].target: no node 'h7'"
    text = dumps(small_network())
    broken = text.replace('"weight": 0.5,', '"weight": 0.5')
    err = error_of(broken)
    line = broken[:broken.index('"weight": 0.5')].count("\n") + 2
    assert str(err).startswith(f"net.rnn.json: line {line}, column ")
    assert str(err).endswith("expected ','")


def test_newer_version_says_so():
    err = error_of(edited(lambda r: r.update(version=VERSION + 1)))
    assert str(err) == ("net.rnn.json: version: written by a newer RNN Studio: format version "
                        f"{VERSION + 1}; this version reads up to {VERSION}")


def test_network_error_from_validation_names_the_edges():
    def loop(r):
        r["edges"][1]["delay"] = 0
        r["edges"][2]["delay"] = 0
    err = error_of(edited(loop))
    assert err.where == "edges[2]" and "algebraic loop" in str(err)


def test_explicit_zero_backward_in_manual_order():
    def manual(r):
        r["edges"][1]["delay"] = 0
        r["ordering"] = {"mode": "manual", "manual": ["g", "h", "y"]}
    err = error_of(edited(manual))
    assert err.where == "ordering.manual" and "edge h -> g" in str(err)


@pytest.mark.parametrize("text, words", [
    ("", "empty"), ("   \n", "empty"), ("{", "line 1, column 2"),
    ('{"format": "rnnstudio-network", "version": 1, "nodes": [], "edges": [', "line 1"),
    ("[]", "expected a JSON object at the top"), ("null", "expected a JSON object"),
    ('"text"', "expected a JSON object"), ("{} {}", "unexpected text after the end"),
    ('{"a": NaN}', "NaN"), ('{"a": Infinity}', "Infinity"), ('{"a": -Infinity}', "Infinity"),
    ('{"a": 1e400}', "1e400"), ('{"a": -1e400}', "1e400"), ('{"a": ' + "9" * 5000 + "}", "number"),
    ('{"a": 1, "a": 2}', "duplicate key 'a'"), ('{"b": {"c": 1, "c": 1}}', "b: duplicate key"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, "nested too deeply"),
    ('{"a": "\\ud800"}', "unpaired surrogate"), ('{"a\\udfff": 1}', "unpaired surrogate"),
    ('{"a": "tab\tinside"}', "line 1"),
])
def test_bad_json_text(text, words):
    assert words in str(error_of(text))


@pytest.mark.parametrize("data", [b"\xff\xfe\x00\x00", b'{"a": "\xc3\x28"}', b"\x80",
                                  bytes(range(256)), b"\x00" * 10, b"\xef\xbb\xbf"])
def test_bad_bytes(data):
    err = error_of(data)
    assert "line" in str(err) or "empty" in str(err) or "UTF-8" in str(err)


def test_truncations_of_a_good_file_all_fail_cleanly():
    text = dumps(small_network())
    for cut in range(0, len(text) - 2, 7):
        error_of(text[:cut])


def test_load_missing_file(tmp_path):
    path = tmp_path / "none.rnn.json"
    with pytest.raises(FileFormatError, match="none.rnn.json: cannot read: No such file") as info:
        load(path)
    assert info.value.path == str(path)


def test_load_directory_and_empty_file(tmp_path):
    with pytest.raises(FileFormatError, match="cannot read|not a regular file"):
        load(tmp_path)
    empty = tmp_path / "empty.rnn.json"
    empty.write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty.rnn.json: the file is empty"):
        load(empty)


def test_load_not_a_regular_file():
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(FileFormatError, match="not a regular file"):
        load("/dev/zero")


def test_load_of_a_fifo_is_refused_at_once(tmp_path):
    """open() of a named pipe waits for a writer: the file is opened non-blocking and
    checked before anything is read (issue 14, item 6)."""
    fifo = make_fifo(tmp_path / "pipe.rnn.json")
    with pytest.raises(FileFormatError, match="pipe.rnn.json: not a regular file: it is a "
                                              "named pipe"):
        within(5.0, load, fifo, release=lambda: release_fifo(fifo))


def test_load_refuses_a_file_too_large_before_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "big.rnn.json"
    path.write_text(dumps(small_network()))
    monkeypatch.setattr("rnnstudio.io.netfile.MAX_FILE_BYTES", 100)
    with pytest.raises(FileFormatError, match="big.rnn.json: the network file is .* at most 100 "
                                              "bytes can be read"):
        load(path)


def test_load_permission_error(tmp_path, monkeypatch):
    path = tmp_path / "locked.rnn.json"
    path.write_text(dumps(small_network()))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr("os.open", refuse)
    with pytest.raises(FileFormatError, match="locked.rnn.json: cannot read: Permission denied"):
        load(path)


@pytest.mark.parametrize("path", [None, 3.5, "bad\x00name.rnn.json"])
def test_load_bad_path_argument(path):
    with pytest.raises(FileFormatError):
        load(path)


def test_loads_rejects_non_text():
    with pytest.raises(FileFormatError, match="expected text or bytes"):
        loads(123)


def test_load_names_the_file(tmp_path):
    path = tmp_path / "net.rnn.json"
    path.write_text(edited(lambda r: r["edges"][3].update(target="h7")))
    with pytest.raises(FileFormatError) as info:
        load(path)
    assert str(info.value) == f"{path}: edges[3].target: no node 'h7'"
    assert info.value.where == "edges[3].target"
