"""RNN Studio: build recurrent neural networks neuron by neuron, run and train them.

The public API (see README and docs/api.md) is importable from here:
``import rnnstudio as rs``.
"""

from .model import Network, NetworkError
from .engine import compile, run, gradients, Simulator, Trainer
from .io import save, load, FileFormatError
from . import layout, tasks, templates
from .templates import init_weights

__version__ = "0.1.0"
__all__ = ["Network", "NetworkError", "__version__", "tasks", "templates", "layout", "init_weights",
           "save", "load", "FileFormatError",
           "compile", "run", "gradients", "Simulator", "Trainer"]
