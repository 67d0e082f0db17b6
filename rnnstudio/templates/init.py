"""Weight initialisation: fan-in scaled uniform, like torch.nn.RNN."""

from __future__ import annotations

import math

import numpy as np


def _bound(net, v: str) -> float:
    fan_in = net.graph.in_degree(v)
    return 1.0 / math.sqrt(max(fan_in, 1))


def init_weights(net, seed: int = 0) -> None:
    """Draw every trainable weight into node v, and v's bias, from U(-1/sqrt(fan_in_v),
    1/sqrt(fan_in_v)), where fan_in_v counts all edges into v (at least 1).

    Deterministic by `seed` and by the sorted ids (not dict order). Non-trainable edges, the
    biases of non-trainable or product neurons, and initial values are left as they are. Written
    with one `net.set_params` call (one event, one undo step).
    """
    rng = np.random.default_rng(seed)
    g = net.graph
    weights, biases = {}, {}
    for v in sorted(n for n, k in g.nodes(data="kind") if k != "input"):
        b = _bound(net, v)
        for u in sorted(g.predecessors(v)):
            if g.edges[u, v]["trainable"]:
                weights[(u, v)] = float(rng.uniform(-b, b))
        data = g.nodes[v]
        if data["trainable"] and data["aggregate"] == "sum":
            biases[v] = float(rng.uniform(-b, b))
    net.set_params({"weights": weights, "biases": biases})
