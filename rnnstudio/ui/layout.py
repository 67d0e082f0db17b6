"""Arrange: lay a network out left to right by its ordering. No Qt.

Columns are the longest same-step path to each node (so a node sits right of everything it
reads at the same step); inputs form the first column, outputs the last. Inside a column nodes
keep their ordering.
"""

from __future__ import annotations

DX, DY = 130.0, 70.0


def columns(net) -> list[list[str]]:
    order = net.ordering()
    delays = net.delays()
    g = net.graph
    level = {}
    for n in order:
        if g.nodes[n]["kind"] == "input":
            level[n] = 0
            continue
        preds = [u for u in g.predecessors(n) if delays[(u, n)] == 0 and u in level]
        level[n] = 1 + max((level[u] for u in preds), default=0)
    last = max((level[n] for n in order if g.nodes[n]["kind"] != "output"), default=0) + 1
    for n in net.outputs:
        level[n] = max(level[n], last)
    cols: list[list[str]] = [[] for _ in range(max(level.values(), default=0) + 1)]
    for n in order:
        cols[level[n]].append(n)
    return [c for c in cols if c]


def arranged_positions(net, dx: float = DX, dy: float = DY) -> dict[str, tuple[float, float]]:
    """{id: (x, y)}: columns dx apart, each centred on y = 0."""
    pos = {}
    for c, ids in enumerate(columns(net)):
        top = -(len(ids) - 1) * dy / 2.0
        for i, n in enumerate(ids):
            pos[n] = (c * dx, top + i * dy)
    return pos
