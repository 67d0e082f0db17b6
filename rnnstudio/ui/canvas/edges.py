"""Edges drawn in batches: an `EdgeLayerItem` draws thousands of edges with a few paths.

A layer splits its edges into small bins; each bin keeps one path per look (timing, sign,
width level) and one arrowhead path per colour. An edit or a drag re-assembles only the bins it
touches, and painting is a few hundred `drawPath` calls whatever the edge count. Hit tests run
on numpy arrays of each edge's centre line, not on Qt shapes.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from .. import style
from ...layout.routes import DASH_PERIOD
from .bundles import delay_tag
from .edge_batch import assemble
from .tags import TAG_H, TAG_W

BIN_SIZE = 48
DETAIL_LOD = 0.5  # below this zoom edges are thin solid lines, without antialiasing
ARROW_LOD = 0.3
TAG_LOD = 0.55
_TAG_FONT = QFont("Sans Serif", 7, QFont.Weight.DemiBold)
DASH = 6.0  # a delayed edge's dashes in scene units, whatever its width: the loops of one
GAP = DASH_PERIOD - DASH  # cable (each as wide as its weight) then lie dash on dash


def _edge_pen(delayed: bool, positive: bool, level: int, lod: float) -> QPen:
    color = style.EDGE_COLOR[(delayed, positive)]
    if lod <= DETAIL_LOD:
        return QPen(color, 0)  # cosmetic 1 px: the fastest line Qt draws
    pen = QPen(color, style.level_width(level))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if delayed:  # Qt counts a dash pattern in pen widths, in device pixels for a pen thinner
        unit = max(pen.widthF() * lod, 1.0) / lod  # than one (at zoom 1 most strands are)
        pen.setDashPattern([DASH / unit, GAP / unit])
    return pen


class _Bin:
    """Up to BIN_SIZE edges and their assembled paths."""

    __slots__ = ("keys", "groups", "arrows", "tags", "rect", "segs", "owners", "dirty")

    def __init__(self):
        self.keys: dict = {}  # ordered: the picture never depends on hashing
        self.groups: dict = {}
        self.arrows: dict = {}
        self.tags: list = []
        self.rect = QRectF()
        self.segs = np.zeros((0, 4))  # the edges' centre lines, for hit tests
        self.owners: list = []
        self.dirty = True

    @staticmethod
    def assemble(bins: list, scene) -> None:
        """Re-assemble these bins' paths, tags, bounds and hit-test segments together."""
        keys = list(chain.from_iterable(b.keys for b in bins))
        shapes = scene.geoms(keys)
        looks = scene.looks(keys)
        made = assemble(shapes, looks, [len(b.keys) for b in bins])
        delays = looks[:, 3].tolist()
        for b, (groups, arrows, tags, rect, segs, owners) in zip(bins, made):
            b.groups, b.arrows, b.rect, b.segs = groups, arrows, rect, segs
            b.tags = [(shapes[i].label_pos, delay_tag(delays[i], scene.reads_later(keys[i])))
                      for i in tags]
            b.owners = list(map(keys.__getitem__, owners.tolist()))
            b.dirty = False


class EdgeLayerItem(QGraphicsItem):
    """Many edges in one item. `highlight` layers draw their edges as a selection halo."""

    def __init__(self, scene, highlight: bool = False):
        super().__init__()
        self._scene = scene  # provides geom(key) -> EdgeShape and look(key)
        self.highlight = highlight
        self._bins: list[_Bin] = []
        self._bin_of: dict = {}
        self._rect = QRectF()
        self._shape: QPainterPath | None = None
        self._hit = None
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    # ---------------------------------------------------------------- membership
    @property
    def keys(self) -> list:
        return list(self._bin_of)

    def __len__(self) -> int:
        return len(self._bin_of)

    def __contains__(self, key) -> bool:
        return key in self._bin_of

    def add(self, key) -> None:
        if key in self._bin_of:
            return self.mark(key)
        b = self._bins[-1] if self._bins and len(self._bins[-1].keys) < BIN_SIZE else None
        if b is None:
            b = _Bin()
            self._bins.append(b)
        b.keys[key] = None
        b.dirty = True
        self._bin_of[key] = b

    def add_many(self, keys: list) -> None:
        """`add` each of `keys` in turn: new edges (a paste's 50,000) fill the bins a slice at
        a time."""
        bin_of, fresh = self._bin_of, dict.fromkeys(keys)
        if len(fresh) != len(keys) or not bin_of.keys().isdisjoint(fresh):
            for key in keys:
                self.add(key)
            return
        start = 0
        while start < len(keys):
            b = self._bins[-1] if self._bins and len(self._bins[-1].keys) < BIN_SIZE else None
            if b is None:
                b = _Bin()
                self._bins.append(b)
            part = keys[start:start + BIN_SIZE - len(b.keys)]
            b.keys.update(dict.fromkeys(part))
            b.dirty = True
            bin_of.update(dict.fromkeys(part, b))
            start += len(part)

    def discard(self, key) -> None:
        b = self._bin_of.pop(key, None)
        if b is not None:
            b.keys.pop(key, None)
            b.dirty = True

    def mark(self, key) -> None:
        b = self._bin_of.get(key)
        if b is not None:
            b.dirty = True

    def mark_many(self, keys) -> None:
        for b in set(map(self._bin_of.get, keys)).difference((None,)):
            b.dirty = True

    def clear(self) -> list:
        """Forget every edge; returns what drew them (for the caller to free when idle)."""
        bins = self._bins
        self._bins, self._bin_of = [], {}
        return bins

    def is_dirty(self) -> bool:
        return any(b.dirty for b in self._bins) or self._hit is None

    # ---------------------------------------------------------------- assembling
    def rebuild(self) -> None:
        """Re-assemble the dirty bins (all bins after `clear`) whose edges are all drawn (a big
        paste is drawn a slice at a time: a bin waits for the slice with its last edges)."""
        self.prepareGeometryChange()
        self._bins = [b for b in self._bins if b.keys]
        drawn = self._scene.drawn
        dirty = [b for b in self._bins if b.dirty and drawn(b.keys)]
        if dirty:
            _Bin.assemble(dirty, self._scene)
        rect = QRectF()
        for b in self._bins:
            rect = rect.united(b.rect)
        self._rect, self._shape, self._hit = rect, None, None
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        """The edges' centre lines (cheap, zero area): enough for rectangle queries."""
        if self._shape is None:
            self._shape = QPainterPath()
            for b in self._bins:
                for path in b.groups.values():
                    self._shape.addPath(path)
        return self._shape

    def edge_at(self, x: float, y: float, tol: float) -> tuple | None:
        """The edge whose centre line passes within `tol` of (x, y), nearest first."""
        if self._hit is None:
            segs = [b.segs for b in self._bins]
            owners = [o for b in self._bins for o in b.owners]
            self._hit = (np.concatenate(segs) if segs else np.zeros((0, 4)), owners)
        segs, owners = self._hit
        if not owners:
            return None
        d = _seg_distance(segs, x, y)
        k = int(np.argmin(d))
        return owners[k] if d[k] <= tol else None

    # ---------------------------------------------------------------- painting
    def paint(self, painter, option, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(painter.RenderHint.Antialiasing, lod > DETAIL_LOD)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        exposed = option.exposedRect
        bins = [b for b in self._bins if exposed.intersects(b.rect)]
        if self.highlight:
            return self._paint_halo(painter, bins)
        pens = {}
        for b in bins:
            for look, path in b.groups.items():
                pen = pens.get(look) or pens.setdefault(look, _edge_pen(*look, lod))
                painter.setPen(pen)
                painter.drawPath(path)
        painter.setPen(Qt.PenStyle.NoPen)
        if lod > ARROW_LOD:
            for b in bins:
                for look, path in b.arrows.items():
                    painter.setBrush(style.EDGE_COLOR[look])
                    painter.drawPath(path)
        if lod > TAG_LOD:
            self._paint_tags(painter, bins, exposed)

    def _paint_halo(self, painter, bins) -> None:
        for b in bins:
            for (_, _, level), path in b.groups.items():
                pen = QPen(style.SELECTION, style.level_width(level) + 6)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                painter.drawPath(path)

    def _paint_tags(self, painter, bins, exposed: QRectF) -> None:
        painter.setFont(_TAG_FONT)
        frame = QPen(style.EDGE_COLOR[(True, True)], 0.8)
        for b in bins:
            for pos, text in b.tags:
                rect = QRectF(pos.x() - TAG_W / 2, pos.y() - TAG_H / 2, TAG_W, TAG_H)
                if not exposed.intersects(rect):
                    continue
                painter.setPen(frame)
                painter.setBrush(style.DELAY_TAG_FILL)
                painter.drawRoundedRect(rect, 7, 7)
                painter.setPen(style.DELAY_TAG_TEXT)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _seg_distance(segs: np.ndarray, x: float, y: float) -> np.ndarray:
    ax, ay, bx, by = segs[:, 0], segs[:, 1], segs[:, 2], segs[:, 3]
    dx, dy = bx - ax, by - ay
    n2 = dx * dx + dy * dy
    t = np.clip(((x - ax) * dx + (y - ay) * dy) / np.where(n2 == 0, 1, n2), 0, 1)
    return np.hypot(ax + t * dx - x, ay + t * dy - y)
