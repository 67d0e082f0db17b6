"""The main window's layout: where the docks go, sizes that suit the screen it opens on, the
layout the user left last time (QSettings: geometry and dock state), and View › Reset Layout.

Default sizes leave the canvas the larger part of any window: the panels under it take about
30% of the height (190-330 px), the ordering strip one row, the Sequence dock a third of the
width; at 1280x720 the canvas keeps about 860x370 px.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

STATE_VERSION = 2  # bump when the default arrangement changes: an older saved state is ignored
GEOMETRY_KEY, STATE_KEY = "window/geometry", "window/state"
BOTTOM_SHARE, BOTTOM_MIN, BOTTOM_MAX = 0.30, 190, 330
STRIP_HEIGHT = 56
SEQUENCE_MIN_WIDTH = 360


def arrange(window) -> None:
    """The default arrangement: the Palette on the left; the Inspector (and panels added under
    it) on the right, from the toolbar down to the status bar; under the canvas the ordering
    strip, then the Sequence dock beside a tab group of Unrolled in time / Plots / Training."""
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    d = window.docks
    tabs = [d[name] for name in ("Unrolled in time", "Plots", "Training") if name in d]
    if "Ordering" in d and "Sequence" in d:
        window.splitDockWidget(d["Ordering"], d["Sequence"], Qt.Orientation.Vertical)
    if "Sequence" in d and tabs:
        window.splitDockWidget(d["Sequence"], tabs[0], Qt.Orientation.Horizontal)
    for dock in tabs[1:]:
        window.tabifyDockWidget(tabs[0], dock)
    if tabs:
        tabs[0].raise_()


def bottom_height(window_height: int) -> int:
    """The height of the panels under the canvas (Sequence, Unrolled, Plots, Training)."""
    return max(BOTTOM_MIN, min(BOTTOM_MAX, int(window_height * BOTTOM_SHARE)))


def apply_default_sizes(window) -> None:
    """Size the docks for the window's current size (call once it has its size)."""
    d = window.docks
    if "Sequence" in d:
        window.resizeDocks([d["Sequence"]], [max(SEQUENCE_MIN_WIDTH, window.width() // 3)],
                           Qt.Orientation.Horizontal)
        window.resizeDocks([d["Sequence"]], [bottom_height(window.height())],
                           Qt.Orientation.Vertical)
    if "Ordering" in d:
        window.resizeDocks([d["Ordering"]], [STRIP_HEIGHT], Qt.Orientation.Vertical)


def save(window) -> None:
    settings = QSettings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState(STATE_VERSION))


def restore(window) -> bool:
    """Put back the geometry and docks the user left; False when there is nothing (usable)
    saved, and the defaults apply."""
    settings = QSettings()
    geometry, state = settings.value(GEOMETRY_KEY), settings.value(STATE_KEY)
    if geometry is None or state is None:
        return False
    return bool(window.restoreGeometry(geometry)) and \
        bool(window.restoreState(state, STATE_VERSION))


def reset(window) -> None:
    """Every dock back in its default place, shown, docked and sized for the window."""
    for title, dock in window.docks.items():
        dock.setFloating(False)
        window.addDockWidget(window.dock_areas.get(title, Qt.DockWidgetArea.BottomDockWidgetArea),
                             dock)
        dock.show()
    arrange(window)
    apply_default_sizes(window)
