"""Render a network's canvas picture to PNG or SVG, in the app or headless:

    python -m rnnstudio render NET out.png [--scale 2]    (rnnstudio/cli/render.py)

Qt is imported only when rendering, so the command line stays quick for other commands.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

MARGIN = 30.0


def ensure_app():
    """A QApplication (offscreen when there is no display)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication([])


def scene_rect(scene):
    scene.route_now()  # everything up to date, the loops of a big network too
    rect = scene.items_rect()
    return rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def render_scene(scene, path, scale: float = 2.0) -> Path:
    """Write the whole canvas picture to `path` (.svg: vector; anything else: raster)."""
    path = Path(path)
    with _items_painting(scene):  # the items draw the nodes at the export's scale
        if path.suffix.lower() == ".svg":
            _render_svg(scene, path)
        else:
            _render_raster(scene, path, scale)
    return path


def scene_image(scene, scale: float = 2.0):
    """The whole canvas picture as a QImage, `scale` pixels per canvas unit."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    rect = scene_rect(scene)
    w, h = max(1, int(rect.width() * scale)), max(1, int(rect.height() * scale))
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    with _items_painting(scene):
        scene.render(painter, QRectF(0, 0, w, h), rect)
    painter.end()
    return image


def _render_raster(scene, path: Path, scale: float) -> None:
    image = scene_image(scene, scale)
    if not image.save(str(path)):
        raise OSError(f"{path}: could not write the image (unknown format or no access)")


def _render_svg(scene, path: Path) -> None:
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator
    rect = scene_rect(scene)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(int(rect.width()), int(rect.height())))
    gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
    gen.setTitle("RNN Studio network")
    painter = QPainter(gen)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    with _uncached(scene):  # cached items would go into the SVG as their pixmaps
        scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
    painter.end()


@contextmanager
def _items_painting(scene):
    """The node items draw the nodes while the scene is rendered (a zoomed-out canvas leaves
    them to the value layer's sprites, made for the screen's scale)."""
    layered = getattr(scene, "bodies_in_layer", False)
    if layered:
        scene.draw_bodies_in_layer(False)
    try:
        yield
    finally:
        if layered:
            scene.draw_bodies_in_layer(True)


@contextmanager
def _uncached(scene):
    """Every item paints itself (no pixmap cache) while the scene is rendered."""
    from PySide6.QtWidgets import QGraphicsItem
    modes = [(item, item.cacheMode()) for item in scene.items()]
    for item, _ in modes:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in modes:
            item.setCacheMode(mode)


def render_file(net_path, out_path, scale: float = 2.0) -> Path:
    """Load a network file and write its picture."""
    import rnnstudio as rs
    net = rs.load(net_path)
    ensure_app()
    from .canvas.scene import NetworkScene
    scene = NetworkScene(net)
    return render_scene(scene, out_path, scale)
