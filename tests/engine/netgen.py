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


WIRINGS = ("dense", "aligned", "permuted", "broadcast")


def family_network(rng: np.random.Generator, n_in=2, n_families=5, size=3, n_out=2,
                   p_reverse=0.25, p_product=0.35) -> Network:
    """A random network made of families (layers of `size` neurons with the same role) wired
    dense, one-to-one (aligned or permuted), or from one neuron to all; product families
    multiply one-to-one factors; delays, reverse-time families, fixed +-1 wiring, explicit
    initial values. Its node ids say nothing about the roles (the engine must find them)."""
    net = Network("families")
    ins = [net.add_input(f"x{i}") for i in range(n_in)]
    fams = []
    for f in range(n_families):
        reverse = rng.random() < p_reverse
        product = f > 0 and rng.random() < p_product
        act = str(rng.choice(["tanh", "sigmoid", "identity", "relu"] if not product
                             else ["identity", "tanh", "sigmoid"]))
        ids = [f"n{rng.integers(1 << 30)}" for _ in range(size)]
        for n in ids:
            net.add_neuron(n, activation=act, bias=float(rng.normal(0, 0.3)),
                           initial=float(rng.normal(0, 0.5)),
                           aggregate="product" if product else "sum",
                           direction="reverse" if reverse else "forward",
                           initial_trainable=True)
        fams.append((ids, product, reverse))
    outs = [net.add_output(f"y{k}", activation="identity") for k in range(n_out)]
    for ids, product, reverse in fams:
        sources = [(s_ids, s_rev) for s_ids, _, s_rev in fams if not reverse or s_rev]
        for _ in range(2 if product else int(rng.integers(1, 4))):
            if rng.random() < 0.3 and not product:
                _wire(net, rng, [ins], ids, "dense")
            else:
                s_ids, _ = sources[rng.integers(len(sources))]
                kind = "aligned" if product and rng.random() < 0.8 else \
                    str(rng.choice(WIRINGS[1:] if product else WIRINGS))
                _wire(net, rng, [s_ids], ids, kind)
    for ids, _, _ in fams:
        for y in outs:
            for n in ids:
                if rng.random() < 0.5:
                    _try(net, n, y, float(rng.normal(0, 0.5)), "auto", True)
    return net


def _wire(net, rng, sources, targets, kind) -> None:
    src = sources[0]
    delay = str(rng.choice(["auto", "auto", "1", "2", "0"]))
    delay = delay if delay == "auto" else int(delay)
    fixed = rng.random() < 0.4
    unit = float(rng.choice([1.0, -1.0])) if fixed else None
    perm = rng.permutation(len(targets))
    for j, v in enumerate(targets):
        if kind == "dense":
            pairs = [(u, v) for u in src]
        elif kind == "broadcast":
            pairs = [(src[0], v)]
        else:
            k = j if kind == "aligned" else int(perm[j])
            pairs = [(src[k % len(src)], v)]
        for u, t in pairs:
            w = unit if unit is not None else float(rng.normal(0, 0.6))
            _try(net, u, t, w, delay, not fixed)


def _try(net, u, v, weight, delay, trainable) -> None:
    try:
        net.add_edge(u, v, weight=weight, delay=delay, trainable=trainable)
    except NetworkError:
        pass
