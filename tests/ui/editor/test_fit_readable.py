"""Issue 10: Fit to View on every example shows node labels of at least 9 px in a 1600 x 1000
main window (the layout uses the canvas's shape instead of a tall strip)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo

from rnnstudio.ui.canvas import items

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.rnn.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_fit_to_view_shows_labels_of_9_px(window, qtbot, path):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.layout_settled)  # the docks have their sizes
    window.files.open_path(str(path), ask=False)
    qtbot.wait(20)
    window.view.fit()
    px = QFontInfo(items._LABEL_FONT).pixelSize() * window.view.transform().m11()
    assert px >= 9.0, f"{path.name}: labels {px:.2f} px after Fit to View"
