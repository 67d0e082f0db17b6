"""The training dock's progress bar: its words shorten when the bar is too narrow for them.

"Epoch 150/150  ·  loss 0.01727  ·  done" needs about 250 px; beside the four buttons in a
1280 px window the bar has about 230, and Qt wrapped the words onto a second line that the
bar cut off. Too narrow, the bar shows "150/150 · 0.01727 · done"; the whole text is always in
its tooltip. `format()` stays the whole text."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

PADDING = 16  # px the style keeps around the text


def compact(text: str) -> str:
    """The short form of a progress text: the numbers without their names."""
    return text.replace("Epoch ", "").replace("loss ", "").replace("  ·  ", " · ")


class ProgressBar(QProgressBar):
    def text(self) -> str:  # noqa: D102 - Qt calls it for the words it paints
        full = super().text()
        if self.fontMetrics().horizontalAdvance(full) + PADDING <= self.width():
            return full
        return compact(full)

    def setFormat(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setFormat(text)
        self.setToolTip(text)
