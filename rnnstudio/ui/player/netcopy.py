"""A big network's copy for the player's worker thread: what running it reads, copied on the
UI thread in pieces at C speed (`marshal`) over a few turns, and made into a network again in
the worker (see controller)."""

from __future__ import annotations

import marshal
from collections.abc import Iterator

from ...model import Network

FROZEN_CHUNK = 250  # nodes' out-edges per piece of a big network's copy (`frozen`)


def frozen(net: Network) -> list[bytes]:
    """What running the network reads (its graph in its order, inputs, outputs, ordering mode,
    and its ordering and delays when known), copied at C speed (`marshal`): the network may
    change as soon as the UI thread goes on. In pieces of FROZEN_CHUNK nodes' out-edges, so
    the worker reads them back between two of the UI thread's turns (one C call holds the GIL:
    reading 50,000 edges at once held the UI 30-110 ms)."""
    return list(frozen_pieces(net))


def frozen_pieces(net: Network) -> Iterator[bytes]:
    """`frozen`'s pieces one by one: the controller copies a big network over a few of the UI
    thread's turns (40-100 ms in one piece at 50,000 edges), dropping the copy if the network
    changes meanwhile. The head (inputs, outputs, ordering mode, manual order), the ordering,
    then sections after an empty piece each: the nodes, the in-edge orders, the out-edges,
    the delays (the nodes and in-edges once came with the head: a first piece of 20-50 ms)."""
    g = net.graph
    yield marshal.dumps((net.inputs, net.outputs, net.ordering_mode, net.manual_order))
    order, delays = net.resolved() or (None, {})
    yield marshal.dumps(order)
    yield b""
    yield from _pieces(list(g._node.items()), FROZEN_CHUNK * 4)
    yield b""
    yield from (marshal.dumps([(v, list(p)) for v, p in chunk if len(p) > 1])
                for chunk in _chunks(list(g._pred.items()), FROZEN_CHUNK * 4))
    yield b""
    yield from _pieces(list(g._succ.items()), FROZEN_CHUNK)
    yield b""
    yield from _pieces(list(delays.items()), FROZEN_CHUNK * 10)


def _chunks(items: list, size: int) -> Iterator[list]:
    return (items[i:i + size] for i in range(0, len(items), size))


def _pieces(items: list, size: int) -> Iterator[bytes]:
    return (marshal.dumps(chunk) for chunk in _chunks(items, size))


def thawed(pieces: list[bytes]) -> Network:
    """The network `frozen` copied (without name, groups and settings: not run)."""
    inputs, outputs, mode, manual = marshal.loads(pieces[0])
    order = marshal.loads(pieces[1])
    nodes, pred, edges, delays = [], [], [], {}
    sections = (nodes.extend, pred.extend, lambda out: edges.extend(
        (u, v, d) for u, nbrs in out for v, d in nbrs.items()), delays.update)
    at = -1
    for piece in pieces[2:]:
        if not piece:  # the next section
            at += 1
        else:
            sections[at](marshal.loads(piece))
    net = Network()
    net.restore({"nodes": nodes, "edges": edges, "pred": pred,
                 "inputs": inputs, "outputs": outputs, "mode": mode, "manual": manual,
                 "name": "", "description": "", "training": {}, "view": {}})
    if order is not None:  # the same network: its ordering and delays, known
        net.take_resolved((order, delays))
    return net


def discard(net: Network) -> None:
    """Let a network's graph go by reference counting: networkx keeps its views (`nodes`,
    `edges`, ...) in the graph's __dict__, each pointing back at the graph, a cycle that only
    the cyclic collector would break."""
    vars(net.graph).clear()
