"""The main window's layout: where the docks go, sizes that suit the screen it opens on, the
layout the user left last time (QSettings: geometry and dock state), and View › Reset Layout.

Default sizes leave the canvas the larger part of any window: the panels under it take about
30% of the height (190-330 px), the ordering strip one row, the Sequence dock a third of the
width; at 1280x720 the canvas keeps about 860x370 px.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QTabBar

STATE_VERSION = 2  # bump when the default arrangement changes: an older saved state is ignored
GEOMETRY_KEY, STATE_KEY = "window/geometry", "window/state"
BOTTOM_SHARE, BOTTOM_MIN, BOTTOM_MAX = 0.30, 190, 330
STRIP_HEIGHT = 56
SEQUENCE_MIN_WIDTH = 360


def arrange(window) -> None:
    """The default arrangement: the Palette on the left; the Inspector (and the panels that
    share its place) on the right, from the toolbar down to the status bar; under the canvas the
    ordering strip, then the Sequence dock beside a tab group of Unrolled in time / Plots /
    Training."""
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
    # the window's minimum size is the layout's as last computed: while the panels were being
    # added it reached 1288 px wide, which made a 1280 px screen too narrow for the window
    window.layout().activate()


def hide_stale_tab_bars(window) -> int:
    """Hide the main window's tab bars that no dock uses; how many. Qt (6.11) leaves a copy of
    a tab group's bar, unmanaged, where the group was when a second group is tabified before
    the window is shown: it floated over the Sequence table. A bar in use sits against one of
    its docks; a stale one does not, and shares its tabs with one that does."""
    bars = [b for b in window.findChildren(QTabBar)
            if b.parent() is window and b.isVisible() and b.count()]
    titles = {b: {b.tabText(i) for i in range(b.count())} for b in bars}
    used = [b for b in bars if _against_a_dock(window, b, titles[b])]
    stale = [b for b in bars if b not in used and any(titles[b] & titles[u] for u in used)]
    for bar in stale:
        bar.hide()
    return len(stale)


def _against_a_dock(window, bar: QTabBar, titles: set[str]) -> bool:
    rect = bar.geometry()
    for title in titles:
        dock = window.docks.get(title)
        if dock is not None and dock.isVisible() and not dock.isFloating():
            geometry = dock.geometry()
            if min(abs(rect.top() - geometry.bottom()), abs(rect.bottom() - geometry.top())) <= 4:
                return True
    return False


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


def restore_geometry(window) -> None:
    """Put the window back where and as large as the user left it (before it is shown)."""
    geometry = QSettings().value(GEOMETRY_KEY)
    if geometry is not None:
        window.restoreGeometry(geometry)


def restore_docks(window) -> bool:
    """Put the docks back as the user left them; False when nothing (usable) is saved. Call it
    once the window is shown: before, the panels' minimum sizes are their larger first guesses
    and a narrow dock came back wider than it was left."""
    state = QSettings().value(STATE_KEY)
    return state is not None and bool(window.restoreState(state, STATE_VERSION))


def after_first_show(window) -> bool:
    """The docks as the user left them, else sized for the window; then Qt's stray tab bars
    hidden. True when a saved layout was restored."""
    restored = restore_docks(window)
    if not restored:
        apply_default_sizes(window)
    hide_stale_tab_bars(window)
    return restored


def reset(window) -> None:
    """Every dock back in its default place, shown, docked and sized for the window."""
    for title, dock in window.docks.items():
        dock.setFloating(False)
        window.addDockWidget(window.dock_areas.get(title, Qt.DockWidgetArea.BottomDockWidgetArea),
                             dock)
        dock.show()
    arrange(window)
    apply_default_sizes(window)
