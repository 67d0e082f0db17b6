"""The network unrolled through time, as textbooks draw recurrent networks.

One column per step (a window of steps around the cursor when the sequence is long); within a
column the nodes stand in the ordering from top (inputs) to bottom; same-step edges arc inside
their column, delayed edges cross from column t-d to column t (t+d for reverse-time neurons).
Node fills show values on the same diverging scale as the canvas, synced with the cursor.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsPathItem,
                               QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem,
                               QGraphicsView, QWidget)

from .colors import PENDING, value_color
from .controller import PlayerController

COLUMN_W = 150.0
NODE_R = 11.0
MAX_COLUMNS = 12
SAME_STEP = {True: QColor(40, 90, 170), False: QColor(200, 60, 50)}  # by weight sign
DELAYED = {True: QColor(120, 70, 170), False: QColor(200, 90, 150)}


class UnrolledNodeItem(QGraphicsEllipseItem):
    """Node `node` at step `t`."""

    def __init__(self, node: str, t: int, kind: str, center: QPointF):
        super().__init__(-NODE_R, -NODE_R, 2 * NODE_R, 2 * NODE_R)
        self.node, self.t = node, t
        self.setPos(center)
        width = 2.0 if kind == "output" else 1.0
        self.setPen(QPen(QColor(60, 60, 60), width))
        self.setBrush(QBrush(PENDING))
        self.setZValue(2)
        self.setCursor(Qt.PointingHandCursor)
        self.setFlag(QGraphicsItem.ItemIsSelectable, False)

    def set_value(self, value: float | None, scale: float) -> None:
        self.setBrush(QBrush(value_color(value, scale)))
        text = "not computed yet" if value is None else f"{value:.4g}"
        self.setToolTip(f"{self.node} at t = {self.t}: {text}")


class UnrolledView(QGraphicsView):
    """Columns of steps; click a node to select that neuron and move the cursor to its step."""

    node_clicked = Signal(str, int)  # node id, step

    def __init__(self, player: PlayerController, parent: QWidget | None = None):
        super().__init__(parent)
        self.player = player
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setBackgroundBrush(QColor(252, 252, 250))
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.window: tuple[int, int] = (0, 0)
        self.nodes: dict[tuple[str, int], UnrolledNodeItem] = {}
        self.edge_paths: dict[tuple[bool, bool], QGraphicsPathItem] = {}
        self.edge_count = 0
        self.drawn_edges: list[tuple[str, int, str, int]] = []  # (u, its step, v, its step)
        self._highlight: QGraphicsRectItem | None = None
        self.user_zoomed = False  # the wheel zoomed: stop fitting the columns to the view
        player.trajectory_changed.connect(self.rebuild)
        player.cursor_changed.connect(self._on_cursor_changed)

    # ------------------------------------------------------------------ layout
    def step_window(self) -> tuple[int, int]:
        """The steps [first, last] drawn: all of them, or MAX_COLUMNS around the cursor."""
        T = self.player.T
        if T <= MAX_COLUMNS:
            return 0, T - 1
        first = min(max(0, self.player.t - MAX_COLUMNS // 2), T - MAX_COLUMNS)
        return first, first + MAX_COLUMNS - 1

    def _row_height(self, n: int) -> float:
        return max(26.0, min(48.0, 900.0 / max(n, 1)))

    def position(self, node: str, t: int) -> QPointF:
        tr = self.player.trajectory
        first = self.window[0]
        return QPointF((t - first) * COLUMN_W, tr.index(node) * self._row_height(len(tr.order)))

    def rebuild(self) -> None:
        """Build columns, nodes and edges for the current window of steps."""
        scene = self.scene()
        scene.clear()
        self.nodes.clear()
        self.edge_paths.clear()
        self._highlight = None
        self.edge_count = 0
        self.drawn_edges = []
        tr, net = self.player.trajectory, self.player.network
        if tr is None or net is None or tr.T == 0:
            return
        self.window = self.step_window()
        self._add_columns(tr)
        self._add_edges(tr, net)
        for t in range(self.window[0], self.window[1] + 1):
            for node in tr.order:
                item = UnrolledNodeItem(node, t, net.graph.nodes[node]["kind"], self.position(node, t))
                scene.addItem(item)
                self.nodes[(node, t)] = item
        self._add_labels(tr)
        self.recolor()
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-30, -30, 30, 30))
        self.fit()

    def fit(self) -> None:
        """Scale so the drawn steps fill the view (between 60 % and 100 %; wider windows of
        steps scroll)."""
        if self.user_zoomed or self.scene().sceneRect().isEmpty():
            return
        rect, vp = self.scene().sceneRect(), self.viewport().rect()
        s = min(vp.width() / rect.width(), vp.height() / rect.height())
        s = max(0.6, min(1.0, s))
        self.setTransform(QTransform.fromScale(s, s))

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def _add_columns(self, tr) -> None:
        height = len(tr.order) * self._row_height(len(tr.order))
        for t in range(self.window[0], self.window[1] + 1):
            x = (t - self.window[0]) * COLUMN_W
            rect = QGraphicsRectItem(x - 45, -40, 90, height + 20)
            rect.setPen(QPen(Qt.NoPen))
            rect.setBrush(QColor(240, 240, 236))
            rect.setZValue(-2)
            rect.setData(0, t)
            self.scene().addItem(rect)
            label = self.scene().addSimpleText(f"t = {t}", QFont("Sans", 9, QFont.Bold))
            label.setPos(x - label.boundingRect().width() / 2, -36)
        self._highlight = QGraphicsRectItem(0, 0, 90, height + 20)
        self._highlight.setPen(QPen(QColor(230, 160, 0), 2))
        self._highlight.setBrush(QColor(255, 236, 179, 120))
        self._highlight.setZValue(-1)
        self.scene().addItem(self._highlight)

    def _add_labels(self, tr) -> None:
        x0 = -COLUMN_W / 2 - 10
        for node in tr.order:
            y = self.position(node, self.window[0]).y()
            text = QGraphicsSimpleTextItem(node)
            text.setFont(QFont("Sans", 8))
            text.setPos(x0 - text.boundingRect().width(), y - 7)
            self.scene().addItem(text)

    def _add_edges(self, tr, net) -> None:
        paths = {key: QPainterPath() for key in ((d, s) for d in (True, False) for s in (True, False))}
        first, last = self.window
        for (u, v), d in tr.delays.items():
            positive = net.graph.edges[u, v]["weight"] >= 0
            for t in range(first, last + 1):
                src_t = t + d if v in tr.reverse else t - d
                if not first <= src_t <= last:
                    continue
                self._draw_edge(paths[(d > 0, positive)], u, src_t, v, t, d)
                self.drawn_edges.append((u, src_t, v, t))
                self.edge_count += 1
        for (delayed, positive), path in paths.items():
            item = QGraphicsPathItem(path)
            color = (DELAYED if delayed else SAME_STEP)[positive]
            pen = QPen(color, 1.2, Qt.DashLine if delayed else Qt.SolidLine)
            item.setPen(pen)
            item.setZValue(1 if not delayed else 0)
            self.scene().addItem(item)
            self.edge_paths[(delayed, positive)] = item

    def _draw_edge(self, path: QPainterPath, u: str, su: int, v: str, tv: int, d: int) -> None:
        a, b = self.position(u, su), self.position(v, tv)
        if d == 0 or su == tv:  # an arc inside the column, bulging right
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
        self._arrow_head(path, c2, end)

    @staticmethod
    def _arrow_head(path: QPainterPath, control: QPointF, tip: QPointF) -> None:
        direction = tip - control
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        ux, uy = direction.x() / length, direction.y() / length
        left = QPointF(tip.x() - 6 * ux + 3 * uy, tip.y() - 6 * uy - 3 * ux)
        right = QPointF(tip.x() - 6 * ux - 3 * uy, tip.y() - 6 * uy + 3 * ux)
        path.moveTo(left)
        path.lineTo(tip)
        path.lineTo(right)

    # ------------------------------------------------------------------ values
    def recolor(self) -> None:
        """Fill every drawn node with its value; at the cursor, pending nodes stay grey."""
        tr = self.player.trajectory
        if tr is None:
            return
        scale = tr.scale()
        cursor_t = self.player.t
        for (node, t), item in self.nodes.items():
            if t > cursor_t or (t == cursor_t and not self.player.is_computed(node)):
                item.set_value(None, scale)
            else:
                item.set_value(float(tr.values[t, tr.index(node)]), scale)
        if self._highlight is not None:
            x = (cursor_t - self.window[0]) * COLUMN_W - 45
            self._highlight.setPos(x, -40)
            self._highlight.setVisible(self.window[0] <= cursor_t <= self.window[1])

    def _on_cursor_changed(self, t: int, k: int) -> None:
        if self.player.trajectory is None:
            return
        if self.step_window() != self.window:
            self.rebuild()
        else:
            self.recolor()
        if self.window[0] <= t <= self.window[1] and self.player.trajectory.order:
            self.ensureVisible(QRectF(self.position(self.player.trajectory.order[0], t),
                                      self.position(self.player.trajectory.order[-1], t)), 60, 20)

    # ------------------------------------------------------------------ interaction
    def mousePressEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, UnrolledNodeItem):
            self.node_clicked.emit(item.node, item.t)
            self.player.seek(item.t)
            event.accept()
            return
        super().mousePressEvent(event)

    def wheelEvent(self, event) -> None:
        self.user_zoomed = True
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)
