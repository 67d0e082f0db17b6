"""Many small pictures in one painter call: sprites rendered once, copied by fragments.

`SpriteAtlas` renders each picture the nodes need (a value's fill colour, an outline in some
state), once per zoom level, into one pixmap; `Fragments` is a C array of
`QPainter.PixmapFragment` kept in numpy, so a thousand copies of atlas cells go to
`QPainter.drawPixmapFragments` in one call (pyqtgraph's scatter plots draw their symbols the
same way).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import shiboken6
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap

MAX_SPRITE_PX = 48   # larger nodes on screen (zoomed in: few of them) are painted directly
COLUMNS = 40         # cells per atlas row; rows are added as colours appear
FRAGMENT_FIELDS = 10  # x, y, source left, top, width, height, scale x, y, rotation, opacity


class SpriteAtlas:
    """Small pictures rendered at the view's scale, looked up by (level, shape): `draw(painter,
    level, shape)` paints one centred on (0, 0) in scene units, within `half` of the centre."""

    def __init__(self, draw: Callable[[QPainter, int, int], None], levels: int, shapes: int,
                 half: float):
        self.draw, self._levels, self._shapes, self._half = draw, levels, shapes, half
        self._px = 0.0       # device pixels per scene unit of the rendered cells
        self._size = 0       # a cell's side in pixels
        self._count = 0      # cells rendered
        self._table = np.zeros((0, 4))  # level * shapes + shape -> (x, y, w, h); NaN: not yet
        self.pixmap = QPixmap()

    def prepare(self, scale: float, dpr: float = 1.0) -> bool:
        """Get ready for a paint at `scale` (view zoom) and device pixel ratio `dpr`; False
        when a sprite would be larger on screen than MAX_SPRITE_PX (paint directly)."""
        px = scale * dpr
        size = math.ceil(2 * self._half * px) + 2
        if size > MAX_SPRITE_PX or px <= 0:
            return False
        if px != self._px:
            self._px, self._size, self._count = px, size, 0
            self._table = np.full((self._levels * self._shapes, 4), np.nan)
            self.pixmap = self._blank(4)
        return True

    def cells(self, levels: np.ndarray, shapes: np.ndarray) -> np.ndarray:
        """The atlas rectangles (x, y, w, h) of the sprites (levels[i], shapes[i]) (0 <= level
        < `levels`), rendered on first use."""
        keys = levels * self._shapes + shapes
        table = self._table
        for key in np.unique(keys[np.isnan(table[keys, 0])]).tolist():
            table[key] = self._render(*divmod(key, self._shapes))
        return table[keys]

    def _blank(self, rows: int) -> QPixmap:
        pixmap = QPixmap(COLUMNS * self._size, rows * self._size)
        pixmap.fill(Qt.GlobalColor.transparent)
        return pixmap

    def _render(self, level: int, shape: int) -> tuple:
        size = self._size
        row, col = divmod(self._count, COLUMNS)
        self._count += 1
        if (row + 1) * size > self.pixmap.height():  # full: twice the rows, cells kept
            bigger = self._blank(2 * self.pixmap.height() // size)
            p = QPainter(bigger)
            p.drawPixmap(0, 0, self.pixmap)
            p.end()
            self.pixmap = bigger
        x, y = col * size, row * size
        p = QPainter(self.pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.translate(x + size / 2, y + size / 2)
        p.scale(self._px, self._px)
        self.draw(p, level, shape)
        p.end()
        return (x, y, size, size)


def half_extent(paths) -> float:
    """The largest distance from (0, 0) to the edge of the paths' bounding box."""
    extent = QRectF()
    for path in paths:
        extent = extent.united(path.boundingRect())
    return max(abs(extent.left()), abs(extent.right()), abs(extent.top()), abs(extent.bottom()))


class Fragments:
    """A growable C array of QPainter.PixmapFragment, filled through a numpy view."""

    def __init__(self):
        self._buffer = np.zeros((0, FRAGMENT_FIELDS))
        self.array = self._buffer

    def resize(self, n: int) -> None:
        if n > len(self._buffer):
            self._buffer = np.zeros((max(n, 2 * len(self._buffer)), FRAGMENT_FIELDS))
        self.array = self._buffer[:n]

    def draw(self, painter: QPainter, pixmap: QPixmap) -> None:
        """Draw the fragments (centres in the painter's coordinates) from `pixmap`."""
        n = len(self.array)
        if n:
            first = shiboken6.wrapInstance(self._buffer.ctypes.data, QPainter.PixmapFragment)
            painter.drawPixmapFragments(first, n, pixmap)
