"""A deliberately plain interpreter of SEMANTICS.md (one neuron at a time), used to check the
templates' maths independently of the engine."""

import numpy as np

ACT = {
    "identity": lambda a: a,
    "tanh": np.tanh,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "relu": lambda a: np.maximum(a, 0.0),
}


def _value(net, y, u, s, T):
    data = net.graph.nodes[u]
    if 0 <= s < T:
        return y[u][s]
    init = 0.0 if data["kind"] == "input" else data["initial"]
    return np.full(y[u].shape[1], init)


def _step(net, y, v, t, T, delays, reverse):
    g = net.graph
    data = g.nodes[v]
    sign = 1 if reverse else -1  # reverse-time neurons read d steps later
    terms = [g.edges[u, v]["weight"] * _value(net, y, u, t + sign * delays[(u, v)], T)
             for u in g.predecessors(v)]
    if data["aggregate"] == "product":
        a = np.prod(terms, axis=0) if terms else np.ones(y[v].shape[1])
    else:
        a = data["bias"] + sum(terms)
    y[v][t] = ACT[data["activation"]](a)


def run(net, X):
    """X (T, N, n_in) -> outputs (T, N, n_out) and {id: (T, N)}."""
    T, N, _ = X.shape
    y = {n: np.zeros((T, N)) for n in net.graph}
    for j, x in enumerate(net.inputs):
        y[x][:] = X[:, :, j]
    delays = net.delays()
    order = [n for n in net.ordering() if net.kind(n) != "input"]
    rev = [n for n in order if net.graph.nodes[n].get("direction") == "reverse"]
    fwd = [n for n in order if n not in rev]
    for t in reversed(range(T)):
        for v in rev:
            _step(net, y, v, t, T, delays, True)
    for t in range(T):
        for v in fwd:
            _step(net, y, v, t, T, delays, False)
    return np.stack([y[o] for o in net.outputs], axis=-1), y
