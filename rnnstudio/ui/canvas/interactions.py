"""Mouse gestures on the canvas, as small objects: move a selection, drag a new edge.

The scene forwards its mouse events to `SceneInteractions`, which picks a gesture on press.
Rubber-band selection is the view's own (QGraphicsView.RubberBandDrag) on empty background.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QToolTip

from ...model import NetworkError
from .. import style

DRAG_THRESHOLD = 3.0


class MoveGesture:
    """Drag selected nodes. The model moves live (so the position ordering reorders as you
    drag); on release the scene reports before/after positions, recorded as one undo step.
    Where the model refuses a position (an explicit delay-0 edge would point backward in the
    position ordering) the nodes stay at the last accepted one and the scene says why."""

    def __init__(self, scene, press: QPointF, ids: list[str]):
        self.scene, self.press, self.ids = scene, press, ids
        g = scene.net.graph
        self.before = {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in ids}
        self.moved = False
        self.refusal = ""

    def move(self, pos: QPointF) -> None:
        dx, dy = pos.x() - self.press.x(), pos.y() - self.press.y()
        if not self.moved:
            if abs(dx) + abs(dy) < DRAG_THRESHOLD:
                return
            self.moved = True
            self.scene.begin_live(self.ids)
        try:
            self._move_by(dx, dy)
        except NetworkError as exc:
            if str(exc) != self.refusal:  # once per reason, not at every mouse move
                self.refusal = str(exc)
                self.scene.message.emit(f"Cannot move there: {exc}")
        self.scene.flush()

    def _move_by(self, dx: float, dy: float) -> None:
        """Move every dragged node by (dx, dy), all or none. The node furthest ahead in the
        direction of the move goes first, so dragged nodes never pass each other on the way."""
        net, g = self.scene.net, self.scene.net.graph
        ahead = (dx, dy) > (0.0, 0.0)
        order = sorted(self.before, key=lambda n: (self.before[n], n), reverse=ahead)
        done = []
        with net.batch():
            try:
                for n in order:
                    x, y = self.before[n]
                    old = (g.nodes[n]["x"], g.nodes[n]["y"])
                    net.move_node(n, round(x + dx, 1), round(y + dy, 1))
                    done.append((n, old))
            except NetworkError:
                for n, (x, y) in reversed(done):  # back through states that were accepted
                    net.move_node(n, x, y)
                raise

    def release(self, pos: QPointF) -> None:
        if not self.moved:
            return
        self.scene.end_live()
        g = self.scene.net.graph
        after = {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in self.ids if n in g}
        if after != self.before:
            self.scene.nodes_moved.emit(self.before, after)


class NewEdgeGesture:
    """Drag from a node's rim: a temporary dashed line follows the cursor; releasing on a node
    requests the edge (on the same node: a self-loop)."""

    def __init__(self, scene, source: str):
        self.scene, self.source = scene, source
        self.line = QGraphicsPathItem()
        pen = QPen(QColor("#6b7280"), 1.6, Qt.PenStyle.DashLine)
        self.line.setPen(pen)
        self.line.setZValue(100)
        scene.addItem(self.line)

    def move(self, pos: QPointF) -> None:
        start = self.scene.nodes[self.source].pos()
        line = QLineF(start, pos)
        if line.length() > style.NODE_RADIUS:
            line.setP1(line.pointAt(style.NODE_RADIUS / line.length()))
        path = QPainterPath(line.p1())
        path.lineTo(line.p2())
        self.line.setPath(path)

    def release(self, pos: QPointF) -> None:
        self.scene.removeItem(self.line)
        target = self.scene.node_at(pos)
        if target is not None:
            self.scene.edge_requested.emit(self.source, target.node_id)


class SceneInteractions:
    """Chooses and runs the gesture for a press; returns False when the scene's default
    behaviour (clear selection, rubber band) should apply."""

    def __init__(self, scene):
        self.scene = scene
        self.gesture = None

    def press(self, event) -> bool:
        if event.button() != Qt.MouseButton.LeftButton or self.scene.net is None:
            return False
        pos = event.scenePos()
        node = self.scene.node_at(pos)
        if node is not None:
            self._press_node(node, pos, event.modifiers())
            event.accept()
            return True
        block = self.scene.groups.block_at(pos)
        if block is not None:
            self._press_selectable(block, pos, event.modifiers())
            event.accept()
            return True
        edge = self.scene.edge_at(pos)
        toggle = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if edge is not None:
            current = set(self.scene.selected_edges) if toggle else set()
            current ^= {edge}
            self.scene.select_edges(current, clear_nodes=not toggle)
            event.accept()
            return True
        if self.scene.selected_edges and not toggle:
            self.scene.select_edges(set())
        return False

    def _press_node(self, node, pos: QPointF, modifiers) -> None:
        if node.on_rim(pos) and not modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.gesture = NewEdgeGesture(self.scene, node.node_id)
            self.gesture.move(pos)
            return
        self._press_selectable(node, pos, modifiers)

    def _press_selectable(self, item, pos: QPointF, modifiers) -> None:
        """Select a node or a block (Ctrl toggles) and get ready to move the selection (a
        block moves its members)."""
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            item.setSelected(not item.isSelected())
        elif not item.isSelected():
            self.scene.clearSelection()
            item.setSelected(True)
        if self.scene.selected_edges and not modifiers & Qt.KeyboardModifier.ControlModifier:
            self.scene.select_edges(set(), clear_nodes=False)
        ids = self.scene.selected_nodes()
        if ids:
            self.gesture = MoveGesture(self.scene, pos, ids)

    def move(self, event) -> bool:
        if self.gesture is None:
            return False
        self.gesture.move(event.scenePos())
        return True

    def release(self, event) -> bool:
        if self.gesture is None:
            return False
        gesture, self.gesture = self.gesture, None
        gesture.release(event.scenePos())
        return True

    def tooltip(self, event) -> None:
        text = self.tooltip_text(event.scenePos())
        if text:
            QToolTip.showText(event.screenPos(), text)
        else:
            QToolTip.hideText()

    def tooltip_text(self, pos: QPointF) -> str:
        net = self.scene.net
        node = self.scene.node_at(pos)
        if node is not None:
            return _node_tooltip(net, node.node_id)
        group_text = self.scene.groups.tooltip_text(pos)
        if group_text:
            return group_text
        edge = self.scene.edge_at(pos)
        if edge is None:
            return ""
        u, v = edge
        w = net.graph.edges[u, v]["weight"]
        return f"{u} → {v}   weight {w:.4g}\n{net.delay_reason(u, v)}"


def _node_tooltip(net, n: str) -> str:
    a = net.graph.nodes[n]
    pos = net.ordering().index(n) + 1
    if a["kind"] == "input":
        return f"input {n} (column {net.inputs.index(n)}), #{pos} in the ordering"
    return (f"{a['kind']} {n}: {a['activation']}, {a['aggregate']}, bias {a['bias']:.4g}, "
            f"initial {a['initial']:.4g} — #{pos} in the {net.ordering_mode} ordering")
