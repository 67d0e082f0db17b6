"""Training: loss goes down, reproducible, truncated BPTT, clipping, divergence, stop()."""

import threading

import numpy as np
import pytest

from rnnstudio.engine import Trainer, gradients, run
from rnnstudio.model import Network

from .netgen import random_network


def elman(n_in=1, n_hidden=6, n_out=1, seed=0, out_activation="identity"):
    rng = np.random.default_rng(seed)
    net = Network("elman")
    xs = [net.add_input(f"x{i}") for i in range(n_in)]
    hs = [net.add_neuron(f"h{i}", activation="tanh") for i in range(n_hidden)]
    ys = [net.add_output(f"y{i}", activation=out_activation) for i in range(n_out)]
    for x in xs:
        for h in hs:
            net.add_edge(x, h, weight=float(rng.normal(0, 0.5)))
    for a in hs:
        for b in hs:
            net.add_edge(a, b, weight=float(rng.normal(0, 0.3)), delay=1)
        for y in ys:
            net.add_edge(a, y, weight=float(rng.normal(0, 0.3)))
    return net


def delayed_echo(T=20, N=16, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, N, 1))
    Y = np.full((T, N, 1), np.nan)
    Y[2:] = X[:-2]
    return X, Y


def test_loss_decreases_and_writes_back():
    net = elman()
    X, Y = delayed_echo()
    before = gradients(net, X, Y)[0]
    hist = Trainer(net, lr=0.02, seed=1).fit(X, Y, epochs=60)
    assert hist["epochs"] == 60 and hist["stopped_reason"] is None
    assert hist["loss"][-1] < 0.5 * hist["loss"][0]
    after = gradients(net, X, Y)[0]        # the net holds the trained weights
    assert after < 0.5 * before


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_optimizers_reduce_loss(optimizer):
    net = elman(seed=3)
    X, Y = delayed_echo(seed=3)
    hist = Trainer(net, optimizer=optimizer, lr=0.05 if optimizer != "adam" else 0.02
                   ).fit(X, Y, epochs=25, write_back=False)
    assert hist["loss"][-1] < hist["loss"][0]


def test_same_seed_same_result():
    X, Y = delayed_echo(N=20)
    results = []
    for _ in range(2):
        net = elman(seed=2)
        t = Trainer(net, lr=0.01, batch_size=6, seed=7, validation=0.2, tbptt=7)
        hist = t.fit(X, Y, epochs=4)
        results.append((hist["loss"], hist["val_loss"], t.theta.copy()))
    assert results[0][0] == results[1][0] and results[0][1] == results[1][1]
    np.testing.assert_array_equal(results[0][2], results[1][2])
    other = Trainer(elman(seed=2), lr=0.01, batch_size=6, seed=8, validation=0.2, tbptt=7)
    assert other.fit(X, Y, epochs=4)["loss"] != results[0][0]


def test_tbptt_one_window_equals_full_bptt_and_carries_values():
    X, Y = delayed_echo(T=12, N=4)
    a, b = elman(seed=4), elman(seed=4)
    ta = Trainer(a, optimizer="sgd", lr=0.1, tbptt=12)
    tb = Trainer(b, optimizer="sgd", lr=0.1)
    ta.fit(X, Y, epochs=1)
    tb.fit(X, Y, epochs=1)
    np.testing.assert_allclose(ta.theta, tb.theta, atol=1e-14)
    # windows of 5: values carry across windows, gradients do not, one update per window
    from rnnstudio.engine.backward import backward
    from rnnstudio.engine.compiler import build
    from rnnstudio.engine.forward import forward
    from rnnstudio.engine.losses import loss_and_grad
    tc = Trainer(elman(seed=4), optimizer="sgd", lr=0.1, tbptt=5)
    prog = build(elman(seed=4))
    theta = prog.theta.copy()
    carry = None
    for t0 in (0, 5, 10):
        tr = forward(prog, X[t0:t0 + 5], carry)
        carry = tr.carry()
        g = backward(tr, loss_and_grad("mse", tr.outputs(), Y[t0:t0 + 5])[1])[0]
        theta[tc.index] -= 0.1 * g[tc.index]
        prog.set_theta(theta)
    records = []
    tc.fit(X, Y, epochs=1, callback=records.append, write_back=False)
    np.testing.assert_allclose(tc.theta, theta, atol=1e-13)
    assert records[0]["grad_norm_through_time"].shape == (12,)


def test_clipping_bounds_the_update():
    X, Y = delayed_echo(T=10, N=4)
    net = elman(seed=5)
    _, grads = gradients(net, X, Y)
    t = Trainer(net, optimizer="sgd", lr=1.0, clip=1e-3)
    theta0 = t.theta.copy()
    rec = []
    t.fit(X, Y, epochs=1, callback=rec.append, write_back=False)
    step = t.theta - theta0
    assert np.linalg.norm(step) <= 1e-3 * (1 + 1e-9)
    assert rec[0]["grad_norm"] > 1e-3          # the norm before clipping is reported


def test_huge_lr_diverges_with_finite_weights_and_a_reason():
    X, Y = delayed_echo(T=15, N=8)
    net = elman(seed=6)
    net.set_node_attrs("y0", activation="identity")
    hist = Trainer(net, optimizer="sgd", lr=1e8).fit(X, Y, epochs=50)
    assert hist["stopped_reason"] and "restored" in hist["stopped_reason"]
    assert hist["epochs"] < 50
    params = net.get_params()
    assert all(np.isfinite(w) and abs(w) <= 1e12 for w in params["weights"].values())
    assert np.isfinite(run(net, X)).all()


def test_stop_from_another_thread():
    X, Y = delayed_echo(T=30, N=32)
    net = elman(n_hidden=10)
    t = Trainer(net, lr=0.001, batch_size=1)
    seen = []

    def callback(rec):
        seen.append(rec["kind"])
        if len(seen) == 3:
            threading.Thread(target=t.stop).start()
            threading.Event().wait(0.05)

    hist = t.fit(X, Y, epochs=1000, callback=callback, write_back=False)
    assert hist["stopped_reason"] == "stopped by request"
    assert len(seen) <= 5


def test_callback_false_stops_and_records():
    X, Y = delayed_echo(T=10, N=4)
    t = Trainer(elman(), lr=0.01, validation=0.25)
    recs = []

    def cb(rec):
        recs.append(rec)
        return rec["kind"] != "epoch" or rec["epoch"] < 2

    hist = t.fit(X, Y, epochs=10, callback=cb, write_back=False)
    assert hist["epochs"] == 3 and hist["stopped_reason"] == "stopped by the callback"
    epochs = [r for r in recs if r["kind"] == "epoch"]
    assert all(r["val_loss"] is not None for r in epochs)
    assert set(recs[0]) >= {"epoch", "batch", "loss", "val_loss", "grad_norm",
                            "grad_norm_through_time"}


def test_untrainable_parameters_stay_and_initials_train_on_request():
    X, Y = delayed_echo(T=8, N=4)
    net = elman()
    net.set_edge_attrs("x0", "h0", trainable=False)
    net.set_node_attrs("h1", trainable=False)
    t = Trainer(net, lr=0.05, train_initials=True)
    t.fit(X, Y, epochs=3)
    p = net.get_params()
    assert p["weights"][("x0", "h0")] == elman().get_params()["weights"][("x0", "h0")]
    assert p["biases"]["h1"] == 0.0
    assert any(v != 0.0 for v in p["initials"].values())


@pytest.mark.parametrize("loss", ["bce", "cross_entropy"])
def test_other_losses_train(loss):
    rng = np.random.default_rng(0)
    net = elman(n_out=2, out_activation="sigmoid" if loss == "bce" else "identity")
    X = rng.normal(size=(10, 8, 1))
    cls = (X[..., 0] > 0).astype(int)
    Y = np.eye(2)[cls]
    hist = Trainer(net, loss=loss, lr=0.05).fit(X, Y, epochs=30)
    assert hist["loss"][-1] < hist["loss"][0]


def test_float32_trains_close_to_float64():
    X, Y = delayed_echo(T=10, N=8)
    h64 = Trainer(elman(), lr=0.01).fit(X, Y, epochs=5, write_back=False)
    h32 = Trainer(elman(), lr=0.01, dtype="float32").fit(X, Y, epochs=5, write_back=False)
    np.testing.assert_allclose(h32["loss"], h64["loss"], rtol=1e-4)


def test_write_back_refuses_a_changed_structure():
    X, Y = delayed_echo(T=6, N=2)
    net = elman()
    t = Trainer(net)
    net.add_neuron("extra")
    with pytest.raises(ValueError):
        t.fit(X, Y, epochs=1)


def test_bad_settings():
    net = random_network(np.random.default_rng(0))
    for kwargs in ({"loss": "hinge"}, {"optimizer": "rmsprop"}, {"lr": 0}, {"tbptt": 0},
                   {"validation": 1.0}, {"clip": -1}):
        with pytest.raises(ValueError):
            Trainer(net, **kwargs)


def test_fit_in_a_worker_thread_then_write_back_from_the_owner():
    X, Y = delayed_echo(T=20, N=16)
    net = elman()
    before = net.get_params()
    t = Trainer(net, lr=0.01, batch_size=2)
    started = threading.Event()
    result = {}

    def work():
        result["history"] = t.fit(X, Y, epochs=10_000, write_back=False,
                                  callback=lambda rec: started.set())

    worker = threading.Thread(target=work)
    worker.start()
    assert started.wait(10)
    assert net.get_params() == before            # fit never touches the net
    t.stop()
    worker.join(10)
    assert not worker.is_alive()
    assert result["history"]["stopped_reason"] == "stopped by request"
    t.write_back()
    assert net.get_params() != before
    assert net.get_params()["weights"] == t.params()["weights"]


def test_buffers_held_while_stepping_released_by_fit_and_run():
    """train_step keeps its work buffers for the next step; fit and rs.run release them (the
    network keeps nothing big after a run)."""
    from rnnstudio import templates
    from rnnstudio.engine import compile, run
    from rnnstudio.engine.program import KEEP_BYTES
    net = templates.lstm(2, 8, 1, seed=0)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 16, 2)), rng.normal(size=(40, 16, 1))
    trainer = Trainer(net)
    trainer.train_step(X, Y)
    assert trainer.program.workspace_bytes() > 3 * X.nbytes
    trainer.fit(X, Y, epochs=1, write_back=False)
    assert trainer.program.workspace_bytes() == 0
    run(net, X)
    assert compile(net).workspace_bytes() > 0          # small: kept for the next run
    run(net, rng.normal(size=(3000, 64, 2)))             # ~120 MB of values
    assert compile(net).workspace_bytes() <= KEEP_BYTES
