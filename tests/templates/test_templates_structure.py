"""Templates build valid, laid-out, seeded networks with a description and training hints."""

import numpy as np
import pytest

from rnnstudio import layout
from rnnstudio import templates as tpl
from rnnstudio.tasks import TASKS, check_fit

BUILD = {
    "elman": lambda seed=0: tpl.elman(2, 4, 1, seed=seed),
    "jordan": lambda seed=0: tpl.jordan(1, 3, 1, seed=seed),
    "unit_3_5_4": lambda seed=0: tpl.unit_3_5_4(seed=seed),
    "windowed": lambda seed=0: tpl.windowed(2, 3, 4, 1, seed=seed),
    "many_to_one": lambda seed=0: tpl.many_to_one(seed=seed),
    "lstm": lambda seed=0: tpl.lstm(2, 3, 1, seed=seed),
    "gru": lambda seed=0: tpl.gru(2, 3, 1, seed=seed),
    "bidirectional": lambda seed=0: tpl.bidirectional(1, 3, 1, seed=seed),
}


def test_registry_lists_every_template():
    assert set(tpl.TEMPLATES) == set(BUILD)


@pytest.mark.parametrize("name", BUILD)
def test_valid_named_and_described(name):
    net = BUILD[name]()
    net.validate()
    assert net.name and len(net.description) > 40


@pytest.mark.parametrize("name", BUILD)
def test_drawn_left_to_right(name):
    net = BUILD[name]()
    xs = {n: d["x"] for n, d in net.graph.nodes(data=True)}
    hidden = [n for n in net.graph if net.kind(n) == "neuron"]
    assert max(xs[i] for i in net.inputs) < min(xs[h] for h in hidden)
    assert max(xs[h] for h in hidden) < min(xs[o] for o in net.outputs)
    assert min(xs.values()) == 0.0


@pytest.mark.parametrize("name", BUILD)
def test_laid_out_by_arrange_and_centred(name):
    """Templates come arranged (rnnstudio.layout: groups kept together, nodes >= 60 apart),
    centred on y = 0."""
    net = BUILD[name]()
    pos = {n: (d["x"], d["y"]) for n, d in net.graph.nodes(data=True)}
    assert pos == layout.arrange(net)
    ys = [y for _, y in pos.values()]
    assert min(ys) == -max(ys)
    pts = np.array(list(pos.values()))
    dist = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    assert dist[np.triu_indices(len(pts), 1)].min() >= 60.0


@pytest.mark.parametrize("name", BUILD)
def test_only_explicit_delays_point_backward(name):
    net = BUILD[name]()
    explicit = sorted((u, v) for u, v, d in net.graph.edges(data="delay") if d != "auto")
    assert net.backward_edges() == explicit


@pytest.mark.parametrize("name", BUILD)
def test_deterministic_by_seed(name):
    assert BUILD[name](seed=5) == BUILD[name](seed=5)
    assert BUILD[name](seed=5) != BUILD[name](seed=6)


@pytest.mark.parametrize("name", BUILD)
def test_training_block_fits_the_network(name):
    net = BUILD[name]()
    tr = net.training
    assert tr, "every template here has a natural task"
    task = tr["task"]
    check_fit(net, task["name"], **task["params"])
    assert tr["loss"] == TASKS[task["name"]].loss
    assert tr["optimizer"] == "adam" and tr["lr"] > 0 and tr["epochs"] >= 1
    for key in ("batch_size", "clip", "tbptt", "seed", "validation"):
        assert key in tr
    if TASKS[task["name"]].out_activation == "sigmoid":
        assert all(net.graph.nodes[o]["activation"] == "sigmoid" for o in net.outputs)


def test_no_training_block_without_a_natural_task():
    assert tpl.elman(5, 2, 7).training == {}
    assert tpl.natural_task(1, 1, "identity") == "sine"
    assert tpl.natural_task(2, 1, "identity") == "adding"
    assert tpl.natural_task(1, 1, "sigmoid") == "parity"


def test_elman_structure():
    net = tpl.elman(3, 5, 4)
    assert net.inputs == ["x0", "x1", "x2"] and net.outputs == ["y0", "y1", "y2", "y3"]
    assert net.graph.number_of_edges() == 3 * 5 + 5 * 5 + 5 * 4
    for i in range(5):
        assert net.edge_attrs(f"h{i}", f"h{i}")["delay"] == 1
    assert all(net.graph.nodes[f"h{i}"]["activation"] == "tanh" for i in range(5))


def test_unit_3_5_4_is_an_elman_layer():
    net = tpl.unit_3_5_4()
    assert (len(net.inputs), len(net.outputs)) == (3, 4)
    hidden = [n for n in net.graph if net.kind(n) == "neuron"]
    assert len(hidden) == 5 and len(net.backward_edges()) == 25


def test_jordan_feeds_outputs_back():
    net = tpl.jordan(2, 3, 2)
    assert net.backward_edges() == sorted((y, h) for y in net.outputs for h in ("h0", "h1", "h2"))
    assert not any(net.has_edge(f"h{i}", f"h{j}") for i in range(3) for j in range(3))


def test_windowed_taps_are_fixed_relays():
    net = tpl.windowed(1, 4, 2, 1)
    for d in (1, 2, 3):
        tap = f"x0_d{d}"
        e = net.edge_attrs("x0", tap)
        assert e == {"weight": 1.0, "delay": d, "trainable": False}
        node = net.graph.nodes[tap]
        assert node["activation"] == "identity" and not node["trainable"]
        assert node["bias"] == 0.0
        assert net.has_edge(tap, "h0") and net.has_edge(tap, "h1")
    import networkx as nx
    assert nx.is_directed_acyclic_graph(net.graph)


def test_windowed_window_one_has_no_taps():
    net = tpl.windowed(2, 1, 3, 1)
    assert len(net.graph) == 2 + 3 + 1


def test_many_to_one_hints():
    net = tpl.many_to_one()
    assert net.training["task"]["name"] == "rain"
    assert net.training["targets"] == "last" and net.training["loss"] == "bce"
    other = tpl.many_to_one(2, 4, 1)  # no built-in task of that shape: settings, no task
    assert "task" not in other.training and other.training["loss"] == "bce"
    assert other.training["targets"] == "last" and other.training["optimizer"] == "adam"


def test_bidirectional_reverse_layer():
    net = tpl.bidirectional(2, 3, 1)
    rev = [n for n, d in net.graph.nodes(data="direction") if d == "reverse"]
    assert rev == ["b0", "b1", "b2"]
    assert all(net.has_edge(b, "y0") for b in rev)
    assert not any(net.has_edge(f, b) for f in ("f0", "f1", "f2") for b in rev)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_bad_sizes(bad):
    with pytest.raises(ValueError, match="must be a whole number"):
        tpl.elman(bad, 3, 1)
    with pytest.raises(ValueError, match="must be a whole number"):
        tpl.lstm(1, bad, 1)


def test_batched_edits_emit_one_ordering_event():
    from rnnstudio.model.events import ORDERING_CHANGED
    import rnnstudio.templates.basic as basic
    seen = []
    orig = basic.Network

    class Spy(orig):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.events.subscribe(lambda e: seen.append(e.kind))

    basic.Network = Spy
    try:
        tpl.elman(2, 3, 1)
    finally:
        basic.Network = orig
    assert seen.count(ORDERING_CHANGED) == 1


@pytest.mark.parametrize("build, row", [(lambda: tpl.lstm(2, 3, 1), ("i", "ig", "c", "tc", "h")),
                                        (lambda: tpl.gru(2, 3, 1), ("r", "n", "d", "zd", "h"))])
def test_gated_cells_sit_on_rows(build, row):
    net = build()
    y = {n: d["y"] for n, d in net.graph.nodes(data=True)}
    for j in range(3):
        centre = y[f"h{j}"]
        assert all(abs(y[f"{p}{j}"] - centre) <= 1.5 * layout.DY for p in row)
    assert y["h0"] < y["h1"] < y["h2"]
