"""The unrolled view decides whether a big network's edges are all drawn by counting arrows
only up to its budget (issue 14: counting every edge of 50,000 took 0.35 s at every re-run)."""

from __future__ import annotations

import numpy as np

import rnnstudio as rs
from rnnstudio.ui.player.trajectory import compute_trajectory
from rnnstudio.ui.player.unrolled_rows import arrow_count, arrows, build_rows


def _trajectory(net):
    return compute_trajectory(net, np.zeros((3, len(net.inputs))))


def test_the_arrow_count_is_the_arrows_and_stops_at_the_limit():
    net = rs.templates.lstm(2, 3, 1)
    tr = _trajectory(net)
    for expanded in (frozenset(), frozenset(net.groups)):
        rows, row_of = build_rows(tr, net, expanded)
        every = len(arrows(tr.delays, tr, net, row_of))
        assert arrow_count(tr, row_of, every + 10) == every
        assert arrow_count(tr, row_of, 5) == 5 < every
    _, cells = build_rows(tr, net)  # collapsed groups bundle many edges into few arrows
    _, nodes = build_rows(tr, net, frozenset(net.groups))
    assert arrow_count(tr, cells, 10_000) < arrow_count(tr, nodes, 10_000)
