"""Group actions of the Edit menu: Group Selection… (Ctrl+G), Ungroup (Ctrl+Shift+G),
Collapse / Expand Groups (double-click does the same on the canvas); each one undoable step
through the editor. A group's own menu (rename, collapse, select, ungroup) is the canvas's
context menu of its block (`CanvasMenus.group_menu`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit


class GroupActions(QObject):
    def __init__(self, editor, parent_widget=None):
        super().__init__(parent_widget)
        self.editor, self.widget = editor, parent_widget
        self.group = self._action("&Group Selection…", self.group_selection, "Ctrl+G",
                                  "Make the selected nodes a named group")
        self.ungroup = self._action("&Ungroup", self.ungroup_selection, "Ctrl+Shift+G",
                                    "Dissolve the groups of the selection (the nodes stay)")
        self.toggle = self._action("Collapse / E&xpand Groups", self.toggle_selection, None,
                                   "Collapse the selected groups into blocks, or expand them")
        self.actions = [self.group, self.ungroup, self.toggle]
        editor.scene.group_collapse_requested.connect(self.set_collapsed)

    def _action(self, text: str, slot, shortcut, tip: str) -> QAction:
        action = QAction(text, self.widget)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False: slot())
        return action

    @property
    def net(self):
        return self.editor.net

    # ---------------------------------------------------------------- the selection
    def selected_groups(self) -> list[str]:
        """The groups of the selected nodes and blocks, in the groups' order."""
        ids = set(self.editor.scene.selected_nodes())
        return [gid for gid, rec in self.net.groups.items() if ids.intersection(rec["members"])]

    def group_selection(self) -> str | None:
        ids = self.editor.scene.selected_nodes()
        if not ids:
            self.editor.message.emit("Select the nodes to group first")
            return None
        name, ok = QInputDialog.getText(self.widget, "Group", f"Name of the group of "
                                        f"{len(ids)} node(s):", QLineEdit.EchoMode.Normal,
                                        self._default_name())
        if not ok:
            return None
        gid = self.editor.group_nodes(ids, name)
        if gid is not None:
            self.editor.scene.select_nodes(ids)
        return gid

    def _default_name(self) -> str:
        labels = {rec["label"] for rec in self.net.groups.values()}
        k = 1
        while f"group {k}" in labels:
            k += 1
        return f"group {k}"

    def ungroup_selection(self) -> None:
        gids = self.selected_groups()
        if not gids:
            self.editor.message.emit("The selection is in no group")
            return
        self._in_one_step(f"Ungroup {len(gids)} group(s)",
                          [lambda g=g: self.editor.ungroup(g) for g in gids])

    def toggle_selection(self) -> None:
        gids = self.selected_groups()
        if not gids:
            self.editor.message.emit("The selection is in no group")
            return
        collapse = not all(self.net.groups[g]["collapsed"] for g in gids)
        self.editor.set_groups_collapsed(gids, collapse)

    def _in_one_step(self, text: str, edits: list) -> None:
        stack = self.editor.doc.stack
        stack.beginMacro(text)
        try:
            for edit in edits:
                edit()
        finally:
            stack.endMacro()

    # ---------------------------------------------------------------- one group
    def set_collapsed(self, gid: str, collapsed: bool) -> bool:
        if gid not in self.net.groups or self.net.groups[gid]["collapsed"] == collapsed:
            return False
        return self.editor.set_group_attrs(gid, collapsed=collapsed)
