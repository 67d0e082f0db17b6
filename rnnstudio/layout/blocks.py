"""A collapsed group's block: its caption, size and strip of member cells, shared by the
layout (which gives a collapsed group the room its block takes) and the canvas (which draws
it). No Qt: text widths are estimated generously from the label's length (the canvas measures
the text too and never draws a block smaller than this)."""

from __future__ import annotations

import math

STRIP_W = 112.0  # a strip's target width (cells shrink for big groups, 2 units at least)
MIN_BLOCK_W = 84.0
PAD = 8.0
LINE_H = 15.0
CAPTION_H = 2 * LINE_H + 6  # the label, then "16 × tanh"
CAPTION_CHAR = 7.7  # an average character of the label (9 pt demi-bold) in scene units
SUMMARY_CHAR = 6.3  # ... of the summary line (8 pt)


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
    text_w = max(CAPTION_CHAR * len(label), SUMMARY_CHAR * len(summary))
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
