"""An imported SNNS network drawn as layers: its units grouped into the layers they form and
arranged as this program draws layers. No Qt.

SNNS keeps a grid position per unit, and its example nets put each layer in a column with the
context layers under them: in this program's drawing (names, badges, delayed edges as loops
around the layers) that grid gave a picture of crossing fans, context units far from the
layers they copy. The layers are:
- the input units; the output units;
- the hidden units by depth: a hidden unit one step of same-step edges further from the inputs
  than another is in the next hidden layer;
- the context units (JE_Order) by the layer they copy (the one their incoming edges come from).
A network of more than BIG units opens with its layers of more than FEW units collapsed into
blocks, as a textbook draws an Elman net; a smaller one shows every unit.
"""

from __future__ import annotations

import networkx as nx

from .. import layout

BIG = 30  # units: above this the wide layers open collapsed
FEW = 4   # a layer of more units than this is a block in a big network


def group_and_arrange(net, context: set[str]) -> None:
    """Group `net`'s units into its layers (`context`: the ids of its context units) and
    arrange it (see the module doc)."""
    layers = _layers(net, context)
    big = len(net) > BIG
    for gid, label, members in layers:
        net.add_group(gid, members, label=label, collapsed=big and len(members) > FEW)
    layout.apply(net, layout.arrange(net))


def _layers(net, context: set[str]) -> list[tuple[str, str, list[str]]]:
    """[(group id, label, members)] from the inputs to the outputs."""
    g = net.graph
    kinds = {n: g.nodes[n]["kind"] for n in g}
    hidden = [n for n in g if kinds[n] == "neuron" and n not in context]
    depth = _depths(net, set(hidden))
    by_depth: dict[int, list[str]] = {}
    for n in hidden:
        by_depth.setdefault(depth[n], []).append(n)
    out = _named("inputs", [[n for n in g if kinds[n] == "input"]])
    hidden_layers = [by_depth[d] for d in sorted(by_depth)]
    out += _named("hidden", hidden_layers)
    out += _named("outputs", [[n for n in g if kinds[n] == "output"]])
    out += _named("context", _copies(net, context, [m for _, _, m in out]))
    return out


def _depths(net, hidden: set[str]) -> dict[str, int]:
    """Each hidden unit's longest path of same-step edges among hidden units."""
    same_step = nx.DiGraph()
    same_step.add_nodes_from(hidden)
    same_step.add_edges_from((u, v) for (u, v), d in net.delays().items()
                             if d == 0 and u in hidden and v in hidden and u != v)
    depth: dict[str, int] = {}
    for n in nx.topological_sort(same_step):
        depth[n] = max((depth[p] + 1 for p in same_step.predecessors(n)), default=0)
    return depth


def _copies(net, context: set[str], layers: list[list[str]]) -> list[list[str]]:
    """The context units in one group per layer they copy, in the order of those layers."""
    layer_of = {n: i for i, members in enumerate(layers) for n in members}
    by_layer: dict[int, list[str]] = {}
    for n in net.graph:
        if n in context:
            sources = [layer_of[u] for u in net.graph.predecessors(n) if u in layer_of]
            by_layer.setdefault(min(sources, default=len(layers)), []).append(n)
    return [by_layer[k] for k in sorted(by_layer)]


def _named(kind: str, layers: list[list[str]]) -> list[tuple[str, str, list[str]]]:
    layers = [m for m in layers if m]
    if len(layers) == 1:
        return [(kind, kind, layers[0])]
    return [(f"{kind}{i}", f"{kind} {i}", m) for i, m in enumerate(layers, 1)]
