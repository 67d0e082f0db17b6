"""The toolbar: an icon and a tooltip (with the shortcut) on every button, and widths that do not
move when the Undo text changes."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QToolButton

from rnnstudio.ui import icons


def buttons(window):
    bar = window.toolbar
    return [bar.widgetForAction(a) for a in bar.actions() if not a.isSeparator()]


def test_every_toolbar_button_has_an_icon_and_a_tooltip_with_its_shortcut(window):
    for action in window.toolbar.actions():
        if action.isSeparator() or not isinstance(window.toolbar.widgetForAction(action),
                                                  QToolButton):
            continue
        assert not action.icon().isNull(), action.text()
        shortcut = action.shortcut().toString()
        assert action.toolTip() and (not shortcut or f"({shortcut})" in action.toolTip())
    assert {"new", "open", "save", "undo", "redo", "fit"} <= set(icons.DRAWINGS)


def test_a_long_undo_text_does_not_move_the_toolbar(window, qtbot):
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    before = [w.geometry() for w in buttons(window)]
    window.doc.stack.push(QUndoCommand("Insert LSTM (1 input, 2 cells)"))
    qtbot.wait(20)
    assert [w.geometry() for w in buttons(window)] == before
    assert window.actions["undo"].toolTip() == "Undo Insert LSTM (1 input, 2 cells) (Ctrl+Z)"
    window.doc.stack.undo()
    assert window.actions["redo"].toolTip().startswith("Redo Insert LSTM (1 input, 2 cells)")
    assert [w.geometry() for w in buttons(window)] == before


def test_the_icons_draw_something_at_every_size():
    for name in icons.DRAWINGS:
        icon = icons.icon(name)
        for size in icons.SIZES:
            image = icon.pixmap(size, size).toImage()
            opaque = sum(image.pixelColor(x, y).alpha() > 0
                         for x in range(0, size, 2) for y in range(0, size, 2))
            assert opaque > size * size / 4 * 0.05, name  # a drawing, not an empty square
