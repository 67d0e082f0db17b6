"""A collapsed group's block: its caption, size and strip of member cells, shared by the
layout (which gives a collapsed group the room its block takes) and the canvas (which draws
it). No Qt: text widths come from the advance widths of the canvas's fonts as Linux draws them
(DejaVu Sans, 9 pt demi-bold for the label and 8 pt for the summary, at 96 dpi); the canvas
measures its text too and never draws a block narrower than that."""

from __future__ import annotations

import math

STRIP_W = 112.0  # a strip's target width (cells shrink for big groups, 2 units at least)
MIN_BLOCK_W = 84.0
PAD = 8.0
LINE_H = 15.0
CAPTION_H = 2 * LINE_H + 6  # the label, then "16 × tanh"
# advance widths of the printable ASCII characters (space to ~), label font then summary font
_CAPTION_W = [float(v) for v in (
    "4.17,5.47,6.25,10.05,8.34,12.02,10.45,3.67,5.48,5.48,6.27,10.05,4.55,4.97,4.55,4.38,8.34,"
    "8.34,8.34,8.34,8.34,8.34,8.34,8.34,8.34,8.34,4.8,4.8,10.05,10.05,10.05,6.95,12,9.28,9.14,"
    "8.8,9.95,8.19,8.19,9.84,10.03,4.45,4.45,9.3,7.64,11.94,10.03,10.19,8.78,10.19,9.23,8.64,"
    "8.17,9.73,9.28,13.23,9.25,8.69,8.69,5.48,4.38,5.48,10.05,6,6,8.09,8.58,7.11,8.58,8.12,5.22,"
    "8.58,8.53,4.11,4.11,7.97,4.11,12.5,8.53,8.23,8.58,8.58,5.91,7.14,5.73,8.53,7.81,11.08,7.73,"
    "7.81,6.98,8.53,4.38,8.53,10.05").split(",")]
_SUMMARY_W = [float(v) for v in (
    "3.48,4.41,5.05,9.2,6.98,10.44,8.56,3.02,4.28,4.28,5.5,9.2,3.48,3.97,3.48,3.7,6.98,6.98,"
    "6.98,6.98,6.98,6.98,6.98,6.98,6.98,6.98,3.7,3.7,9.2,9.2,9.2,5.83,11,7.52,7.53,7.67,8.47,"
    "6.94,6.31,8.52,8.27,3.23,3.23,7.2,6.12,9.48,8.22,8.66,6.62,8.66,7.64,6.97,6.72,8.05,7.52,"
    "10.88,7.53,6.72,7.53,4.28,3.7,4.28,9.2,5.5,5.5,6.73,6.97,6.05,6.97,6.77,3.86,6.97,6.97,"
    "3.05,3.05,6.36,3.05,10.7,6.97,6.72,6.97,6.97,4.52,5.72,4.31,6.97,6.5,8.98,6.5,6.5,5.77,"
    "6.98,3.7,6.98,9.2").split(",")]
_WIDE = 12.5  # any other character: as wide as the widest letters


def text_width(text: str, summary: bool = False) -> float:
    """The width of `text` in the block's label font (or its summary font), in scene units."""
    table = _SUMMARY_W if summary else _CAPTION_W
    return sum(table[ord(c) - 32] if 32 <= ord(c) < 127 else
               (9.2 if summary else 10.05) if c == "×" else
               (3.48 if summary else 4.55) if c == "·" else _WIDE for c in text)


def strip_grid(n: int) -> tuple[int, int, float]:
    """(columns, rows, cell size) of a strip of n cells: one row up to 8, two up to 16, 16
    wide up to 64 (16 x 4 cells of 8 units), then cells shrinking (2 units at least) to keep
    the strip about STRIP_W x 48."""
    if n <= 64:
        cols = n if n <= 8 else 8 if n <= 16 else 16
        cell = 9.0 if cols <= 8 else 8.0
    else:
        cell = float(max(2, math.floor(math.sqrt(STRIP_W * 48 / n))))
        cols = int(STRIP_W // cell)
    cols = max(min(cols, n), 1)
    return cols, math.ceil(max(n, 1) / cols), cell


def member_summary(net, members: list[str]) -> str:
    """What a group's members are: "16 × tanh", "2 inputs", "4 × product", "3 × mixed"."""
    g = net.graph
    n = len(members)
    kinds = {g.nodes[m]["kind"] for m in members}
    if kinds == {"input"}:
        return f"{n} input" + ("s" if n != 1 else "")
    looks = {_look(g.nodes[m]) for m in members}
    what = looks.pop() if len(looks) == 1 else "mixed"
    return f"{n} × {what}"


def _look(attrs: dict) -> str:
    if attrs.get("kind") == "input":
        return "input"
    if attrs.get("aggregate") == "product":
        return "product"
    return str(attrs.get("activation", "identity"))


def block_size(label: str, summary: str, n: int) -> tuple[float, float]:
    """(width, height) of the block of a group of n members: the caption's two lines over
    the strip."""
    cols, rows, cell = strip_grid(n)
    text_w = max(text_width(label), text_width(summary, summary=True))
    w = max(MIN_BLOCK_W, text_w + 2 * PAD + 4, cols * cell + 2 * PAD)
    return float(math.ceil(w)), CAPTION_H + rows * cell + PAD


def group_block_size(net, record: dict) -> tuple[float, float]:
    """The block size of a group of `net` (its record in `net.groups`)."""
    members = record["members"]
    return block_size(record["label"], member_summary(net, members), len(members))


def member_offsets(n: int) -> list[tuple[float, float]]:
    """Where a collapsed group's n members sit around its block's centre: at their strip
    cells, centred on their mean (so the block, drawn at the members' centre, stays put)."""
    cols, _, cell = strip_grid(n)
    pts = [((k % cols) * cell, (k // cols) * cell) for k in range(n)]
    if not pts:
        return []
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    return [(x - mx, y - my) for x, y in pts]
