"""BPTT gradients against central finite differences on random small networks."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rnnstudio.engine import compile, gradients
from rnnstudio.engine.api import Grads
from rnnstudio.engine.backward import backward
from rnnstudio.engine.forward import forward
from rnnstudio.engine.losses import loss_and_grad

from .netgen import random_network

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def numeric_gradient(prog, X, Y, loss, eps=1e-6):
    theta = prog.theta.copy()
    g = np.zeros_like(theta)
    for i in range(len(theta)):
        values = []
        for sign in (1, -1):
            th = theta.copy()
            th[i] += sign * eps
            prog.set_theta(th)
            values.append(loss_and_grad(loss, forward(prog, X).outputs(), Y)[0])
        g[i] = (values[0] - values[1]) / (2 * eps)
    prog.set_theta(theta)
    return g


def data(rng, net, T, N, loss, p_missing=0.3):
    X = rng.normal(0, 1, (T, N, len(net.inputs)))
    n_out = len(net.outputs)
    if loss == "mse":
        Y = rng.normal(0, 1, (T, N, n_out))
    elif loss == "bce":
        Y = rng.random((T, N, n_out))
    else:
        Y = np.eye(n_out)[rng.integers(0, n_out, (T, N))]
    hide = rng.random((T, N, 1) if loss == "cross_entropy" else Y.shape) < p_missing
    return X, np.where(hide, np.nan, Y)


def check_network(net, rng, loss, T=5, N=2):
    prog = compile(net)
    X, Y = data(rng, net, T, N, loss)
    if loss == "bce":  # finite differences need moderate curvature (1/y^2)
        out = forward(prog, X).outputs()
        assume(0.02 < out.min() and out.max() < 0.98)
    value, grads = gradients(net, X, Y, loss=loss)
    expected = numeric_gradient(prog, X, Y, loss)
    # central differences err by ~1e-16 |loss| / eps from rounding alone: scale with the loss
    np.testing.assert_allclose(grads.flat, expected, rtol=1e-5, atol=1e-7 * max(1.0, value))
    assert grads.through_time.shape == (T,)
    return grads


ACTS = {"mse": ("identity", "tanh", "sigmoid"), "bce": ("sigmoid",),
        "cross_entropy": ("identity", "tanh", "sigmoid")}


@SETTINGS
@given(seed=st.integers(0, 2**31), loss=st.sampled_from(["mse", "bce", "cross_entropy"]),
       n_hidden=st.integers(1, 5), manual=st.booleans(), n_in=st.integers(0, 2))
def test_random_graphs(seed, loss, n_hidden, manual, n_in):
    rng = np.random.default_rng(seed)
    net = random_network(rng, n_in=n_in, n_hidden=n_hidden, manual=manual,
                         activations=ACTS["mse"])
    for y in net.outputs:
        net.set_node_attrs(y, activation=str(rng.choice(ACTS[loss])), aggregate="sum")
    check_network(net, rng, loss)


@SETTINGS
@given(seed=st.integers(0, 2**31), n_hidden=st.integers(1, 5))
def test_random_graphs_with_reverse_neurons(seed, n_hidden):
    rng = np.random.default_rng(seed)
    net = random_network(rng, n_hidden=n_hidden, p_reverse=0.5, p_edge=0.5)
    check_network(net, rng, "mse")


@SETTINGS
@given(seed=st.integers(0, 2**31))
def test_random_graphs_products_and_long_delays(seed):
    rng = np.random.default_rng(seed)
    net = random_network(rng, n_hidden=4, p_product=0.5, p_delay=0.6, p_reverse=0.2)
    check_network(net, rng, "mse", T=7)


def test_network_without_inputs():
    rng = np.random.default_rng(12)
    net = random_network(rng, n_in=0, n_hidden=3, p_edge=0.6)
    check_network(net, rng, "mse")


def test_relu_network():
    rng = np.random.default_rng(3)
    net = random_network(rng, n_hidden=4, activations=("relu",))
    check_network(net, rng, "mse")


def test_through_time_is_norm_of_value_gradients():
    """G holds dA = dL/dy * (1 - y^2) for tanh neurons (dL/dy for identity ones): the norms
    through time are those of dL/dy."""
    rng = np.random.default_rng(5)
    net = random_network(rng, n_hidden=3, activations=("tanh", "identity"), p_product=0.0)
    prog = compile(net)
    X, Y = data(rng, net, 6, 3, "mse")
    tr = forward(prog, X)
    _, dY = loss_and_grad("mse", tr.outputs(), Y)
    _, G, norms = backward(tr, dY)
    cols = slice(prog.n_in, prog.n_in + prog.S)
    tanh = np.array([net.graph.nodes[n]["activation"] == "tanh" for n in prog.nodes])
    assert tanh.any() and not tanh.all()
    y = tr.Vp[prog.P:prog.P + 6, cols]
    d = G[prog.P:prog.P + 6, cols] / np.where(tanh[None, :, None], 1 - y ** 2, 1.0)
    expected = np.sqrt((d ** 2).sum(axis=(1, 2)))
    np.testing.assert_allclose(norms, expected, rtol=1e-12)
    _, grads = gradients(net, X, Y)
    np.testing.assert_allclose(grads.through_time, expected, rtol=1e-12)


def test_product_neuron_without_edges_is_one():
    from rnnstudio.model import Network
    from rnnstudio.engine import run
    net = Network()
    net.add_input("x")
    net.add_output("y", aggregate="product", activation="identity")
    assert run(net, np.ones((3, 1)))[:, 0].tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_all_targets_missing_gives_zero(loss):
    rng = np.random.default_rng(0)
    net = random_network(rng)
    X = rng.normal(size=(4, 2, 2))
    value, grads = gradients(net, X, np.full((4, 2, 2), np.nan), loss=loss)
    assert value == 0.0 and not grads.flat.any()


def test_grads_keys_cover_everything():
    rng = np.random.default_rng(1)
    net = random_network(rng)
    _, grads = gradients(net, rng.normal(size=(4, 2)), rng.normal(size=(4, 2)))
    assert isinstance(grads, Grads)
    assert set(grads.weights) == set(net.graph.edges)
    others = {n for n in net.graph if net.kind(n) != "input"}
    assert set(grads.biases) == others == set(grads.initials)


@pytest.mark.parametrize("mode", ["gather", "coo"])
def test_block_modes_agree(monkeypatch, mode):
    from rnnstudio.engine import compiler, run, wiring
    rng = np.random.default_rng(11)
    net = random_network(rng, n_hidden=5, p_product=0.3, p_delay=0.4, p_reverse=0.3)
    X, Y = data(rng, net, 6, 3, "mse")
    reference = run(net, X)
    if mode == "gather":
        monkeypatch.setattr(wiring, "SLICE_SLACK", (0, 0))
    else:
        monkeypatch.setattr(wiring, "DENSE_MIN", 0)
        monkeypatch.setattr(wiring, "DENSE_DENSITY", 2.0)
    prog = compiler.build(net, fast=False)  # the general path: blocks as they are grouped
    modes = {b.mode for ph in prog.phases for lv in ph.levels for b in lv.blocks}
    assert modes == {mode}
    net._engine_cache = {"float64": prog}
    np.testing.assert_allclose(run(net, X), reference, atol=1e-12)
    check_network(net, rng, "mse")
