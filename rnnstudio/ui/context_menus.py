"""Context menus of the canvas: on a node (or the selected nodes), an edge (or the selected
edges) and the empty canvas. Every entry that changes the network goes through the `Editor`,
so it is one undo step like the same edit made anywhere else.

A right click selects what it hits (unless it is already part of the selection: then the menu
acts on the whole selection), like file managers and other node editors do. While training
runs, the structural entries are disabled and the menu says why.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QMenu

from ..model import ACTIVATIONS, AGGREGATES, DIRECTIONS, KINDS
from .insert import TEMPLATE_ENTRIES
from .plaintext import literal, menu_text

DELAYS = ("auto", 0, 1, 2, 3)
ADD_KINDS = (("Input", "input"), ("Neuron", "neuron"), ("Output", "output"),
             ("Product neuron", "product"))
LOCKED_NOTE = "Structural edits are off while training runs"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


class CanvasMenus(QObject):
    """Builds and opens the menus. `actions` are the main window's named QActions (delete,
    cut, copy, paste, select_all, arrange, fit): reused so the menu shows their shortcuts."""

    def __init__(self, editor, insert, view, actions: dict, parent=None):
        super().__init__(parent)
        self.editor, self.insert, self.view, self.actions = editor, insert, view, actions
        self.menu: QMenu | None = None  # the menu open now (kept for tests)

    @property
    def scene(self):
        return self.editor.scene

    @property
    def net(self):
        return self.editor.net

    @property
    def locked(self) -> bool:
        """Training is running: the canvas takes no structural edits."""
        return not self.view.isInteractive()

    # ---------------------------------------------------------------- opening
    def open(self, scene_pos: QPointF, global_pos) -> QMenu:
        self.menu = self.menu_for(scene_pos)
        self.menu.popup(global_pos)
        return self.menu

    def menu_for(self, pos: QPointF) -> QMenu:
        """The menu for a right click at scene position `pos` (selecting what it hits)."""
        node = self.scene.node_at(pos)
        if node is not None:
            ids = self.scene.selected_nodes()
            if node.node_id not in ids:
                self.scene.select_nodes([node.node_id])
                ids = [node.node_id]
            return self.node_menu(ids)
        block = self.scene.groups.block_at(pos) or self.scene.groups.frame_at(pos)
        if block is not None:  # a collapsed group's block, or an expanded group's header
            return self.group_menu(block.gid)
        edge = self.scene.edge_at(pos)
        if edge is not None:
            keys = sorted(self.scene.selected_edges)
            if edge not in keys:
                self.scene.select_edges({edge})
                keys = [edge]
            return self.edge_menu(keys)
        return self.canvas_menu(pos)

    def _menu(self, title: str) -> QMenu:
        menu = QMenu(self.view)
        header = menu.addAction(menu_text(title))  # names ids: "&" is not a shortcut
        header.setEnabled(False)
        if self.locked:
            menu.addAction(LOCKED_NOTE).setEnabled(False)
        menu.addSeparator()
        return menu

    def _add(self, menu: QMenu, text: str, slot, structural: bool = True,
             enabled: bool = True) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _=False: slot())
        action.setEnabled(enabled and not (structural and self.locked))
        return action

    def _choices(self, menu: QMenu, title: str, options, current, slot,
                 structural: bool = True) -> QMenu:
        """A submenu of exclusive, checkable choices; the current value is checked."""
        sub = menu.addMenu(title)
        group = QActionGroup(sub)
        for option in options:
            action = sub.addAction(str(option))
            action.setCheckable(True)
            action.setChecked(option == current)
            group.addAction(action)
            action.triggered.connect(lambda _=False, o=option: slot(o))
        sub.setEnabled(not (structural and self.locked))
        return sub

    def _shared(self, menu: QMenu, *names: str) -> None:
        for name in names:
            if name in self.actions:
                menu.addAction(self.actions[name])

    # ---------------------------------------------------------------- nodes
    def node_menu(self, ids: list[str]) -> QMenu:
        g = self.net.graph
        data = [g.nodes[n] for n in ids]
        title = f"{data[0]['kind'].capitalize()} {ids[0]}" if len(ids) == 1 \
            else _plural(len(ids), "node")
        menu = self._menu(title)
        neurons = [n for n, d in zip(ids, data) if d["kind"] != "input"]
        common = lambda key: data[0].get(key) if all(  # noqa: E731
            d.get(key) == data[0].get(key) for d in data) else None
        set_nodes = lambda nodes, **a: self.editor.set_node_attrs(nodes, **a)  # noqa: E731
        self._choices(menu, "&Kind", KINDS, common("kind"),
                      lambda k: set_nodes(ids, kind=k))
        if neurons:
            self._choices(menu, "&Activation", ACTIVATIONS, common("activation"),
                          lambda a: set_nodes(neurons, activation=a))
            self._choices(menu, "A&ggregate", AGGREGATES, common("aggregate"),
                          lambda a: set_nodes(neurons, aggregate=a))
            self._choices(menu, "&Direction in time", DIRECTIONS, common("direction"),
                          lambda a: set_nodes(neurons, direction=a))
        if len(ids) == 1 and neurons:
            n = ids[0]
            self._add(menu, "Add &self-loop", lambda: self.editor.add_edge(n, n),
                      enabled=not g.has_edge(n, n))
        self._add(menu, "&Rename…", lambda: self._rename(ids[0]), structural=False,
                  enabled=len(ids) == 1)
        menu.addSeparator()
        self._group_entries(menu, ids)
        menu.addSeparator()
        self._shared(menu, "cut", "copy", "delete")
        return menu

    # ---------------------------------------------------------------- groups
    def _group_entries(self, menu: QMenu, ids: list[str]) -> None:
        """Group the nodes; and for each group they are in, its own submenu."""
        text = "&Group selection…" if len(ids) > 1 else "&Group…"
        self._add(menu, text, lambda: self._group(ids), structural=False)
        gids = list(dict.fromkeys(g for g in map(self.net.group_of, ids) if g is not None))
        for gid in gids:
            title = menu_text(f"Group '{self.net.groups[gid]['label']}'")
            self.group_menu(gid, menu.addMenu(title))

    def group_menu(self, gid: str, menu: QMenu | None = None) -> QMenu:
        """Rename, collapse or expand, select and ungroup a group (also the menu of a group's
        block on the canvas)."""
        if menu is None:
            menu = self._menu(f"Group '{self.net.groups[gid]['label']}'")
        record = self.net.groups[gid]
        self._add(menu, "&Rename group…", lambda: self._rename_group(gid), structural=False)
        collapse = "E&xpand" if record["collapsed"] else "C&ollapse"
        self._add(menu, collapse, lambda: self.editor.set_group_attrs(
            gid, collapsed=not record["collapsed"]), structural=False)
        self._add(menu, "&Select members", lambda: self.scene.select_nodes(record["members"]),
                  structural=False)
        self._add(menu, "&Ungroup", lambda: self.editor.ungroup(gid), structural=False)
        return menu

    def _group(self, ids: list[str]) -> None:
        label, ok = QInputDialog.getText(self.view, "Group", f"Name of the group of "
                                         f"{_plural(len(ids), 'node')}", text="group")
        if ok:
            self.editor.group_nodes(ids, label)

    def _rename_group(self, gid: str) -> None:
        old = self.net.groups[gid]["label"]
        label, ok = QInputDialog.getText(self.view, "Rename group", "Name", text=old)
        if ok and label.strip() and label.strip() != old:
            self.editor.set_group_attrs(gid, label=label.strip())

    def _rename(self, node: str) -> None:
        old = self.net.graph.nodes[node].get("label", node)
        text, ok = QInputDialog.getText(self.view, "Rename", literal(f"Label of {node}"),
                                        text=old)
        if ok and text.strip() and text.strip() != old:
            self.editor.set_node_attrs([node], label=text.strip())

    # ---------------------------------------------------------------- edges
    def edge_menu(self, keys: list[tuple[str, str]]) -> QMenu:
        g = self.net.graph
        data = [g.edges[k] for k in keys]
        if len(keys) == 1:
            (u, v), = keys
            title = f"Self-loop {u}" if u == v else f"Edge {u} → {v}"
        else:
            title = _plural(len(keys), "edge")
        menu = self._menu(title)
        delay = data[0]["delay"] if all(d["delay"] == data[0]["delay"] for d in data) else None
        sub = self._choices(menu, "&Delay", DELAYS, delay,
                            lambda d: self.editor.set_edge_attrs(keys, delay=d))
        sub.addSeparator()
        other = sub.addAction("Other…")
        other.triggered.connect(lambda _=False: self._ask_delay(keys, delay))
        self._add(menu, "Set &weight…", lambda: self._ask_weight(keys), structural=False)
        self._add(menu, "&Negate weight", lambda: self._negate(keys), structural=False)
        trainable = menu.addAction("&Trainable")
        trainable.setCheckable(True)
        trainable.setChecked(all(d["trainable"] for d in data))
        trainable.setEnabled(not self.locked)
        trainable.triggered.connect(lambda on: self.editor.set_edge_attrs(keys, trainable=on))
        if len(keys) == 1 and keys[0][0] != keys[0][1]:
            menu.addSeparator()
            self._add(menu, "&Insert neuron on this edge",
                      lambda: self.editor.insert_neuron_on_edge(*keys[0]))
        menu.addSeparator()
        self._add(menu, "Delete " + ("edge" if len(keys) == 1 else _plural(len(keys), "edge")),
                  self.editor.delete_selection)
        return menu

    def _negate(self, keys) -> None:
        g = self.net.graph
        self.editor.set_edge_weights({k: -g.edges[k]["weight"] for k in keys}, "Negate weight")

    def _ask_delay(self, keys, current) -> None:
        start = current if isinstance(current, int) else 1
        value, ok = QInputDialog.getInt(self.view, "Delay", "Delay in steps (0: same step)",
                                        start, 0, 10_000)
        if ok:
            self.editor.set_edge_attrs(keys, delay=value)

    def _ask_weight(self, keys) -> None:
        g = self.net.graph
        value, ok = QInputDialog.getDouble(self.view, "Weight", "Weight",
                                           g.edges[keys[0]]["weight"], -1e6, 1e6, 4)
        if ok:
            self.editor.set_edge_attrs(keys, weight=value)

    # ---------------------------------------------------------------- empty canvas
    def canvas_menu(self, pos: QPointF) -> QMenu:
        menu = self._menu("Canvas")
        at = (pos.x(), pos.y())
        for text, kind in ADD_KINDS:
            self._add(menu, f"Add {text.lower()} here",
                      lambda k=kind: self.editor.add_node_at(k, pos))
        templates = menu.addMenu("Insert &template here")
        templates.setEnabled(not self.locked)
        for i, (text, _, _) in enumerate(TEMPLATE_ENTRIES):
            templates.addAction(text).triggered.connect(
                lambda _=False, i=i: self.insert.insert_template(i, at))
        self._add(menu, "&Paste here", lambda: self.editor.paste(at))
        menu.addSeparator()
        self._shared(menu, "select_all", "arrange", "fit")
        return menu
