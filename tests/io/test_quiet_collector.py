"""Loading and saving hold the cyclic garbage collector off (their records are hundreds of
thousands of objects and no garbage: full collections of the whole app were 40% of a load at
5,000 nodes / 50,000 edges), and give it back as it was, also when the file is refused."""

from __future__ import annotations

import gc

import pytest

import rnnstudio as rs
from rnnstudio.io.errors import FileFormatError
from rnnstudio.collector import QuietCollector, quiet_collector


def test_load_and_save_run_with_the_collector_off_and_give_it_back(tmp_path, monkeypatch):
    from rnnstudio.io import netfile
    seen = []
    build, to_record = netfile._build, netfile.to_record
    monkeypatch.setattr(netfile, "_build", lambda r: (seen.append(gc.isenabled()), build(r))[1])
    monkeypatch.setattr(netfile, "to_record",
                        lambda n: (seen.append(gc.isenabled()), to_record(n))[1])
    net = rs.Network("n")
    net.add_input("x")
    net.add_neuron("h")
    net.add_edge("x", "h")
    path = tmp_path / "n.rnn.json"
    assert gc.isenabled()
    rs.save(net, path)
    assert rs.load(path) == net
    assert seen == [False, False] and gc.isenabled()
    path.write_text('{"format_version": 2, "nodes": "oops"}')
    with pytest.raises(FileFormatError):
        rs.load(path)
    assert gc.isenabled()


def test_the_collector_stays_off_until_the_last_holder_lets_go():
    assert gc.isenabled()
    with quiet_collector():
        QuietCollector.hold()  # e.g. a recovery write still running on its thread
        with quiet_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
        QuietCollector.release()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with quiet_collector():
            pass
        assert not gc.isenabled()  # off before: stays off
    finally:
        gc.enable()
