"""The engine runs every template exactly as the plain interpreter of SEMANTICS.md does."""

import numpy as np
import pytest

from rnnstudio import templates as tpl

from .reference import run as reference_run

engine = pytest.importorskip("rnnstudio.engine")

NETS = {
    "elman": lambda: tpl.elman(2, 4, 1, seed=1),
    "jordan": lambda: tpl.jordan(2, 3, 2, seed=1),
    "unit_3_5_4": lambda: tpl.unit_3_5_4(seed=1),
    "windowed": lambda: tpl.windowed(2, 3, 4, 1, seed=1),
    "many_to_one": lambda: tpl.many_to_one(seed=1),
    "lstm": lambda: tpl.lstm(2, 3, 2, seed=1),
    "gru": lambda: tpl.gru(2, 3, 1, seed=1),
    "bidirectional": lambda: tpl.bidirectional(2, 3, 1, seed=1),
}


@pytest.mark.parametrize("name", NETS)
def test_engine_equals_reference(name):
    net = NETS[name]()
    X = np.random.default_rng(0).uniform(-1, 1, (9, 3, len(net.inputs)))
    np.testing.assert_allclose(engine.run(net, X), reference_run(net, X)[0], atol=1e-12)


def test_lstm_levels_per_step():
    prog = engine.compile(tpl.lstm(2, 3, 1))
    # gates -> products -> cell -> tanh -> h: the chain of same-step edges is 5 levels deep
    assert prog.n_levels <= 6


def test_engine_lstm_equals_a_direct_numpy_lstm():
    from .test_templates_math import numpy_lstm
    net = tpl.lstm(3, 4, 2, seed=7)
    X = np.random.default_rng(1).uniform(-2, 2, (15, 5, 3))
    np.testing.assert_allclose(engine.run(net, X), numpy_lstm(net, X, 4), atol=1e-12)


def test_engine_gru_equals_a_direct_numpy_gru():
    from .test_templates_math import numpy_gru
    net = tpl.gru(2, 3, 1, seed=7)
    X = np.random.default_rng(2).uniform(-2, 2, (15, 5, 2))
    np.testing.assert_allclose(engine.run(net, X), numpy_gru(net, X, 3), atol=1e-12)
