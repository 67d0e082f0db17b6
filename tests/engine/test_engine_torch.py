"""Equivalence with torch.nn.RNN + Linear for an Elman network (skipped without torch)."""

import numpy as np
import pytest

from rnnstudio.engine import gradients, run
from rnnstudio.model import Network

torch = pytest.importorskip("torch")


def from_torch(rnn, lin):
    W_ih, W_hh = rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    W_o, b_o = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    H, n_in = W_ih.shape
    net = Network("elman")
    for i in range(n_in):
        net.add_input(f"x{i}")
    for j in range(H):
        net.add_neuron(f"h{j}", activation="tanh", bias=float(b[j]))
    for o in range(W_o.shape[0]):
        net.add_output(f"y{o}", bias=float(b_o[o]))
    for j in range(H):
        for i in range(n_in):
            net.add_edge(f"x{i}", f"h{j}", weight=float(W_ih[j, i]))
        for k in range(H):
            net.add_edge(f"h{k}", f"h{j}", weight=float(W_hh[j, k]), delay=1)
        for o in range(W_o.shape[0]):
            net.add_edge(f"h{j}", f"y{o}", weight=float(W_o[o, j]))
    return net


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_elman_matches_torch(dtype):
    torch.manual_seed(0)
    tdt = torch.float64 if dtype == "float64" else torch.float32
    rnn = torch.nn.RNN(3, 8, nonlinearity="tanh").to(tdt)
    lin = torch.nn.Linear(8, 2).to(tdt)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(15, 4, 3))
    Y = rng.normal(size=(15, 4, 2))
    out = lin(rnn(torch.tensor(X, dtype=tdt))[0])
    loss = ((out - torch.tensor(Y, dtype=tdt)) ** 2).mean()
    loss.backward()
    net = from_torch(rnn, lin)
    tol = 1e-12 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(run(net, X, dtype=dtype), out.detach().numpy(), atol=tol)
    value, grads = gradients(net, X, Y, dtype=dtype)
    assert abs(value - loss.item()) < tol
    gW_hh = rnn.weight_hh_l0.grad.numpy()
    gW_ih = rnn.weight_ih_l0.grad.numpy()
    for j in range(8):
        assert abs(grads.weights[("h3", f"h{j}")] - gW_hh[j, 3]) < tol
        assert abs(grads.weights[("x1", f"h{j}")] - gW_ih[j, 1]) < tol
        assert abs(grads.biases[f"h{j}"] - rnn.bias_ih_l0.grad.numpy()[j]) < tol
    assert abs(grads.weights[("h5", "y1")] - lin.weight.grad.numpy()[1, 5]) < tol


def test_elman_template_matches_torch():
    """rs.templates.elman itself (not a hand-built copy) given torch's weights: same outputs,
    loss and every gradient, hidden -> hidden edges reading the previous step."""
    from rnnstudio import templates
    torch.manual_seed(1)
    n_in, H, n_out = 2, 5, 3
    rnn = torch.nn.RNN(n_in, H, nonlinearity="tanh").double()
    lin = torch.nn.Linear(H, n_out).double()
    net = templates.elman(n_in, H, n_out, seed=0)
    W_ih, W_hh = rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    W_o, b_o = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    for u, v in net.graph.edges:
        j = int(v[1:])
        W = W_ih if u[0] == "x" else W_hh if v[0] == "h" else W_o
        net.set_edge_attrs(u, v, weight=float(W[j, int(u[1:])]))
    for j in range(H):
        net.set_node_attrs(f"h{j}", bias=float(b[j]))
    for o in range(n_out):
        net.set_node_attrs(f"y{o}", bias=float(b_o[o]))
    assert net.graph.number_of_edges() == H * (n_in + H + n_out)
    assert set(net.backward_edges()) == {(f"h{k}", f"h{j}") for j in range(H) for k in range(H)}
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(12, 3, n_in)), rng.normal(size=(12, 3, n_out))
    out = lin(rnn(torch.tensor(X))[0])
    loss = ((out - torch.tensor(Y)) ** 2).mean()
    loss.backward()
    np.testing.assert_allclose(run(net, X), out.detach().numpy(), atol=1e-12)
    value, grads = gradients(net, X, Y)
    assert abs(value - loss.item()) < 1e-12
    gW_ih, gW_hh = rnn.weight_ih_l0.grad.numpy(), rnn.weight_hh_l0.grad.numpy()
    gW_o = lin.weight.grad.numpy()
    for (u, v), g in grads.weights.items():
        W = gW_ih if u[0] == "x" else gW_hh if v[0] == "h" else gW_o
        assert abs(g - W[int(v[1:]), int(u[1:])]) < 1e-12, (u, v)
    for j in range(H):
        assert abs(grads.biases[f"h{j}"] - rnn.bias_hh_l0.grad.numpy()[j]) < 1e-12
    for o in range(n_out):
        assert abs(grads.biases[f"y{o}"] - lin.bias.grad.numpy()[o]) < 1e-12
