"""Imported once by the training fork server (`background.PRELOAD`), not meant for the app.

Every run is a fork of that server, so what the server has done once, no run pays again: the
BLAS warm-up GEMMs of the first compile, and the parts of numpy that compile, forward, backward
and the optimizers import lazily on first use. Without this, each run's first batch came
~100 ms late; importing this module trains a 1-2-1 network for one epoch to get all of it done.
"""

from __future__ import annotations

import numpy as np

from rnnstudio.model import Network

from .api import run
from .losses import loss_and_grad
from .trainer import Trainer


def prewarm() -> None:
    """Compile, run and train a tiny recurrent network once (the result is thrown away)."""
    net = Network("prewarm")
    net.add_input("x")
    net.add_neuron("h", activation="tanh")
    net.add_output("y")
    net.add_edge("x", "h", weight=0.5)
    net.add_edge("h", "h", weight=0.5, delay=1)
    net.add_edge("h", "y", weight=0.5)
    X = np.linspace(-1.0, 1.0, 24).reshape(6, 4, 1)
    Trainer(net, batch_size=2).fit(X, X, epochs=1, write_back=True)
    loss_and_grad("mse", run(net, X), X)


prewarm()
