"""Templates: functions that build laid-out, initialised networks. No Qt.

They are laid out by `rnnstudio.layout.arrange`: inputs on the left, outputs on the right,
each group (a layer, a gate family) kept together. Each template sets the network's name, a
description of what it shows and, when it has a natural task, a `training` block ({"task": {"name", "params"}, "loss", "optimizer", "lr", ...}).
"""

from .basic import bidirectional, elman, jordan, many_to_one, unit_3_5_4, windowed
from .common import natural_task, training_block
from .gated import gru, lstm
from .init import init_weights
from ..layout import DX, DY  # the layout's spacing (kept here for older callers)

TEMPLATES = {
    "elman": elman, "jordan": jordan, "unit_3_5_4": unit_3_5_4, "windowed": windowed,
    "many_to_one": many_to_one, "lstm": lstm, "gru": gru, "bidirectional": bidirectional,
}

__all__ = [
    "elman", "jordan", "unit_3_5_4", "windowed", "many_to_one", "lstm", "gru", "bidirectional",
    "init_weights", "training_block", "natural_task", "DX", "DY", "TEMPLATES",
]
