"""Arrange: a deterministic layered (Sugiyama-style) layout of a network. No Qt.

    pos = rnnstudio.layout.arrange(net)          # {id: (x, y)}; moves nothing
    rnnstudio.layout.apply(net, pos)             # moves the nodes (one batch of events)
    arcs = rnnstudio.layout.route_arcs(pos, delayed_edges)   # feedback loops, for the canvas

1. Layers follow the ordering left to right: inputs in the first layer, each node one layer
   right of everything it reads through a *forward* edge (later in the ordering, and either
   same-step or delayed between different cycles, such as a delay line), outputs in the last.
   Delayed edges inside a cycle (recurrence) do not push nodes apart: the canvas draws them
   as loops around the layers (`route_arcs`, in routes.py).
2. Each group (and the ungrouped nodes of a layer) is one block: its members stay together,
   never interleaved with others; a group spanning several layers is a rectangle nothing else
   enters. Blocks and the nodes inside them are sorted by barycentre sweeps to cut crossings
   (order.py).
3. While the picture is too tall for the canvas (`aspect`: its width : height), the tallest
   layer flows its blocks into side-by-side columns, or its tallest block wraps into
   staggered sub-columns; blocks then sit level with what they connect to (isotonic
   regression per column; place.py). Fit to View keeps labels readable.

Everything is indexed by the ordering and sorted with explicit tie-breaks: the same network
gives the same picture in every process (no dependence on hashing).
"""

from __future__ import annotations

from . import blocks, order, place
from .order import crossings
from .place import ASPECT, DX, DY
from .routes import Arc, route_arcs

__all__ = ["arrange", "apply", "layers", "crossings", "route_arcs", "Arc", "ASPECT", "DX",
           "DY"]


def arrange(net, aspect: float = ASPECT, collapsed=None) -> dict[str, tuple[float, float]]:
    """{id: (x, y)} for every node of `net`; moves nothing (see `apply`). `aspect` is the
    width : height of the canvas the picture should suit (tall layers flow and wrap).
    `collapsed`: the groups to lay out as collapsed (None: those `net` has collapsed); a
    collapsed group is one block of its real size (`blocks.block_size`), its members at their
    strip cells around the block's centre."""
    if not len(net):
        return {}
    g = order.read(net, collapsed)
    g.layer = order.longest_path(g)
    block, span = order.blocks(g)
    wide = order.with_dummies(g)  # long edges as chains, for crossing reduction only
    pos, bkey = order.order(wide, order.blocks(wide)[0])
    pos = pos[:len(g.names)]
    plan = place.plan(g, block, span, pos, bkey)
    place.wrap(plan, aspect)
    top = place.place(g, block, plan)
    ys = top[block] + plan.off
    xs = place.xs(g, block, plan)
    ys = ys - (ys.min() + ys.max()) / 2.0
    pos = {}
    for i, (name, x, y) in enumerate(zip(g.names, xs.tolist(), ys.tolist())):
        if i in g.members:
            ms = g.members[i]
            for m, (dx, dy) in zip(ms, blocks.member_offsets(len(ms))):
                pos[m] = (_snap(x + dx), _snap(y + dy))
        else:
            pos[name] = (_snap(x), _snap(y))
    return pos


def layers(net) -> list[list[str]]:
    """The layers of `net`'s nodes (its groups expanded), left to right, each in the ordering
    (before crossing reduction)."""
    g = order.read(net, collapsed=())
    layer = order.longest_path(g)
    out: list[list[str]] = [[] for _ in range(int(layer.max()) + 1 if len(layer) else 0)]
    for i, name in enumerate(g.names):
        out[layer[i]].append(name)
    return [c for c in out if c]


def _snap(v: float) -> float:
    """Round to a tenth of a unit: positions print the same in every process."""
    return float(round(v, 1)) + 0.0


def apply(net, pos: dict) -> None:
    """Move the nodes of `net` to `pos` (nodes missing from `pos` stay where they are)."""
    with net.batch():
        for n, (x, y) in pos.items():
            if net.has_node(n):
                net.move_node(n, x, y)
