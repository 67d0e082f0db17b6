"""Arrange speed and quality: python benchmarks/layout.py [--compare] [--nodes N --edges E]

Times `rnnstudio.layout.arrange` on a random recurrent network (default 5,000 nodes and 50,000
edges, the issue's target: under 1 s) and on a layered one with groups, and prints crossings
for the templates. With --compare it runs the same graphs through grandalf's and igraph's
Sugiyama layouts when they are installed (pip install grandalf igraph), to keep the choice of
a hand-written layout honest: speed, crossings, determinism and group support side by side.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rnnstudio as rs  # noqa: E402
from rnnstudio import layout  # noqa: E402


def random_network(n_nodes: int, n_edges: int, seed: int = 0, group: int = 0) -> rs.Network:
    """Random pairs (about half of them backward, so delayed), 1 % inputs and outputs; with
    `group`, consecutive neurons form groups of that size."""
    rng = random.Random(seed)
    net = rs.Network("bench-layout")
    n_io = max(1, n_nodes // 100)
    ids = []
    with net.batch():
        for i in range(n_nodes):
            kind = "input" if i < n_io else "output" if i >= n_nodes - n_io else "neuron"
            ids.append(net.add_node(f"n{i}", kind))
        targets, added = ids[n_io:], 0
        while added < n_edges:
            u, v = rng.choice(ids), rng.choice(targets)
            if u != v and not net.has_edge(u, v):
                net.add_edge(u, v, weight=1.0)
                added += 1
        for k in range(0, (n_nodes - 2 * n_io) if group else 0, group or 1):
            net.add_group(f"g{k}", ids[n_io + k:n_io + min(k + group, n_nodes - 2 * n_io)])
    return net


def layered_network(n_nodes: int, n_edges: int, seed: int = 0, column: int = 50) -> rs.Network:
    """Columns of `column` neurons, each column a group (a layer); edges mostly to the next
    column, some within one (recurrent) and some back to the one before."""
    rng = random.Random(seed)
    net = rs.Network("bench-layered")
    cols = [[f"n{i}" for i in range(c, min(c + column, n_nodes))]
            for c in range(0, n_nodes, column)]
    with net.batch():
        for ci, col in enumerate(cols):
            kind = "input" if ci == 0 else "output" if ci == len(cols) - 1 else "neuron"
            for n in col:
                net.add_node(n, kind)
            net.add_group(f"layer{ci}", col)
        added = 0
        while added < n_edges:
            ci = rng.randrange(len(cols) - 1)
            cj = min(max(ci + rng.choices((1, 0, -1), (6, 3, 1))[0], 1), len(cols) - 1)
            u, v = rng.choice(cols[ci]), rng.choice(cols[cj])
            if u != v and not net.has_edge(u, v):
                net.add_edge(u, v, weight=1.0)
                added += 1
    return net


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def forward_edges(net) -> list[tuple[str, str]]:
    """The same-step edges (drawn straight; delayed ones go around the layers)."""
    return [e for e, d in net.delays().items() if d == 0 and e[0] != e[1]]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nodes", type=int, default=5000)
    p.add_argument("--edges", type=int, default=50000)
    p.add_argument("--compare", action="store_true", help="also run grandalf and igraph")
    args = p.parse_args(argv)
    size = f"{args.nodes} nodes / {args.edges} edges"
    for what, net in (("random", random_network(args.nodes, args.edges)),
                      ("layered, a group per layer", layered_network(args.nodes, args.edges)),
                      ("random, random groups of 16 (worst case: every group spans every "
                       "layer)", random_network(args.nodes, args.edges, seed=1, group=16))):
        first, _ = timed(lambda: layout.arrange(net), repeat=1)
        t, _ = timed(lambda: layout.arrange(net))
        print(f"arrange {size}, {what}: {t * 1000:.0f} ms ({t:.2f}x of the 1 s target); "
              f"first call {first * 1000:.0f} ms (computes the model's ordering too)")
    for name, net in templates().items():
        t, pos = timed(lambda: layout.arrange(net))
        print(f"{name:22s} {t * 1000:6.1f} ms, crossings {layout.crossings(pos, forward_edges(net))}")
    if args.compare:
        from compare_layouts import compare  # noqa: PLC0415 - optional, heavy
        compare(templates(), random_network)
    return 0


def templates() -> dict:
    t = rs.templates
    return {"elman(1,16,1)": t.elman(1, 16, 1), "lstm(2,4,1)": t.lstm(2, 4, 1),
            "gru(2,4,1)": t.gru(2, 4, 1), "bidirectional(1,4,1)": t.bidirectional(1, 4, 1),
            "windowed(1,4,6,1)": t.windowed(1, 4, 6, 1), "jordan(1,6,1)": t.jordan(1, 6, 1)}


if __name__ == "__main__":
    sys.exit(main())
