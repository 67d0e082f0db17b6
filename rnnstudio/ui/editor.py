"""The editor: turns canvas requests and menu actions into undo commands on the document.

Refusals (the model's NetworkError) become a status-bar message; the model stays unchanged.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QGuiApplication

from ..model import NetworkError
from .. import layout
from ..layout import fold
from . import subnet
from .commands import (AddSubnetCommand, CompositeCommand, GroupCommand, OrderingCommand,
                       RemoveCommand, SetEdgeAttrsCommand, SetMetaCommand, SetNodeAttrsCommand,
                       push)
from .plaintext import menu_text
from ..collector import quiet_collector

SUBNET_MIME = "application/x-rnnstudio-subnet+json"
SNAP = 10.0
FREE_SPACE_GAP = 160.0


def _snap(v: float) -> float:
    return round(v / SNAP) * SNAP


def _group_id(label: str) -> str:
    """An id made from a group's label: spaces and control characters become '_'."""
    gid = "".join(c if c.isprintable() and not c.isspace() else "_" for c in label)[:60]
    return gid or "group"


class Editor(QObject):
    message = Signal(str)

    def __init__(self, document, scene, parent=None):
        super().__init__(parent)
        self.doc, self.scene = document, scene
        # the text copied last, its record (never changed) and the record's subnet.edge_table
        self._copied: tuple[str, dict, tuple | None] | None = None
        scene.edge_requested.connect(self.add_edge)
        scene.nodes_moved.connect(self.record_move)

    @property
    def net(self):
        return self.doc.net

    def run(self, command, refused: str = "") -> bool:
        """Apply and record a command; a refusal shows the model's message (after `refused`,
        such as "Cannot paste")."""
        try:
            push(self.doc.stack, command)
        except NetworkError as exc:
            self.message.emit(f"{refused}: {exc}" if refused else str(exc))
            return False
        return True

    # ---------------------------------------------------------------- nodes and edges
    def add_node_at(self, kind: str, pos: QPointF) -> str | None:
        """Add an input, neuron, output or product neuron exactly at a scene position (the
        cursor's for the I/N/O/P keys, the drop point of a palette drag)."""
        model_kind = "neuron" if kind == "product" else kind
        attrs = {"x": round(pos.x(), 1), "y": round(pos.y(), 1)}
        if kind == "product":
            attrs["aggregate"] = "product"
        node = self.net.new_id(model_kind)
        names = {"product": "product neuron"}
        ok = self.run(AddSubnetCommand(self.net, [(node, model_kind, attrs)],
                                       text=f"Add {names.get(kind, kind)} {node}"))
        return node if ok else None

    def add_node_near(self, kind: str, centre: QPointF, within=None) -> str | None:
        """Add a node at the free spot nearest `centre` (a click on a palette entry: near the
        middle of the view, never on top of another node), inside `within` if it fits."""
        return self.add_node_at(kind, self.scene.free_spot(centre, within))

    def add_edge(self, u: str, v: str, weight: float = 0.5, delay="auto") -> bool:
        text = f"Add self-loop {u}" if u == v else f"Add edge {u} → {v}"
        return self.run(AddSubnetCommand(self.net, edges=[(u, v, {"weight": weight,
                                                                   "delay": delay})], text=text))

    def insert_neuron_on_edge(self, u: str, v: str) -> str | None:
        """Replace u -> v by u -> n -> v through a new identity neuron n halfway between them:
        u -> n keeps the weight and the delay setting, n -> v has weight 1 (auto delay), so a
        same-step edge computes the same as before. One undo step."""
        g = self.net.graph
        if u == v or not g.has_edge(u, v):
            return None
        a, mid = g.edges[u, v], self.net.new_id("neuron")
        x = _snap((g.nodes[u]["x"] + g.nodes[v]["x"]) / 2)
        y = _snap((g.nodes[u]["y"] + g.nodes[v]["y"]) / 2)
        add = AddSubnetCommand(self.net, [(mid, "neuron", {"x": x, "y": y,
                                                           "activation": "identity"})],
                               [(u, mid, {"weight": a["weight"], "delay": a["delay"],
                                          "trainable": a["trainable"]}),
                                (mid, v, {"weight": 1.0, "delay": "auto"})])
        text = f"Insert neuron {mid} on {u} → {v}"
        parts = [RemoveCommand(self.net, edges=[(u, v)]), add]
        return mid if self.run(CompositeCommand(self.net, parts, text)) else None

    def record_move(self, before: dict, after: dict) -> None:
        """A drag already moved the nodes live: record it as one step."""
        old = {n: {"x": x, "y": y} for n, (x, y) in before.items() if n in after}
        new = {n: {"x": x, "y": y} for n, (x, y) in after.items()}
        self.run(SetNodeAttrsCommand(self.net, new, f"Move {len(new)} node(s)", old=old))

    def delete_selection(self) -> None:
        nodes = self.scene.selected_nodes()
        edges = [e for e in self.scene.selected_edges if e[0] not in nodes and e[1] not in nodes]
        if nodes or edges:
            self.scene.select_edges(set())
            self.run(RemoveCommand(self.net, nodes, edges,
                                   f"Delete {len(nodes)} node(s), {len(edges)} edge(s)"))

    def select_all(self) -> None:
        self.scene.select_nodes(list(self.net.graph.nodes))

    # ---------------------------------------------------------------- inspector edits
    def set_node_attrs(self, ids, **attrs) -> bool:
        changes = {n: dict(attrs) for n in ids}
        return self.run(SetNodeAttrsCommand(self.net, changes, f"Set {', '.join(attrs)}"))

    def set_edge_attrs(self, keys, **attrs) -> bool:
        changes = {tuple(k): dict(attrs) for k in keys}
        return self.run(SetEdgeAttrsCommand(self.net, changes, f"Set edge {', '.join(attrs)}"))

    def set_meta(self, text: str = "Edit description", **meta) -> bool:
        """Change the network's name or description (one undo step; nothing if unchanged)."""
        meta = {k: v for k, v in meta.items() if getattr(self.net, k) != v}
        return not meta or self.run(SetMetaCommand(self.net, meta, text))

    def set_edge_weights(self, weights: dict, text: str = "Set weights") -> bool:
        """A weight per edge {(u, v): w}, as one undo step."""
        changes = {tuple(k): {"weight": float(w)} for k, w in weights.items()}
        return self.run(SetEdgeAttrsCommand(self.net, changes, text))

    # ---------------------------------------------------------------- ordering
    def set_ordering_mode(self, mode: str) -> bool:
        if mode == self.net.ordering_mode:
            return True
        return self.run(OrderingCommand(self.net, mode=mode, text=f"Ordering: {mode}"))

    def set_manual_order(self, ids: list[str]) -> bool:
        rest = [n for n in ids if self.net.kind(n) != "input"]
        return self.run(OrderingCommand(self.net, manual=rest, text="Reorder"))

    def arrange(self) -> None:
        """Lay the network out (`rnnstudio.layout.arrange`) for the canvas's shape; one undo
        step."""
        g = self.net.graph
        pos = layout.arrange(self.net, aspect=self._view_aspect())
        changes = {n: {"x": x, "y": y} for n, (x, y) in pos.items()
                   if (g.nodes[n]["x"], g.nodes[n]["y"]) != (x, y)}
        if changes:
            self.run(SetNodeAttrsCommand(self.net, changes, "Arrange"))

    def _view_aspect(self) -> float:
        views = self.scene.views()
        size = views[0].viewport().size() if views else None
        if size is None or size.height() < 50 or size.width() < 50:
            return layout.ASPECT
        return size.width() / size.height()

    # ---------------------------------------------------------------- sub-networks
    def insert_record(self, record: dict, text: str, at: tuple | None = None,
                      keep_ids: bool = False) -> list[str]:
        """Insert a sub-network at `at` (its top-left), or in free space: with fresh ids, or
        with `keep_ids` its own ids (suffixed where taken)."""
        with quiet_collector():  # 55,000 records for a paste of 5,000 nodes: no garbage
            x0, y0, _, _ = subnet.bounds(record)
            tx, ty = at if at is not None else self._free_spot(record)
            nodes, edges, groups = subnet.renamed(self.net, record, tx - x0, ty - y0, keep_ids,
                                                  self._edge_table(record))
            if self.run(AddSubnetCommand(self.net, nodes, edges, text, groups),
                        f"Cannot {text.lower()}"):
                self.scene.select_nodes([n for n, _, _ in nodes])
                return [n for n, _, _ in nodes]
            return []

    def _free_spot(self, record: dict) -> tuple[float, float]:
        if not len(self.net):
            x0, y0, _, _ = subnet.bounds(record)
            return x0, y0
        g = self.net.graph
        right = max(d["x"] for _, d in g.nodes(data=True))
        _, y0, _, y1 = subnet.bounds(record)
        top = min(d["y"] for _, d in g.nodes(data=True))
        return _snap(right + FREE_SPACE_GAP), _snap(top)

    def insert_template(self, name: str, net, at: tuple | None = None) -> list[str]:
        return self.insert_record(subnet.from_network(net), f"Insert {name}", at, keep_ids=True)

    def add_layer(self, k: int, activation: str = "tanh", kind: str = "neuron") -> list[str]:
        nodes = [[f"n{i}", kind, {"activation": activation, "x": 0.0, "y": i * 70.0}]
                 for i in range(k)]
        return self.insert_record({"nodes": nodes, "edges": []}, f"Add layer of {k}")

    def connect(self, sources, targets, delay="auto", seed: int | None = None) -> bool:
        """Fully connect sources -> targets (fan-in scaled random weights); existing edges and
        edges into inputs are skipped."""
        g = self.net.graph
        pairs = [(u, v) for v in targets for u in sources
                 if not g.has_edge(u, v) and g.nodes[v]["kind"] != "input"]
        if not pairs:
            self.message.emit("Nothing to connect: every pair is already connected or ends "
                              "in an input")
            return False
        rng = np.random.default_rng(seed)
        bound = 1.0 / math.sqrt(max(1, len(list(sources))))
        edges = [(u, v, {"weight": round(float(rng.uniform(-bound, bound)), 4), "delay": delay})
                 for u, v in pairs]
        return self.run(AddSubnetCommand(self.net, edges=edges,
                                         text=f"Connect {len(edges)} edge(s)"))

    # ---------------------------------------------------------------- groups
    def group_nodes(self, ids, label: str) -> str | None:
        """Make `ids` a new group called `label` (taking them out of the groups they were in);
        returns the group's id."""
        ids = list(dict.fromkeys(ids))
        if not ids:
            self.message.emit("Select the nodes to group first")
            return None
        label = label.strip() or "group"
        gid = subnet.free_id(_group_id(label), set(self.net.groups))
        opened = {self.net.group_of(n) for n in ids}  # collapsed groups giving members open
        groups = {}
        for g, rec in self.net.groups.items():
            members = [n for n in rec["members"] if n not in ids]
            if members:
                groups[g] = {**rec, "members": members,
                             "collapsed": rec["collapsed"] and g not in opened}
        groups[gid] = {"label": label, "members": ids, "collapsed": False}
        shut = {g for g, r in self.net.groups.items() if r["collapsed"] and g not in opened}
        ok = self._regroup(groups, shut, menu_text(f"Group {len(ids)} node(s) as {label}"))
        return gid if ok else None

    def ungroup(self, gid: str) -> bool:
        """Dissolve a group; a collapsed one is expanded first in the same undo step (its
        members were packed into its block)."""
        groups = self.net.groups
        shut = {g for g, r in groups.items() if r["collapsed"] and g != gid}
        label = groups.pop(gid)["label"]
        return self._regroup(groups, shut, menu_text(f"Ungroup {label}"))

    def set_group_attrs(self, gid: str, text: str | None = None, **attrs) -> bool:
        """Rename (label=...), collapse or expand (collapsed=...) a group."""
        groups = self.net.groups
        if "collapsed" in attrs and attrs["collapsed"] != groups[gid]["collapsed"]:
            ok = self.set_groups_collapsed([gid], attrs.pop("collapsed"), text)
            return ok and (not attrs or self.set_group_attrs(gid, text, **attrs))
        groups[gid].update(attrs)
        if text is None:
            verb = {True: "Collapse", False: "Expand"}.get(attrs.get("collapsed"), "Rename")
            text = f"{verb} {groups[gid]['label']}"
        return self.run(GroupCommand(self.net, groups, text))

    def set_groups_collapsed(self, gids, collapsed: bool, text: str | None = None) -> bool:
        """Collapse (or expand) groups, and lay the picture out for it, as one undo step
        (`layout.fold`: an arranged picture is arranged again, one placed by hand makes room
        for the new blocks and frames)."""
        groups = self.net.groups
        gids = [g for g in gids if g in groups and groups[g]["collapsed"] != bool(collapsed)]
        if not gids:
            return True
        if text is None:
            verb = "Collapse" if collapsed else "Expand"
            text = menu_text(f"{verb} {groups[gids[0]]['label']}" if len(gids) == 1 else
                             f"{verb} {len(gids)} groups")
        for g in gids:
            groups[g]["collapsed"] = bool(collapsed)
        return self._regroup(groups, {g for g, r in groups.items() if r["collapsed"]}, text)

    def _regroup(self, groups: dict, shut: set, text: str) -> bool:
        """Set the groups and move the nodes to where `layout.fold` puts them once exactly
        the groups `shut` are collapsed, as one undo step."""
        pos = fold.positions(self.net, shut, self._view_aspect(), layout.arrange)
        g = self.net.graph
        moves = {n: {"x": x, "y": y} for n, (x, y) in pos.items()
                 if (g.nodes[n]["x"], g.nodes[n]["y"]) != (x, y)}
        parts = [GroupCommand(self.net, groups, text)]
        if moves:
            parts.append(SetNodeAttrsCommand(self.net, moves, text))
        return self.run(CompositeCommand(self.net, parts, text))

    # ---------------------------------------------------------------- clipboard
    def copy(self) -> bool:
        ids = self.scene.selected_nodes()
        if not ids:
            return False
        # Plain text only: a QMimeData made in Python and handed to the clipboard crashes the
        # interpreter at exit (PySide6 6.11, segfault when QGuiApplication is destroyed).
        # `paste` recognises the text by its "rnnstudio-subnet" format field.
        record = subnet.extract(self.net, ids)
        self._copied = (subnet.dumps(record), record, subnet.edge_table(record))
        QGuiApplication.clipboard().setText(self._copied[0])
        return True

    def cut(self) -> None:
        if self.copy():
            self.delete_selection()

    def paste(self, at: tuple | None = None) -> list[str]:
        """Insert the clipboard's nodes: at `at` (their top-left), else beside the originals
        (`_beside`).
        A clipboard that holds no nodes, or nodes that are malformed or refused by the model,
        is a status message."""
        mime = QGuiApplication.clipboard().mimeData()
        text = mime.text() if mime is not None else ""
        if mime is not None and mime.hasFormat(SUBNET_MIME):
            text = bytes(mime.data(SUBNET_MIME)).decode("utf-8", "replace")
        try:
            with quiet_collector():
                record = self._read_clipboard(text)
        except subnet.SubnetError as exc:
            self.message.emit(f"Cannot paste: the clipboard's RNN Studio nodes are malformed "
                              f"({exc})")
            return []
        if record is None or not record["nodes"]:
            self.message.emit("The clipboard holds no RNN Studio nodes")
            return []
        at = self._beside(record) if at is None else (_snap(at[0]), _snap(at[1]))
        return self.insert_record(record, "Paste", at)

    def _read_clipboard(self, text: str) -> dict | None:
        """The record in the clipboard's text: the one `copy` made when the text is still
        what it put there (reading back 5,000 nodes' JSON and checking 55,000 records took
        0.05-0.1 s of a paste), else `subnet.loads`."""
        if self._copied is not None and text == self._copied[0]:
            return self._copied[1]
        return subnet.loads(text)

    def _edge_table(self, record: dict) -> tuple | None:
        """The `subnet.edge_table` made at copy time when `record` is the copied one (a paste
        of 50,000 edges then renames their ends only: 5 ms instead of 25-40), else None."""
        copied = self._copied
        return copied[2] if copied is not None and record is copied[1] else None

    def _beside(self, record: dict) -> tuple[float, float]:
        """Where a paste goes: right of the copied nodes, on their rows, when no node is
        there; else right of the whole network. (A copy 40 units down and right of its
        originals covered them: two tangles of frames, labels and edges in one place.)"""
        x0, y0, x1, y1 = subnet.bounds(record)
        tx, pad = _snap(x1 + FREE_SPACE_GAP), FREE_SPACE_GAP / 2
        left, right, top, bottom = tx - pad, tx + x1 - x0 + pad, y0 - pad, y1 + pad
        for _, d in self.net.graph.nodes(data=True):
            if left <= d["x"] <= right and top <= d["y"] <= bottom:
                return self._free_spot(record)
        return tx, y0
