"""The main window: wires the canvas, docks, menus, toolbar and status bar together.

It holds no editing logic: documents live in `document`, file dialogs in `files`, edits in
`editor`, the Insert menu in `insert`. Later panels (step-through player, training) plug in
with `add_dock(widget, title, area)`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from ..collector import settle_heap
from .canvas.scene import NetworkScene
from .canvas.view import NetworkView
from .context_menus import CanvasMenus
from .document import Document
from .editor import Editor
from .files import FileController
from .group_actions import GroupActions
from .insert import TEMPLATE_ENTRIES, InsertController
from .inspector import InspectorWidget
from .ordering_strip import OrderingStripWidget
from .palette import PaletteWidget
from . import window_state
from .plaintext import literal, menu_text
from .toolbar import build_toolbar

SK = QKeySequence.StandardKey


class MainWindow(QMainWindow):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.doc = Document(self)
        self.scene = NetworkScene(self.doc.net, self)
        self.view = NetworkView(self.scene)
        self.editor = Editor(self.doc, self.scene, self)
        self.files = FileController(self.doc, self.scene, self)
        self.insert = InsertController(self.editor, self)
        self.groups = GroupActions(self.editor, self)
        self.setCentralWidget(self.view)
        self.resize(1400, 860)
        self.docks: dict[str, QDockWidget] = {}
        self.dock_areas: dict[str, Qt.DockWidgetArea] = {}  # where Reset Layout puts them
        self.actions: dict[str, QAction] = {}
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self._install_panels()
        self.setWindowTitle(self.doc.title())
        self.statusBar().showMessage("Drag nodes from the palette; drag from a node's rim to "
                                     "connect. F fits the view.")

    # ---------------------------------------------------------------- docks
    def add_dock(self, widget, title: str,
                 area=Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        """Add a panel as a dock (also listed in the View menu once menus exist)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[title] = dock
        self.dock_areas[title] = area
        if hasattr(self, "view_menu"):
            self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_docks(self) -> None:
        self.palette = PaletteWidget()
        self.inspector = InspectorWidget(self.editor)
        self.strip = OrderingStripWidget()
        self.strip.set_network(self.doc.net)
        self.add_dock(self.palette, "Palette", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock(self.inspector, "Inspector", Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock(self.strip, "Ordering", Qt.DockWidgetArea.BottomDockWidgetArea)
        self.inspector.setMinimumWidth(260)

    def _install_panels(self) -> None:
        """The step-through player (Sequence, Unrolled and Plots docks, Play menu) and the
        training dock (with its lock on structural edits while a run is active), laid out
        under the canvas: Sequence on the left, then Unrolled / Plots / Training as tabs."""
        from .about_network import install_about_network
        from .player.install import follow_training, install_player
        from .training.install import install_training
        self.about_network = install_about_network(self)
        self.player = install_player(self)
        self.training = install_training(self)
        follow_training(self.player, self.training)
        from .animation_dialog import install_animation_export
        from .help import install_help
        self.animation = install_animation_export(self)  # File › Export Animation…
        self.help = install_help(self)  # last: Help is the menu bar's last menu
        window_state.arrange(self)
        window_state.restore_geometry(self)
        self.layout_restored: bool | None = None  # known once shown
        self.layout_settled = False  # the docks have their sizes (a zero timer after the show)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "layout_restored", False) is None:  # the first show: docks need sizes
            self.layout_restored = False
            QTimer.singleShot(0, self._after_first_show)

    def _after_first_show(self) -> None:
        self.layout_restored = window_state.after_first_show(self)
        self.layout_settled = True
        QTimer.singleShot(0, self.view.fit)  # the canvas has its size now: fit it again

    # ---------------------------------------------------------------- actions
    def _act(self, name: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut if not isinstance(shortcut, SK) else QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _=False: slot())
        self.actions[name] = action
        return action

    def _build_actions(self) -> None:
        f, e, v = self.files, self.editor, self.view
        self._act("new", "&New", f.new, SK.New)
        self._act("open", "&Open…", f.open, SK.Open)
        self._act("save", "&Save", f.save, SK.Save)
        self._act("save_as", "Save &As…", f.save_as, SK.SaveAs)
        self._act("revert", "&Revert", f.revert)
        self._act("export", "&Export Image…", f.export_image, "Ctrl+E")
        self._act("import_net", "&Import…", f.import_network, "Ctrl+Shift+I")
        self._act("export_net", "Export &Network…", f.export_network, "Ctrl+Shift+E")
        self._act("quit", "&Quit", self.close, SK.Quit)
        undo = self.doc.stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(SK.Undo))
        redo = self.doc.stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence(SK.Redo))
        self.actions.update(undo=undo, redo=redo)
        self._act("cut", "Cu&t", e.cut, SK.Cut)
        self._act("copy", "&Copy", e.copy, SK.Copy)
        self._act("paste", "&Paste", e.paste, SK.Paste)
        self._act("delete", "&Delete", e.delete_selection, SK.Delete)
        self._act("select_all", "Select &All", e.select_all, SK.SelectAll)
        self._act("add_layer", "Add &Layer…", self.insert.add_layer, "Ctrl+L")
        self._act("connect", "&Connect Selection → Selection", self.insert.connect_selection,
                  "Ctrl+K", "First use marks the sources; select targets and use it again")
        self._act("arrange", "&Arrange", e.arrange, "Ctrl+Shift+A",
                  "Lay the network out left to right by its ordering")
        self._act("fit", "&Fit to View", v.fit, "F")
        self._act("zoom_in", "Zoom &In", lambda: v.zoom(1.25), SK.ZoomIn)
        self._act("zoom_out", "Zoom &Out", lambda: v.zoom(0.8), SK.ZoomOut)
        self._act("reset_layout", "&Reset Layout", lambda: window_state.reset(self),
                  tip="Every panel back in its default place and size")
        self.actions["fit"].setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def _build_menus(self) -> None:
        a, bar = self.actions, self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a["new"], a["open"]])
        self.examples_menu = file_menu.addMenu("Open &Example")
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addActions([a["save"], a["save_as"], a["revert"]])
        file_menu.addSeparator()
        file_menu.addActions([a["import_net"], a["export_net"], a["export"]])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        edit = bar.addMenu("&Edit")
        edit.addActions([a["undo"], a["redo"]])
        edit.addSeparator()
        edit.addActions([a["cut"], a["copy"], a["paste"], a["delete"], a["select_all"]])
        edit.addSeparator()
        edit.addActions(self.groups.actions)
        insert = bar.addMenu("&Insert")
        templates = insert.addMenu("&Templates")
        for i, (text, _, _) in enumerate(TEMPLATE_ENTRIES):
            templates.addAction(text, lambda i=i: self.insert.insert_template(i))
        insert.addActions([a["add_layer"], a["connect"]])
        network = bar.addMenu("&Network")
        network.addAction(a["arrange"])
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addActions([a["fit"], a["zoom_in"], a["zoom_out"]])
        self.view_menu.addSeparator()
        self.view_menu.addAction(a["reset_layout"])
        self.view_menu.addSeparator()
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self._fill_examples()
        self._fill_recent()

    def _fill_examples(self) -> None:
        self.examples_menu.clear()
        for path in self.files.examples():
            name = path.name.removesuffix(".rnn.json")
            self.examples_menu.addAction(name, lambda p=path: self.files.open_example(p))
        self.examples_menu.setEnabled(bool(self.examples_menu.actions()))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.files.recent():
            self.recent_menu.addAction(menu_text(Path(path).name),
                                       lambda p=path: self.files.open_path(p)).setToolTip(
                                           literal(path))
        self.recent_menu.setEnabled(bool(self.recent_menu.actions()))

    def _build_toolbar(self) -> None:
        self.toolbar, self.mode_box = build_toolbar(self, self.actions, self.doc.stack)

    # ---------------------------------------------------------------- wiring
    def _connect(self) -> None:
        d, s = self.doc, self.scene
        d.network_replaced.connect(self._on_network_replaced)
        d.title_changed.connect(self.setWindowTitle)
        d.stack.indexChanged.connect(self._on_stack_changed)
        s.selectionChanged.connect(self._on_selection_changed)
        s.edge_selection_changed.connect(self._on_selection_changed)
        self.editor.message.connect(self._show_message)
        self.files.message.connect(self._show_message)
        self.doc.message.connect(self._show_message)
        s.message.connect(self._show_message)
        self.files.recent_changed.connect(self._fill_recent)
        self.view.node_drop_requested.connect(self.editor.add_node_at)
        self.canvas_menus = CanvasMenus(self.editor, self.insert, self.view, self.actions, self)
        self.view.context_menu_requested.connect(self.canvas_menus.open)
        self.palette.kind_clicked.connect(
            lambda k: self.editor.add_node_near(k, self.view.centre(), self.view.visible_rect()))
        self.strip.reorder_requested.connect(self.editor.set_manual_order)
        self.strip.nodes_clicked.connect(s.select_nodes)
        self.mode_box.activated.connect(
            lambda i: self.editor.set_ordering_mode(self.mode_box.itemData(i)))
        self._on_stack_changed()

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def _on_network_replaced(self, net) -> None:
        self.scene.set_network(net)
        self.strip.set_network(net)
        self.inspector.show_selection([], [])
        self._on_stack_changed()
        QTimer.singleShot(0, self.view.fit_when_drawn)
        QTimer.singleShot(0, lambda: settle_heap(len(net) + net.edge_count()))

    def _on_stack_changed(self, *_) -> None:
        self.mode_box.setCurrentIndex(self.mode_box.findData(self.doc.net.ordering_mode))
        self.inspector.refresh_soon()

    def _on_selection_changed(self) -> None:
        self.inspector.show_selection(self.scene.selected_nodes(),
                                      sorted(self.scene.selected_edges))

    def closeEvent(self, event) -> None:
        if self.files.maybe_save():
            self.doc.discard_recovery()
            window_state.save(self)
            event.accept()
        else:
            event.ignore()
