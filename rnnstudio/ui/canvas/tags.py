"""Where the small labels on edges go: z⁻ᵈ tags, bundle labels, the player's read labels.

A label is tried at points along its edge, from the middle outwards, and takes the first spot
where it covers no node (with its ordering badge and name) and no label placed before it; with
no such spot it is not drawn. Labels are placed when geometry changes, never while painting,
and in the order of the edits, so the same file always gives the same picture.
"""

from __future__ import annotations

import math
from typing import Callable, Hashable

from PySide6.QtCore import QPointF, QRectF

from ..style import NODE_RADIUS

CELL = 60.0  # grid cell of the spatial index
FRACTIONS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)
# a bundle's label must be read: more spots along its arrow, and beside it further out
BUNDLE_FRACTIONS = FRACTIONS + (0.12, 0.88, 0.08, 0.92)
BUNDLE_LIFTS = (1.0, 2.2, 3.4)
TAG_W, TAG_H = 26.0, 14.0  # a z⁻ᵈ tag


def node_obstacle(x: float, y: float) -> QRectF:
    """What a node covers: its body, the ordering badge above right, the name below."""
    r = NODE_RADIUS
    return QRectF(x - r - 12, y - r - 8, 2 * r + 24, 2 * r + 24)


def along(samples: list[tuple[float, float]], f: float) -> tuple[float, float, float, float]:
    """The point a fraction `f` along a polyline (by sample index: the samples are spread
    evenly enough along an edge for this), and the unit normal there."""
    if len(samples) == 1:
        return samples[0][0], samples[0][1], 0.0, -1.0
    s = f * (len(samples) - 1)
    i = min(int(s), len(samples) - 2)
    t = s - i
    (ax, ay), (bx, by) = samples[i], samples[i + 1]
    dx, dy = bx - ax, by - ay
    n = math.hypot(dx, dy) or 1.0
    return ax + dx * t, ay + dy * t, dy / n, -dx / n


def candidates(samples, w: float, h: float, fractions=FRACTIONS, lifts=(1.0,)):
    """Boxes (x0, y0, x1, y1) of a w x h label centred at points along the edge; then, where
    the edge is crowded, beside it (the label's near side just off the line, then `lifts`
    times as far)."""
    points = [along(samples, f) for f in fractions]
    for x, y, _, _ in points:
        yield (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
    for k in lifts:
        for side in (1.0, -1.0):
            for x, y, nx, ny in points:
                lift = side * k * (abs(nx) * w / 2 + abs(ny) * h / 2 + 3)
                cx, cy = x + nx * lift, y + ny * lift
                yield (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def first_free(samples, w: float, h: float, blocked: Callable[[tuple], bool],
               fractions=FRACTIONS, lifts=(1.0,)) -> tuple | None:
    for box in candidates(samples, w, h, fractions, lifts):
        if not blocked(box):
            return box
    return None


def box_of(rect: QRectF) -> tuple:
    return (rect.left(), rect.top(), rect.right(), rect.bottom())


def _meet(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Grid:
    """Boxes (x0, y0, x1, y1) by key, indexed by the grid cells they overlap."""

    def __init__(self):
        self.boxes: dict[Hashable, tuple] = {}
        self._cells: dict[tuple[int, int], dict[Hashable, None]] = {}

    @staticmethod
    def _span(box: tuple):
        x0, x1 = int(box[0] // CELL), int(box[2] // CELL)
        y0, y1 = int(box[1] // CELL), int(box[3] // CELL)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def set(self, key, box: tuple | None) -> None:
        self.discard(key)
        if box is None:
            return
        self.boxes[key] = box
        for c in self._span(box):
            self._cells.setdefault(c, {})[key] = None

    def set_many(self, boxes: dict) -> None:
        """`set` each of {key: box} in turn (a paste's 5,000 nodes)."""
        cells = self._cells
        for key, box in boxes.items():
            if key in self.boxes:
                self.discard(key)
            self.boxes[key] = box
            x0, x1 = int(box[0] // CELL), int(box[2] // CELL)
            y0, y1 = int(box[1] // CELL), int(box[3] // CELL)
            for i in range(x0, x1 + 1):
                for j in range(y0, y1 + 1):
                    cells.setdefault((i, j), {})[key] = None

    def discard(self, key) -> None:
        self.discard_many((key,))

    def discard_many(self, keys) -> None:
        """`discard` each of `keys` (an undone paste's 5,000 nodes: 35 ms one by one)."""
        boxes, cells = self.boxes, self._cells
        for key in keys:
            box = boxes.pop(key, None)
            if box is None:
                continue
            for c in self._span(box):
                cell = cells.get(c)
                if cell is not None:
                    cell.pop(key, None)
                    if not cell:
                        del cells[c]

    def any_hit(self, box: tuple) -> bool:
        boxes, cells = self.boxes, self._cells
        for c in self._span(box):
            for key in cells.get(c, ()):
                if _meet(boxes[key], box):
                    return True
        return False

    def hits(self, box: tuple) -> list:
        """Keys whose boxes meet `box`, in a stable order."""
        seen: dict = {}
        for c in self._span(box):
            for key in self._cells.get(c, ()):
                if key not in seen and _meet(self.boxes[key], box):
                    seen[key] = None
        return list(seen)

    def clear(self) -> None:
        self.boxes.clear()
        self._cells.clear()


class TagPlacer:
    """Node obstacles and placed labels, for the scene's edges and bundles."""

    def __init__(self):
        self.obstacles = _Grid()  # nodes (and group blocks) by id
        self.tags = _Grid()  # placed labels by edge key

    def clear(self) -> None:
        self.obstacles.clear()
        self.tags.clear()

    def set_obstacle(self, key, rect: QRectF | None) -> list:
        """A node appeared or moved (None: went). Returns the labels it now covers: their
        edges must be placed again."""
        box = None if rect is None else box_of(rect)
        self.obstacles.set(key, box)
        return [] if box is None else self.tags.hits(box)

    def blocked(self, box: tuple) -> bool:
        """Does `box` cover a node or a placed label?"""
        return self.obstacles.any_hit(box) or self.tags.any_hit(box)

    def place(self, key, samples, w: float = TAG_W, h: float = TAG_H,
              fractions=FRACTIONS, lifts=(1.0,)) -> QPointF | None:
        """Place `key`'s label on its edge (replacing an earlier spot); None: nowhere free."""
        self.tags.discard(key)
        box = first_free(samples, w, h, self.blocked, fractions, lifts)
        if box is None:
            return None
        self.tags.set(key, box)
        return QPointF((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)

    def remove(self, key) -> None:
        self.tags.discard(key)

    def rect(self, key) -> QRectF | None:
        box = self.tags.boxes.get(key)
        return None if box is None else QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1])
