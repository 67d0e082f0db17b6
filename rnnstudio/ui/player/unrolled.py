"""The network unrolled through time, as textbooks draw recurrent networks.

One column per step (a window of steps around the cursor when the sequence is long); within a
column the nodes stand in the ordering from top (inputs) to bottom; same-step edges arc inside
their column, delayed edges cross from column t-d to column t (t+d for reverse-time neurons).
Node fills show values on the same diverging scale as the canvas, synced with the cursor.

It scales to large networks: a column is one item that paints its nodes from the trajectory
(recolouring a column is one `update()`), and the edges into a column are a few shared paths
(one per delay and weight sign) placed once per column, built once per structure.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsPathItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView, QToolTip, QWidget)

from .colors import PENDING, value_color
from .controller import PlayerController

COLUMN_W = 150.0
NODE_R = 11.0
MAX_COLUMNS = 12
NODE_BUDGET = 6000  # nodes drawn at once at most: big networks get fewer columns
EDGE_BUDGET = 1500  # more edges than this: draw only those of the selected neurons
SAME_STEP = {True: QColor(40, 90, 170), False: QColor(200, 60, 50)}  # by weight sign
DELAYED = {True: QColor(120, 70, 170), False: QColor(200, 90, 150)}
COLUMN_FILL = QColor(240, 240, 236)
CURSOR_FILL = QColor(255, 236, 179)
CURSOR_PEN = QColor(230, 160, 0)
_LUT = 129  # value colours are looked up, not computed per node


class ColumnItem(QGraphicsItem):
    """Step `t`: its background, its label and every node of the ordering, painted from the
    trajectory's values (grey where not computed yet at the cursor)."""

    def __init__(self, view: "UnrolledView", t: int):
        super().__init__()
        self.view, self.t = view, t
        self.setPos(view.column_x(t), 0)
        self.setZValue(2)
        self.setAcceptHoverEvents(False)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # exposedRect
        self._rect = QRectF(-45, -40, 90, view.column_height() + 20)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        view, tr = self.view, self.view.player.trajectory
        if tr is None:
            return
        cursor = self.t == view.player.t
        painter.setPen(QPen(CURSOR_PEN, 2) if cursor else Qt.PenStyle.NoPen)
        painter.setBrush(CURSOR_FILL if cursor else COLUMN_FILL)
        painter.drawRect(self._rect)
        painter.setPen(QColor("#222"))
        painter.setFont(QFont("Sans Serif", 9, QFont.Weight.Bold))
        painter.drawText(QRectF(-45, -38, 90, 16), Qt.AlignmentFlag.AlignCenter, f"t = {self.t}")
        h = view.row_height()
        exposed = option.exposedRect
        lo = max(0, int((exposed.top() - NODE_R) // h))
        hi = min(len(tr.order), int((exposed.bottom() + NODE_R) // h) + 1)
        brushes = view.brushes_for(self.t)
        thin, thick = QPen(QColor(60, 60, 60), 1.0), QPen(QColor(60, 60, 60), 2.0)
        outputs = view.output_rows
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i in range(lo, hi):
            painter.setPen(thick if i in outputs else thin)
            painter.setBrush(brushes[i])
            painter.drawEllipse(QPointF(0, i * h), NODE_R, NODE_R)

    def row_at(self, y: float) -> int | None:
        tr = self.view.player.trajectory
        i = int(round(y / self.view.row_height()))
        if tr is None or not 0 <= i < len(tr.order):
            return None
        return i if abs(y - i * self.view.row_height()) <= NODE_R + 2 else None


class UnrolledView(QGraphicsView):
    """Columns of steps; click a node to select that neuron and move the cursor to its step."""

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
        self._extras: list[QGraphicsItem] = []  # e.g. the "showing the selected" note
        self.edge_count = 0
        self.output_rows: set[int] = set()
        self.user_zoomed = False  # the wheel zoomed: stop fitting the columns to the view
        self._templates: dict[tuple[int, bool], QPainterPath] = {}  # (offset, positive)
        self._template_counts: dict[int, int] = {}  # offset -> edges drawn per column
        self._brushes: dict[int, list[QBrush]] = {}
        self._lut = [QBrush(value_color(v)) for v in np.linspace(-1.0, 1.0, _LUT)]
        self._pending = QBrush(PENDING)
        self._shown_cursor = (-1, 0)
        self._labels: list[QGraphicsSimpleTextItem] = []
        self._labels_for: tuple | None = None  # (order, row height) the labels were made for
        self._stale = True  # rebuild when next shown
        self._on_screen = True  # False while its dock's tab is behind another
        self.focus_nodes: set[str] = set()  # whose edges are drawn in a big network
        self._focus_edges: tuple = (None, frozenset(), [])  # trajectory, focus, their edges
        self.edges_limited = False  # True when only the focus nodes' edges are drawn
        player.trajectory_changed.connect(self.rebuild)
        player.cursor_changed.connect(self._on_cursor_changed)

    # ------------------------------------------------------------------ geometry
    def columns_allowed(self) -> int:
        tr = self.player.trajectory
        n = len(tr.order) if tr is not None else 1
        return max(3, min(MAX_COLUMNS, NODE_BUDGET // max(n, 1)))

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
        tr = self.player.trajectory
        n = len(tr.order) if tr is not None else 1
        return max(26.0, min(48.0, 900.0 / max(n, 1)))

    def column_height(self) -> float:
        tr = self.player.trajectory
        return (len(tr.order) if tr is not None else 0) * self.row_height()

    def column_x(self, t: int) -> float:
        return (t - self.window[0]) * COLUMN_W

    def position(self, node: str, t: int) -> QPointF:
        tr = self.player.trajectory
        return QPointF(self.column_x(t), tr.index(node) * self.row_height())

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    # ------------------------------------------------------------------ building
    def rebuild(self) -> None:
        """New trajectory (sequence, weights or structure): rebuild the edge templates and
        lay the window out again (later, if the view is hidden)."""
        self._templates.clear()
        self._brushes.clear()
        self._stale = True
        if self.active():
            self._layout()

    def set_focus_nodes(self, nodes) -> None:
        """The selected neurons: in a network with more than EDGE_BUDGET edges only their
        edges are drawn (every edge of a big network through time is a grey fog)."""
        nodes = set(nodes)
        if nodes == self.focus_nodes:
            return
        self.focus_nodes = nodes
        if self.edges_limited or self._would_limit():
            self._templates.clear()
            self._stale = True
            if self.active():
                self._layout()

    def _would_limit(self) -> bool:
        tr = self.player.trajectory
        return tr is not None and len(tr.delays) > EDGE_BUDGET

    def edges_drawn_for(self) -> list[tuple[str, str]]:
        """The network's edges this view draws (all, or the focus nodes' in a big network)."""
        tr = self.player.trajectory
        if tr is None:
            return []
        self.edges_limited = len(tr.delays) > EDGE_BUDGET
        if not self.edges_limited:
            return list(tr.delays)
        made_for, focus, edges = self._focus_edges
        if made_for is not tr or focus != self.focus_nodes:  # a page turn: the same edges
            focus = frozenset(self.focus_nodes)
            edges = [(u, v) for (u, v) in tr.delays if u in focus or v in focus]
            self._focus_edges = (tr, focus, edges)
        return list(edges)

    def active(self) -> bool:
        """Shown on screen (a dock tab behind another is "visible" to Qt but not seen)."""
        return self.isVisible() and self._on_screen

    def set_on_screen(self, on_screen: bool) -> None:
        """Its dock's `visibilityChanged`: catch up when it comes to the front."""
        self._on_screen = bool(on_screen)
        if self._on_screen and self._stale and self.isVisible():
            self._layout()

    def _layout(self) -> None:
        self._stale = False
        scene = self.scene()
        for item in list(self.columns.values()) + self.edge_items + self._extras:
            scene.removeItem(item)
        self.columns.clear()
        self.edge_items.clear()
        self._extras = []
        self.edge_count = 0
        tr, net = self.player.trajectory, self.player.network
        if tr is None or net is None or tr.T == 0:
            self.window = (0, -1)
            self._set_labels(None)
            return
        self.window = self.step_window()
        self.output_rows = {tr.index(o) for o in tr.outputs if o in tr._index}
        if not self._templates:
            self._build_templates(tr, net)
        first, last = self.window
        for t in range(first, last + 1):
            column = ColumnItem(self, t)
            scene.addItem(column)
            self.columns[t] = column
        for (offset, positive), path in self._templates.items():
            delayed = offset != 0
            color = (DELAYED if delayed else SAME_STEP)[positive]
            pen = QPen(color, 1.2, Qt.PenStyle.DashLine if delayed else Qt.PenStyle.SolidLine)
            pen.setCosmetic(True)
            for t in range(first, last + 1):
                if not first <= t + offset <= last:
                    continue
                item = QGraphicsPathItem(path)
                item.setPen(pen)
                item.setPos(self.column_x(t), 0)
                item.setZValue(1 if not delayed else 0)
                scene.addItem(item)
                self.edge_items.append(item)
        for offset, count in self._template_counts.items():
            self.edge_count += count * sum(1 for t in range(first, last + 1)
                                           if first <= t + offset <= last)
        self._set_labels(tr)
        if self.edges_limited:
            note = self.scene().addSimpleText(
                f"{len(tr.delays):,} edges: showing those of the selected neurons "
                f"({sum(self._template_counts.values()):,})", QFont("Sans Serif", 9))
            note.setBrush(QColor("#555"))
            note.setPos(self.column_x(first) - 45, -58)
            self._extras.append(note)
        w = (last - first) * COLUMN_W
        scene.setSceneRect(QRectF(-COLUMN_W / 2 - 90, -70, w + COLUMN_W + 120,
                                  self.column_height() + 70))
        self._shown_cursor = (self.player.t, self.player.k)
        self.fit()
        self._scroll_to_cursor()

    def _build_templates(self, tr, net) -> None:
        """One path per (column offset of the source, weight sign), drawn into a column at
        x = 0: offset -d for a delay d, +d when the target runs in reverse time."""
        paths: dict[tuple[int, bool], QPainterPath] = {}
        counts: dict[int, int] = {}
        h = self.row_height()
        for (u, v) in self.edges_drawn_for():
            d = tr.delays[(u, v)]
            offset = d if v in tr.reverse else -d
            positive = net.graph.edges[u, v]["weight"] >= 0
            path = paths.setdefault((offset, positive), QPainterPath())
            a = QPointF(offset * COLUMN_W, tr.index(u) * h)
            b = QPointF(0.0, tr.index(v) * h)
            _draw_edge(path, a, b, same_column=offset == 0)
            counts[offset] = counts.get(offset, 0) + 1
        self._templates, self._template_counts = paths, counts

    def _set_labels(self, tr) -> None:
        """Node names left of the first column (made again only when the ordering changes:
        the first drawn column always stands at x = 0)."""
        key = None if tr is None else (tuple(tr.order), self.row_height())
        if key == self._labels_for:
            return
        for item in self._labels:
            self.scene().removeItem(item)
        self._labels, self._labels_for = [], key
        if tr is None:
            return
        x0 = -COLUMN_W / 2 - 10
        h = self.row_height()
        font = QFont("Sans Serif", 8)
        for i, node in enumerate(tr.order):
            text = QGraphicsSimpleTextItem(node)
            text.setFont(font)
            text.setPos(x0 - text.boundingRect().width(), i * h - 7)
            self.scene().addItem(text)
            self._labels.append(text)

    def drawn_edges(self) -> list[tuple[str, int, str, int]]:
        """Every drawn edge as (source, its step, target, its step) (for tests and tools)."""
        tr = self.player.trajectory
        if tr is None or not self.columns:
            return []
        first, last = self.window
        out = []
        for (u, v) in self.edges_drawn_for():
            d = tr.delays[(u, v)]
            for t in range(first, last + 1):
                s = t + d if v in tr.reverse else t - d
                if first <= s <= last:
                    out.append((u, s, v, t))
        return out

    # ------------------------------------------------------------------ values
    def value_shown(self, node: str, t: int) -> float | None:
        """The value drawn for node at step t (None: not computed yet, or not drawn)."""
        tr = self.player.trajectory
        if tr is None or self._stale or t not in self.columns \
                or not self._computed(tr.index(node), t):
            return None
        return float(tr.values[t, tr.index(node)])

    def _computed(self, row: int, t: int) -> bool:
        p = self.player
        return t < p.t or (t == p.t and row < self.player.trajectory.n_inputs + p.k)

    def brushes_for(self, t: int) -> list[QBrush]:
        key = t
        cached = self._brushes.get(key)
        if cached is not None:
            return cached
        tr, p = self.player.trajectory, self.player
        n = len(tr.order)
        done = n if t < p.t else (tr.n_inputs + p.k if t == p.t else 0)
        scale = tr.scale()
        v = np.nan_to_num(tr.values[t] / scale, nan=0.0)
        idx = np.clip(np.rint((v + 1.0) * 0.5 * (_LUT - 1)), 0, _LUT - 1).astype(int)
        brushes = [self._lut[j] for j in idx[:done]] + [self._pending] * (n - done)
        if t != p.t:  # the cursor's column changes with micro-steps: not cached
            self._brushes[key] = brushes
        return brushes

    def fit(self) -> None:
        """Scale so the drawn steps fill the view (between 60 % and 100 %; wider windows of
        steps scroll)."""
        if self.user_zoomed or self.scene().sceneRect().isEmpty():
            return
        rect, vp = self.scene().sceneRect(), self.viewport().rect()
        s = min(vp.width() / rect.width(), vp.height() / rect.height())
        s = max(0.6, min(1.0, s))
        self.setTransform(QTransform.fromScale(s, s))

    def _on_cursor_changed(self, t: int, k: int) -> None:
        if self.player.trajectory is None or not self.active():
            self._stale = True
            return
        if self._stale or self.step_window() != self.window:
            self._layout()
            return
        old_t = self._shown_cursor[0]
        self._shown_cursor = (t, k)
        lo, hi = min(old_t, t), max(old_t, t)
        for step in range(max(lo, self.window[0]), min(hi, self.window[1]) + 1):
            self._brushes.pop(step, None)
            self.columns[step].update()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        t = self.player.t
        if t in self.columns:  # the column's head (its label) comes into view
            self.ensureVisible(QRectF(self.column_x(t) - 45, -40, 90, 40), 60, 20)

    # ------------------------------------------------------------------ events
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self._on_screen:
            self._layout()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def _hit(self, view_pos) -> tuple[str, int] | None:
        scene_pos = self.mapToScene(view_pos)
        for item in self.scene().items(scene_pos):
            if isinstance(item, ColumnItem):
                row = item.row_at(scene_pos.y())
                if row is not None and abs(scene_pos.x() - item.x()) <= NODE_R + 2:
                    return self.player.trajectory.order[row], item.t
        return None

    def mousePressEvent(self, event) -> None:
        hit = self._hit(event.position().toPoint())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            node, t = hit
            self.node_clicked.emit(node, t)
            self.player.seek(t)
            event.accept()
            return
        super().mousePressEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            hit = self._hit(event.pos())
            if hit is not None:
                node, t = hit
                value = self.value_shown(node, t)
                text = "not computed yet" if value is None else f"{value:.4g}"
                QToolTip.showText(event.globalPos(), f"{node} at t = {t}: {text}", self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event) -> None:
        self.user_zoomed = True
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)


def _draw_edge(path: QPainterPath, a: QPointF, b: QPointF, same_column: bool) -> None:
    if same_column:  # an arc inside the column, bulging right
        bulge = 18 + 0.35 * abs(b.y() - a.y())
        start, end = a + QPointF(NODE_R * 0.7, 0), b + QPointF(NODE_R * 0.7, 0)
        c1, c2 = start + QPointF(bulge, 0), end + QPointF(bulge, 0)
    else:
        sign = 1 if b.x() > a.x() else -1
        start, end = a + QPointF(sign * NODE_R, 0), b - QPointF(sign * NODE_R, 0)
        dx = (end.x() - start.x()) * 0.45
        c1, c2 = start + QPointF(dx, 0), end - QPointF(dx, 0)
    path.moveTo(start)
    path.cubicTo(c1, c2, end)
    _arrow_head(path, c2, end)


def _arrow_head(path: QPainterPath, control: QPointF, tip: QPointF) -> None:
    direction = tip - control
    length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
    ux, uy = direction.x() / length, direction.y() / length
    left = QPointF(tip.x() - 6 * ux + 3 * uy, tip.y() - 6 * uy - 3 * ux)
    right = QPointF(tip.x() - 6 * ux - 3 * uy, tip.y() - 6 * uy + 3 * ux)
    path.moveTo(left)
    path.lineTo(tip)
    path.lineTo(right)
