"""The unrolled view and the player's plots hold the engine's values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, QRectF, Qt

import rnnstudio as rs
from rnnstudio.ui.player.unrolled import MAX_COLUMNS
from rnnstudio.ui.style import value_scale

from .conftest import small_net

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def delayed_net():
    """x -> h same step, h -> h delay 1 (self-loop), h -> y delay 2 explicitly."""
    net = small_net()
    net.set_edge_attrs("h", "y", delay=2)
    return net


@pytest.fixture
def window(window, qtbot):
    """The main window on screen (the unrolled view lays out only while it is visible)."""
    window.show()
    qtbot.waitExposed(window)
    window.player.unrolled_dock.raise_()
    return window


def columns(view):
    return sorted(view.columns)


def test_the_unrolled_view_has_a_column_per_step_and_an_edge_per_edge_and_step(window):
    net = delayed_net()
    window.doc.new(net)
    view, p = window.player.unrolled, window.player.controller
    T = p.T
    assert T <= MAX_COLUMNS or view.step_window() == (0, MAX_COLUMNS - 1)
    first, last = view.step_window()
    steps = last - first + 1
    assert columns(view) == list(range(first, last + 1))
    delays = net.delays()
    expected = sum(max(0, steps - d) for d in delays.values())
    assert view.edge_count == expected
    assert delays[("h", "y")] == 2 and delays[("h", "h")] == 1 and delays[("x", "h")] == 0


def test_delayed_edges_cross_from_column_t_minus_d_to_t(window):
    net = delayed_net()
    net.add_neuron("r", direction="reverse", x=150.0, y=200.0)
    net.add_edge("x", "r", weight=0.4)
    net.add_edge("r", "r", weight=0.5)  # a reverse-time neuron reads step t+1
    window.doc.new(net)
    view = window.player.unrolled
    delays = net.delays()
    first, last = view.step_window()
    seen = {}
    assert len(view.drawn_edges()) == view.edge_count
    for u, su, v, tv in view.drawn_edges():
        gap = su - tv if v == "r" else tv - su
        assert gap == delays[(u, v)]
        assert first <= su <= last and first <= tv <= last
        seen[(u, v)] = seen.get((u, v), 0) + 1
    assert seen == {k: (last - first + 1) - d for k, d in delays.items()}
    a, b = view.position("h", first), view.position("y", first + 2)
    assert b.x() > a.x()  # columns run left to right in time


def test_a_long_sequence_draws_a_window_around_the_cursor(window):
    window.doc.new(small_net())
    dock, p, view = window.player.sequence, window.player.controller, window.player.unrolled
    from rnnstudio.ui.player.sequence_dock import SOURCE_TABLE
    dock.source.setCurrentText(SOURCE_TABLE)
    dock.length.setValue(60)
    p.seek(40)
    first, last = view.step_window()
    assert last - first + 1 == MAX_COLUMNS and first <= 40 <= last
    assert columns(view) == list(range(first, last + 1))


def test_a_big_network_draws_the_selected_neurons_edges_on_every_page(window, monkeypatch):
    import rnnstudio.ui.player.unrolled_arrows as unrolled_arrows
    monkeypatch.setattr(unrolled_arrows, "EDGE_BUDGET", 2)  # small_net has more edges than this
    window.doc.new(delayed_net())
    dock, p, view = window.player.sequence, window.player.controller, window.player.unrolled
    from rnnstudio.ui.player.sequence_dock import SOURCE_TABLE
    dock.source.setCurrentText(SOURCE_TABLE)
    dock.length.setValue(60)

    def drawn():
        return {(u, v) for u, _, v, _ in view.drawn_edges()}
    view.set_focus_nodes({"y"})
    assert view.edges_limited and drawn() == {("h", "y")}
    for t in (5, 40, 55):  # page turns keep the focus' edges
        p.seek(t)
        first, last = view.step_window()
        assert first <= t <= last and drawn() == {("h", "y")}
    view.set_focus_nodes({"x"})
    assert drawn() == {("x", "h")}


def test_unrolled_values_follow_the_cursor_and_clicks_select(window, qtbot):
    net = small_net()
    window.doc.new(net)
    view, p = window.player.unrolled, window.player.controller
    p.seek(3)
    tr = p.trajectory
    first, last = view.step_window()
    for t in range(first, last + 1):
        for node in net.graph.nodes:
            shown = view.value_shown(node, t)
            if t <= 3:
                assert shown == pytest.approx(tr.values[t, tr.index(node)])
            else:
                assert shown is None
    p.micro_step()  # step 4, first neuron only
    first_neuron = tr.order[tr.n_inputs]
    assert view.value_shown(first_neuron, 4) is not None
    assert view.value_shown(tr.order[-1], 4) is None
    view.show()
    qtbot.waitExposed(view)
    target = view.position("h", 1)
    view.ensureVisible(QRectF(target.x() - 20, target.y() - 20, 40, 40))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(target))
    assert p.t == 1
    assert window.scene.selected_nodes() == ["h"]


def test_plots_hold_the_engines_values(window):
    net = small_net()
    window.doc.new(net)
    p, plots = window.player.controller, window.player.plots
    X = p.trajectory.X
    out, states = rs.run(net, X[:, None, :], return_states=True)
    window.scene.select_nodes(["g", "h"])
    assert sorted(plots.selected) == ["g", "h"]  # the canvas selection chooses the curves
    for i, node in enumerate(plots.selected):
        x, y = plots._state_curves[i].getData()
        np.testing.assert_allclose(y, states[node][:, 0])
        np.testing.assert_array_equal(x, np.arange(len(X)))
    x, y = plots._output_curves[0].getData()
    np.testing.assert_allclose(y, out[:, 0, 0])
    image = plots.image.image
    tr = p.trajectory
    np.testing.assert_allclose(image, tr.values.T)
    assert tr.order[: len(net.inputs)] == net.inputs
    p.seek(4)
    assert all(line.value() == 4 for line in plots._cursors)


def test_plot_curves_are_updated_not_rebuilt(window):
    window.doc.new(small_net())
    p, plots = window.player.controller, window.player.plots
    window.scene.select_nodes(["h"])
    items_before = list(plots.states.getPlotItem().listDataItems())
    for _ in range(5):
        p.step()
    window.doc.net.set_edge_attrs("x", "h", weight=-0.7)
    p._on_model_settled()
    assert plots.states.getPlotItem().listDataItems() == items_before


def test_a_hidden_unrolled_view_catches_up_when_shown(window, qtbot):
    window.doc.new(small_net())
    view, p = window.player.unrolled, window.player.controller
    window.player.plots_dock.raise_()  # the unrolled tab is hidden behind the plots
    qtbot.waitUntil(lambda: not view.active(), timeout=2000)
    p.seek(5)
    assert view.value_shown("h", 5) is None  # not drawn while behind
    window.player.unrolled_dock.raise_()
    qtbot.waitUntil(view.active, timeout=2000)
    assert view.value_shown("h", 5) == pytest.approx(
        p.trajectory.values[5, p.trajectory.index("h")])


def test_same_step_edges_are_drawn_above_the_column_backgrounds(window):
    from rnnstudio.ui.player.unrolled_items import ColumnBackItem, ColumnItem
    window.doc.new(small_net())
    view = window.player.unrolled
    items = view.scene().items()
    backs = [i.zValue() for i in items if isinstance(i, ColumnBackItem)]
    cells = [i.zValue() for i in items if isinstance(i, ColumnItem)]
    assert backs and cells and view.edge_items
    for edge in view.edge_items:  # every arrow over every background, under every cell
        assert max(backs) < edge.zValue() < min(cells)
    # and on screen: the middle of the same-step arrow x -> h is drawn, not background
    view.resize(900, 400)
    image = view.grab().toImage()
    a, b = view.position("x", 0), view.position("h", 0)
    mid = view.mapFromScene((a + b) / 2)
    colour = image.pixelColor(mid)
    from rnnstudio.ui.player.unrolled_items import COLUMN_FILL
    assert colour != COLUMN_FILL


def test_a_collapsed_group_is_one_cell_per_step(window):
    from rnnstudio import templates
    net = templates.elman(1, 4, 1)
    for gid in net.groups:
        net.set_group_collapsed(gid, True)
    window.doc.new(net)
    view, p = window.player.unrolled, window.player.controller
    assert [r.label for r in view.rows] == ["inputs (1)", "hidden (4)", "outputs (1)"]
    first, last = view.step_window()
    steps = last - first + 1
    # x_t -> h_t, h_t -> y_t every step, h_{t-1} -> h_t between steps: 3 arrows a step
    assert view.arrow_count == 2 * steps + (steps - 1)
    assert view.edge_count == sum(max(0, steps - d) for d in net.delays().values())
    p.seek(2)
    hidden = view.rows[1]
    levels = view.levels_for(2)[hidden.index]
    tr = p.trajectory
    expected = style_levels([tr.value(m, 2) for m in hidden.members], tr.scale())
    assert list(levels) == expected
    assert view.value_shown("h2", 2) == pytest.approx(tr.value("h2", 2))


def style_levels(values, scale):
    from rnnstudio.ui import style
    return list(style.value_levels(np.array(values), scale))


def test_the_view_shows_groups_as_cells_and_expands_them_on_its_own(window, qtbot):
    """Groups are one cell per step whatever the canvas shows (the textbook unrolled figure);
    double-clicking a cell shows the group's neurons, double-clicking one of them the cell
    again: the view's state, not the model's (the canvas stays expanded, nothing to undo)."""
    from rnnstudio import templates
    window.doc.new(templates.elman(1, 4, 1))  # every group expanded on the canvas
    view = window.player.unrolled
    view.resize(900, 400)
    assert [r.label for r in view.rows] == ["inputs (1)", "hidden (4)", "outputs (1)"]

    def double_click(node):
        target = view.position(node, 0)
        view.ensureVisible(QRectF(target.x() - 30, target.y() - 20, 60, 40))
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                          pos=view.mapFromScene(target))
    double_click("h0")
    assert [r.label for r in view.rows] == ["inputs (1)", "h0", "h1", "h2", "h3", "outputs (1)"]
    assert not any(r["collapsed"] for r in window.doc.net.groups.values())
    assert window.doc.stack.count() == 0
    double_click("h2")
    assert [r.label for r in view.rows] == ["inputs (1)", "hidden (4)", "outputs (1)"]
    window.doc.net.set_group_collapsed("hidden", True)  # the canvas's choice changes nothing
    assert [r.label for r in view.rows] == ["inputs (1)", "hidden (4)", "outputs (1)"]


def test_labels_are_at_least_9_px_and_edges_have_the_canvas_colours(window):
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QGraphicsItem
    from rnnstudio.ui import style
    from rnnstudio.ui.player.unrolled_items import LabelItem
    window.doc.new(delayed_net())
    view = window.player.unrolled
    labels = [i for i in view.scene().items() if isinstance(i, LabelItem)]
    assert len(labels) >= 3 + len(view.columns)
    for label in labels:  # the same size on screen whatever the zoom
        assert label.flags() & QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
        assert QFontInfo(label.font).pixelSize() >= 9
    colours = {item.pen().color().name() for item in view.edge_items}
    canvas = {c.name() for c in style.EDGE_COLOR.values()}
    assert colours and colours <= canvas


def test_one_value_scale_labelled_the_same_on_the_canvas_and_the_heatmap(window):
    """A peak of 1.035 (the sine example's input) is shown as ±1.2 everywhere, not ±1.035 on
    the canvas and ticks of ±1 on the heatmap's colour bar."""
    net = small_net()
    window.doc.new(net)
    p = window.player.controller
    X = np.zeros((8, 1))
    X[3, 0] = -1.035
    p.set_sequence(X)
    p.seek(4)
    tr = p.trajectory
    assert tr.scale() == 1.2
    legend = window.player.canvas.legend
    labels = [text for text, _ in legend.texts()[1:4]]
    assert labels == ["\u22121.2", "0", "1.2"]
    (ticks,) = window.player.plots.colorbar.axis._tickLevels
    assert [(v, text) for v, text in ticks] == [(-1.2, labels[0]), (0.0, "0"), (1.2, "1.2")]
    assert window.player.plots.colorbar.levels() == (-1.2, 1.2)


@pytest.mark.parametrize("peak", [0.5, 1.035, 7.0, 123456.0, 3.3e-7 + 2.0])
def test_the_value_legend_texts_never_overlap(window, peak):
    legend = window.player.canvas.legend
    legend.set_scale(value_scale(peak))
    rects = [rect for _, rect in legend.texts()]
    inside = QRectF(legend.rect())
    for i, a in enumerate(rects):
        assert inside.contains(a)
        for b in rects[i + 1:]:
            assert not a.intersects(b), (a, b)
    assert legend.width() <= 260 and legend.height() <= 50  # a corner, not a panel


def test_plot_legends_sit_outside_the_curves_and_targets_have_their_own_colour(window, qtbot):
    window.doc.new(small_net())
    p, plots = window.player.controller, window.player.plots
    p.set_sequence(np.linspace(-1, 1, 12)[:, None], np.linspace(1, -1, 12)[:, None])
    plots.set_selected(["h", "g"])
    window.player.plots_dock.raise_()
    for index, widget in enumerate((plots.states, plots.outputs)):
        plots.setCurrentIndex(index)
        qtbot.wait(20)
        item = widget.getPlotItem()
        assert len(item.legend.items) >= 2
        legend = item.legend.sceneBoundingRect()
        assert legend.isValid() and not legend.intersects(item.vb.sceneBoundingRect())
    output = pg.mkPen(plots._output_curves[0].opts["pen"]).color().name()
    target = pg.mkBrush(plots._target_curves[0].opts["symbolBrush"]).color().name()
    assert output != target


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_row_names_are_never_cut_and_stay_in_view_when_scrolled(window, size):
    """The row names sit left of the first column and follow the view's left edge when the
    columns scroll under them (a long name, 'backward layer (reverse time) (4)', was cut at
    1280x800 once stepping scrolled the view a little)."""
    window.resize(*size)
    window.doc.new(rs.templates.bidirectional(1, 4, 1))
    view, p = window.player.unrolled, window.player.controller
    for _ in range(3):
        p.step()

    def names_in_view():
        vp = view.viewport().rect()
        for item in view.names.items:
            r = view.mapFromScene(item.pos()).x() + item.boundingRect().left()
            assert r >= vp.left() - 0.5, item.text
    names_in_view()
    bar = view.horizontalScrollBar()
    bar.setValue((bar.minimum() + bar.maximum()) // 2)  # columns scrolled under the names
    names_in_view()
    assert view.names.band.isVisible()
    hidden = view.names.band.sceneBoundingRect().center()  # a column's cells under the band
    top = view.scene().items(hidden)[0]  # the topmost item there
    assert top is view.names.band or top in view.names.items
    band = view.names.band.sceneBoundingRect()
    for t, column in view.columns.items():  # a hidden column's header is hidden too
        head = column.sceneBoundingRect().center().x(), view.column_top() - 14
        if band.contains(*head):
            assert view.scene().items(QPointF(*head))[0] is view.names.band, t
    bar.setValue(bar.minimum())
    assert not view.names.band.isVisible()


def test_the_value_legend_stays_in_the_canvas_corner_when_the_view_scrolls(window, qtbot):
    """The legend was a child of the view's viewport, which Qt scrolls with its children:
    after Fit to View or a pan it drifted out of sight (elman-sine at 1280x800: y 454 in a
    viewport 398 px high)."""
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.layout_settled)  # the docks have their sizes
    window.files.open_path(str(EXAMPLES / "elman-sine.rnn.json"), ask=False)
    window.player.controller.seek(3)
    legend, view = window.player.canvas.legend, window.view

    def in_corner():
        assert legend.isVisible()
        vp = view.viewport()
        top_left = vp.mapFrom(legend.parentWidget(), legend.pos())
        inside = vp.rect().contains(QRectF(top_left, legend.size().toSizeF()).toRect())
        assert inside and top_left.x() <= 20, (top_left, vp.size())
    in_corner()
    view.fit()
    in_corner()
    for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
        bar.setValue(bar.maximum())
        in_corner()
        bar.setValue(bar.minimum())
        in_corner()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.rnn.json")), ids=lambda p: p.name)
def test_fit_keeps_every_node_clear_of_the_value_legend(window, qtbot, path):
    """Fit to View while stepping keeps the network off the legend in the corner, and reserves
    the legend's height only when a centred network would reach it (elman-sine's labels at
    1280x800 were 8.1 px with 66 px kept free beside a network that never came near)."""
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.layout_settled)  # the docks have their sizes
    window.files.open_path(str(path), ask=False)
    window.player.controller.seek(0)
    legend, view = window.player.canvas.legend, window.view
    view.fit()
    vp = view.viewport()
    box = QRectF(vp.mapFrom(legend.parentWidget(), legend.pos()), legend.size().toSizeF())
    for node, item in view.scene().nodes.items():
        assert not view.mapFromScene(item.sceneBoundingRect()).boundingRect().intersects(
            box.toRect()), node
    if path.name == "elman-sine.rnn.json":  # the first screen: readable on a small one
        from PySide6.QtGui import QFontInfo

        from rnnstudio.ui.canvas import items
        assert QFontInfo(items._LABEL_FONT).pixelSize() * view.transform().m11() >= 9.0


def test_undoing_a_paste_never_lays_the_unrolled_view_out_from_the_old_trajectory(
        window, monkeypatch, qtbot):
    """Undoing a paste removes the selected nodes: the selection follows at once, the player
    re-runs a moment later. Until then the unrolled view must not mix the old trajectory's
    edges with the network (was: KeyError "The edge ('x0', 'h0') is not in the graph.")."""
    import rnnstudio.ui.player.unrolled_arrows as unrolled_arrows
    monkeypatch.setattr(unrolled_arrows, "EDGE_BUDGET", 2)
    window.doc.new(delayed_net())
    view, p = window.player.unrolled, window.player.controller
    errors = []
    monkeypatch.setattr("sys.excepthook", lambda *exc: errors.append(exc))
    window.editor.select_all()
    window.editor.copy()
    pasted = window.editor.paste()
    qtbot.waitUntil(lambda: p.trajectory is not None  # the player re-runs on the paste
                    and set(pasted) <= set(p.trajectory.order))
    assert set(window.scene.selected_nodes()) == set(pasted)
    window.doc.stack.undo()  # the pasted (selected) nodes go, the selection follows each
    assert not errors
    qtbot.waitUntil(lambda: p.trajectory is not None
                    and not set(pasted) & set(p.trajectory.order))
    assert {u for u, _, _, _ in view.drawn_edges()} <= set(window.doc.net.graph)


def test_the_steps_recurrences_stand_out_from_same_step_arcs(window):
    """An LSTM unrolled: the gates' inputs that skip rows are arcs beside each column, as
    many as the arrows from step t-1 to t. The arcs are drawn light and under the
    recurrences, so what passes from step to step reads first (it was one tangle)."""
    window.files.open_path(EXAMPLES / "lstm-adding.rnn.json", ask=False)
    view = window.player.unrolled
    items = view.edge_items
    across = [i for i in items if i.pen().style() == Qt.PenStyle.DashLine]
    arcs = [i for i in items if i.pen().color().alpha() < 255]
    assert across and arcs
    assert all(i.pen().color().alpha() == 255 for i in across)
    assert max(i.zValue() for i in arcs) < min(i.zValue() for i in across)
    assert max(i.pen().widthF() for i in arcs) < min(i.pen().widthF() for i in across)
