"""The canvas's visual language: colours, sizes and node shapes, in one place."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPolygonF

NODE_RADIUS = 18.0
DETAIL_LOD = 0.45  # zoomed out below this, nodes show no text (label, badge, value, glyph)
RIM_WIDTH = 6.0  # a press this close to a node's outline starts a new edge
GRID = 20.0

BACKGROUND = QColor("#fbfbfd")
GRID_DOT = QColor("#dfe1e8")
NODE_OUTLINE = QColor("#3b4252")
SELECTION = QColor("#f59e0b")
BADGE_FILL = QColor("#3b4252")
BADGE_TEXT = QColor("#ffffff")
LABEL_TEXT = QColor("#2e3440")

# Node fills by kind: told apart by shape first, colour second.
NODE_FILL = {
    "input": QColor("#d9f2e6"),
    "neuron": QColor("#e6ecfa"),
    "product": QColor("#fbe9d7"),
    "output": QColor("#f8e1ea"),
}

# Edge colours: sign (positive / negative) x timing (same step / delayed).
EDGE_COLOR = {
    (False, True): QColor("#2f6fde"),   # same step, positive: blue
    (False, False): QColor("#d1453b"),  # same step, negative: red
    (True, True): QColor("#8d68dc"),    # delayed, positive: violet (opaque: alpha is slow)
    (True, False): QColor("#cc5f93"),   # delayed, negative: magenta
}
DELAY_TAG_FILL = QColor("#f1ebfd")
DELAY_TAG_TEXT = QColor("#5b34b0")

WIDTH_LEVELS = 6  # edge widths are bucketed so edges of one look are drawn as one path
MIN_WIDTH, MAX_WIDTH = 0.8, 4.2
WEIGHT_FOR_MAX_WIDTH = 2.0

# Value colouring (step-through): a diverging scale, blue (-1) to white (0) to red (+1).
VALUE_NEG = QColor("#2166ac")
VALUE_MID = QColor("#f7f7f7")
VALUE_POS = QColor("#b2182b")
VALUE_PENDING = QColor("#d8d8d8")  # not computed yet at the current step
COMPUTING = QColor("#10b981")  # ring around the neuron a micro-step just computed
TARGET_FILL = QColor("#fff4d6")
TARGET_TEXT = QColor("#7a5200")
READ_SAME = QColor("#1d4ed8")  # a read of this step's value (micro-step)
READ_DELAYED = QColor("#7c3aed")  # a read of a remembered value (t-d)


def width_level(weight: float) -> int:
    """The width bucket of an edge from |weight| (clamped)."""
    frac = min(abs(weight), WEIGHT_FOR_MAX_WIDTH) / WEIGHT_FOR_MAX_WIDTH
    return int(round(frac * (WIDTH_LEVELS - 1)))


def width_levels(weights):
    """`width_level` of each of a numpy array of weights."""
    frac = np.minimum(np.abs(weights), WEIGHT_FOR_MAX_WIDTH) / WEIGHT_FOR_MAX_WIDTH
    return np.rint(frac * (WIDTH_LEVELS - 1)).astype(np.int64)


def level_width(level: int) -> float:
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * level / (WIDTH_LEVELS - 1)


SCALE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
PENDING_TEXT = "not yet"  # the legend's word for a node not computed yet at this step


def value_scale(peak: float) -> float:
    """The symmetric range (-scale, scale) of the value colours for values up to |peak|: 1 for
    squashed values, else the next round number above the peak (1.035 -> 1.2, 7 -> 8, 130 ->
    150), so the canvas legend, the heatmap's colour bar and the unrolled view all use, and
    label, the same short number."""
    if not math.isfinite(peak) or peak <= 1.0:
        return 1.0
    decade = 10.0 ** math.floor(math.log10(peak))
    for step in SCALE_STEPS + (10.0,):
        if step * decade >= peak * (1 - 1e-12):
            return step * decade
    return 10.0 * decade


def scale_labels(scale: float) -> tuple[str, str, str]:
    """How every value legend labels its ends and middle: ("−1.2", "0", "1.2")."""
    text = f"{scale:g}"
    return f"\u2212{text}", "0", text


def value_color(value: float, scale: float = 1.0) -> QColor:
    """A diverging colour for a value in [-scale, scale] (clamped)."""
    t = max(-1.0, min(1.0, value / scale if scale else 0.0))
    end = VALUE_POS if t >= 0 else VALUE_NEG
    t = abs(t)
    return QColor.fromRgbF(
        VALUE_MID.redF() + (end.redF() - VALUE_MID.redF()) * t,
        VALUE_MID.greenF() + (end.greenF() - VALUE_MID.greenF()) * t,
        VALUE_MID.blueF() + (end.blueF() - VALUE_MID.blueF()) * t)


_BRUSH_LEVELS = 257
NAN_LEVEL = _BRUSH_LEVELS       # a value that is not a number
PENDING_LEVEL = _BRUSH_LEVELS + 1  # not computed yet at the current step
_VALUE_BRUSHES: list = []


def value_level(value: float, scale: float = 1.0) -> int:
    """`value` quantised to one of 257 colour levels of `value_color` (NAN_LEVEL for NaN)."""
    t = value / scale if scale else 0.0
    if t != t:
        return NAN_LEVEL
    t = max(-1.0, min(1.0, t))
    return int(round((t + 1.0) * 0.5 * (_BRUSH_LEVELS - 1)))


def value_levels(values: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """`value_level` of many values at once (the same levels: both round half to even)."""
    t = np.asarray(values, dtype=float) / scale if scale else np.zeros(len(values))
    levels = np.rint((np.clip(t, -1.0, 1.0) + 1.0) * 0.5 * (_BRUSH_LEVELS - 1))
    return np.where(np.isnan(t), NAN_LEVEL, np.nan_to_num(levels)).astype(np.intp)


def level_brush(level: int):
    """The shared QBrush of a colour level (value_level, NAN_LEVEL or PENDING_LEVEL)."""
    if not _VALUE_BRUSHES:
        n = _BRUSH_LEVELS - 1
        _VALUE_BRUSHES.extend(QBrush(value_color(2.0 * i / n - 1.0)) for i in range(n + 1))
        _VALUE_BRUSHES.extend((QBrush(VALUE_PENDING), QBrush(VALUE_PENDING)))
    return _VALUE_BRUSHES[level]


def visual_kind(attrs: dict) -> str:
    """input / neuron / product / output: what shape a node is drawn with."""
    kind = attrs.get("kind", "neuron")
    if kind == "neuron" and attrs.get("aggregate") == "product":
        return "product"
    return kind


def _regular_polygon(sides: int, radius: float, rotation: float) -> QPolygonF:
    pts = []
    for k in range(sides):
        a = rotation + 2 * math.pi * k / sides
        pts.append(QPointF(radius * math.cos(a), radius * math.sin(a)))
    return QPolygonF(pts)


def _input_shape(r: float) -> QPainterPath:
    """A pentagon pointing right (data flows in from the left)."""
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(-r, -r * 0.85), QPointF(r * 0.35, -r * 0.85),
                               QPointF(r * 1.05, 0), QPointF(r * 0.35, r * 0.85),
                               QPointF(-r, r * 0.85)]))
    path.closeSubpath()
    return path


def _output_shape(r: float) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(_regular_polygon(6, r * 1.08, 0.0))
    path.closeSubpath()
    return path


def node_shape(vkind: str, r: float = NODE_RADIUS) -> QPainterPath:
    """The outline of a node of visual kind `vkind`, centred on (0, 0)."""
    if vkind == "input":
        return _input_shape(r)
    if vkind == "output":
        return _output_shape(r)
    path = QPainterPath()
    path.addEllipse(QPointF(0, 0), r, r)
    return path


def node_rect(r: float = NODE_RADIUS) -> QRectF:
    return QRectF(-r * 1.1, -r * 1.1, r * 2.2, r * 2.2)


SHAPES = {k: node_shape(k) for k in ("input", "neuron", "product", "output")}
