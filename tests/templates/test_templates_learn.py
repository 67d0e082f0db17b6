"""Each template learns its task to a stated threshold in a few seconds (rs.Trainer, Adam).

The thresholds were measured with the seeds below and carry a margin (see the comments): they
say the template *learns*, not that the last digit is stable across BLAS builds.
"""

import time

import numpy as np
import pytest

from rnnstudio import templates as tpl
from rnnstudio.tasks import make_task, rain_probability

engine = pytest.importorskip("rnnstudio.engine")
if not hasattr(engine, "Trainer"):
    pytest.skip("the engine has no Trainer yet", allow_module_level=True)


def _fit(net, task, params, loss, epochs, lr=0.02, batch_size=16):
    X, Y = make_task(task, **params)
    trainer = engine.Trainer(net, loss=loss, optimizer="adam", lr=lr, clip=1.0,
                             batch_size=batch_size, seed=0, validation=0.0)
    start = time.monotonic()
    trainer.fit(X, Y, epochs=epochs)
    seconds = time.monotonic() - start
    value, _ = engine.gradients(net, X, Y, loss=loss)
    return value, seconds


def _loss(net, task, params, loss):
    X, Y = make_task(task, **params)
    return engine.gradients(net, X, Y, loss=loss)[0]


CASES = {
    # name: (build, task, params, loss, epochs, threshold)
    "elman-sine": (lambda: tpl.elman(1, 8, 1), "sine", {}, "mse", 60, 0.03),
    "windowed-sine": (lambda: tpl.windowed(1, 4, 6, 1), "sine", {}, "mse", 60, 0.03),
    "jordan-sine": (lambda: tpl.jordan(1, 6, 1), "sine", {}, "mse", 60, 0.08),
    "windowed-echo": (lambda: tpl.windowed(1, 4, 4, 1), "echo", {"k": 3}, "mse", 60, 0.01),
    "elman-echo": (lambda: tpl.elman(1, 8, 1), "echo", {"k": 3}, "mse", 60, 0.01),
    "unit-teacher": (tpl.unit_3_5_4, "teacher", {}, "mse", 100, 0.01),
    "bidirectional-lookahead": (lambda: tpl.bidirectional(1, 4, 1), "echo", {"k": -2}, "mse",
                                60, 0.01),
    "lstm-adding": (lambda: tpl.lstm(2, 4, 1), "adding", {"T": 20}, "mse", 60, 0.05),
    "gru-adding": (lambda: tpl.gru(2, 4, 1), "adding", {"T": 20}, "mse", 60, 0.05),
}


@pytest.mark.parametrize("name", CASES)
def test_template_learns_its_task(name):
    build, task, params, loss, epochs, threshold = CASES[name]
    net = build()
    before = _loss(net, task, params, loss)
    after, seconds = _fit(net, task, params, loss, epochs)
    assert after < threshold < before, f"{name}: {before:.4f} -> {after:.4f}"
    assert seconds < 20


def test_many_to_one_learns_the_rain_rule():
    net = tpl.many_to_one(8, 6, 1)
    after, _ = _fit(net, "rain", {}, "bce", 40, batch_size=32)
    X, Y = make_task("rain")
    p = Y[-1, :, 0]
    floor = -np.mean(p * np.log(p) + (1 - p) * np.log(1 - p))  # BCE of a perfect predictor
    assert after - floor < 0.02
    # and it generalises: fresh sequences, predicted chance close to the rule's
    Xt, Yt = make_task("rain", seed=99)
    pred = engine.run(net, Xt)[-1, :, 0]
    assert np.sqrt(np.mean((pred - Yt[-1, :, 0]) ** 2)) < 0.1
    np.testing.assert_allclose(Yt[-1, :, 0], rain_probability(Xt.argmax(-1)))
