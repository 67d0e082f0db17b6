"""Titles of the training plots, with their legends in them ("Loss per epoch ━ training ╍
validation"), so no legend box ever covers a curve. A title fits its plot: when the plot is too
narrow for the whole title, a shorter form is shown (a short title with the legend, then the
short title alone), never text running into the next plot."""

from __future__ import annotations

import re
from html import unescape

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

TITLE_MIN_WIDTH = 60  # a plot's title never makes the plot (and the dock) wider than this
TEXT_COLOR = "#2e3440"
FONT_PT = 9
SPACER = "&nbsp;&nbsp;"

Entry = tuple[str, str]  # (colour, text as HTML), e.g. ("#2f6fde", "━ training")


def titled(title: str, *entries: Entry) -> str:
    """The HTML of a title with its legend entries after it (`title` and the entries' texts are
    HTML: escape a user's text, such as a node id, with plaintext.markup)."""
    legend = "".join(f"{SPACER}<span style='color:{color}'>{text}</span>"
                     for color, text in entries)
    return f"<span style='color:{TEXT_COLOR};font-size:{FONT_PT}pt'><b>{title}</b>{legend}</span>"


def text_width(html: str) -> float:
    """How wide the title's text is drawn (bold, measured generously)."""
    plain = html_text(html)
    font = QFont()
    font.setPointSizeF(FONT_PT)
    font.setBold(True)
    return QFontMetricsF(font).horizontalAdvance(plain) * 1.04 + 8


def html_text(html: str) -> str:
    """The text a title's HTML shows (tags dropped, entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


class PlotTitles:
    """Keeps each plot's title the longest of its forms that fits the plot's width."""

    def __init__(self):
        self._forms: dict[pg.PlotItem, list[str]] = {}

    def set(self, plot: pg.PlotItem, title: str, *entries: Entry, short: str | None = None,
            compact: list[Entry] | None = None) -> None:
        """Title `plot`: "title + legend", else "short + legend", else "short + compact legend",
        else "short" alone."""
        short = short or title
        forms = [titled(title, *entries), titled(short, *entries),
                 titled(short, *(compact or [])), titled(short)]
        if plot not in self._forms:
            _span_title(plot)
            _cap_title_width(plot.titleLabel)
            plot.geometryChanged.connect(lambda p=plot: self.fit(p))
        self._forms[plot] = list(dict.fromkeys(forms))  # without repeats, in order
        self.fit(plot)

    def fit(self, plot: pg.PlotItem) -> None:
        forms = self._forms[plot]
        room = plot.width()
        html = next((f for f in forms if text_width(f) <= room), forms[-1])
        if html != plot.titleLabel.text:
            plot.setTitle(html)

    def shown(self, plot: pg.PlotItem) -> str:
        """The title's text as shown (no markup)."""
        return html_text(plot.titleLabel.text)


def _span_title(plot: pg.PlotItem) -> None:
    """Centre the title over the whole plot, axes included (pyqtgraph puts it over the view
    box alone): the form is chosen for the plot's width, and centred over the view box a title
    that fitted ran past the plot's right edge ("y0 ━ out ● targe" cut off in the last plot)."""
    layout, label = plot.layout, plot.titleLabel
    layout.removeItem(label)
    layout.addItem(label, 0, 0, 1, layout.columnCount())


def _cap_title_width(label: pg.LabelItem) -> None:
    """pyqtgraph makes a title's full width the plot's minimum width, so a long title widened
    the whole dock; with the minimum capped, the title's form is chosen to fit instead."""
    update_min = label.updateMin

    def capped() -> None:
        update_min()
        label.setMinimumWidth(min(label.minimumWidth(), TITLE_MIN_WIDTH))
        hints = getattr(label, "_sizeHint", None) or {}
        for which in (Qt.SizeHint.MinimumSize, Qt.SizeHint.PreferredSize):
            if which in hints:  # the preferred width too: the plots of a row share it equally
                width, height = hints[which]
                hints[which] = (min(width, TITLE_MIN_WIDTH), height)
    label.updateMin = capped
    capped()
