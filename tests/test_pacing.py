"""Pause points (`rnnstudio.pacing`): a thread with a hook looks at it every few hundred items of
the long loops of saving a network, and a thread without one pays nothing and gets the same
result. The recovery writer relies on it to give way to the UI thread (`ui/idle.py`)."""

from __future__ import annotations

import json
import threading

import rnnstudio as rs
from rnnstudio import pacing
from rnnstudio.io import jsontext
from rnnstudio.io.records import to_record
from rnnstudio.model import Network
from tests.io.test_atomic import big_network


def test_without_a_hook_paced_gives_back_the_items_themselves():
    items = [1, 2, 3]
    assert pacing.paced(items) is items


def test_the_hook_is_called_before_the_first_item_and_then_every_n():
    calls, seen = [], []
    with pacing.pacing(lambda: calls.append(len(seen))):
        for item in pacing.paced(range(10), every=4):
            seen.append(item)
    assert seen == list(range(10))
    assert calls == [0, 4, 8]  # before items 0, 4 and 8


def test_hooks_nest_and_belong_to_their_thread():
    outer, inner, other = [], [], []
    with pacing.pacing(lambda: outer.append(1)):
        with pacing.pacing(lambda: inner.append(1)):
            list(pacing.paced(range(3)))
            items = [0]
            worker = threading.Thread(target=lambda: other.append(pacing.paced(items) is items))
            worker.start()
            worker.join()
        list(pacing.paced(range(3)))
    assert inner == [1] and outer == [1]
    assert other == [True]  # the other thread has no hook: its items come back as they are
    assert pacing.paced(items) is items  # and none is left after the block


def test_saving_a_network_under_a_hook_looks_often_and_writes_the_same_bytes(tmp_path):
    """A copy rebuilt, validated, turned into a record and text (what the recovery writer does)
    passes at least one pause point per few hundred nodes or edges in each step, and the file is
    byte for byte the one written without a hook (more parts than one join takes, too)."""
    net = big_network(1, n=600, fan=10)  # 600 neurons, ~6,600 edges
    edges = net.graph.number_of_edges()
    plain = jsontext.dumps_stable(to_record(net)).encode()  # one string, no chunks
    calls = []
    paced_file = tmp_path / "paced.rnn.json"
    old_join = jsontext._JOIN
    jsontext._JOIN = 1000  # several chunks for this network's text
    try:
        with pacing.pacing(lambda: calls.append(1)):
            copy = Network()
            copy.restore(net.snapshot())
            after_restore = len(calls)
            record = to_record(copy)
            after_record = len(calls)
            rs.save(copy, paced_file)
    finally:
        jsontext._JOIN = old_join
    assert paced_file.read_bytes() == plain
    assert record == to_record(net)
    assert after_restore >= edges // pacing.EVERY
    assert after_record - after_restore >= edges // pacing.EVERY
    assert len(calls) - after_record >= 3 * edges // pacing.EVERY  # validate, record, text


def test_the_text_in_chunks_is_the_text():
    value = {"values": list(range(50_000)), "name": "x"}
    calls = []
    with pacing.pacing(lambda: calls.append(1)):
        chunks = jsontext.dumps_stable_chunks(value)
    assert len(chunks) == 3  # 50,000 values and a few brackets: three chunks of 20,000 parts
    assert "".join(chunks) == json.dumps(value, indent=2) + "\n"
    assert len(calls) >= 50_000 // 100 + 3  # every 100 values, and before each chunk
