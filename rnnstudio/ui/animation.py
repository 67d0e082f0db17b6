"""Record a played sequence as an animation, for slides: the canvas (the whole network, its
nodes coloured by value), the unrolled view, or both stacked, one frame per time step, with a
caption (the network, the step) and the value scale under each frame.

GIF is written with Pillow (a dependency); MP4 with imageio and its ffmpeg binary (the optional
extra ``pip install 'rnnstudio[video]'``; without it a clear `AnimationError` says so). The file
appears only when complete: frames go to a temporary file beside it, renamed at the end, and a
cancelled or failed recording leaves nothing behind.

`AnimationRig` holds what a recording needs (scene, player, unrolled view): the main window's
own (`AnimationRig.of_window`) or a headless one for ``rnnstudio animate`` (`headless_rig`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPen

from . import style
from .canvas.values import format_value

VIEWS = ("canvas", "unrolled", "both")
FORMATS = (".gif", ".mp4")
CAPTION_H = 34
MAX_FRAMES = 2000
VIDEO_HINT = "pip install 'rnnstudio[video]'"


class AnimationError(Exception):
    """An animation that cannot be recorded or written; the message says why."""


class Cancelled(Exception):
    """The user cancelled the recording."""


@dataclass
class AnimationRig:
    scene: object      # NetworkScene (coloured by the player through CanvasPlayer)
    player: object     # PlayerController
    unrolled: object   # UnrolledView
    name: str = ""

    @classmethod
    def of_window(cls, window) -> "AnimationRig":
        return cls(window.scene, window.player.controller, window.player.unrolled,
                   window.doc.display_name())


# ---------------------------------------------------------------------- frames
def canvas_image(scene, width: int) -> QImage:
    """The whole network, `width` pixels wide, as the canvas colours it now."""
    from .render import scene_image
    if hasattr(scene, "route_now"):
        scene.route_now()  # all drawn (a big network's edges come a slice at a time)
    rect = scene.items_rect() if hasattr(scene, "items_rect") else scene.itemsBoundingRect()
    scale = width / max(rect.width() + 60.0, 1.0)
    return scene_image(scene, scale)


def unrolled_image(unrolled, width: int) -> QImage:
    """The unrolled view as shown (its viewport), scaled to `width` pixels."""
    image = unrolled.viewport().grab().toImage()
    return image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)


def frame_image(rig: AnimationRig, view: str, width: int) -> QImage:
    """One frame at the player's cursor: the chosen view(s) and the caption."""
    parts = []
    if view in ("canvas", "both"):
        parts.append(canvas_image(rig.scene, width))
    if view in ("unrolled", "both"):
        parts.append(unrolled_image(rig.unrolled, width))
    height = sum(p.height() for p in parts) + CAPTION_H
    height += height % 2  # video encoders want even sizes
    out = QImage(width + width % 2, height, QImage.Format.Format_RGB32)
    out.fill(QColor("white"))
    painter = QPainter(out)
    y = 0
    for part in parts:
        painter.drawImage((out.width() - part.width()) // 2, y, part)
        y += part.height()
    _caption(painter, rig, QRectF(0, y, out.width(), CAPTION_H))
    painter.end()
    return out


def _caption(p: QPainter, rig: AnimationRig, rect: QRectF) -> None:
    player, tr = rig.player, rig.player.trajectory
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor("#2e3440"))
    p.setFont(QFont("Sans Serif", 11, QFont.Weight.DemiBold))
    text = f"{rig.name}    t = {player.t} / {player.T}" if rig.name else \
        f"t = {player.t} / {player.T}"
    p.drawText(rect.adjusted(12, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
    if tr is None:
        return
    bar = QRectF(rect.right() - 230, rect.top() + 8, 150, 10)
    grad = QLinearGradient(bar.topLeft(), bar.topRight())
    for at, color in ((0.0, style.VALUE_NEG), (0.5, style.VALUE_MID), (1.0, style.VALUE_POS)):
        grad.setColorAt(at, color)
    p.setPen(QPen(QColor("#9aa0ad"), 0.8))
    p.setBrush(grad)
    p.drawRect(bar)
    p.setPen(QColor("#2e3440"))
    p.setFont(QFont("Sans Serif", 8))
    s = format_value(tr.scale())
    for x, label in ((bar.left(), f"-{s}"), (bar.center().x(), "0"), (bar.right(), s)):
        p.drawText(QRectF(x - 30, bar.bottom() + 1, 60, 13), Qt.AlignmentFlag.AlignCenter, label)
    p.drawText(QRectF(bar.right() + 8, bar.top() - 3, 80, 16), Qt.AlignmentFlag.AlignLeft,
               "node value")


def frames(rig: AnimationRig, view: str = "canvas", first: int = 0, last: int | None = None,
           width: int = 960) -> Iterator[QImage]:
    """The frames of steps first..last (the player's cursor moves; it is put back after)."""
    if view not in VIEWS:
        raise AnimationError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    player = rig.player
    if player.network is None or not len(player.network):
        raise AnimationError("the network is empty: there is no sequence to play through it")
    if player.trajectory is None or player.T == 0:
        raise AnimationError("there is no sequence to play: the network needs at least one "
                             "input and one output, and a sequence")
    last = player.T - 1 if last is None else min(last, player.T - 1)
    if not 0 <= first <= last:
        raise AnimationError(f"no steps to record between {first} and {last}")
    where = (player.t, player.k)
    try:
        for t in range(first, last + 1):
            player.seek(t)
            yield frame_image(rig, view, width)
    finally:
        if player.trajectory is not None and where[0] < player.T:
            player.seek(where[0])


# ---------------------------------------------------------------------- writing
def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return data[:, :w * 3].reshape(h, w, 3).copy()


def _gif_writer(path: Path, fps: float):
    from PIL import Image
    kept: list = []

    def add(image: QImage) -> None:
        kept.append(Image.fromarray(_rgb(image)).convert("P", palette=Image.Palette.ADAPTIVE))

    def close() -> None:
        kept[0].save(path, format="GIF", save_all=True, append_images=kept[1:],
                     duration=max(20, int(round(1000 / fps))), loop=0)
    return add, close


def _mp4_writer(path: Path, fps: float):
    try:
        import imageio.v2 as imageio
        import imageio_ffmpeg  # noqa: F401 - the ffmpeg binary imageio needs
    except ImportError:
        raise AnimationError(f"MP4 needs imageio and imageio-ffmpeg: {VIDEO_HINT} (or save "
                             "as .gif)") from None
    writer = imageio.get_writer(str(path), format="FFMPEG", mode="I", fps=fps,
                                codec="libx264", quality=8, macro_block_size=2)

    def add(image: QImage) -> None:
        writer.append_data(_rgb(image))
    return add, writer.close


def write_animation(images, path, fps: float = 4.0, total: int | None = None,
                    progress: Callable[[int, int], bool] | None = None) -> Path:
    """Write `images` (QImages) to `path` (.gif or .mp4) at `fps` frames per second.
    `progress(done, total)` is called after each frame; returning False cancels (Cancelled is
    raised and nothing is written)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise AnimationError(f"{path.name}: choose a .gif or .mp4 file")
    if not fps > 0:
        raise AnimationError(f"frames per second must be above 0, got {fps}")
    part = path.with_name(f".{path.stem}.part{suffix}")
    add, close = (_gif_writer if suffix == ".gif" else _mp4_writer)(part, fps)
    count = 0
    try:
        for image in images:
            add(image)
            count += 1
            if count > MAX_FRAMES:
                raise AnimationError(f"more than {MAX_FRAMES} frames: record fewer steps")
            if progress is not None and progress(count, total or count) is False:
                raise Cancelled()
        if count == 0:
            raise AnimationError("no frames to write")
        close()
        os.replace(part, path)
    except BaseException:
        _remove(part)
        raise
    return path


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def record(rig: AnimationRig, path, view: str = "canvas", fps: float = 4.0, first: int = 0,
           last: int | None = None, width: int = 960,
           progress: Callable[[int, int], bool] | None = None) -> Path:
    """Play steps first..last and write them as an animation to `path`."""
    last = rig.player.T - 1 if last is None else last
    total = max(0, min(last, rig.player.T - 1) - first + 1)
    return write_animation(frames(rig, view, first, last, width), path, fps, total, progress)


# ---------------------------------------------------------------------- headless
def headless_rig(net, name: str = "", sample: int = 0, unrolled_size=None):
    """A scene, player and unrolled view of `net` without a main window, playing sequence
    `sample` of its training data (or the typed default sequence when it has none)."""
    from .canvas.scene import NetworkScene
    from .canvas.view import NetworkView
    from .player.canvas_overlay import CanvasPlayer
    from .player.controller import PlayerController
    from .player.sequence_dock import default_sequence, task_sequences
    from .player.unrolled import UnrolledView
    scene = NetworkScene(net)
    view = NetworkView(scene)
    player = PlayerController(net)
    canvas = CanvasPlayer(player, scene, view)
    unrolled = UnrolledView(player)
    # about 40 px a node row, as on screen
    unrolled.resize(*(unrolled_size or (1200, min(max(80 + 40 * len(net), 220), 900))))
    unrolled.show()
    data = task_sequences(net)
    if data is not None:
        X, Y, _ = data
        if not 0 <= sample < X.shape[1]:
            raise AnimationError(f"sample {sample}: the training data has {X.shape[1]} "
                                 f"sequences (0 to {X.shape[1] - 1})")
        player.set_sequence(X[:, sample, :], Y[:, sample, :])
    else:
        player.set_sequence(default_sequence(len(net.inputs)), None)
    rig = AnimationRig(scene, player, unrolled, name or net.name)
    rig.keep = (view, canvas)  # alive as long as the rig
    return rig
