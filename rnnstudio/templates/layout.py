"""Positions for template networks: columns left to right, each centred vertically."""

from __future__ import annotations

from typing import Sequence

DX = 120.0  # horizontal spacing between columns, in scene pixels
DY = 70.0  # vertical spacing between nodes of a column


def column_positions(columns: Sequence[Sequence[str]], dx: float = DX,
                     dy: float = DY) -> dict[str, tuple[float, float]]:
    """{id: (x, y)}: column c at x = c * dx; its nodes dy apart, centred on y = 0."""
    pos = {}
    for c, ids in enumerate(columns):
        top = -(len(ids) - 1) * dy / 2.0
        for i, node in enumerate(ids):
            pos[node] = (c * dx, top + i * dy)
    return pos


def apply_layout(net, columns: Sequence[Sequence[str]], dx: float = DX, dy: float = DY) -> None:
    """Move the nodes of `columns` to their column positions."""
    for node, (x, y) in column_positions(columns, dx, dy).items():
        net.move_node(node, x, y)
