"""The unrolled view's row names: right-aligned left of the first column, 9 pt whatever the
zoom, and pinned to the view's left edge (over a band of the background) when the columns are
scrolled under them, so a row is never nameless and a name is never cut."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem

from .unrolled_items import GROUP_FONT, LabelItem

GAP = 8.0  # between a name and the cells (scene units) or the view's edge (pixels)


class RowNames:
    def __init__(self, view):
        self.view = view
        self.items: list[LabelItem] = []
        self._made_for: tuple | None = None  # the rows the names were made for
        self._width: tuple = (None, 0.0)  # the items measured, the widest
        self._x: float | None = None  # where every name stands (x), set by `set` and `pin`
        self.layer = _Layer()  # the names' parent: hiding it hides them all at C speed
        self.layer.setZValue(4)  # over cells (3), arrows and the band
        view.scene().addItem(self.layer)
        self.band = QGraphicsRectItem()
        self.band.setBrush(view.backgroundBrush())
        self.band.setPen(QPen(Qt.PenStyle.NoPen))
        self.band.setZValue(3.5)  # over cells (3) and arrows, under the names (4)
        self.band.setVisible(False)
        view.scene().addItem(self.band)
        view.horizontalScrollBar().valueChanged.connect(lambda _: self.pin())

    def home(self) -> float:
        """Where the names end when the view shows the first column's left."""
        return -self.view.column_half_width() - GAP

    def set(self, rows, row_y) -> None:
        """Make the names again when the rows changed (the first drawn column always stands
        at x = 0). A big network's re-run after an edit drops its rows a moment: the names
        are hidden then (all at once, with their parent) and shown again as they were when
        the same rows come back; other rows reuse them by their text, moved (making 5,000
        names took 0.1 s, hiding and showing them one by one 20-30 ms)."""
        if not rows:  # kept, hidden, for the rows that come back
            self.layer.setVisible(False)
            self.band.setVisible(False)
            return
        key = tuple((r.key, r.label, float(y)) for r, y in zip(rows, row_y))
        shown = self.layer.isVisible()
        self.layer.setVisible(True)
        if key == self._made_for:
            if not shown:
                self.pin()
            return
        self._made_for = key
        spare: dict[tuple, list[LabelItem]] = {}
        for item in self.items:
            spare.setdefault((item.text, item.font is GROUP_FONT), []).append(item)
        scene = self.view.scene()
        home = self.home()  # once: it reads every row (once per name: quadratic, 48 s at 5k)
        self.items = []
        for row, y in zip(rows, row_y):
            kept = spare.get((row.label, row.is_group))
            if kept:
                label = kept.pop()
            else:
                label = LabelItem(row.label, Qt.AlignmentFlag.AlignRight,
                                  *((GROUP_FONT,) if row.is_group else ()))
                label.setParentItem(self.layer)
            label.setPos(home, float(y))
            self.items.append(label)
        self._x = home
        for items in spare.values():
            for item in items:
                scene.removeItem(item)
        self.pin()

    def width(self) -> float:
        """The widest name, in pixels (names keep their size whatever the zoom); once per
        names (it is asked at every layout, resize and scroll)."""
        if self._width[0] is not self.items:
            self._width = (self.items, max((item.boundingRect().width()
                                            for item in self.items), default=0.0))
        return self._width[1]

    def pin(self) -> None:
        """Keep the names in view: at their place, or at the view's left edge over a band of
        the background when the columns scrolled left under them."""
        view = self.view
        if not self.items or not self.layer.isVisible():
            self.band.setVisible(False)
            return
        scale = max(view.transform().m11(), 1e-6)
        left = view.mapToScene(0, 0).x()
        home = self.home()
        x = max(home, left + (self.width() + GAP) / scale)
        if x != self._x:  # (every name stands at the same x: 5,000 items read and compared
            for item in self.items:  # at every layout after a re-run took 20-60 ms)
                item.setPos(x, item.pos().y())
            self._x = x
        pinned = x > home + 0.5
        self.band.setVisible(pinned)
        if pinned:
            top, height = view.column_top() - 30, view.column_height() + 40
            self.band.setRect(QRectF(left, top, x - left + GAP / 2 / scale, height))


class _Layer(QGraphicsItem):
    """The row names' parent: draws nothing, is hit by nothing."""

    def __init__(self):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, painter, option, widget=None) -> None:
        pass
