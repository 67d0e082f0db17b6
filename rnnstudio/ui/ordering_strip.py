"""The ordering strip: the nodes in the order one time step evaluates them. Drag a node to
reorder (this sets a manual ordering); selecting here selects on the canvas."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QWidget)

import numpy as np

from ..model import events as ev
from . import style
from .canvas.routing import ROUTE_POLL_MS
from .canvas.drawing import ROUTE_LATER, ROUTE_SETTLE_MS
from .palette import kind_icon
from .plaintext import literal
from .turns import next_turn

MAX_SHOWN = 3000  # beyond this the strip lists the first nodes only

_REFRESH_KINDS = (ev.ORDERING_CHANGED, ev.NODE_ADDED, ev.NODE_REMOVED, ev.NODES_ADDED,
                  ev.NODES_REMOVED, ev.IO_CHANGED, ev.NODE_CHANGED)


class OrderingStripWidget(QWidget):
    reorder_requested = Signal(list)   # the full new ordering (ids)
    nodes_clicked = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.net = None
        self._icons = {k: kind_icon(k, 22) for k in style.SHAPES}
        self.info = QLabel()
        self.info.setStyleSheet("color: #5e6472;")
        self.info.setWordWrap(True)
        self.info.setFixedWidth(300)
        self.list = QListWidget()
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setFixedHeight(46)
        self.list.setIconSize(QSize(22, 22))
        self.list.setSpacing(2)
        self.list.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self.list.itemSelectionChanged.connect(self._on_list_selection_changed)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._refresh_when_ordered)
        lay = QHBoxLayout(self)  # one row: the summary beside the strip (saves canvas height)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(self.info)
        lay.addWidget(self.list, 1)
        self._updating = False
        self._rows: list[tuple[str, str, str]] = []  # (id, visual kind, label) shown

    def set_network(self, net) -> None:
        if self.net is not None:
            self.net.events.unsubscribe(self._on_model_changed)
        self.net = net
        net.events.subscribe(self._on_model_changed)
        if net.edge_count() > ROUTE_LATER:  # computed in its worker while the window paints
            self._list_ordering_later()
        else:
            self.refresh()

    def _list_ordering_later(self) -> None:
        """Until a big network's ordering is in, the strip says it is being computed."""
        self._timer.start(0)
        self.info.setText(f"Ordering: <b>{self.net.ordering_mode}</b> — {len(self.net)} nodes;"
                          " computing the ordering…")
        self._show_rows([])

    def _on_model_changed(self, event) -> None:
        if event.kind in _REFRESH_KINDS and not (
                event.kind == ev.NODE_CHANGED and set(event.changed) <= {"x", "y"}):
            # once for a burst of events; a big network's ordering once the edits pause, with
            # the canvas's badges (copying what it reads for its worker: 15-40 ms at 50,000
            # edges, and showing it 40-60 ms, are not the edit's)
            self._timer.start(ROUTE_SETTLE_MS if self.net.edge_count() > ROUTE_LATER else 0)

    def _refresh_when_ordered(self) -> None:
        """A big network's ordering takes a while (0.1-0.2 s at 50,000 edges): it is computed
        in a worker thread and shown when it is in (`Network.ordering_later`)."""
        if self.net.edge_count() <= ROUTE_LATER:
            self.refresh()
        else:  # in a turn of its own, not with the canvas's (`turns`)
            next_turn(self, self._refresh_step)

    def _refresh_step(self) -> None:
        if self._timer.isActive():
            return  # edited since: the edit's refresh is due
        if self.net.ordering_later():
            self._timer.start(ROUTE_POLL_MS)
        else:
            self.refresh()

    def refresh(self) -> None:
        self._timer.stop()
        net = self.net
        order = net.ordering()
        delays = net.delays()
        n_back = int(np.count_nonzero(np.fromiter(delays.values(), np.int64, len(delays)) >= 1))
        self.info.setText(f"Ordering: <b>{net.ordering_mode}</b> — {len(order)} nodes, "
                          f"{n_back} delayed edge(s). Drag a node to reorder "
                          f"(sets a manual ordering).")
        nodes = net.graph._node
        rows = [(n, style.visual_kind(nodes[n]), str(nodes[n].get("label", n)))
                for n in order[:MAX_SHOWN]]
        self._updating = True
        try:
            self._show_rows(rows)
        finally:
            self._updating = False

    def _show_rows(self, rows: list[tuple[str, str, str]]) -> None:
        """Show (id, visual kind, label) rows, changing only the items that differ (an edit
        changes a few of 3,000: rebuilding them all cost 50-100 ms at every edit)."""
        shown = self._rows
        while self.list.count() > len(rows):
            self.list.takeItem(self.list.count() - 1)
        shown = shown[:len(rows)] if self.list.count() == len(shown[:len(rows)]) else []
        if not shown:
            self.list.clear()
        for i, row in enumerate(rows):
            if i < len(shown) and shown[i] == row:
                continue
            n, vkind, label = row
            item = self.list.item(i) if i < len(shown) else QListWidgetItem()
            item.setIcon(self._icons[vkind])
            item.setText(f"{i + 1} {label}")
            item.setData(Qt.ItemDataRole.UserRole, n)
            item.setToolTip(literal(f"{n}: #{i + 1} in the ordering"))
            if i >= len(shown):
                self.list.addItem(item)
        self._rows = rows

    def order_shown(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _on_rows_moved(self, *args) -> None:
        if self._updating:
            return
        self._rows = []  # the list was rearranged by the drag: show the model's afresh
        order = self.order_shown()
        if len(order) == len(self.net):
            self.reorder_requested.emit(order)
        self._timer.start()  # show the model's ordering again (accepted or refused)

    def _on_list_selection_changed(self) -> None:
        if not self._updating:
            ids = [i.data(Qt.ItemDataRole.UserRole) for i in self.list.selectedItems()]
            self.nodes_clicked.emit(ids)
