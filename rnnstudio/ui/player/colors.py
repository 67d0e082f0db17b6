"""Value colours for the player, on the canvas's diverging scale (ui/style.py)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from .. import style

PENDING = QColor(225, 225, 225)  # not yet computed at this step


def value_color(value: float | None, scale: float = 1.0) -> QColor:
    """The canvas's value colour, or a neutral grey for "not computed yet"."""
    if value is None or not np.isfinite(value):
        return QColor(PENDING)
    return style.value_color(value, scale)


def lookup_table(n: int = 256) -> np.ndarray:
    """A (n, 3) uint8 lookup table from -1 to 1 for pyqtgraph images (same scale)."""
    colors = [style.value_color(v) for v in np.linspace(-1.0, 1.0, n)]
    return np.array([(c.red(), c.green(), c.blue()) for c in colors], dtype=np.uint8)


def colormap_stops() -> list[tuple[int, int, int]]:
    return [(c.red(), c.green(), c.blue())
            for c in (style.VALUE_NEG, style.VALUE_MID, style.VALUE_POS)]
