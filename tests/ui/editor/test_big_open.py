"""Opening a big network (issue 14, "Big networks stay interactive"): its nodes are painted
at once, its edges drawn a slice at a time after them with the window answering in between,
to the same picture as drawing them all at once; the view fits what was drawn."""

from __future__ import annotations

from rnnstudio.ui.canvas import drawing

from .test_bulk_paste import _drawn, _loopy_grid, _sliced, _slices


def _done(scene) -> bool:
    return not scene.drawing() and not scene.routing()


def test_a_big_network_opens_with_its_nodes_and_then_its_edges_a_slice_at_a_time(
        window, qtbot, monkeypatch):
    _sliced(monkeypatch)
    net = _loopy_grid()
    window.doc.new(net)
    scene = window.scene
    assert set(scene.nodes) == set(net.graph)  # the nodes at once
    assert len(scene._layer_of) == net.edge_count() and not scene.drawn(list(scene._layer_of))
    steps = _slices(scene, monkeypatch)
    qtbot.waitUntil(lambda: _done(scene), timeout=5000)
    assert len(steps) > 3 and max(steps) <= 40  # in slices, the window answering between
    sliced = _drawn(scene)
    assert any(look[0] for *_, look in sliced.values())  # delayed edges among them
    monkeypatch.setattr(drawing, "SLICE_EDGES", 10 ** 6)  # the same network drawn at once
    window.doc.new(net.copy())
    assert not window.scene._dirty_edges  # drawn at once
    assert _drawn(window.scene) == sliced


def test_the_view_fits_a_big_network_again_once_its_edges_are_drawn(window, qtbot,
                                                                     monkeypatch):
    """The first fit sees only the nodes; the feedback loops drawn after them run above and
    below them, so the view fits again, unless the user has zoomed or panned meanwhile."""
    _sliced(monkeypatch)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    view, scene = window.view, window.scene

    def shown():
        return view.mapToScene(view.viewport().rect()).boundingRect()
    window.doc.new(_loopy_grid())
    qtbot.waitUntil(lambda: _done(scene), timeout=5000)
    qtbot.wait(2 * 50)  # (the view looks every REFIT_POLL_MS)
    assert shown().contains(scene.items_rect())
    view.resetTransform()
    window.doc.new(_loopy_grid())
    qtbot.waitUntil(lambda: view.transform().m11() != 1.0, timeout=5000)  # the first fit
    view.zoom(1.5)  # the user zooms in before the edges are all drawn
    zoomed = view.transform()
    qtbot.waitUntil(lambda: _done(scene), timeout=5000)
    qtbot.wait(2 * 50)
    assert view.transform() == zoomed  # left as the user set it


def test_opening_a_big_network_leaves_its_ordering_to_the_worker(window, qtbot, monkeypatch):
    """The canvas and the ordering strip show a big network's ordering once its worker has
    computed it: the UI thread never computes it (0.1-0.2 s at 50,000 edges, before the
    window's first paint)."""
    import threading

    from rnnstudio.model import ordered, ordering as ordering_module
    from rnnstudio.ui import ordering_strip
    from rnnstudio.ui.player import controller
    _sliced(monkeypatch)
    monkeypatch.setattr(ordering_strip, "ROUTE_LATER", 0)  # every network is big: for the
    monkeypatch.setattr(controller, "BACKGROUND_SIZE", 0)  # strip and the player's re-run
    threads, real = [], ordering_module.network_ordering

    def recording(*args):
        threads.append(threading.current_thread())
        return real(*args)
    monkeypatch.setattr(ordering_module, "network_ordering", recording)  # the worker's
    monkeypatch.setattr(ordered, "network_ordering", recording)  # the network's own
    net = _loopy_grid()
    window.doc.new(net)
    strip = window.strip
    assert "computing the ordering" in strip.info.text() and not strip.order_shown()
    qtbot.waitUntil(lambda: _done(window.scene) and bool(strip.order_shown()), timeout=5000)
    assert strip.order_shown() == net.ordering()[:len(strip.order_shown())]
    assert threads and threading.main_thread() not in threads
