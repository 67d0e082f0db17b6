"""rnnstudio.interop.torch: to_module equals rs.run and rs.gradients; from_module equals torch
for every module kind (skipped without torch)."""

import numpy as np
import pytest

import rnnstudio as rs
from tests.engine import netgen

torch = pytest.importorskip("torch")
rt = pytest.importorskip("rnnstudio.interop.torch")

TOL = 1e-9


def _grad_error(g, gm) -> float:
    """The largest gradient difference, relative to the gradient's size (at least 1)."""
    pairs = [(g.weights[e], gm.weights[e]) for e in g.weights]
    pairs += [(g.biases[n], gm.biases[n]) for n in g.biases]
    pairs += [(g.initials[n], gm.initials[n]) for n in g.initials]
    scale = max([1.0] + [abs(a) for a, _ in pairs])
    return max([0.0] + [abs(a - b) for a, b in pairs]) / scale


def _compare(net, X, Y, loss="mse"):
    m = rt.to_module(net, dtype=torch.float64)
    out = m(torch.tensor(X))
    np.testing.assert_allclose(out.detach().numpy(), rs.run(net, X), rtol=0, atol=TOL)
    value = m.loss(out, Y, loss)
    value.backward()
    ref_value, ref = rs.gradients(net, X, Y, loss=loss)
    assert abs(value.item() - ref_value) <= TOL * max(1.0, abs(ref_value))
    assert set(m.grads().weights) == set(ref.weights)
    assert _grad_error(ref, m.grads()) < TOL


@pytest.mark.parametrize("path", netgen.golden_cases(), ids=lambda p: p.stem)
def test_golden_cases(path):
    case = netgen.load_case(path)
    net = netgen.golden_network(case)
    net.set_io_order(case["inputs"], case["outputs"])
    X = np.array(case["X"], dtype=float)
    Y = netgen.nan_array(case["Y"]) if case.get("Y") is not None else np.zeros(
        X.shape[:2] + (len(case["outputs"]),))
    m = rt.to_module(net)
    out = m(torch.tensor(X)).detach().numpy()
    np.testing.assert_allclose(out, netgen.nan_array(case["expected"]["outputs"]), atol=TOL)
    _compare(net, X, Y, case.get("loss", "mse"))


@pytest.mark.parametrize("seed", range(24))
def test_random_graphs(seed):
    """Cycles, explicit and auto delays, products, reverse neurons, initial values, manual
    orderings, non-trainable parameters, NaN targets."""
    rng = np.random.default_rng(seed)
    net = netgen.random_network(rng, n_in=2, n_hidden=5, n_out=2,
                                p_reverse=0.3 if seed % 2 else 0.0, manual=seed % 3 == 0,
                                activations=("identity", "tanh", "sigmoid", "relu"))
    for u, v in list(net.graph.edges)[::3]:
        net.set_edge_attrs(u, v, trainable=False)
    X = rng.normal(size=(7, 3, 2))
    Y = rng.normal(size=(7, 3, 2))
    Y[1, 0, 0] = Y[4, 2, 1] = np.nan
    _compare(net, X, Y)


def test_losses_bce_and_cross_entropy():
    net = rs.templates.elman(2, 4, 3, out_activation="sigmoid", seed=1)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 2, 2))
    _compare(net, X, (rng.random((6, 2, 3)) > 0.5).astype(float), "bce")
    net = rs.templates.elman(2, 4, 3, seed=1)
    Y = np.eye(3)[rng.integers(0, 3, (6, 2))]
    Y[:3] = np.nan  # many-to-one style: rows without targets
    _compare(net, X, Y, "cross_entropy")


def test_fixed_parameters_do_not_move_but_report_gradients():
    net = rs.templates.lstm(1, 2, 1, seed=0)
    m = rt.to_module(net)
    X = torch.randn(5, 2, 1, dtype=torch.float64)
    before = m.params()
    opt = torch.optim.SGD(m.parameters(), lr=0.5)
    m.loss(m(X), torch.zeros(5, 2, 1, dtype=torch.float64)).backward()
    opt.step()
    after = m.params()
    fixed = [(u, v) for u, v, t in net.graph.edges(data="trainable") if not t]
    assert fixed and all(after["weights"][e] == before["weights"][e] for e in fixed)
    assert any(m.grads().weights[e] != 0 for e in fixed)
    moved = [e for e, t in net.graph.edges.items() if t["trainable"]]
    assert any(after["weights"][e] != before["weights"][e] for e in moved)
    m.write_back(net)
    assert net.get_params()["weights"] == after["weights"]


def test_single_sequence_float32_and_shape_errors():
    net = rs.templates.gru(2, 3, 1, seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))
    m = rt.to_module(net, dtype=torch.float32)
    out = m(torch.tensor(X, dtype=torch.float32))
    assert out.shape == (8, 1) and out.dtype == torch.float32
    np.testing.assert_allclose(out.detach().numpy(), rs.run(net, X), atol=2e-6)
    with pytest.raises(ValueError, match=r"\(T, N, 2\)"):
        m(torch.zeros(3, 1, 5))
    with pytest.raises(RuntimeError, match="no gradients yet"):
        m.grads()


# ---------------------------------------------------------------- from_module
def _torch_out(rnn, readout, X):
    x = torch.tensor(X)
    if rnn.batch_first:
        x = x.transpose(0, 1)
    out = rnn(x)[0]
    if rnn.batch_first:
        out = out.transpose(0, 1)
    return (readout(out) if readout is not None else out).detach().numpy()


MODULES = [("RNN", {"nonlinearity": "tanh"}), ("RNN", {"nonlinearity": "relu"}),
           ("LSTM", {}), ("GRU", {})]


@pytest.mark.parametrize("kind,kw", MODULES, ids=[m[0] + m[1].get("nonlinearity", "")
                                                    for m in MODULES])
@pytest.mark.parametrize("layers,bidirectional,batch_first,readout", [
    (1, False, False, True), (2, False, True, False), (3, False, False, True),
    (1, True, True, True), (1, True, False, False)])
def test_from_module_equals_torch(kind, kw, layers, bidirectional, batch_first, readout):
    torch.manual_seed(layers + 10 * bidirectional)
    rnn = getattr(torch.nn, kind)(3, 4, num_layers=layers, bidirectional=bidirectional,
                                  batch_first=batch_first, **kw).double()
    lin = torch.nn.Linear(4 * (1 + bidirectional), 2).double() if readout else None
    net = rt.from_module(rnn, lin)
    X = np.random.default_rng(1).normal(size=(9, 3, 3))
    np.testing.assert_allclose(rs.run(net, X), _torch_out(rnn, lin, X), rtol=0, atol=TOL)
    net.validate()


def test_from_module_names_and_groups_follow_the_templates():
    torch.manual_seed(0)
    lstm = rt.from_module(torch.nn.LSTM(2, 3).double(), torch.nn.Linear(3, 1).double())
    tpl = rs.templates.lstm(2, 3, 1)
    assert sorted(lstm.graph.nodes) == sorted(tpl.graph.nodes)
    assert list(lstm.groups) == list(tpl.groups)
    assert lstm.groups["input_gate"]["members"] == ["i0", "i1", "i2"]
    bi = rt.from_module(torch.nn.RNN(1, 2, bidirectional=True).double(),
                        torch.nn.Linear(4, 1).double())
    assert set(bi.groups) == set(rs.templates.bidirectional(1, 2, 1).groups)
    assert bi.groups["backward"]["members"] == ["b0", "b1"]
    assert all(bi.graph.nodes[b]["direction"] == "reverse" for b in ("b0", "b1"))
    deep = rt.from_module(torch.nn.GRU(2, 2, num_layers=2, bidirectional=False).double())
    assert deep.outputs == ["h0_l1", "h1_l1"] and "reset_gate_l1" in deep.groups


def test_from_module_refuses_what_it_cannot_express():
    with pytest.raises(ValueError, match="more than one layer"):
        rt.from_module(torch.nn.LSTM(2, 2, num_layers=2, bidirectional=True))
    with pytest.raises(ValueError, match="proj_size"):
        rt.from_module(torch.nn.LSTM(2, 4, proj_size=2))
    with pytest.raises(ValueError, match="not nn.RNN"):
        rt.from_module(torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="readout reads 3"):
        rt.from_module(torch.nn.GRU(2, 2), torch.nn.Linear(3, 1))


def test_torch_files_state_dicts_and_our_own(tmp_path):
    torch.manual_seed(0)

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(2, 3, num_layers=2)
            self.head = torch.nn.Linear(3, 1)

    model = Model().double()
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    net = rt.load_module_file(path)
    X = np.random.default_rng(0).normal(size=(6, 2, 2))
    np.testing.assert_allclose(rs.run(net, X), _torch_out(model.lstm, model.head, X), atol=TOL)
    evil = tmp_path / "evil.pt"
    torch.save({"obj": torch.nn.GRU(1, 1)}, evil)  # a pickled module: refused by weights_only
    with pytest.raises(rs.FileFormatError, match="evil.pt"):
        rt.load_module_file(evil)


def test_a_torch_file_that_is_a_named_pipe_is_refused_at_once(tmp_path):
    """torch.load of a named pipe waited for a writer (issue 14: no input may hang the app)."""
    from tests.hostile import make_fifo, release_fifo, within
    fifo = make_fifo(tmp_path / "model.pt")
    with pytest.raises(rs.FileFormatError, match="model.pt: not a regular file: it is a named "
                                                 "pipe"):
        within(5.0, rt.load_module_file, fifo, release=lambda: release_fifo(fifo))
