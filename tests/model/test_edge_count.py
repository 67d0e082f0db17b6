"""Network.edge_count: the edges counted once per structure version, right after every kind of
structural change (views ask it at every edit event of a big network)."""

from __future__ import annotations

import rnnstudio as rs


def test_edge_count_follows_every_structural_change():
    net = rs.templates.elman(1, 4, 1)
    def check():  # (restore replaces the graph object: read it each time)
        assert net.edge_count() == net.graph.number_of_edges()
    check()
    snap = net.snapshot()
    net.remove_edge(*next(iter(net.graph.edges)))
    check()
    net.add_edge("x0", "y0", weight=0.5)
    check()
    net.remove_nodes(["h0", "h1"])
    check()
    net.remove_edges([next(iter(net.graph.edges))])
    check()
    net.restore(snap)
    check()
    net.add_neuron("extra")
    net.add_edge("extra", "extra", weight=0.1)
    check()
