"""A big network's auto ordering and delays computed in a worker thread (`ordering_later`,
issue 14: no UI stall after an edit) are adopted only for the network they were computed for,
and then equal a fresh computation; an edit, an undo's restored node order or a mode change
meanwhile makes the network compute them again."""

from __future__ import annotations

import random
import time

import pytest

import rnnstudio as rs
from rnnstudio.model import NetworkError
from rnnstudio.model import ordering as ordering_module


def _fresh(net) -> tuple:
    copy = net.copy()
    return copy.ordering(), copy.delays()


def _settled(net) -> None:
    deadline = time.monotonic() + 10
    while net.ordering_later():
        assert time.monotonic() < deadline
        time.sleep(0.002)


def _random_net(rng: random.Random, n: int = 16) -> rs.Network:
    net = rs.Network()
    for i in range(3):
        net.add_input(f"x{i}")
    for i in range(n):
        net.add_neuron(f"h{i}", direction="reverse" if rng.random() < 0.1 else "forward")
    nodes = list(net.graph)
    for _ in range(4 * n):
        u, v = rng.choice(nodes), rng.choice(nodes[3:])
        try:
            net.add_edge(u, v, delay=rng.choice(["auto", "auto", "auto", 0, 2]))
        except NetworkError:
            pass
    return net


@pytest.mark.parametrize("seed", range(5))
def test_a_worker_ordering_is_adopted_and_equals_a_fresh_computation(seed):
    rng = random.Random(seed)
    net = _random_net(rng)
    nodes = list(net.graph)
    for _ in range(60):
        assert net.ordering_later()  # not known yet: a worker computes it
        if rng.random() < 0.5:
            _settled(net)  # adopted: now known at once
            assert net._order_cache is not None and not net.ordering_later()
        assert (net.ordering(), net.delays()) == _fresh(net)  # (or waited for)
        u, v = rng.choice(nodes), rng.choice(nodes[3:])
        try:
            if net.has_edge(u, v):
                net.remove_edge(u, v)
            else:
                net.add_edge(u, v)
        except NetworkError:
            pass
        if net._order_cache is not None:  # that edit kept it: drop it to ask again
            net._ordering_changed()


def test_a_result_for_an_older_network_is_not_adopted(monkeypatch):
    """The worker copies the network, the network changes before the result is in: the result
    is dropped and the ordering computed for the network as it is."""
    gate = __import__("threading").Event()
    real = ordering_module.network_ordering

    def held(*args):
        gate.wait(5)
        return real(*args)
    monkeypatch.setattr(ordering_module, "network_ordering", held)
    net = _chain()
    assert net.ordering_later()
    net.add_edge("c", "a")  # a cycle now: one edge of it becomes delayed
    gate.set()
    _settled(net)
    assert (net.ordering(), net.delays()) == _fresh(net)
    assert sum(d for d in net.delays().values()) == 1


def test_an_undo_restoring_the_node_order_drops_a_running_result(monkeypatch):
    """Undo puts nodes back in their places (the auto ordering breaks ties by node order); a
    worker's result for the order before is not taken."""
    gate = __import__("threading").Event()
    real = ordering_module.network_ordering
    monkeypatch.setattr(ordering_module, "network_ordering",
                        lambda *args: (gate.wait(5), real(*args))[1])
    net = rs.Network()
    for n in "ab":
        net.add_neuron(n)
    net.add_edge("a", "b")
    net.add_edge("b", "a")  # a tie: the node created first comes first
    where = net.graph_positions(["a"], [("a", "b"), ("b", "a")])
    assert net.ordering() == ["a", "b"]
    net.remove_node("a")
    net.add_neuron("a")  # last now
    net.add_edge("a", "b")
    net.add_edge("b", "a")
    assert net.ordering_later()
    net.restore_graph_positions(where)  # first again: no new structure, another node order
    gate.set()
    _settled(net)
    assert net.node_order() == ["a", "b"]
    assert (net.ordering(), net.delays()) == _fresh(net)
    assert net.ordering() == ["a", "b"]


def test_ordering_waits_for_a_running_worker_instead_of_computing_twice(monkeypatch):
    calls = []
    real = ordering_module.auto_order
    monkeypatch.setattr(ordering_module, "auto_order",
                        lambda *args: (calls.append(1), real(*args))[1])
    net = _random_net(random.Random(7))
    assert net.ordering_later()
    order = net.ordering()  # joins the worker
    assert len(calls) == 2  # one computation (reverse and forward groups), not two
    assert order == _fresh(net)[0]


def test_only_the_auto_mode_is_computed_later():
    net = rs.Network()
    for n in "abc":
        net.add_neuron(n, x=float(len(net)))
    net.add_edge("c", "a")
    net.set_ordering_mode("position")
    assert not net.ordering_later()
    net.set_ordering_mode("manual")
    assert not net.ordering_later()


def test_a_worker_that_fails_is_not_started_again(monkeypatch):
    """(A network the model accepted never fails; if a worker did, the views would ask at
    every poll and start one each time.) ordering() then computes it here, and raises there."""
    def broken(*args):
        raise ValueError("forced (delay-0) edges form a cycle")
    monkeypatch.setattr(ordering_module, "network_ordering", broken)
    net = _random_net(random.Random(1))
    assert net.ordering_later()
    _settled(net)  # done, not adopted ...
    job = net._order_job
    assert not net.ordering_later() and net._order_job is job  # ... and not started again
    monkeypatch.undo()
    assert (net.ordering(), net.delays()) == _fresh(net)


def test_every_job_runs_on_one_long_lived_thread(monkeypatch):
    """The UI thread never waits for a new thread to start (`Thread.start` waits until it has
    run, which a busy worker holding the interpreter delayed up to 0.25 s after an edit)."""
    import threading
    threads = []
    real = ordering_module.network_ordering

    def spy(*args):
        threads.append(threading.current_thread())
        return real(*args)
    monkeypatch.setattr(ordering_module, "network_ordering", spy)
    net = rs.Network()
    for n in "abc":
        net.add_neuron(n)
    for u, v in (("a", "b"), ("b", "c")):
        net.add_edge(u, v)
        assert net.ordering_later()
        _settled(net)
    assert len(threads) == 2 and threads[0] is threads[1]
    assert threads[0] is not threading.main_thread() and threads[0].is_alive()


def test_the_worker_reads_the_network_itself(monkeypatch):
    """The copy of the edges the ordering is computed from is made in the worker, not on the
    thread that asks (the UI: reading 50,000 edges held it 15-60 ms after every edit)."""
    import threading
    readers = []
    real = rs.Network._edge_delays

    def spy(self):
        readers.append(threading.current_thread())
        return real(self)
    monkeypatch.setattr(rs.Network, "_edge_delays", spy)
    net = _chain()
    assert net.ordering_later()
    _settled(net)
    assert readers and threading.main_thread() not in readers
    assert (net.ordering(), net.delays()) == _fresh(net)


def _chain() -> rs.Network:
    """a -> b -> c: no cycle yet."""
    net = rs.Network()
    for n in "abc":
        net.add_neuron(n)
    net.add_edge("a", "b")
    net.add_edge("b", "c")
    return net
