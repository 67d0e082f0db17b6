"""The scene's groups: which nodes the collapsed groups hide, their blocks, the frames of the
expanded groups, and the bundles of the edges with an end in a collapsed group.

Everything here is derived from the model: a model event only marks what to derive again (the
structure: groups, bundle membership; or the geometry: positions), and `flush` brings the
items up to date in one pass.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from ...layout.routes import CLEAR_BOTTOM, CLEAR_TOP
from .. import style
from .blocks import GroupBlockItem, GroupFrameItem
from ...layout import route_arcs
from .bundle_items import (BundleItem, BundleLabelsItem, End, bundle_around, bundle_detour,
                           bundle_geom, crosses, free_lane)
from .geometry import END_GAP
from .bundles import bundles, collapsed_of
from .tags import BUNDLE_FRACTIONS, BUNDLE_LIFTS, box_of, node_obstacle

DETOUR_TURN = 22.0  # a detour turns this far right of its source (left of its target)
DETOUR_CLEAR = 12.0  # its lane passes blocks and nodes at least this far off
DETOUR_REACH = 400.0  # lanes are looked for this far above and below its ends


class SceneGroups:
    def __init__(self, scene):
        self.scene = scene
        self.hidden: dict[str, str] = {}  # node -> the collapsed group hiding it
        self.blocks: dict[str, GroupBlockItem] = {}
        self.frames: dict[str, GroupFrameItem] = {}
        self.bundle_items: dict = {}  # (source end, target end, delayed) -> BundleItem
        self.labels = BundleLabelsItem(self.bundle_items)
        self.labels.setFlag(self.labels.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        scene.addItem(self.labels)
        self._structure = False
        self._geometry = False

    @property
    def net(self):
        return self.scene.net

    # ---------------------------------------------------------------- marking
    def clear(self) -> None:
        for item in [*self.blocks.values(), *self.frames.values(), *self.bundle_items.values()]:
            self.scene.removeItem(item)
        self.blocks, self.frames = {}, {}
        self.bundle_items.clear()  # the labels item reads this dict
        self.labels.refresh()
        self.hidden = {}

    def reset(self) -> None:
        """A new network: start from its groups."""
        self.clear()
        self.hidden = collapsed_of(self.net)
        self.mark_structure()

    def mark_structure(self) -> None:
        self._structure = True
        self.scene._schedule()

    def mark_geometry(self) -> None:
        self._geometry = True
        self.scene._schedule()

    def bundled(self, u: str, v: str) -> bool:
        """Is the edge u -> v drawn as part of a bundle?"""
        return u in self.hidden or v in self.hidden

    # ---------------------------------------------------------------- bringing up to date
    def flush(self) -> bool:
        """True when blocks were laid out again (the loops around them route anew)."""
        structure, geometry = self._structure, self._geometry
        self._structure = self._geometry = False
        if structure:
            self._rebuild()
        if structure or geometry:
            self._lay_out()
        return bool((structure or geometry) and self.blocks)

    def _rebuild(self) -> None:
        groups = self.net.groups
        collapsed = [g for g, r in groups.items() if r["collapsed"]]
        expanded = [g for g, r in groups.items() if not r["collapsed"]]
        self._sync(self.blocks, collapsed, GroupBlockItem, "block")
        self._sync(self.frames, expanded, GroupFrameItem, "frame")
        data = bundles(self.net, self.hidden, self.scene._delays)
        for key in [k for k in self.bundle_items if k not in data]:
            self.scene.removeItem(self.bundle_items.pop(key))
            self.scene._tags.remove(("bundle",) + key)
        for key, bundle in data.items():
            item = self.bundle_items.get(key)
            if item is None:
                item = self.bundle_items[key] = BundleItem(key, bundle)
                self.scene.addItem(item)
            item.bundle = bundle

    def _sync(self, items: dict, wanted: list, cls, tag: str) -> None:
        for gid in [g for g in items if g not in wanted]:
            self.scene.removeItem(items.pop(gid))
            self.scene._tags.set_obstacle((tag, gid), None)
        for gid in wanted:
            if gid not in items:
                items[gid] = cls(self.net, gid)
                self.scene.addItem(items[gid])
        if list(items) != wanted:  # the groups' order: the blocks' layout order
            items_in_order = {gid: items[gid] for gid in wanted}
            items.clear()
            items.update(items_in_order)

    def _lay_out(self) -> None:
        groups = self.net.groups
        for gid, block in self.blocks.items():
            block.layout(groups[gid])
        tags = self.scene._tags
        covered: list = []
        for gid, block in self.blocks.items():
            covered += tags.set_obstacle(("block", gid), block.rect().translated(block.pos()))
        g = self.net.graph
        for gid, frame in self.frames.items():  # every frame's own header first ...
            members = groups[gid]["members"]
            frame.layout(groups[gid], [node_obstacle(g.nodes[m]["x"], g.nodes[m]["y"])
                                       for m in members])
            frame.fit_header(False)
            covered += tags.set_obstacle(("frame", gid), frame.header_rect())
        for gid, frame in self.frames.items():  # ... then names reach past their frames
            r = frame.rect()  # where no node, block, label or other frame's name is
            past = QRectF(r.right(), r.top(), max(0.0, frame.name_width() - r.width()), 15.0)
            if not past.isEmpty() and not tags.blocked(box_of(past)) and not any(
                    o is not frame and o.rect().intersects(past) for o in self.frames.values()):
                frame.fit_header(True)
                covered += tags.set_obstacle(("frame", gid), frame.header_rect())
        arcs = self._arcs()
        for key, item in self.bundle_items.items():
            source, target, delayed = key
            a, b, arc = self._end(source), self._end(target), arcs.get((source, target))
            if delayed and arc:
                geom = bundle_around(a, b, arc)
            else:
                lane = None if delayed or source == target else self._detour(key, a, b)
                geom = bundle_geom(a, b, delayed, source == target) if lane is None else \
                    bundle_detour(a, b, *lane)
            size = item.label_size()
            place = None if size is None else tags.place(
                ("bundle",) + key, geom.samples, *size, BUNDLE_FRACTIONS, BUNDLE_LIFTS)
            if size is None:
                tags.remove(("bundle",) + key)
            item.set_geometry(geom, place)
        self.labels.refresh()
        self.scene._mark_edges([k for k in covered if len(k) == 2 and k[0] != "bundle"])

    def _detour(self, key, a: End, b: End) -> tuple | None:
        """(out x, in x, lane y) for a same-step bundle whose straight arrow would pass
        through a block or a node (the GRU's x -> n ran through the U_n h block); None when
        the straight arrow is clear."""
        ends = {_obstacle_key(key[0]), _obstacle_key(key[1])}
        grid = self.scene._tags.obstacles
        p, q = a.rim(b.c), b.rim(a.c)
        p, q = (p.x(), p.y()), (q.x(), q.y())
        box = (min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))
        solid = [k for k in grid.hits(box) if k not in ends and not _is_frame(k)]
        if not any(crosses(p, q, grid.boxes[k]) for k in solid):
            return None
        out_x = a.c.x() + max(a.hw, END_GAP) + DETOUR_TURN
        in_x = b.c.x() - max(b.hw, END_GAP) - DETOUR_TURN
        if in_x <= out_x:
            return None
        ya, yb = a.c.y(), b.c.y()
        band = (out_x, min(ya, yb) - DETOUR_REACH, in_x, max(ya, yb) + DETOUR_REACH)
        taken = [(grid.boxes[k][1] - DETOUR_CLEAR, grid.boxes[k][3] + DETOUR_CLEAR)
                 for k in grid.hits(band) if k not in ends and not _is_frame(k)]
        return out_x, in_x, free_lane((ya + yb) / 2, taken)

    def _arcs(self) -> dict:
        """Delayed bundles back to an earlier layer go around the layers, on lanes clear of
        every block and visible node (`layout.route_arcs`, as single delayed edges do)."""
        pos, sizes = {}, {}
        for gid, block in self.blocks.items():
            r, c = block.rect(), block.pos()
            pos[("group", gid)], sizes[("group", gid)] = (c.x(), c.y()), (r.width() / 2,
                                                                          r.height() / 2)
        for n, item in self.scene.nodes.items():
            pos[("node", n)] = (item.pos().x(), item.pos().y())
        return route_arcs(pos, [(s, t) for s, t, d in self.bundle_items if d], sizes=sizes)

    def _end(self, end) -> End:
        kind, ident = end
        if kind == "group":
            block = self.blocks[ident]
            r = block.rect()
            return End(block.pos(), r.width() / 2, r.height() / 2)
        return End(self.scene.nodes[ident].pos())

    # ---------------------------------------------------------------- queries
    def selected_members(self) -> list[str]:
        return [m for b in self.blocks.values() if b.isSelected() for m in b.members]

    def route_marks(self) -> dict:
        """Points standing for the blocks in `layout.route_arcs` (which keeps its lanes a set
        distance from node centres): two per block, placed so the lanes clear its top and
        bottom edges by about 10 units."""
        marks = {}
        for gid, block in self.blocks.items():
            r = block.rect().translated(block.pos())
            marks[("block", gid, "top")] = (r.center().x(), r.top() + CLEAR_TOP - 10)
            marks[("block", gid, "bottom")] = (r.center().x(), r.bottom() - CLEAR_BOTTOM + 10)
        return marks

    def rect(self) -> QRectF:
        rect = QRectF()
        for item in [*self.blocks.values(), *self.frames.values(), *self.bundle_items.values()]:
            rect = rect.united(item.sceneBoundingRect())
        return rect

    def set_values(self, level_of: dict | None) -> None:
        """Step-through colours of the blocks' cells ({node: level}; None: editing look)."""
        for block in self.blocks.values():
            if level_of is None:
                block.set_levels(None)
            else:
                block.set_levels([level_of.get(m, style.PENDING_LEVEL) for m in block.members])

    def block_at(self, pos: QPointF) -> GroupBlockItem | None:
        for item in self.scene.items(pos):
            if isinstance(item, GroupBlockItem):
                return item
        return None

    def tooltip_text(self, pos: QPointF) -> str:
        """What a block or a bundle under `pos` is ("" if none)."""
        block = self.block_at(pos)
        if block is not None:
            return (f"{block.caption}\nA collapsed group: double-click to expand it, "
                    "select it to plot its members")
        for item in self.scene.items(pos):
            if isinstance(item, BundleItem):
                b = item.bundle
                later = {True: "later", False: "earlier", None: "earlier or later"}[b.later]
                when = f"read from {b.tag} ({later} steps)" if b.delayed else "same step"
                n = len(b.edges)
                return (f"{_end_name(self.net, b.source)} → {_end_name(self.net, b.target)}: "
                        f"{n} edge{'s' if n != 1 else ''}, {b.label}, {when}")
        return ""

    def frame_at(self, pos: QPointF) -> GroupFrameItem | None:
        for item in self.scene.items(pos):
            if isinstance(item, GroupFrameItem):
                return item
        return None


def _obstacle_key(end):
    """The key of a bundle's end in the scene's obstacles (a node's id, or its block)."""
    kind, ident = end
    return ("block", ident) if kind == "group" else ident


def _is_frame(key) -> bool:
    return isinstance(key, tuple) and key[0] == "frame"


def _end_name(net, end) -> str:
    kind, ident = end
    return net.groups[ident]["label"] if kind == "group" else ident
