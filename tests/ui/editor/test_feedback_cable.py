"""The feedback loops of one corridor run as one cable (one lane, the same turns) and read
dashed, as every delayed edge does: their dashes are counted from the same point and are as
long whatever an edge's width, so they lie dash on dash."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter

from rnnstudio.ui.canvas.blocks import FrameNameItem
from rnnstudio.ui.canvas.geometry import CORNER
from rnnstudio.ui.canvas.tags import TAG_W

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ZOOM = 8


def _row(scene, x0: float, x1: float, y: float, zoom: float = ZOOM) -> list:
    """The pixels along y = `y` from x0 to x1, rendered `zoom` times larger."""
    image = QImage(round((x1 - x0) * zoom), 8, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), QRectF(x0, y - 4 / zoom, x1 - x0, 8 / zoom))
    painter.end()
    return [image.pixelColor(i, 4).getRgb()[:3] for i in range(image.width())]


def _gaps(pixels) -> float:
    return sum(min(p) > 235 for p in pixels) / len(pixels)


def test_a_cable_of_feedback_loops_reads_dashed(window):
    """elman-sine: the hidden-to-hidden loops leaving the column above share one lane. Along
    it, outside its z^-1 tag, a third of the line is gaps (dashes 6, gaps 3.75): each loop
    drawn from its own source had its dashes out of step with the others', and the six
    strands together drew a solid line."""
    window.files.open_path(EXAMPLES / "elman-sine.rnn.json", ask=False)
    scene = window.scene
    scene.route_now()
    scene.flush()
    corridors = defaultdict(list)
    for key, arc in scene._arcs.items():
        corridors[(arc.lane, arc.out_x, arc.in_x)].append(key)
    (lane, out_x, in_x), keys = max(corridors.items(), key=lambda kv: len(kv[1]))
    assert len(keys) >= 4
    weights = {round(abs(window.doc.net.graph.edges[k]["weight"]), 1) for k in keys}
    assert len(weights) > 1  # strands of different widths
    mid = (in_x + out_x) / 2
    pixels = (_row(scene, in_x + CORNER + 2, mid - TAG_W / 2 - 2, lane)
              + _row(scene, mid + TAG_W / 2 + 2, out_x - CORNER - 2, lane))
    assert 0.25 < _gaps(pixels) < 0.5, _gaps(pixels)


def _column(scene, x: float, y0: float, y1: float) -> list[tuple[int, int, int]]:
    """The pixels along x = `x` from y0 to y1, rendered ZOOM times larger."""
    image = QImage(6 * ZOOM, int((y1 - y0) * ZOOM), QImage.Format.Format_RGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), QRectF(x - 3, y0, 6, y1 - y0))
    painter.end()
    mid = 3 * ZOOM
    return [image.pixelColor(mid, j).getRgb()[:3] for j in range(image.height())]


def test_every_trunk_of_a_wrapped_layer_reads_dashed(window):
    """exploding-gradients: a hidden layer of 8 wrapped in two sub-columns, fully recurrent.
    Its loops go over the top as one cable, down a trunk left of the layer, one between its
    sub-columns and one right of it; each trunk carries strands from different sources and
    into different targets, and each reads dashed. Before, the loops near the bottom went
    under it, the trunks carried strands of two cables (one from above, one from below)
    whose dashes fell in each other's gaps, and the trunks read as solid lines."""
    window.files.open_path(EXAMPLES / "exploding-gradients.rnn.json", ask=False)
    scene, g = window.scene, window.doc.net.graph
    scene.route_now()
    scene.flush()
    arcs = scene._arcs
    assert len({a.above for a in arcs.values()}) == 1  # one cable
    trunks = defaultdict(list)  # x -> the y of the ends its strands leave it for
    for (u, v), a in arcs.items():
        trunks[a.out_x].append(g.nodes[u]["y"])
        trunks[a.in_x].append(g.nodes[v]["y"])
    assert len(trunks) == 3
    lane = next(iter(arcs.values())).lane
    for item in scene.items():  # the middle trunk passes under the end of the layer's name
        if isinstance(item, FrameNameItem):
            item.hide()
    for x, ends in trunks.items():
        pixels = _column(scene, x, lane + CORNER + 2, min(ends) - CORNER - 2)
        assert 0.25 < _gaps(pixels) < 0.5, (x, _gaps(pixels))


def test_a_cable_reads_dashed_at_the_zooms_the_window_opens_at(window):
    """rain, fit in a 1280x800 window, shows at zoom 0.95, where most strands are thinner
    than a pixel: Qt then counts their dashes in pixels, not in pen widths, so each strand's
    dashes had their own length (6 / width pixels) and the cable over the hidden layer was
    drawn solid (0% gaps) below zoom 1.5."""
    window.files.open_path(EXAMPLES / "rain.rnn.json", ask=False)
    scene = window.scene
    scene.route_now()
    scene.flush()
    arcs = scene._arcs
    lane = {a.lane for a in arcs.values()}.pop()
    turns = sorted({a.in_x for a in arcs.values()} | {a.out_x for a in arcs.values()})
    for zoom in (0.6, 0.8, 0.95, 1.2, 2.0):
        pixels = _row(scene, turns[0] + 2, turns[1] - 2, lane, zoom)
        assert 0.2 < _gaps(pixels) < 0.5, (zoom, _gaps(pixels))
