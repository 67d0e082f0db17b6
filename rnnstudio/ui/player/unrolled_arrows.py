"""The unrolled view's arrows (a mixin of `UnrolledView`): which edges it draws (all, or in a
big network the selected neurons'), the shared paths they are drawn with (one per column offset
and look, built once per structure) and their items in the columns."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from ..canvas.bundle_items import bundle_color
from .unrolled_items import CELL_W, COLUMN_W, NODE_R, draw_arrow
from .unrolled_rows import arrow_count, arrows, build_rows

EDGE_BUDGET = 1500  # more edges than this: draw only those of the selected neurons
ARC_ALPHA = 110  # of a same-step arc beside a column (of 255)


class UnrolledArrows:
    """The arrow part of `UnrolledView` (its state lives on the view)."""

    def _would_limit(self) -> bool:
        tr = self.player.trajectory
        return tr is not None and len(tr.delays) > EDGE_BUDGET

    def edges_drawn_for(self) -> list[tuple[str, str]]:
        """The network's edges this view draws: all, or in a big network (more than
        EDGE_BUDGET arrows: collapsed groups bundle many edges into few) the focus nodes'."""
        tr = self.player.trajectory
        if tr is None:
            return []
        self.edges_limited = len(tr.delays) > EDGE_BUDGET and self._arrow_total() > EDGE_BUDGET
        if not self.edges_limited:
            return list(tr.delays)
        made_for, focus, edges = self._focus_edges
        if made_for is not tr or focus != self.focus_nodes:  # a page turn: the same edges
            focus = frozenset(self.focus_nodes)
            edges = self._edges_of(focus, tr)
            if len(edges) > EDGE_BUDGET:  # a fog again (select all): the note says why
                edges = []
            self._focus_edges = (tr, focus, edges)
        return list(edges)

    def _edges_of(self, focus: frozenset, tr) -> list[tuple[str, str]]:
        """The trajectory's edges into or out of the `focus` nodes, in its edge order (more
        than EDGE_BUDGET: some), found through the network's adjacency, not by a pass over
        every edge at every selection."""
        g, delays = self.player.network.graph, tr.delays
        found: set = set()
        for n in focus:
            if n in g:
                found.update(k for k in ((u, n) for u in g._pred[n]) if k in delays)
                found.update(k for k in ((n, v) for v in g._succ[n]) if k in delays)
            if len(found) > EDGE_BUDGET:
                return list(found)
        return [k for k in delays if k in found]  # (a dict of every edge's rank, made anew
        # for each trajectory, cost 10-20 ms after every edit of a big network)

    def _arrow_total(self) -> int:
        """How many arrows every edge would make, counted up to EDGE_BUDGET + 1 (once per
        delays and rows)."""
        tr = self.player.trajectory
        rows = self.row_of if self._rows_tr is tr else \
            build_rows(tr, self.player.network, self.expanded)[1]  # not laid out yet
        delays, row_of, total = self._arrows_for
        if delays is not tr.delays or row_of != rows:  # (counting stops early: no need to
            # compare 50,000 delays with the last trajectory's to keep the count)
            total = arrow_count(tr, rows, EDGE_BUDGET + 1)
            self._arrows_for = (tr.delays, dict(rows), total)
        return total

    def _place_arrows(self, first: int, last: int) -> None:
        for (offset, delayed, sign, thick, arc), path in self._templates.items():
            pen = self._arrow_pen(delayed, sign, thick, arc)
            for t in range(first, last + 1):
                if not first <= t + offset <= last:
                    continue
                item = QGraphicsPathItem(path)
                item.setPen(pen)
                item.setPos(self.column_x(t), 0)
                item.setZValue(1 if arc else 2)  # over the backgrounds (0)
                self.scene().addItem(item)
                self.edge_items.append(item)
        for offset, count in self._template_counts.items():
            steps = sum(1 for t in range(first, last + 1) if first <= t + offset <= last)
            self.edge_count += count * steps
            self.arrow_count += self._arrow_counts[offset] * steps

    @staticmethod
    def _arrow_pen(delayed: bool, sign, thick: bool, arc: bool) -> QPen:
        """Same-step arcs beside a column (a gate's input skipping rows) are drawn light and
        under the rest: what unrolling shows is the steps passing values on, and an LSTM's
        arcs, as strong as those, wove one tangle between the columns."""
        color = QColor(bundle_color(delayed, sign))
        if arc:
            color.setAlpha(ARC_ALPHA)
        pen = QPen(color, (1.6 if thick else 1.0) if arc else (2.2 if thick else 1.2),
                   Qt.PenStyle.DashLine if delayed else Qt.PenStyle.SolidLine)
        pen.setCosmetic(True)
        return pen

    def _add_note(self, tr, first: int) -> None:
        note = self.scene().addSimpleText(
            f"{len(tr.delays):,} edges: showing those of the selected neurons "
            f"({sum(self._template_counts.values()):,}; none past {EDGE_BUDGET:,})",
            QFont("Sans Serif", 9))
        note.setBrush(QColor("#555"))
        note.setPos(self.column_x(first) - 45, self.column_top() - 42)
        self._extras.append(note)

    def _build_templates(self, tr, net) -> None:
        """One path per (column offset of the source, timing, sign, bundle or not, arc beside
        the column or not), drawn into a column at x = 0: offset -d for a delay d, +d when the
        target runs in reverse time."""
        paths: dict[tuple, QPainterPath] = {}
        counts: dict[int, int] = {}
        arrow_counts: dict[int, int] = {}
        for (ru, rv, offset), arrow in arrows(self.edges_drawn_for(), tr, net,
                                              self.row_of).items():
            delayed = offset != 0 or ru == rv
            thick = len(arrow.edges) > 1 or self.rows[ru].is_group or self.rows[rv].is_group
            arc = offset == 0 and ru != rv and rv != ru + 1  # an arc beside the column
            path = paths.setdefault((offset, delayed, arrow.sign, thick, arc), QPainterPath())
            a = QPointF(offset * COLUMN_W, float(self.row_y[ru]))
            b = QPointF(0.0, float(self.row_y[rv]))
            draw_arrow(path, a, b, self._extent(ru), self._extent(rv), offset,
                       adjacent=rv == ru + 1)
            counts[offset] = counts.get(offset, 0) + len(arrow.edges)
            arrow_counts[offset] = arrow_counts.get(offset, 0) + 1
        self._templates, self._template_counts = paths, counts
        self._arrow_counts = arrow_counts

    def _extent(self, i: int) -> tuple[float, float]:
        """Half width and half height of row i's cell."""
        return (CELL_W / 2 if self.rows[i].is_group else NODE_R), self.row_half_height(i)

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
