"""Small helpers for the model tests."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from rnnstudio.model import Network, NetworkError


class Recorder:
    """Collects every event a network emits."""

    def __init__(self, net: Network):
        self.events = []
        net.events.subscribe(self.events.append)

    @property
    def kinds(self) -> list[str]:
        return [e.kind for e in self.events]

    def clear(self) -> None:
        self.events.clear()


@contextmanager
def refused(net: Network, *words: str):
    """The block raises NetworkError whose message holds every word; the network, its ordering
    and its versions are unchanged, and no event was emitted."""
    before = net.snapshot()
    order = net.ordering()
    delays = net.delays()
    versions = (net.structure_version, net.param_version)
    rec = Recorder(net)
    with pytest.raises(NetworkError) as info:
        yield info
    for word in words:
        assert word in str(info.value), f"{word!r} not in {str(info.value)!r}"
    assert net.snapshot() == before
    assert net.ordering() == order and net.delays() == delays
    assert (net.structure_version, net.param_version) == versions
    assert rec.events == []
    net.validate()


def chain(*ids: str, **edge) -> Network:
    """x -> ids[0] -> ids[1] -> ... (the first id an input when it starts with x)."""
    net = Network()
    for n in ids:
        (net.add_input if n.startswith("x") else net.add_neuron)(n)
    for u, v in zip(ids, ids[1:]):
        net.add_edge(u, v, **edge)
    return net


def loop_network(name: str = "small") -> Network:
    """x -> h <-> g -> y: an input, two neurons in a loop, an output."""
    net = Network(name=name)
    net.add_input("x")
    net.add_neuron("h")
    net.add_neuron("g")
    net.add_output("y")
    net.add_edge("x", "h", weight=0.5)
    net.add_edge("h", "g")
    net.add_edge("g", "h", weight=-1.0)
    net.add_edge("g", "y")
    return net
