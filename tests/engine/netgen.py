"""Helpers for the engine tests: golden cases and random small networks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from rnnstudio.model import Network, NetworkError

from ..data import golden_cases  # noqa: F401 - re-exported for the engine tests


def nan_array(data) -> np.ndarray:
    """JSON nested lists with null -> float array with NaN."""
    def conv(x):
        return [conv(v) for v in x] if isinstance(x, list) else (np.nan if x is None else x)
    return np.array(conv(data), dtype=float)


def golden_network(case: dict) -> Network:
    spec = case["network"]
    net = Network(case["name"])
    for nd in spec["nodes"]:
        attrs = {k: v for k, v in nd.items() if k not in ("id", "kind")}
        net.add_node(nd["id"], nd["kind"], **attrs)
    for e in spec["edges"]:
        net.add_edge(e["source"], e["target"], weight=e["weight"], delay=e["delay"])
    net.set_ordering(spec["ordering"])
    return net


def load_case(path: Path) -> dict:
    return json.loads(path.read_text())


def random_network(rng: np.random.Generator, n_in=2, n_hidden=4, n_out=2, p_edge=0.4,
                   activations=("identity", "tanh", "sigmoid"), p_product=0.2, p_reverse=0.0,
                   p_delay=0.2, trainable_initials=True, manual=False) -> Network:
    """A random small network: cycles, self-loops, explicit delays, products, initial values,
    reverse-time neurons (invalid edges are skipped)."""
    net = Network("random")
    ins = [net.add_input(f"x{i}") for i in range(n_in)]
    hid = [_random_node(net, rng, f"h{i}", "neuron", activations, p_product, p_reverse,
                        trainable_initials) for i in range(n_hidden)]
    outs = [_random_node(net, rng, f"y{i}", "output", activations, p_product, p_reverse / 2,
                         trainable_initials) for i in range(n_out)]
    for v in hid + outs:
        for u in ins + hid + outs:
            if rng.random() < p_edge or (u in ins and v == hid[0]):
                _try_edge(net, rng, u, v, p_delay)
    if manual:
        rest = [n for n in net.ordering() if n not in ins]
        rng.shuffle(rest)
        try:
            net.set_ordering(ins + rest)
        except NetworkError:
            pass
    return net


def _random_node(net, rng, id, kind, activations, p_product, p_reverse, trainable_initials):
    return net.add_node(id, kind, activation=str(rng.choice(list(activations))),
                        bias=float(rng.normal(0, 0.5)), initial=float(rng.normal(0, 0.5)),
                        aggregate="product" if rng.random() < p_product else "sum",
                        direction="reverse" if rng.random() < p_reverse else "forward",
                        initial_trainable=bool(trainable_initials))


def _try_edge(net, rng, u, v, p_delay):
    r = rng.random()
    delay = "auto" if r >= p_delay else int(rng.integers(1, 4)) if r > p_delay / 4 else 0
    try:
        net.add_edge(u, v, weight=float(rng.normal(0, 0.8)), delay=delay)
    except NetworkError:
        pass
