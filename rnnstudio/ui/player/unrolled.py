"""The network unrolled through time, as textbooks draw recurrent networks.

One column per step (a window of steps around the cursor when the sequence is long); within a
column the rows stand in the ordering from top (inputs) to bottom: a group as one cell showing
its members' values as a strip (x_t -> h_t -> y_t, h_{t-1} -> h_t: the textbook figure), or a
node. Double-clicking a group's cell shows its neurons, double-clicking one of them the cell
again: the view's own choice (`expanded`), whatever the canvas shows. Same-step edges run down their column (or arc beside it), delayed edges cross from
column t-d to column t (t+d for reverse-time neurons); edges between the same two rows are one
arrow. Colours are the canvas's: values on its diverging scale, edges by timing and sign.

It scales to large networks: a column is one item that paints its cells from the trajectory
(recolouring a column is one `update()`), and the arrows into a column are a few shared paths
(one per delay and look) placed once per column, built once per structure.
"""

from __future__ import annotations

import bisect

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsScene, QGraphicsView, \
    QToolTip, QWidget

from ...model import events as ev
from .. import style
from ..turns import next_turn, queued
from .controller import PlayerController
from .unrolled_items import (CELL_W, COLUMN_PAD, COLUMN_W, HEADER_FONT, NODE_R,
                             ColumnItem, LabelItem, group_half_height)
from .unrolled_arrows import UnrolledArrows
from .unrolled_names import GAP, RowNames
from .unrolled_rows import build_rows

MAX_COLUMNS = 12
NODE_BUDGET = 6000  # nodes drawn at once at most: big networks get fewer columns
MIN_FIT = 0.6  # the smallest scale `fit` chooses


class UnrolledView(UnrolledArrows, QGraphicsView):
    """Columns of steps; click a cell to select that neuron (or group) and move the cursor to
    its step; double-click a group's cell to show its neurons, one of them to show the cell."""

    node_clicked = Signal(str, int)  # node id, step

    def __init__(self, player: PlayerController, parent: QWidget | None = None):
        super().__init__(parent)
        self.player = player
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QColor(252, 252, 250))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.window: tuple[int, int] = (0, -1)
        self.columns: dict[int, ColumnItem] = {}
        self.edge_items: list[QGraphicsPathItem] = []
        self._extras: list[QGraphicsItem] = []  # column heads, the "showing the selected" note
        self.edge_count = 0  # edges drawn (each step's copy counted)
        self.arrow_count = 0  # arrows drawn (edges between two rows are one arrow)
        self.rows: list = []  # unrolled_rows.Row, top to bottom
        self.row_of: dict[str, int] = {}
        self.row_y = np.zeros(0)
        self._row_hh = np.zeros(0)  # half heights
        self.output_rows: set[int] = set()
        self.user_zoomed = False  # the wheel zoomed: stop fitting the columns to the view
        self._templates: dict[tuple, QPainterPath] = {}  # (offset, delayed, sign, thick, arc)
        self._template_counts: dict[int, int] = {}  # offset -> edges drawn per column
        self._arrow_counts: dict[int, int] = {}  # offset -> arrows drawn per column
        self._levels: dict[int, np.ndarray] = {}
        self._shown_cursor = (-1, 0)
        self._stale = True  # rebuild when next shown
        self._on_screen = True  # False while its dock's tab is behind another
        self.focus_nodes: set[str] = set()  # whose edges are drawn in a big network
        self._focus_edges: tuple = (None, frozenset(), [])  # trajectory, focus, their edges
        self.edges_limited = False  # True when only the focus nodes' edges are drawn
        self._watched = None  # the network whose group changes rebuild the rows
        self.expanded: set[str] = set()  # groups this view shows as their neurons
        self._arrows_for: tuple = (None, None, 0)  # delays, rows, arrows of every edge
        self._rows_for = None  # what the rows were built for (order, expanded, groups)
        self._rows_kept = None  # the rows of a dropped trajectory, with what they were for
        self._rows_tr = None  # the trajectory the rows are of
        self._prepared = False  # the rows and arrow shapes are made for the trajectory
        self._wide_for, self._wide = None, False  # the rows column_half_width looked at
        self.names = RowNames(self)
        player.trajectory_changed.connect(self.rebuild)
        player.cursor_changed.connect(self._on_cursor_changed)

    # ------------------------------------------------------------------ geometry
    def columns_allowed(self) -> int:
        n = max(len(self.rows), 1)
        return max(3, min(MAX_COLUMNS, NODE_BUDGET // n))

    def step_window(self) -> tuple[int, int]:
        """The steps [first, last] drawn: all of them, or a page of steps holding the cursor.
        The page turns when the cursor leaves it (keeping one step of context), so stepping
        lays the view out again only once per page."""
        T, n = self.player.T, self.columns_allowed()
        if T <= n:
            return 0, T - 1
        t = max(self.player.t, 0)
        first, last = self.window
        if last - first + 1 == n and first <= t <= last:
            return first, last
        if last - first + 1 == n and t == last + 1:
            first = t - 1  # stepping forward off the page
        elif last - first + 1 == n and t == first - 1:
            first = t - n + 2  # stepping back off the page
        else:
            first = t - n // 3  # a jump: the cursor a third of the way in
        first = min(max(0, first), T - n)
        return first, first + n - 1

    def row_height(self) -> float:
        """The height of a node's row (a group's row is taller when its strip needs it)."""
        return max(28.0, min(40.0, 900.0 / max(len(self.rows), 1)))

    def _lay_rows(self) -> None:
        h = self.row_height()
        hh = [max(h / 2, group_half_height(len(r.members)) + 4) if r.is_group else h / 2
              for r in self.rows]
        ys, y = [], 0.0
        for i, half in enumerate(hh):
            y += half if i else 0.0
            ys.append(y)
            y += half
        self.row_y, self._row_hh = np.array(ys), np.array(hh)

    def row_half_height(self, i: int) -> float:
        """Half the height of row i's cell."""
        return group_half_height(len(self.rows[i].members)) if self.rows[i].is_group \
            else NODE_R

    def rows_in(self, top: float, bottom: float) -> range:
        """The rows whose cells meet the band [top, bottom]."""
        ys = self.row_y
        lo = max(0, bisect.bisect_left(ys.tolist(), top - 40) - 1)
        hi = min(len(ys), bisect.bisect_right(ys.tolist(), bottom + 40) + 1)
        return range(lo, hi)

    def column_top(self) -> float:
        """Where the first row's cell begins (the first row's centre is at y = 0)."""
        return -float(self._row_hh[0]) if len(self._row_hh) else 0.0

    def column_height(self) -> float:
        if not len(self.row_y):
            return 0.0
        return float(self.row_y[-1] + self._row_hh[-1]) - self.column_top()

    def column_half_width(self) -> float:
        if self._wide_for is not self.rows:  # once per rows: it is asked for every name
            self._wide_for, self._wide = self.rows, any(r.is_group for r in self.rows)
        wide = self._wide
        return (CELL_W / 2 if wide else NODE_R + 16) + COLUMN_PAD

    def column_x(self, t: int) -> float:
        return (t - self.window[0]) * COLUMN_W

    def position(self, node: str, t: int) -> QPointF:
        return QPointF(self.column_x(t), float(self.row_y[self.row_of[node]]))

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    # ------------------------------------------------------------------ building
    def rebuild(self) -> None:
        """New trajectory (sequence, weights or structure) or groups: rebuild the rows and the
        arrows and lay the window out again (later, if the view is hidden)."""
        self._templates.clear()
        self._prepared, self._rows_tr = False, None
        self._levels.clear()
        self._stale = True
        self._watch(self.player.network)
        if self.active():
            self._lay_out_soon()

    def _lay_out_soon(self) -> None:
        """Lay out now, or for a network the player runs in the background a moment later,
        on the UI's next turn: not in the same callback as the other views' update to the
        new trajectory (together 60-120 ms at 5,000 nodes)."""
        if self.player.runs_in_background():
            next_turn(self, self._lay_out_later)
        else:
            self._layout()

    def _lay_out_later(self) -> None:
        """A big network's layout in three turns of the UI: the rows, the arrows' shapes,
        then the items (each 15-40 ms at 5,000 nodes; the first two were one turn of 45-70)."""
        if not (self._stale and self.active()):
            return
        tr, net = self.player.trajectory, self.player.network
        if not self._prepared and tr is not None and net is not None and tr.T \
                and self.player.is_current():
            if self._rows_tr is not tr:
                self._set_rows(tr, net)
            else:
                self._build_templates(tr, net)
                self._prepared = True
            next_turn(self, self._lay_out_later)
        else:
            self._layout()

    def _watch(self, net) -> None:
        """Group changes (collapse, expand) change the rows but not the trajectory."""
        if net is self._watched:
            return
        self.expanded = set()  # another network: its groups as cells
        if self._watched is not None:
            self._watched.events.unsubscribe(self._on_model_event)
        self._watched = net
        if net is not None:
            net.events.subscribe(self._on_model_event)

    def _on_model_event(self, event) -> None:
        if event.kind == ev.GROUP_CHANGED:
            self.rebuild()

    def set_focus_nodes(self, nodes) -> None:
        """The selected neurons: in a network with more than EDGE_BUDGET edges only their
        edges are drawn (every edge of a big network through time is a grey fog)."""
        nodes = set(nodes)
        if nodes == self.focus_nodes:
            return
        drawn = self._focus_edges
        self.focus_nodes = nodes
        if self.edges_limited and not self._stale and drawn[0] is self.player.trajectory \
                and self.edges_drawn_for() == drawn[2]:
            return  # the same edges (none, when many neurons are selected): nothing to redraw
        if self.edges_limited or self._would_limit():
            self._templates.clear()
            self._prepared = False
            self._stale = True
            if self.active():
                self._layout()

    def active(self) -> bool:
        """Shown on screen (a dock tab behind another is "visible" to Qt but not seen)."""
        return self.isVisible() and self._on_screen

    def set_on_screen(self, on_screen: bool) -> None:
        """Its dock's `visibilityChanged`: catch up when it comes to the front."""
        self._on_screen = bool(on_screen)
        if self._on_screen and self._stale and self.isVisible():
            self._layout()

    def _layout(self) -> None:
        if self.player.trajectory is not None and not self.player.is_current():
            self._stale = True  # the re-run's trajectory_changed lays it out
            return
        self._stale = False
        scene = self.scene()
        for item in [*self.columns.values(), *(c.back for c in self.columns.values()),
                     *self.edge_items, *self._extras]:
            scene.removeItem(item)
        self.columns.clear()
        self.edge_items.clear()
        self._extras = []
        self.edge_count = self.arrow_count = 0
        tr, net = self.player.trajectory, self.player.network
        if tr is None or net is None or tr.T == 0:
            self.window = (0, -1)
            if self.rows:  # a big network's re-run brings the same rows back, or nearly
                self._rows_kept = (self._rows_for, self.rows, self.row_of, self.row_y,
                                   self._row_hh)
            self.rows, self.row_of, self._rows_for, self._rows_tr = [], {}, None, None
            self.names.set(self.rows, self.row_y)
            return
        if not self._prepared:
            self._prepare(tr, net)
        self.window = self.step_window()
        self.output_rows = {self.row_of[o] for o in tr.outputs if o in self.row_of}
        first, last = self.window
        for t in range(first, last + 1):
            column = ColumnItem(self, t)
            scene.addItem(column.back)
            scene.addItem(column)
            self.columns[t] = column
            head = LabelItem(f"t = {t}", Qt.AlignmentFlag.AlignHCenter, HEADER_FONT)
            head.setPos(self.column_x(t), self.column_top() - 14)
            head.setZValue(3.4)  # under the band that pinned row names hide columns with
            scene.addItem(head)
            self._extras.append(head)
        self._place_arrows(first, last)
        self.names.set(self.rows, self.row_y)
        if self.edges_limited:
            self._add_note(tr, first)
        w = (last - first) * COLUMN_W
        self._set_scene_rect(w, MIN_FIT)
        self._shown_cursor = (self.player.t, self.player.k)
        self.fit()
        self._set_scene_rect(w, self.transform().m11())  # the names' room at this scale
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())  # the names
        self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())
        self._scroll_to_cursor()
        self.names.pin()

    def _prepare(self, tr, net) -> None:
        """The rows and the arrows' shapes (what a layout draws its items from)."""
        self._set_rows(tr, net)
        self._build_templates(tr, net)
        self._prepared = True

    def _set_rows(self, tr, net) -> None:
        """The rows of the trajectory: kept when its ordering, the groups and the view's
        expanded groups are those they were built for (new weights or delays, or a re-run
        after an edit that kept the ordering: 5,000 rows take 10-30 ms to build)."""
        key = (tr.order, frozenset(self.expanded),
               [(g, r["label"], r["members"]) for g, r in net.groups.items()])
        self._rows_tr = tr
        if key == self._rows_for:
            return
        kept, self._rows_kept = self._rows_kept, None
        if kept is not None and kept[0] == key:
            _, self.rows, self.row_of, self.row_y, self._row_hh = kept
        else:
            self.rows, self.row_of = build_rows(tr, net, self.expanded)
            self._lay_rows()
        self._rows_for = key

    def _set_scene_rect(self, width: float, scale: float) -> None:
        """The columns, and left of them the row names (their size is in pixels)."""
        left = self.column_half_width() + GAP + (self.names.width() + GAP) / max(scale, MIN_FIT)
        self.scene().setSceneRect(QRectF(-left, self.column_top() - 44,
                                         width + left + COLUMN_W / 2 + 30,
                                         self.column_height() + 64))

    # ------------------------------------------------------------------ values
    def value_shown(self, node: str, t: int) -> float | None:
        """The value drawn for node at step t (None: not computed yet, or not drawn)."""
        tr = self.player.trajectory
        if tr is None or self._stale or t not in self.columns \
                or not self._computed(tr.index(node), t):
            return None
        return float(tr.values[t, tr.index(node)])

    def _computed(self, index: int, t: int) -> bool:
        p = self.player
        return t < p.t or (t == p.t and index < self.player.trajectory.n_inputs + p.k)

    def levels_for(self, t: int) -> np.ndarray:
        """Every node's colour level at step t (trajectory order), PENDING_LEVEL where not
        computed yet at the cursor."""
        cached = self._levels.get(t)
        if cached is not None:
            return cached
        tr, p = self.player.trajectory, self.player
        n = len(tr.order)
        done = n if t < p.t else (tr.n_inputs + p.k if t == p.t else 0)
        levels = style.value_levels(tr.values[t], tr.scale())
        levels[done:] = style.PENDING_LEVEL
        if t != p.t:  # the cursor's column changes with micro-steps: not cached
            self._levels[t] = levels
        return levels

    def fit(self) -> None:
        """Scale so the rows fill the view's height, between 60 % and 125 %, and the steps
        its width down to 85 % (wider windows of steps scroll): a few rows are drawn big."""
        if self.user_zoomed or self.scene().sceneRect().isEmpty():
            return
        rect, vp = self.scene().sceneRect(), self.viewport().rect()
        s = min(vp.height() / rect.height(), max(vp.width() / rect.width(), 0.85))
        s = max(MIN_FIT, min(1.25, s))
        self.setTransform(QTransform.fromScale(s, s))

    def _on_cursor_changed(self, t: int, k: int) -> None:
        if self.player.trajectory is None or not self.active():
            self._stale = True
            return
        if queued(self, self._lay_out_later):  # a layout is due: it shows the cursor
            return
        if self._stale or self.step_window() != self.window:
            self._layout()
            return
        old_t = self._shown_cursor[0]
        self._shown_cursor = (t, k)
        lo, hi = min(old_t, t), max(old_t, t)
        for step in range(max(lo, self.window[0]), min(hi, self.window[1]) + 1):
            self._levels.pop(step, None)
            self.columns[step].update()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        t = self.player.t
        if t in self.columns:  # the column's head (its label) comes into view
            head = QRectF(self.column_x(t) - 45, self.column_top() - 24, 90, 40)
            shown = self.mapToScene(self.viewport().rect()).boundingRect()
            if not shown.contains(head):  # no nudge while it is in view
                self.ensureVisible(head, 60, 20)

    # ------------------------------------------------------------------ events
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self._on_screen:
            self._layout()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        at_names = self.horizontalScrollBar().value() == self.horizontalScrollBar().minimum()
        self.fit()
        if self.columns:  # the names keep their size in pixels: their room follows the scale
            first, last = self.window
            self._set_scene_rect((last - first) * COLUMN_W, self.transform().m11())
            if at_names:
                self.horizontalScrollBar().setValue(self.horizontalScrollBar().minimum())
        self.names.pin()

    def _hit(self, view_pos) -> tuple[str, int, int] | None:
        """(node, step, row) under a viewport point: a group's row gives the member whose
        cell is under it (or its first member)."""
        p = self.mapToScene(view_pos)
        for item in self.scene().items(p):
            if not isinstance(item, ColumnItem):
                continue
            local = item.mapFromScene(p)
            for i in self.rows_in(local.y(), local.y()):
                row, y = self.rows[i], float(self.row_y[i])
                hw, hh = self._extent(i)
                if abs(local.x()) <= hw + 2 and abs(local.y() - y) <= hh + 2:
                    k = item.member_at(row, y, local) if row.is_group else 0
                    return row.members[k or 0], item.t, i
        return None

    def mousePressEvent(self, event) -> None:
        hit = self._hit(event.position().toPoint())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            node, t, _ = hit
            self.node_clicked.emit(node, t)
            self.player.seek(t)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        hit = self._hit(event.position().toPoint())
        row = None if hit is None else self.rows[hit[2]]
        if row is not None and (row.is_group or row.parent is not None):
            self.set_expanded(row.gid or row.parent, row.is_group)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def set_expanded(self, gid: str, expanded: bool) -> None:
        """Show a group as its neurons (or as one cell again), in this view only."""
        if (gid in self.expanded) == expanded:
            return
        (self.expanded.add if expanded else self.expanded.discard)(gid)
        self.rebuild()

    def viewportEvent(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            hit = self._hit(event.pos())
            if hit is not None:
                node, t, i = hit
                value = self.value_shown(node, t)
                text = "not computed yet" if value is None else f"{value:.4g}"
                QToolTip.showText(event.globalPos(), self._tip(self.rows[i], node, t, text),
                                  self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _tip(self, row, node: str, t: int, text: str) -> str:
        net = self.player.network
        if row.is_group:
            return (f"{node} (in {row.label}) at t = {t}: {text}\n"
                    "Double-click to show the group's neurons")
        if row.parent is not None:
            label = net.groups[row.parent]["label"] if row.parent in net.groups else row.parent
            return (f"{node} (in {label}) at t = {t}: {text}\n"
                    f"Double-click to show {label} as one cell")
        return f"{node} at t = {t}: {text}"

    def wheelEvent(self, event) -> None:
        self.user_zoomed = True
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)
        self.names.pin()
