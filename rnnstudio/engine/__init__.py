"""The engine: compile a network to frozen numpy arrays, run it, BPTT, step-through, training.

numpy only (no Qt). See docs/semantics.md for what a network computes.
"""

from .api import Grads, gradients, run
from .compiler import compile
from .losses import LOSSES, bce, cross_entropy, loss_and_grad, mse
from .program import Program
from .simulator import Simulator
from .trainer import Trainer
from .blas import set_threads

__all__ = ["compile", "run", "gradients", "Grads", "Program", "Simulator", "Trainer", "set_threads", "LOSSES", "loss_and_grad",
           "mse", "bce", "cross_entropy"]
