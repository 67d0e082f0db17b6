"""NetworkView: zoom (wheel, Ctrl +/-), pan (middle or right button drag; Space is the
player's play/pause), F to fit, rubber band on empty background, drops from the palette,
I/N/O/P keys. A right click that does not drag (or the Menu key) asks for a context menu:
`context_menu_requested(scene position, global position)`."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QKeySequence, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsView

from .. import style

NODE_MIME = "application/x-rnnstudio-node-kind"
KEY_KINDS = {Qt.Key.Key_I: "input", Qt.Key.Key_N: "neuron", Qt.Key.Key_O: "output",
             Qt.Key.Key_P: "product"}
MIN_SCALE, MAX_SCALE = 0.05, 6.0
FIT_MARGIN = 40.0  # scene units kept around the network by Fit to View
MAX_FIT = 1.6  # Fit to View never magnifies a small network more than this
SHIFT = Qt.KeyboardModifier.ShiftModifier
CLICK_SLOP = 4  # a right press that moves less than this (pixels) is a click, not a pan
REFIT_POLL_MS = 50  # fit_when_drawn: how often it looks whether the canvas is drawn


class NetworkView(QGraphicsView):
    node_drop_requested = Signal(str, QPointF)  # palette kind, scene position
    context_menu_requested = Signal(QPointF, QPoint)  # scene position, global position

    def __init__(self, scene=None, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setAcceptDrops(True)
        self.setMouseTracking(True)
        # right-button events all come here (no platform context-menu event on press): a
        # right drag pans, a right click opens the menu on release
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self._pan_from: QPointF | None = None
        self._right_click_at: QPointF | None = None  # a right press that has not dragged yet
        self._sizing = False
        self.reserved_bottom = 0  # px at the bottom that an overlay covers (Fit keeps clear)
        self.reserved_width = 0  # ... from the left edge (a network centred beside it is clear)
        self._fitted = None  # fit_when_drawn: the view as its fit left it
        self._refit = QTimer(self, singleShot=True, interval=REFIT_POLL_MS)
        self._refit.timeout.connect(self._refit_if_drawn)
        if scene is not None:
            scene.sceneRectChanged.connect(self._update_scene_rect)

    def setScene(self, scene) -> None:  # noqa: N802 - Qt override
        super().setScene(scene)
        if scene is not None:
            scene.sceneRectChanged.connect(self._update_scene_rect)
        self._update_scene_rect()

    # ---------------------------------------------------------------- scene rect
    def _update_scene_rect(self, *_args) -> None:
        """The view's scrollable area: the items, a screen's worth of margin around them, and
        always what is on screen now. Qt's default (the items' bounds only) re-centres the
        view whenever an insertion grows them while they are smaller than the viewport, so
        a node added at the cursor would jump away from it; this way nothing moves."""
        scene = self.scene()
        if scene is None or self._sizing:
            return
        self._sizing = True
        try:
            visible = self.mapToScene(self.viewport().rect()).boundingRect()
            mx, my = visible.width(), visible.height()
            rect = scene.sceneRect().adjusted(-mx, -my, mx, my).united(visible)
            if rect != self.sceneRect():
                self.setSceneRect(rect)
        finally:
            self._sizing = False

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 - Qt override
        super().scrollContentsBy(dx, dy)
        self._update_scene_rect()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_scene_rect()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        scene = self.scene()
        if hasattr(scene, "draw_bodies_in_layer"):  # zoomed out: nodes as sprites (see scene)
            scene.draw_bodies_in_layer(self.transform().m11() < style.DETAIL_LOD)
        super().paintEvent(event)

    # ---------------------------------------------------------------- zoom
    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if MIN_SCALE <= scale <= MAX_SCALE:
            self.scale(factor, factor)
            self._update_scene_rect()

    def fit(self) -> None:
        scene = self.scene()
        rect = scene.items_rect() if hasattr(scene, "items_rect") else scene.itemsBoundingRect()
        if rect.isEmpty():
            rect = QRectF(-200, -150, 400, 300)
        rect = rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        self.setSceneRect(self.sceneRect().united(rect))
        vp = self.viewport().rect()
        s = min(vp.width() / rect.width(), vp.height() / rect.height(), MAX_FIT)
        reserve = self.reserved_bottom
        if reserve and (vp.width() - rect.width() * s) / 2 + FIT_MARGIN * s >= self.reserved_width:
            reserve = 0  # the network, centred, stands clear of the overlay in the corner
        if reserve:  # keep it above the overlay (the value legend)
            free_h = max(60, vp.height() - reserve)
            s = min(vp.width() / rect.width(), free_h / rect.height(), MAX_FIT)
        self.setTransform(QTransform.fromScale(s, s))
        self.centerOn(rect.center() + QPointF(0, reserve / 2 / s))
        self._update_scene_rect()

    def fit_when_drawn(self) -> None:
        """Fit now, and again once the scene has drawn everything (a big network's edges come
        a slice at a time after its nodes: feedback loops then run above and below them) if
        they reach out of view and the view is still as this fit left it."""
        self.fit()
        self._fitted = (self.transform(), self.mapToScene(self.viewport().rect().center()))
        self._refit.start()

    def _refit_if_drawn(self) -> None:
        scene = self.scene()
        if scene is None or not hasattr(scene, "drawing"):
            return
        if scene.drawing() or scene.routing():
            self._refit.start()
            return
        untouched = self._fitted == (self.transform(),
                                     self.mapToScene(self.viewport().rect().center()))
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        if untouched and not shown.contains(scene.items_rect()):
            self.fit()

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y()
        if delta:
            self.zoom(1.0015 ** delta)
        event.accept()

    # ---------------------------------------------------------------- pan
    def mousePressEvent(self, event) -> None:
        pan_button = event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton)
        if pan_button:
            self._pan_from = event.position()
            right = event.button() == Qt.MouseButton.RightButton
            self._right_click_at = event.position() if right else None
            if not right:
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            if self._right_click_at is not None:
                if (event.position() - self._right_click_at).manhattanLength() < CLICK_SLOP:
                    event.accept()
                    return
                self._right_click_at = None  # it drags: a pan from where it was pressed
                self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            d = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(d.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(d.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_from is not None:
            click_at, self._pan_from, self._right_click_at = self._right_click_at, None, None
            self.viewport().unsetCursor()
            event.accept()
            if click_at is not None and event.button() == Qt.MouseButton.RightButton:
                self.context_menu_requested.emit(self.mapToScene(click_at.toPoint()),
                                                 event.globalPosition().toPoint())
            return
        super().mouseReleaseEvent(event)

    # ---------------------------------------------------------------- keys
    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.ZoomIn) or event.key() == Qt.Key.Key_Plus:
            self.zoom(1.25)
        elif event.matches(QKeySequence.StandardKey.ZoomOut) or event.key() == Qt.Key.Key_Minus:
            self.zoom(0.8)
        elif event.key() == Qt.Key.Key_F and not event.modifiers():
            self.fit()
        elif event.key() in KEY_KINDS and not event.modifiers():
            self.node_drop_requested.emit(KEY_KINDS[event.key()], self.cursor_scene_pos())
        elif event.key() == Qt.Key.Key_Menu or (event.key() == Qt.Key.Key_F10 and
                                                event.modifiers() == SHIFT):
            pos = self.cursor_scene_pos()
            self.context_menu_requested.emit(pos, self.viewport().mapToGlobal(
                self.mapFromScene(pos)))
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            super().keyReleaseEvent(event)

    def centre(self) -> QPointF:
        """The scene point in the middle of the view."""
        return self.mapToScene(self.viewport().rect().center())

    def visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def cursor_scene_pos(self) -> QPointF:
        """The cursor's scene position, or the view's centre if the cursor is elsewhere."""
        p = self.viewport().mapFromGlobal(QCursor.pos())
        if not self.viewport().rect().contains(p):
            p = self.viewport().rect().center()
        return self.mapToScene(p)

    # ---------------------------------------------------------------- drops
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(NODE_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(NODE_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        data = event.mimeData()
        if data.hasFormat(NODE_MIME):
            kind = bytes(data.data(NODE_MIME)).decode()
            self.node_drop_requested.emit(kind, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            super().dropEvent(event)
