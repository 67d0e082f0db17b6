"""The fast paths (families laid out as column ranges, one-to-one blocks, products on aligned
columns, skipped gradients) agree with the general path to 1e-12, and they are taken."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rnnstudio import templates
from rnnstudio.engine import Trainer
from rnnstudio.engine.backward import backward
from rnnstudio.engine.blocks import DiagBlock
from rnnstudio.engine.compiler import build
from rnnstudio.engine.forward import forward
from rnnstudio.engine.losses import loss_and_grad
from rnnstudio.engine.products import ProdFamily

from .netgen import family_network, random_network

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def evaluate(prog, X, Y, need=None):
    tr = forward(prog, X, reuse=False)
    out = tr.outputs()
    states = {n: tr.node_values(c).copy() for n, c in prog.col.items()}
    value, dY = loss_and_grad("mse", out, Y)
    g, _, norms = backward(tr, dY, need)
    return out, states, value, g, norms


def assert_same(net, X, Y, dtype="float64", tol=1e-12):
    fast, general = build(net, dtype), build(net, dtype, fast=False)
    a, b = evaluate(fast, X, Y), evaluate(general, X, Y)
    np.testing.assert_allclose(a[0], b[0], rtol=tol, atol=tol)
    for n in a[1]:
        np.testing.assert_allclose(a[1][n], b[1][n], rtol=tol, atol=tol, err_msg=n)
    assert abs(a[2] - b[2]) <= tol * max(1.0, abs(b[2]))
    # the two programs order nodes differently: compare by parameter name
    pa, pb = fast.params_dict(a[3]), general.params_dict(b[3])
    for kind in pa:
        assert pa[kind].keys() == pb[kind].keys()
        for key, value in pb[kind].items():
            assert abs(pa[kind][key] - value) <= tol * max(1.0, abs(value)), (kind, key)
    np.testing.assert_allclose(a[4], b[4], rtol=tol, atol=tol)
    return fast


def stays_finite(net, X) -> bool:
    """The general path's values all finite. Past an overflow to +-inf the two paths may
    differ in NaN against +-inf (a block's matrix product multiplies the zeros of absent
    edges too: 0 * inf is NaN), which the trainer stops as a divergence either way; e.g.
    seed 1135 of the random graphs, where one path's sigmoid of +inf gives 1 and the other's
    NaN."""
    with np.errstate(all="ignore"):
        tr = forward(build(net, "float64", fast=False), X, reuse=False)
        return all(np.isfinite(tr.node_values(c)).all() for c in tr.prog.col.values())


def data(rng, net, T=7, N=3):
    X = rng.normal(0, 1, (T, N, len(net.inputs)))
    Y = rng.normal(0, 1, (T, N, len(net.outputs)))
    return X, Y


@SETTINGS
@given(seed=st.integers(0, 2**31), size=st.integers(2, 4), n_families=st.integers(2, 7))
def test_family_graphs_fast_equals_general(seed, size, n_families):
    rng = np.random.default_rng(seed)
    net = family_network(rng, n_families=n_families, size=size)
    X, Y = data(rng, net)
    assume(stays_finite(net, X))
    assert_same(net, X, Y)


@SETTINGS
@given(seed=st.integers(0, 2**31))
def test_random_graphs_fast_equals_general(seed):
    rng = np.random.default_rng(seed)
    net = random_network(rng, n_hidden=6, p_product=0.4, p_delay=0.5, p_reverse=0.3)
    X, Y = data(rng, net)
    assume(stays_finite(net, X))
    assert_same(net, X, Y)


TEMPLATES = {
    "lstm": lambda: templates.lstm(3, 4, 2, seed=1),
    "gru": lambda: templates.gru(2, 5, 1, seed=2),
    "bidirectional": lambda: templates.bidirectional(2, 3, 2, seed=3),
    "elman": lambda: templates.elman(2, 4, 1, seed=4),
    "windowed": lambda: templates.windowed(3, 3, 4, 1, seed=5),
}


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_templates_fast_equals_general(name, dtype):
    net = TEMPLATES[name]()
    rng = np.random.default_rng(0)
    X, Y = data(rng, net, T=12, N=4)
    assert_same(net, X, Y, dtype, tol=1e-12 if dtype == "float64" else 2e-5)


def diag_blocks(prog):
    return [b for lv in prog.levels() for b in lv.blocks if isinstance(b, DiagBlock)]


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_gated_cells_are_views(kind):
    """Whatever the node ids: gates, products and one-to-one wiring become column ranges."""
    net = getattr(templates, kind)(3, 6, 2, seed=0)
    prog = build(net)
    families = [p for lv in prog.levels() for p in lv.prods]
    assert families and all(isinstance(p, ProdFamily) for p in families)
    assert all(isinstance(src, slice) for p in families for _, src, _, _ in p.slots)
    assert diag_blocks(prog) and all(isinstance(b.src, slice) for b in diag_blocks(prog))
    dense = [b for lv in prog.levels() for b in lv.blocks if not isinstance(b, DiagBlock)]
    assert all(b.mode == "slice" for b in dense if b.internal)   # inputs + bias: a gather
    # one GEMM per step: the only dense block read inside the sweep is h(t-1) -> gates
    internal = [b for b in dense if b.internal]
    assert len(internal) == 1 and internal[0].W.shape[0] == 6


def renamed(net, seed=3):
    """The same network with random ids for its neurons."""
    rng = np.random.default_rng(seed)
    new = {n: f"q{rng.integers(1 << 40)}" if net.kind(n) == "neuron" else n for n in net.graph}
    snap = net.snapshot()
    snap["nodes"] = [(new[n], d) for n, d in snap["nodes"]]
    snap["edges"] = [(new[u], new[v], d) for u, v, d in snap["edges"]]
    snap["groups"] = {}
    other = type(net)()
    other.restore(snap)
    return other


def test_renamed_lstm_is_recognised_the_same():
    net = templates.lstm(2, 4, 1, seed=0)
    prog = build(net)
    prog2 = build(renamed(net))
    assert len(diag_blocks(prog2)) == len(diag_blocks(prog))
    assert [len(lv.prods) for lv in prog2.levels()] == [len(lv.prods) for lv in prog.levels()]


def test_trainer_skips_gradients_of_fixed_weights_only():
    net = templates.lstm(2, 3, 1, seed=0)
    rng = np.random.default_rng(1)
    X, Y = data(rng, net, T=6, N=2)
    prog = build(net)
    trainer = Trainer(net)
    full = evaluate(prog, X, Y)[3]
    part = evaluate(prog, X, Y, trainer._need)[3]
    np.testing.assert_array_equal(part[trainer.index], full[trainer.index])
    fixed = ~prog.trainable[:prog.E]
    assert fixed.any() and full[:prog.E][fixed].any()    # there was something to skip
    assert not part[:prog.E][fixed].any()


@pytest.mark.parametrize("seed", [3, 8, 21])
def test_truncated_bptt_fast_equals_general(seed, monkeypatch):
    """With values carried from chunk to chunk (truncated BPTT) the fast path trains exactly
    like the general one: the padding rows then hold the previous chunk's values."""
    from rnnstudio.engine import trainer as trainer_module
    rng = np.random.default_rng(seed)
    net = family_network(rng, n_families=5, size=3)
    X, Y = data(rng, net, T=11, N=3)
    trainers = [Trainer(net, tbptt=3, lr=0.05, seed=1)]
    monkeypatch.setattr(trainer_module, "build", lambda n, d: build(n, d, fast=False))
    trainers.append(Trainer(net, tbptt=3, lr=0.05, seed=1))
    assert not trainers[1].program.fast
    for tr in trainers:
        for _ in range(3):
            tr.train_step(X, Y)
    fast, general = (tr.program.params_dict(tr.theta) for tr in trainers)
    for kind in fast:
        for key, value in general[kind].items():
            assert abs(fast[kind][key] - value) <= 1e-10 * max(1.0, abs(value)), (kind, key)


def test_two_copies_side_by_side_compile_and_agree():
    """A pasted copy beside the original: its inputs feed two hidden neurons one-to-one (a
    DiagBlock, the level's only outside block). Was: AttributeError 'DiagBlock' object has no
    attribute 'k' while building the bias row, so the player could not run a pasted network."""
    import rnnstudio as rs
    net = rs.Network()
    for s in ("", "2"):
        net.add_input("x" + s)
        net.add_neuron("h" + s)
        net.add_output("y" + s)
        net.add_edge("x" + s, "h" + s, weight=0.5)
        net.add_edge("h" + s, "h" + s, weight=0.9)
        net.add_edge("h" + s, "y" + s, weight=-1.0, delay=2)
    X, Y = data(np.random.default_rng(0), net)
    assert_same(net, X, Y)
