"""A CSV named by the training block: relative to the network file in the file (when it lies
beside it or below), absolute in memory, and still the same file after Save As elsewhere."""

from __future__ import annotations

import json
import os

from rnnstudio import templates as tpl
from rnnstudio.io import load, save
from rnnstudio.io.datapaths import absolute_data_paths, portable_data_paths


def _net_with_csv(path) -> object:
    net = tpl.elman(1, 3, 1)
    net.set_meta(training={"csv": {"path": str(path), "inputs": ["u"], "targets": ["v"],
                                   "window": 10, "stride": None}, "epochs": 3})
    return net


def _written_path(file) -> str:
    return json.loads(file.read_text())["training"]["csv"]["path"]


def test_a_csv_beside_the_network_is_written_relative_and_read_back_absolute(tmp_path,
                                                                              monkeypatch):
    data = tmp_path / "project" / "data" / "series.csv"
    data.parent.mkdir(parents=True)
    data.write_text("u,v\n1,2\n")
    file = tmp_path / "project" / "net.rnn.json"
    save(_net_with_csv(data), file)
    assert _written_path(file) == "data/series.csv"
    moved = tmp_path / "moved"
    (tmp_path / "project").rename(moved)  # the folder travels with its data
    monkeypatch.chdir(tmp_path)
    loaded = load(moved / "net.rnn.json").training["csv"]["path"]
    assert os.path.isabs(loaded) and os.path.samefile(loaded, moved / "data" / "series.csv")


def test_save_as_elsewhere_keeps_naming_the_same_csv(tmp_path):
    data = tmp_path / "a" / "series.csv"
    data.parent.mkdir()
    data.write_text("u,v\n1,2\n")
    save(_net_with_csv(data), tmp_path / "a" / "net.rnn.json")
    net = load(tmp_path / "a" / "net.rnn.json")
    (tmp_path / "b").mkdir()
    save(net, tmp_path / "b" / "copy.rnn.json")  # Save As into another folder
    written = _written_path(tmp_path / "b" / "copy.rnn.json")
    assert os.path.isabs(written) and os.path.samefile(written, data)  # outside: absolute
    again = load(tmp_path / "b" / "copy.rnn.json").training["csv"]["path"]
    assert os.path.samefile(again, data)
    save(net, tmp_path / "net2.rnn.json")  # a folder above the CSV: relative again
    assert _written_path(tmp_path / "net2.rnn.json") == "a/series.csv"


def test_the_older_nested_block_and_backslashes_are_handled(tmp_path):
    training = {"data": {"csv": {"path": "sub\\series.csv", "inputs": ["u"]}}}
    absolute = absolute_data_paths(training, tmp_path)
    assert absolute["data"]["csv"]["path"] == str(tmp_path / "sub" / "series.csv")
    assert training["data"]["csv"]["path"] == "sub\\series.csv"  # the input is not changed
    assert portable_data_paths(absolute, tmp_path)["data"]["csv"]["path"] == "sub/series.csv"
    assert absolute_data_paths({"task": {"name": "sine"}}, tmp_path) == {"task": {"name": "sine"}}
    assert absolute_data_paths({"csv": "not a block"}, tmp_path) == {"csv": "not a block"}
