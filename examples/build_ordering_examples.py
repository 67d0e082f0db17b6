"""Write the two ordering examples: python examples/build_ordering_examples.py

ordering-demo.rnn.json   a small feed-forward picture (a DAG): no edge has to wait a step.
ordering-cycle.rnn.json  the same picture with two feedback edges: each closes a cycle, so the
                         ordering turns it into delayed memory (it reads the previous step).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from rnnstudio import layout  # noqa: E402
from rnnstudio.io import save  # noqa: E402
from rnnstudio.model import Network  # noqa: E402

DEMO_TEXT = (
    "The classic picture, left to right: inputs x0 and x1, hidden neurons h0..h3, output y. "
    "Every edge points right, so the graph has no cycle (a DAG). What to look at: the ordering "
    "numbers on the neurons follow the arrows, and no edge is drawn as delayed: at each time "
    "step every neuron reads values computed in that same step. Open ordering-cycle.rnn.json "
    "next to see what a cycle does.")
CYCLE_TEXT = (
    "The network of ordering-demo.rnn.json with two feedback edges: h3 -> h0 (closing the "
    "loop h0 -> h2 -> h3 -> h0) and y -> h1 (the output fed back, as in a Jordan network). "
    "A cycle cannot be computed within one step, so the auto ordering picks as few edges as "
    "possible to point backward: exactly these two. What to look at: they are drawn as "
    "delayed (memory) edges and read the value of the previous step; the delay reason of "
    "each says why. "
    "Switch the ordering to 'position' and the same two edges, the ones that point left, are "
    "the delayed ones.")

NEURONS = {  # id: (x, y, activation, bias)
    "h0": (220.0, 0.0, "tanh", 0.1),
    "h1": (220.0, 180.0, "tanh", -0.1),
    "h2": (440.0, 40.0, "tanh", 0.0),
    "h3": (660.0, 140.0, "tanh", 0.05),
}
EDGES = [("x0", "h0", 0.8), ("x0", "h1", -0.4), ("x1", "h1", 0.6), ("h0", "h2", 1.1),
         ("h1", "h2", -0.7), ("h1", "h3", 0.5), ("h2", "h3", 0.9), ("h2", "y", 0.3),
         ("h3", "y", 1.2)]
FEEDBACK = [("h3", "h0", -0.5), ("y", "h1", 0.4)]


def demo_network(feedback: bool = False) -> Network:
    net = Network(name="ordering-cycle" if feedback else "ordering-demo",
                  description=CYCLE_TEXT if feedback else DEMO_TEXT)
    net.add_input("x0", x=0.0, y=0.0)
    net.add_input("x1", x=0.0, y=180.0)
    for node, (x, y, activation, bias) in NEURONS.items():
        net.add_neuron(node, x=x, y=y, activation=activation, bias=bias)
    net.add_output("y", x=880.0, y=90.0, activation="identity")
    for u, v, w in EDGES + (FEEDBACK if feedback else []):
        net.add_edge(u, v, weight=w)
    return net


def main() -> None:
    for feedback, name in ((False, "ordering-demo"), (True, "ordering-cycle")):
        path = HERE / f"{name}.rnn.json"
        net = demo_network(feedback)
        layout.apply(net, layout.arrange(net))
        save(net, path)
        print("wrote", path)


if __name__ == "__main__":
    main()
