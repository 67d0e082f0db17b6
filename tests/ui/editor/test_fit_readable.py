"""Issue 10: Fit to View on every example shows node labels of at least 9 px in a 1600 x 1000
main window (the layout uses the canvas's shape instead of a tall strip)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontInfo

from rnnstudio.ui.canvas import items
from rnnstudio.ui.canvas.edges import EdgeLayerItem

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


def _items_bounds(scene) -> QRectF:
    """What Qt says the canvas's items cover (the node items asked one by one)."""
    rect = QRectF()
    for item in list(scene.nodes.values()) + scene._layers + [scene._live]:
        if not isinstance(item, EdgeLayerItem) or len(item):
            rect = rect.united(item.sceneBoundingRect())
    return rect.united(scene.groups.rect())


def test_the_drawn_area_is_the_items_bounds_after_moves_and_collapsing(window):
    """`items_rect` (Fit to View, export) computes the nodes' part from the model; it must be
    the union of the items' own bounds, whatever moved or collapsed."""
    window.files.open_path(str(EXAMPLES[0].parent / "lstm-adding.rnn.json"), ask=False)
    scene, editor = window.scene, window.editor
    scene.flush()
    assert scene.items_rect() == _items_bounds(scene)
    far = sorted(scene.nodes)[0]
    editor.set_node_attrs([far], x=-3000.0, y=2500.0)  # a node far out: the bounds grow
    scene.flush()
    assert scene.items_rect() == _items_bounds(scene)
    assert scene.items_rect().left() < -3000
    gid = next(iter(window.doc.net.groups))
    editor.set_group_attrs(gid, collapsed=True)  # its members' items go, a block comes
    scene.flush()
    assert scene.items_rect() == _items_bounds(scene)
